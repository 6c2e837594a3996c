/* dp_simd: the anti-diagonal float forward (maths, scaling and redo criterion
 * in dp_simd.h): the driver shared by every kernel, the plain-C kernel that
 * is the twin of the AVX ones (dp_simd_x86.c), and run-time dispatch. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#ifdef __SSE__
#include <xmmintrin.h>
#endif
#include "pairhmm/dp_simd.h"
#include "pairhmm/dp_simd_impl.h"
#include "util/log.h"


/* ------------------------------------------------------ plain-C kernel */

float phmm_diag_c(const phmm_f32_in_t *in, float *const cur[3], const float *const d1[3], const float *const d2[3],
		  int64_t ilo, int64_t ihi, int64_t yoff, const float c[7])
{
	float mx = 0;
	int64_t i;
	for (i = ilo; i <= ihi; i++) {
		int64_t k = yoff + i;
		/* fM_d[i] = p · (MM fM_{d−2}[i−1] + XM fX_{d−2}[i−1] + YM fY_{d−2}[i−1]) */
		float m = in->pmf[in->xi[i] + in->yi[k]] * (c[0] * d2[0][i - 1] + c[1] * d2[1][i - 1] + c[2] * d2[2][i - 1]);
		/* fX_d[i] = qX · (MX fM_{d−1}[i−1] + XX fX_{d−1}[i−1]) */
		float x = in->qxs[i] * (c[3] * d1[0][i - 1] + c[4] * d1[1][i - 1]);
		/* fY_d[i] = qY · (MY fM_{d−1}[i] + YY fY_{d−1}[i]) */
		float y = in->qys[k] * (c[5] * d1[0][i] + c[6] * d1[2][i]);
		cur[0][i] = m, cur[1][i] = x, cur[2][i] = y;
		if (m > mx) mx = m;
		if (x > mx) mx = x;
		if (y > mx) mx = y;
	}
	return mx;
}

/* The sum form (dp_simd_impl.h): a cell from the sums its predecessors
 * stored, then the sums it passes on. */
float phmm_sdiag_c(const phmm_f32_in_t *in, const phmm_sdiag_t *a)
{
	const float *t = a->t;
	float mx = 0;
	int64_t i;
	for (i = a->ilo; i <= a->ihi; i++) {
		const int32_t idx = in->xi[i] + in->yi[a->yoff + i];
		const float m = in->pmf[idx] * a->f2 * a->S2[i - 1];
		const float x = in->qxs[i] * a->f1 * a->SX1[i - 1];
		const float y = in->qys[a->yoff + i] * a->f1 * a->SY1[i];
		a->S[i] = t[0] * m + t[1] * x + t[2] * y;
		a->SX[i] = t[3] * m + t[4] * x;
		a->SY[i] = t[5] * m + t[6] * y;
		if (m > mx) mx = m;
		if (x > mx) mx = x;
		if (y > mx) mx = y;
	}
	return mx;
}

/* ------------------------------------------------------------- driver */

/* Criterion (a): every non-zero entry in [2^−60, 16]. */
int phmm_f32_tables_fit(const phmm_tables_t *t)
{
	const double lo = ldexp(1, -60), hi = 16;
	const double *v[4] = {t->t, &t->pm[0][0], t->qx, t->qy};
	const int len[4] = {PH_NTRANS, 256, 16, 16};
	int a, k;
	for (a = 0; a < 4; a++)
		for (k = 0; k < len[a]; k++)
			if (v[a][k] != 0 && !(v[a][k] >= lo && v[a][k] <= hi)) return 0;
	return 1;
}

void phmm_f32_mem_free(phmm_f32_mem_t *s)
{
	free(s->xi);
	free(s->yi);
	free(s->qxs);
	free(s->qys);
	free(s->xb);
	free(s->yb);
	memset(s, 0, sizeof *s);
}

/* MXCSR: flush-to-zero (bit 15) and denormals-are-zero (bit 6) */
unsigned phmm_f32_ftz_on(void)
{
#ifdef __SSE__
	unsigned csr = _mm_getcsr();
	_mm_setcsr(csr | 0x8040);
	return csr;
#else
	return 0;
#endif
}

void phmm_f32_ftz_restore(unsigned csr)
{
#ifdef __SSE__
	_mm_setcsr(csr);
#else
	(void)csr;
#endif
}

