/* dp_simd_pass: the forward pass driver of dp_simd.h — the diagonals in sum
 * form, their power-of-2 scales, the second pass from the other end and the
 * redo criteria (b)–(f) — written once and included by dp_simd.c for each
 * precision, as dp_core.h is for double and long double.  The includer
 * defines REAL (float or double), PFX(name) (the functions' prefix), SDIAG_T
 * and SDIAG_FN (the kernel's argument and type), NEXT_SCALE (the scale
 * step), TAB(in, name) (the table of that precision in phmm_f32_in_t) and
 * DOUBLE_PASS (0 or 1).  Float keeps a diagonal's maximum near 2^100 and
 * flushes below 2^−126; double near 2^500, flushing below 2^−1022. */
#if DOUBLE_PASS
#define TGT PHMM_TARGET_EXP64
#define LOST_BITS (PHMM_TARGET_EXP64 + 1022)
#define AGREE 1e-11     /* the two passes' ln P, relative */
#define LOST_REL 1e-13  /* mass lost to underflow, relative to P */
#define EPS_BITS 52     /* rounding of one factor */
#define ROUND_REL 1e-12 /* the rounding of ~n+m factors, relative to ln P */
#else
#define TGT PHMM_TARGET_EXP
#define LOST_BITS (PHMM_TARGET_EXP + 126)
#define AGREE 1e-7
#define LOST_REL 1e-8
#define EPS_BITS 23
#define ROUND_REL 1e-6
#endif

/* One pass of the forward recursion (dp_simd.h) in sum form
 * (dp_simd_impl.h), with kernel fn, over the cells lo[d]..hi[d] of each
 * diagonal; transitions tr, and start[] the factors out of B into M, X, Y.
 * Sets *lnL, and lg_max[d] (if not NULL) to log2 of a bound on diagonal d's
 * largest cell.  Returns 0, PHMM_REDO (criteria b, c) or TS_ENOMEM. */