/* Renumber the codes present in s[0..len): map[code] = 0..k−1; returns k. */
static int renumber(const uint8_t *s, int64_t len, int32_t map[16], uint8_t code[16])
{
	int seen[16] = {0}, c, k = 0;
	int64_t i;
	for (i = 0; i < len; i++) seen[s[i] & 15] = 1;
	for (c = 0; c < 16; c++) {
		map[c] = 0;
		if (seen[c]) code[k] = (uint8_t)c, map[c] = k++;
	}
	if (k == 0) code[k++] = 0;  /* an empty sequence: one dummy row */
	return k;
}

int phmm_f32_inputs(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_f32_mem_t *s, phmm_f32_in_t *in)
{
	const int64_t n = pr->n, m = pr->m, P = PHMM_PAD;
	int32_t mx[16], my[16];
	int a, b;
	int64_t i;
	memset(s, 0, sizeof *s);
	s->kx = renumber(pr->x, n, mx, s->cx), s->ky = renumber(pr->y, m, my, s->cy);
	s->xi = calloc(n + 1 + 2 * P, sizeof *s->xi);
	s->qxs = calloc(n + 1 + 2 * P, sizeof *s->qxs);
	s->yi = calloc(m + 1 + 2 * P, sizeof *s->yi);
	s->qys = calloc(m + 1 + 2 * P, sizeof *s->qys);
	s->xb = calloc(n + 1 + 2 * P, 1);
	s->yb = calloc(m + 1 + 2 * P, 1);
	if (!s->xi || !s->qxs || !s->yi || !s->qys || !s->xb || !s->yb) return TS_ENOMEM;
	for (i = 1; i <= n; i++) {
		s->xi[P + i] = s->ky * mx[pr->x[i - 1] & 15];
		s->qxs[P + i] = (float)(t->qx[pr->x[i - 1] & 15]);
	}
	for (i = 0; i < m; i++) {
		int c = pr->y[m - 1 - i] & 15;
		s->yi[P + i] = my[c];
		s->qys[P + i] = (float)t->qy[c];
	}
	for (i = 0; i < n + 1 + 2 * P; i++) s->xb[i] = (uint8_t)s->xi[i];
	for (i = 0; i < m + 1 + 2 * P; i++) s->yb[i] = (uint8_t)s->yi[i];
	for (a = 0; a < s->kx; a++)
		for (b = 0; b < s->ky; b++) {
			s->pmf[a * s->ky + b] = (float)t->pm[s->cx[a]][s->cy[b]];
			s->qxt[a * s->ky + b] = (float)t->qx[s->cx[a]];
			s->qyt[a * s->ky + b] = (float)t->qy[s->cy[b]];
		}
	in->xi = s->xi + P;
	in->qxs = s->qxs + P;
	in->yi = s->yi + P;
	in->qys = s->qys + P;
	in->pmf = s->pmf;
	in->xb = s->xb + P;
	in->yb = s->yb + P;
	in->qxt = s->qxt;
	in->qyt = s->qyt;
	in->ntab = s->kx * s->ky;
	in->ky = s->ky;
	return TS_OK;
}

/* One float pass of the forward recursion (dp_simd.h) in sum form
 * (dp_simd_impl.h), with kernel fn; transitions tr, and start[] the factors
 * out of B into M, X, Y.  Sets *lnL, and lg_max[d] (if not NULL) to log2 of
 * a bound on diagonal d's largest cell.  Returns 0, PHMM_REDO (criteria b, c) or
 * TS_ENOMEM. */
static int f32_pass_model(const phmm_tables_t *t, const double *tr, const double start[3], const phmm_pair_t *pr,
			  phmm_sdiag_fn fn, double *lnL, double *lg_max)
{
	const int64_t n = pr->n, m = pr->m, D = n + m, len = n + 1 + 2 * PHMM_PAD + 16;
	static const int order[7] = {PH_MM, PH_XM, PH_YM, PH_MX, PH_XX, PH_MY, PH_YY};
	phmm_f32_mem_t mem;
	phmm_f32_in_t in;
	phmm_sdiag_t a;
	float *buf = NULL, mx1, mx2 = 0, mx;
	int64_t d, s1, s2, sd = 0, slen = (len + 15) & ~(int64_t)15;
	int ret, k, st;
	unsigned csr;
	double end;
	csr = phmm_f32_ftz_on();
	if ((ret = phmm_f32_inputs(t, pr, &mem, &in)) < 0) goto done;
	ret = TS_ENOMEM;
	/* 3 rotating slots (d mod 3) of S, SX, SY; 64-byte aligned */
	if (!(buf = aligned_alloc(64, (size_t)(9 * slen) * sizeof *buf))) goto done;
	memset(buf, 0, (size_t)(9 * slen) * sizeof *buf);
	for (k = 0; k < 7; k++) a.t[k] = (float)tr[order[k]];
#define SLOT(d, st) (buf + (((d) + 3) % 3 * 3 + (st)) * slen + PHMM_PAD + phmm_sum_shift(d))
	/* diagonal 0: B = (0,0), value 1 = 2^100 · 2^−100, passing start[] on */
	SLOT(0, 0)[0] = (float)(start[0] * ldexp(1, PHMM_TARGET_EXP));
	SLOT(0, 1)[0] = (float)(start[1] * ldexp(1, PHMM_TARGET_EXP));
	SLOT(0, 2)[0] = (float)(start[2] * ldexp(1, PHMM_TARGET_EXP));
	mx1 = ldexpf(1, PHMM_TARGET_EXP);
	s1 = s2 = PHMM_TARGET_EXP;
	if (lg_max) lg_max[0] = 0;
	for (d = 1; d <= D; d++) {
		a.ilo = d > m ? d - m : 0, a.ihi = d < n ? d : n, a.yoff = m - d;
		if ((ret = phmm_f32_next_scale(mx1, s1, mx2, s2, &sd)) != TS_OK) goto done;
		a.f2 = (float)phmm_pow2(sd - s2), a.f1 = (float)phmm_pow2(sd - s1);
		a.S = SLOT(d, 0), a.SX = SLOT(d, 1), a.SY = SLOT(d, 2);
		a.S2 = SLOT(d - 2, 0), a.SX1 = SLOT(d - 1, 1), a.SY1 = SLOT(d - 1, 2);
		mx = fn(&in, &a);
		/* the cells just outside the diagonal are read later as 0 */
		for (st = 0; st < 3; st++) SLOT(d, st)[a.ilo - 1] = SLOT(d, st)[a.ihi + 1] = 0;
		/* log2 of a bound on the diagonal's true maximum, ≥ 2^(100 − s_d) so
		 * that 2^(lg_max − 226) bounds what flushing lost (criterion f) */
		if (lg_max) lg_max[d] = (mx > 0x1p100f ? log2(mx) : PHMM_TARGET_EXP) - (double)sd;
		mx2 = mx1, s2 = s1;
		mx1 = mx, s1 = sd;
	}
	ret = PHMM_REDO;
	if (!isfinite(mx1)) goto done;
	{	/* the last cell (n, m), in the scale of diagonal D */
		const int64_t i = n, idx = in.xi[n] + in.yi[0];
		double fm = 0, fx = 0, fy = 0;
		if (n >= 1 && m >= 1) fm = (double)in.pmf[idx] * a.f2 * SLOT(D - 2, 0)[i - 1];
		if (n >= 1) fx = (double)in.qxs[n] * a.f1 * SLOT(D - 1, 1)[i - 1];
		if (m >= 1) fy = (double)in.qys[0] * a.f1 * SLOT(D - 1, 2)[i];
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

static int f32_pass(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_sdiag_fn fn, double *lnL, double *lg_max)
{
	const double start[3] = {t->t[PH_MM], t->t[PH_MX], t->t[PH_MY]};
	return f32_pass_model(t, t->t, start, pr, fn, lnL, lg_max);
}

/* The same P from the other end: the pair reversed, each path read
 * backwards, so a transition a→b becomes b→a, the end factors τ become the
 * start and the start factors (B behaves like M) the end.  Its diagonal
 * D−d−1 and D−d−2 maxima bound the backward values b of diagonal d. */
static int f32_reversed(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_sdiag_fn fn, double *lnL, double *lg_max)
{
	double tr[PH_NTRANS], start[3] = {t->t[PH_ME], t->t[PH_XE], t->t[PH_YE]};
	uint8_t *x = malloc(pr->n + 1), *y = malloc(pr->m + 1);
	phmm_pair_t rp = {.x = x, .n = pr->n, .y = y, .m = pr->m};
	int64_t i;
	int ret = TS_ENOMEM;
	if (x && y) {
		for (i = 0; i < pr->n; i++) x[i] = pr->x[pr->n - 1 - i];
		for (i = 0; i < pr->m; i++) y[i] = pr->y[pr->m - 1 - i];
		tr[PH_MM] = t->t[PH_MM], tr[PH_XX] = t->t[PH_XX], tr[PH_YY] = t->t[PH_YY];
		tr[PH_MX] = t->t[PH_XM], tr[PH_XM] = t->t[PH_MX];
		tr[PH_MY] = t->t[PH_YM], tr[PH_YM] = t->t[PH_MY];
		tr[PH_ME] = t->t[PH_MM], tr[PH_XE] = t->t[PH_MX], tr[PH_YE] = t->t[PH_MY];
		ret = f32_pass_model(t, tr, start, &rp, fn, lnL, lg_max);
	}
	free(x);
	free(y);
	return ret;
}

/* Criterion (f): an upper bound, in log2, on the forward mass lost to
 * underflow.  A sum of diagonal d below float's range held < 2^(−126) in
 * stored units (flushed to 0), i.e. < 2^(lf[d] − 226) (f32_pass_model); its
 * paths continue on d+1 or d+2 with b ≤ 3·max of the reversed pass on
 * diagonals D−d−1, D−d−2.  Summed over the cells of every diagonal. */
static double lost_bound(const phmm_pair_t *pr, const double *lf, const double *lr)
{
	const int64_t n = pr->n, m = pr->m, D = n + m;
	double acc = -INFINITY;
	int64_t d;
	for (d = 1; d < D; d++) {
		int64_t ilo = d > m ? d - m : 0, ihi = d < n ? d : n;
		double b = lr[D - d - 1], v;
		if (D - d - 2 >= 0 && lr[D - d - 2] > b) b = lr[D - d - 2];
		/* flushed values are < 2^(−126 − s_d) ≤ 2^(lf − 226) */
		v = log2((double)(ihi - ilo + 1)) + lf[d] - 226 + log2(3) + b;
		acc = acc > v ? acc + log2(1 + exp2(v - acc)) : v + (acc > -INFINITY ? log2(1 + exp2(acc - v)) : 0);
	}
	return acc;
}

static int f32_forward(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_sdiag_fn fn, double *lnL)
{
	double ln, back, *lf, *lr;
	int ret;
	if (!phmm_f32_tables_fit(t)) return PHMM_REDO;  /* (a) */
	lf = malloc((pr->n + pr->m + 1) * sizeof *lf);
	lr = malloc((pr->n + pr->m + 1) * sizeof *lr);
	ret = !lf || !lr ? TS_ENOMEM : f32_pass(t, pr, fn, &ln, lf);
	if (ret == TS_OK) ret = f32_reversed(t, pr, fn, &back, lr);
	if (ret == TS_OK) {
		/* (f) both ends agree, and the bound on lost mass is < 10^-8 of P */
		if (fabs(back - ln) > 1e-7 * fabs(ln) || lost_bound(pr, lf, lr) > ln / M_LN2 + log2(1e-8)) ret = PHMM_REDO;
		/* (d) the rounding of ~n+m float factors against 10^-6 of ln P */
		else if ((double)(pr->n + pr->m + 2) * ldexp(1, -23) > 1e-6 * fabs(ln)) ret = PHMM_REDO;
		else *lnL = ln;
	}
	free(lf);
	free(lr);
	return ret;
}

/* ----------------------------------------------------------- dispatch */

static const char *const kernel_names[PHMM_KERNEL_COUNT] = {"scalar", "f32c", "avx2", "avx512"};

const char *phmm_kernel_label(phmm_kernel_t k)
{
	return k >= 0 && k < PHMM_KERNEL_COUNT ? kernel_names[k] : "?";
}

int phmm_kernel_supported(phmm_kernel_t k)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	if (k == PHMM_KERNEL_AVX2) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
	if (k == PHMM_KERNEL_AVX512) return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
#else
	if (k == PHMM_KERNEL_AVX2 || k == PHMM_KERNEL_AVX512) return 0;
#endif
	return k == PHMM_KERNEL_SCALAR || k == PHMM_KERNEL_F32_C;
}

static phmm_kernel_t chosen = PHMM_KERNEL_SCALAR;
static pthread_once_t chosen_once = PTHREAD_ONCE_INIT;

/* AVX-512 > AVX2 > scalar, unless TESSERA_KERNEL names one (one the CPU
 * lacks gives scalar; an unknown name is ignored). */
static void choose(void)
{
	const char *env = getenv("TESSERA_KERNEL");
	int k;
	for (k = 0; env && *env && k < PHMM_KERNEL_COUNT; k++)
		if (strcmp(env, kernel_names[k]) == 0) {
			if (phmm_kernel_supported((phmm_kernel_t)k)) chosen = (phmm_kernel_t)k;
			else ts_warn("TESSERA_KERNEL=%s: this CPU lacks it; scalar used", env);
			return;
		}
	if (env && *env) ts_warn("TESSERA_KERNEL=%s is not scalar, f32c, avx2 or avx512: ignored", env);
	/* AVX-512 first: its forward pass measured 3.0–3.7 GCUPS against AVX2's
	 * 2.4–3.2 on pairs of 1 kb and more (bench/dp.sh), the forward–backward
	 * 0.40–0.44 against 0.30–0.42 */
	if (phmm_kernel_supported(PHMM_KERNEL_AVX512)) chosen = PHMM_KERNEL_AVX512;
	else if (phmm_kernel_supported(PHMM_KERNEL_AVX2)) chosen = PHMM_KERNEL_AVX2;
}

const char *phmm_kernel_name(void)
{
	pthread_once(&chosen_once, choose);
	return kernel_names[chosen];
}

phmm_diag_fn phmm_kernel_diag(phmm_kernel_t k)
{
#if defined(__x86_64__) || defined(__i386__)
	if (k == PHMM_KERNEL_AVX2) return phmm_diag_avx2;
	if (k == PHMM_KERNEL_AVX512) return phmm_diag_avx512;
#endif
	return k == PHMM_KERNEL_F32_C ? phmm_diag_c : NULL;
}

phmm_sdiag_fn phmm_kernel_sdiag(phmm_kernel_t k)
{
#if defined(__x86_64__) || defined(__i386__)
	if (k == PHMM_KERNEL_AVX2) return phmm_sdiag_avx2;
	if (k == PHMM_KERNEL_AVX512) return phmm_sdiag_avx512;
#endif
	return k == PHMM_KERNEL_F32_C ? phmm_sdiag_c : NULL;
}

phmm_bdiag_fn phmm_kernel_bdiag(phmm_kernel_t k)
{
#if defined(__x86_64__) || defined(__i386__)
	if (k == PHMM_KERNEL_AVX2) return phmm_bdiag_avx2;
	if (k == PHMM_KERNEL_AVX512) return phmm_bdiag_avx512;
#endif
	return k == PHMM_KERNEL_F32_C ? phmm_bdiag_c : NULL;
}

phmm_kernel_t phmm_kernel_chosen(void)
{
	pthread_once(&chosen_once, choose);
	return chosen;
}

int phmm_forward_kernel(phmm_kernel_t k, const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	phmm_sdiag_fn fn = phmm_kernel_sdiag(k);
	if (!fn || pr->lo || pr->glocal) return phmm_forward(t, pr, lnL);
	return f32_forward(t, pr, fn, lnL);
}

int phmm_forward_kernel_pass(phmm_kernel_t k, const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	phmm_sdiag_fn fn = phmm_kernel_sdiag(k);
	if (!fn || pr->lo || pr->glocal) return phmm_forward(t, pr, lnL);
	return f32_pass(t, pr, fn, lnL, NULL);
}

int phmm_forward_fast(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	int r;
	pthread_once(&chosen_once, choose);
	if (chosen == PHMM_KERNEL_SCALAR || pr->lo || pr->glocal) return phmm_forward(t, pr, lnL);
	r = phmm_forward_kernel(chosen, t, pr, lnL);
	return r == PHMM_REDO ? phmm_forward(t, pr, lnL) : r;
}