static int PFX(pass_model)(const phmm_tables_t *t, const double *tr, const double start[3], const phmm_pair_t *pr,
			   const int64_t *lo, const int64_t *hi, SDIAG_FN fn, double *lnL, double *lg_max)
{
	const int64_t n = pr->n, m = pr->m, D = n + m, len = n + 1 + 2 * PHMM_PAD + 16;
	static const int order[7] = {PH_MM, PH_XM, PH_YM, PH_MX, PH_XX, PH_MY, PH_YY};
	phmm_f32_mem_t mem;
	phmm_f32_in_t in;
	SDIAG_T a;
	REAL *buf = NULL, mx1, mx2 = 0, mx;
	int64_t d, s1, s2, sd = 0, slen = (len + 15) & ~(int64_t)15;
	int ret, k, st;
	unsigned csr;
	double end;
	csr = phmm_f32_ftz_on();
	if ((ret = phmm_f32_inputs(t, pr, DOUBLE_PASS, &mem, &in)) < 0) goto done;
	ret = TS_ENOMEM;
	/* 3 rotating slots (d mod 3) of S, SX, SY; 64-byte aligned */
	if (!(buf = aligned_alloc(64, (size_t)(9 * slen) * sizeof *buf))) goto done;
	memset(buf, 0, (size_t)(9 * slen) * sizeof *buf);
	for (k = 0; k < 7; k++) a.t[k] = (REAL)tr[order[k]];
#define SLOT(d, st) (buf + (((d) + 3) % 3 * 3 + (st)) * slen + PHMM_PAD + phmm_sum_shift(d))
	/* diagonal 0: B = (0,0), value 1 = 2^TGT · 2^−TGT, passing start[] on */
	for (st = 0; st < 3; st++) SLOT(0, st)[0] = (REAL)(start[st] * ldexp(1, TGT));
	mx1 = (REAL)ldexp(1, TGT);
	s1 = s2 = TGT;
	if (lg_max) lg_max[0] = 0;
	for (d = 1; d <= D; d++) {
		a.ilo = lo[d], a.ihi = hi[d], a.yoff = m - d;
		if ((ret = NEXT_SCALE(mx1, s1, mx2, s2, &sd)) != TS_OK) goto done;
		a.f2 = (REAL)phmm_pow2(sd - s2), a.f1 = (REAL)phmm_pow2(sd - s1);
		a.S = SLOT(d, 0), a.SX = SLOT(d, 1), a.SY = SLOT(d, 2);
		a.S2 = SLOT(d - 2, 0), a.SX1 = SLOT(d - 1, 1), a.SY1 = SLOT(d - 1, 2);
		mx = fn(&in, &a);
		/* the cells just outside the diagonal are read later as 0 */
		for (st = 0; st < 3; st++) SLOT(d, st)[a.ilo - 1] = SLOT(d, st)[a.ihi + 1] = 0;
		/* log2 of a bound on the diagonal's true maximum, ≥ 2^(TGT − s_d)
		 * so that 2^(lg_max − LOST_BITS) bounds what flushing lost (f) */
		if (lg_max) lg_max[d] = (mx > (REAL)ldexp(1, TGT) ? log2(mx) : TGT) - (double)sd;
		mx2 = mx1, s2 = s1;
		mx1 = mx, s1 = sd;
	}
	ret = PHMM_REDO;
	if (!isfinite(mx1)) goto done;
	{	/* the last cell (n, m), in the scale of diagonal D */
		const int64_t i = n, idx = in.xi[n] + in.yi[0];
		double fm = 0, fx = 0, fy = 0;
		if (n >= 1 && m >= 1) fm = (double)TAB(in, pmf)[idx] * a.f2 * SLOT(D - 2, 0)[i - 1];
		if (n >= 1) fx = (double)TAB(in, qxs)[n] * a.f1 * SLOT(D - 1, 1)[i - 1];
		if (m >= 1) fy = (double)TAB(in, qys)[0] * a.f1 * SLOT(D - 1, 2)[i];
		end = tr[PH_ME] * fm + tr[PH_XE] * fx + tr[PH_YE] * fy;
	}
#undef SLOT
	if (!(end > 0 && isfinite(end))) goto done;  /* (c) */
	*lnL = log(end) - (double)s1 * M_LN2;
	ret = TS_OK;
done:
	phmm_f32_ftz_restore(csr);
	phmm_f32_mem_free(&mem);
	free(buf);
	return ret;
}

static int PFX(pass)(const phmm_tables_t *t, const phmm_pair_t *pr, const int64_t *lo, const int64_t *hi, SDIAG_FN fn,
		     double *lnL, double *lg_max)
{
	const double start[3] = {t->t[PH_MM], t->t[PH_MX], t->t[PH_MY]};
	return PFX(pass_model)(t, t->t, start, pr, lo, hi, fn, lnL, lg_max);
}

/* The same P from the other end (phmm_pair_reversed): its diagonal D−d−1
 * and D−d−2 maxima bound the backward values b of diagonal d. */
static int PFX(reversed)(const phmm_tables_t *t, const phmm_pair_t *pr, const int64_t *lo, const int64_t *hi, SDIAG_FN fn,
			 double *lnL, double *lg_max)
{
	const int64_t D = pr->n + pr->m;
	double tr[PH_NTRANS], start[3];
	int64_t *rlo = malloc((D + 1) * sizeof *rlo), *rhi = malloc((D + 1) * sizeof *rhi), i;
	phmm_pair_t rp;
	int ret = TS_ENOMEM;
	if (rlo && rhi && phmm_pair_reversed(t, pr, &rp, tr, start) == TS_OK) {
		for (i = 0; i <= D; i++) rlo[i] = pr->n - hi[D - i], rhi[i] = pr->n - lo[D - i];
		ret = PFX(pass_model)(t, tr, start, &rp, rlo, rhi, fn, lnL, lg_max);
		phmm_pair_reversed_free(&rp);
	}
	free(rlo);
	free(rhi);
	return ret;
}

/* Criterion (f): an upper bound, in log2, on the forward mass lost to
 * underflow.  A sum of diagonal d below the range held < 2^(−LOST_BITS +
 * TGT) in stored units (flushed to 0), i.e. < 2^(lf[d] − LOST_BITS); its
 * paths continue on d+1 or d+2 with b ≤ 3·max of the reversed pass on
 * diagonals D−d−1, D−d−2.  Summed over the cells of every diagonal. */
static double PFX(lost_bound)(const phmm_pair_t *pr, const int64_t *lo, const int64_t *hi, const double *lf, const double *lr)
{
	const int64_t D = pr->n + pr->m;
	double acc = -INFINITY;
	int64_t d;
	for (d = 1; d < D; d++) {
		double b = lr[D - d - 1], v;
		if (D - d - 2 >= 0 && lr[D - d - 2] > b) b = lr[D - d - 2];
		v = log2((double)(hi[d] - lo[d] + 1)) + lf[d] - LOST_BITS + log2(3) + b;
		acc = acc > v ? acc + log2(1 + exp2(v - acc)) : v + (acc > -INFINITY ? log2(1 + exp2(acc - v)) : 0);
	}
	return acc;
}

/* Criteria (f) and (d) on the two passes' ln P (ln from the start, back
 * from the end) and their bounds lf, lr (as PFX(lost_bound)): 0 with *lnL
 * set, or PHMM_REDO. */
static int PFX(trust)(const phmm_pair_t *pr, const int64_t *lo, const int64_t *hi, double ln, double back, const double *lf,
		      const double *lr, double *lnL)
{
	/* (f) both ends agree, and the bound on lost mass is < LOST_REL of P */
	if (fabs(back - ln) > AGREE * fabs(ln) || PFX(lost_bound)(pr, lo, hi, lf, lr) > ln / M_LN2 + log2(LOST_REL)) return PHMM_REDO;
	/* (d) the rounding of ~n+m factors against ROUND_REL of ln P */
	if ((double)(pr->n + pr->m + 2) * ldexp(1, -EPS_BITS) > ROUND_REL * fabs(ln)) return PHMM_REDO;
	*lnL = ln;
	return TS_OK;
}

/* Criteria (a)–(f) around both passes, over the band's cells (any band
 * phmm_diag_bounds accepts). */
static int PFX(forward)(const phmm_tables_t *t, const phmm_pair_t *pr, SDIAG_FN fn, double *lnL)
{
	const int64_t D = pr->n + pr->m;
	double ln, back, *lf, *lr;
	int64_t *lo, *hi;
	int ret;
	if (!DOUBLE_PASS && !phmm_f32_tables_fit(t)) return PHMM_REDO;  /* (a) */
	lf = malloc((D + 1) * sizeof *lf);
	lr = malloc((D + 1) * sizeof *lr);
	lo = malloc((D + 1) * sizeof *lo);
	hi = malloc((D + 1) * sizeof *hi);
	ret = !lf || !lr || !lo || !hi ? TS_ENOMEM : phmm_diag_bounds(pr, lo, hi);
	if (ret == TS_OK) ret = PFX(pass)(t, pr, lo, hi, fn, &ln, lf);
	if (ret == TS_OK) ret = PFX(reversed)(t, pr, lo, hi, fn, &back, lr);
	if (ret == TS_OK) ret = PFX(trust)(pr, lo, hi, ln, back, lf, lr, lnL);
	free(lf);
	free(lr);
	free(lo);
	free(hi);
	return ret;
}

#undef TGT
#undef LOST_BITS
#undef AGREE
#undef LOST_REL
#undef EPS_BITS
#undef ROUND_REL
#undef REAL
#undef PFX
#undef SDIAG_T
#undef SDIAG_FN
#undef NEXT_SCALE
#undef TAB
#undef DOUBLE_PASS
