/* dp_simd: the anti-diagonal forward in float and double (maths, scaling and
 * redo criterion in dp_simd.h): the per-pair inputs, the plain-C kernels
 * that are the twins of the AVX ones (dp_simd_x86.c), the pass driver
 * (dp_simd_pass.h, once per precision), and run-time dispatch. */
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

/* the forward alone runs by stripes up to this many cells (n+1)(m+1) */
#define STRIPES_MAX_CELLS 3e5


/* ------------------------------------------------------ plain-C kernel */

/* The sum form (dp_simd_impl.h): a cell from the sums its predecessors
 * stored, then the sums it passes on; in float and in double. */
#define SUM_FORM_C(name, real, arg_t, pm, qx, qy)                                        \
	real name(const phmm_f32_in_t *in, const arg_t *a)                                \
	{                                                                                 \
		const real *t = a->t;                                                     \
		real mx = 0;                                                              \
		int64_t i;                                                                \
		for (i = a->ilo; i <= a->ihi; i++) {                                      \
			const int32_t idx = in->xi[i] + in->yi[a->yoff + i];              \
			const real m = in->pm[idx] * a->f2 * a->S2[i - 1];                \
			const real x = in->qx[i] * a->f1 * a->SX1[i - 1];                 \
			const real y = in->qy[a->yoff + i] * a->f1 * a->SY1[i];           \
			a->S[i] = t[0] * m + t[1] * x + t[2] * y;                         \
			a->SX[i] = t[3] * m + t[4] * x;                                   \
			a->SY[i] = t[5] * m + t[6] * y;                                   \
			if (m > mx) mx = m;                                               \
			if (x > mx) mx = x;                                               \
			if (y > mx) mx = y;                                               \
		}                                                                         \
		return mx;                                                                \
	}
SUM_FORM_C(phmm_sdiag_c, float, phmm_sdiag_t, pmf, qxs, qys)
SUM_FORM_C(phmm_sdiag64_c, double, phmm_sdiag64_t, pmfd, qxsd, qysd)
#undef SUM_FORM_C

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
	free(s->qxsd);
	free(s->qysd);
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

int phmm_f32_inputs(const phmm_tables_t *t, const phmm_pair_t *pr, int with_double, phmm_f32_mem_t *s, phmm_f32_in_t *in)
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
	if (with_double) {
		s->qxsd = calloc(n + 1 + 2 * P, sizeof *s->qxsd);
		s->qysd = calloc(m + 1 + 2 * P, sizeof *s->qysd);
		if (!s->qxsd || !s->qysd) return TS_ENOMEM;
	}
	if (!s->xi || !s->qxs || !s->yi || !s->qys || !s->xb || !s->yb) return TS_ENOMEM;
	for (i = 1; i <= n; i++) {
		s->xi[P + i] = s->ky * mx[pr->x[i - 1] & 15];
		s->qxs[P + i] = (float)t->qx[pr->x[i - 1] & 15];
		if (with_double) s->qxsd[P + i] = t->qx[pr->x[i - 1] & 15];
	}
	for (i = 0; i < m; i++) {
		int c = pr->y[m - 1 - i] & 15;
		s->yi[P + i] = my[c];
		s->qys[P + i] = (float)t->qy[c];
		if (with_double) s->qysd[P + i] = t->qy[c];
	}
	for (i = 0; i < n + 1 + 2 * P; i++) s->xb[i] = (uint8_t)s->xi[i];
	for (i = 0; i < m + 1 + 2 * P; i++) s->yb[i] = (uint8_t)s->yi[i];
	for (a = 0; a < s->kx; a++)
		for (b = 0; b < s->ky; b++) {
			s->pmf[a * s->ky + b] = (float)(s->pmfd[a * s->ky + b] = t->pm[s->cx[a]][s->cy[b]]);
			s->qxt[a * s->ky + b] = (float)(s->qxtd[a * s->ky + b] = t->qx[s->cx[a]]);
			s->qyt[a * s->ky + b] = (float)(s->qytd[a * s->ky + b] = t->qy[s->cy[b]]);
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
	in->pmfd = s->pmfd, in->qxtd = s->qxtd, in->qytd = s->qytd;
	in->qxsd = with_double ? s->qxsd + P : NULL, in->qysd = with_double ? s->qysd + P : NULL;
	in->ntab = s->kx * s->ky;
	in->ky = s->ky;
	return TS_OK;
}

/* The cells of each diagonal: i from max(0, d − m) to min(d, n), and within
 * a band i + lo_band[i] ≤ d ≤ i + hi_band[i].  Both bounds are strictly
 * increasing in i for a band that never narrows leftwards (io/pairs bands
 * around a CIGAR path), so a diagonal's band cells are one interval that
 * moves by at most one cell per diagonal, as the kernels assume.  Any other
 * band, or one leaving a diagonal empty, goes to double (PHMM_REDO). */
int phmm_diag_bounds(const phmm_pair_t *pr, int64_t *lo, int64_t *hi)
{
	const int64_t n = pr->n, m = pr->m, D = n + m;
	int64_t d, i;
#define BAND_LO(i) (pr->lo[i] > 0 ? (int64_t)pr->lo[i] : 0)
#define BAND_HI(i) (pr->hi[i] < m ? (int64_t)pr->hi[i] : m)
	for (d = 0; d <= D; d++) lo[d] = d > m ? d - m : 0, hi[d] = d < n ? d : n;
	if (!pr->lo) return TS_OK;
	for (i = 1; i <= n; i++)
		if (BAND_LO(i) < BAND_LO(i - 1) || BAND_HI(i) < BAND_HI(i - 1)) return PHMM_REDO;
	if (BAND_LO(0) != 0 || BAND_HI(n) != m) return PHMM_REDO;  /* B and the end inside */
	for (d = 0, i = 0; d <= D; d++) {  /* first i with i + hi[i] ≥ d */
		while (i <= n && i + BAND_HI(i) < d) i++;
		if (i > lo[d]) lo[d] = i;
	}
	for (d = D, i = n; d >= 0; d--) {  /* last i with i + lo[i] ≤ d */
		while (i >= 0 && i + BAND_LO(i) > d) i--;
		if (i < hi[d]) hi[d] = i;
		if (lo[d] > hi[d]) return PHMM_REDO;
	}
#undef BAND_LO
#undef BAND_HI
	return TS_OK;
}

/* The pair reversed, each path read backwards: a transition a→b becomes
 * b→a, the end factors τ become the start and the start factors (B behaves
 * like M) the end; cell (i, j) of diagonal d is cell (n − i, m − j) of
 * D − d. */
int phmm_pair_reversed(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_pair_t *rp, double tr[PH_NTRANS], double start[3])
{
	uint8_t *x = malloc(pr->n + 1), *y = malloc(pr->m + 1);
	int64_t i;
	memset(rp, 0, sizeof *rp);
	if (!x || !y) {
		free(x);
		free(y);
		return TS_ENOMEM;
	}
	for (i = 0; i < pr->n; i++) x[i] = pr->x[pr->n - 1 - i];
	for (i = 0; i < pr->m; i++) y[i] = pr->y[pr->m - 1 - i];
	rp->x = x, rp->n = pr->n, rp->y = y, rp->m = pr->m;
	tr[PH_MM] = t->t[PH_MM], tr[PH_XX] = t->t[PH_XX], tr[PH_YY] = t->t[PH_YY];
	tr[PH_MX] = t->t[PH_XM], tr[PH_XM] = t->t[PH_MX];
	tr[PH_MY] = t->t[PH_YM], tr[PH_YM] = t->t[PH_MY];
	tr[PH_ME] = t->t[PH_MM], tr[PH_XE] = t->t[PH_MX], tr[PH_YE] = t->t[PH_MY];
	start[0] = t->t[PH_ME], start[1] = t->t[PH_XE], start[2] = t->t[PH_YE];
	return TS_OK;
}

void phmm_pair_reversed_free(phmm_pair_t *rp)
{
	free((void *)rp->x);
	free((void *)rp->y);
	memset(rp, 0, sizeof *rp);
}

/* The float and the double forward passes, criteria (b)–(f) */
#define REAL float
#define PFX(name) f32_##name
#define SDIAG_T phmm_sdiag_t
#define SDIAG_FN phmm_sdiag_fn
#define NEXT_SCALE phmm_f32_next_scale
#define TAB(in, name) (in).name
#define DOUBLE_PASS 0
#include "pairhmm/dp_simd_pass.h"

#define REAL double
#define PFX(name) f64_##name
#define SDIAG_T phmm_sdiag64_t
#define SDIAG_FN phmm_sdiag64_fn
#define NEXT_SCALE phmm_f64_next_scale
#define TAB(in, name) (in).name##d
#define DOUBLE_PASS 1
#include "pairhmm/dp_simd_pass.h"

/* The stripe forward (dp_stripe.c) from both ends, with criteria (a)–(f):
 * lf and lr from the blocks' exponents as dp_stripe.c bounds them. */
static int stripe_forward(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	const int64_t D = pr->n + pr->m;
	const double start[3] = {t->t[PH_MM], t->t[PH_MX], t->t[PH_MY]};
	double ln, back, tr[PH_NTRANS], rstart[3], *lf = malloc((D + 1) * sizeof *lf), *lr = malloc((D + 1) * sizeof *lr);
	int64_t *lo = malloc((D + 1) * sizeof *lo), *hi = malloc((D + 1) * sizeof *hi), d;
	phmm_pair_t rp = {0};
	int ret = TS_ENOMEM, tb, tbr;
	if (!phmm_f32_tables_fit(t)) ret = PHMM_REDO;  /* (a) */
	else if (lf && lr && lo && hi && (ret = phmm_diag_bounds(pr, lo, hi)) == TS_OK &&
		 (ret = phmm_stripe_pass_model(t, t->t, start, pr, &ln, lf, &tb)) == TS_OK &&
		 (ret = phmm_pair_reversed(t, pr, &rp, tr, rstart)) == TS_OK &&
		 (ret = phmm_stripe_pass_model(t, tr, rstart, &rp, &back, lr, &tbr)) == TS_OK) {
		/* lf, lr hold max(−E) per diagonal: what flushing lost is below
		 * 2^(−126 − E), which f32_lost_bound reads as lf − (TARGET + 126);
		 * the cells are below 2^(tbr − E) */
		for (d = 0; d <= D; d++) lf[d] += PHMM_TARGET_EXP, lr[d] += tbr;
		ret = f32_trust(pr, lo, hi, ln, back, lf, lr, lnL);
	}
	phmm_pair_reversed_free(&rp);
	free(lf);
	free(lr);
	free(lo);
	free(hi);
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

phmm_sdiag_fn phmm_kernel_sdiag(phmm_kernel_t k)
{
#if defined(__x86_64__) || defined(__i386__)
	if (k == PHMM_KERNEL_AVX2) return phmm_sdiag_avx2;
	if (k == PHMM_KERNEL_AVX512) return phmm_sdiag_avx512;
#endif
	return k == PHMM_KERNEL_F32_C ? phmm_sdiag_c : NULL;
}

/* The double kernel: AVX-512, else the plain-C twin for any float kernel */
phmm_sdiag64_fn phmm_kernel_sdiag64(phmm_kernel_t k)
{
#if defined(__x86_64__) || defined(__i386__)
	if (k == PHMM_KERNEL_AVX512) return phmm_sdiag64_avx512;
#endif
	return k == PHMM_KERNEL_SCALAR ? NULL : phmm_sdiag64_c;
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

/* Pairs without a band, x filling the stripes, on AVX-512 */
static int stripes_apply(const phmm_pair_t *pr)
{
	return phmm_kernel_supported(PHMM_KERNEL_AVX512) && !pr->lo && !pr->glocal && pr->n >= PHMM_STRIPE_MIN_N && pr->m >= 1;
}

int phmm_forward_kernel(phmm_kernel_t k, const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	phmm_sdiag_fn fn = phmm_kernel_sdiag(k);
	if (!fn || pr->glocal) return phmm_forward(t, pr, lnL);
	return f32_forward(t, pr, fn, lnL);
}

int phmm_forward_stripes(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	return stripes_apply(pr) ? stripe_forward(t, pr, lnL) : PHMM_REDO;
}

int phmm_forward_stripe_pass(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	const double start[3] = {t->t[PH_MM], t->t[PH_MX], t->t[PH_MY]};
	double *lg;
	int r, tb;
	if (!phmm_kernel_supported(PHMM_KERNEL_AVX512) || pr->lo || pr->glocal || pr->n < 1 || pr->m < 1) return PHMM_REDO;
	if (!(lg = malloc((pr->n + pr->m + 1) * sizeof *lg))) return TS_ENOMEM;
	r = phmm_stripe_pass_model(t, t->t, start, pr, lnL, lg, &tb);
	free(lg);
	return r;
}

int phmm_forward_kernel_pass(phmm_kernel_t k, const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	phmm_sdiag_fn fn = phmm_kernel_sdiag(k);
	int64_t *lo, *hi;
	int r;
	if (!fn || pr->glocal) return phmm_forward(t, pr, lnL);
	lo = malloc((pr->n + pr->m + 1) * sizeof *lo);
	hi = malloc((pr->n + pr->m + 1) * sizeof *hi);
	r = !lo || !hi ? TS_ENOMEM : phmm_diag_bounds(pr, lo, hi);
	if (r == TS_OK) r = f32_pass(t, pr, lo, hi, fn, lnL, NULL);
	free(lo);
	free(hi);
	return r;
}

int phmm_forward_fast(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	int r;
	pthread_once(&chosen_once, choose);
	if (chosen == PHMM_KERNEL_SCALAR || pr->glocal) return phmm_forward(t, pr, lnL);
	/* stripes, two at a time, beat the diagonals' per-diagonal work below
	 * ~500 × 600 (bench/dp.sh, phmm_forward_fast, best of 2: 300×400 1.23
	 * GCUPS against 1.10, 400×500 1.31 against 1.24, 600×700 1.37 against
	 * 1.41, 1 kb 1.48 against 1.60).  Their bounds on lost mass are per
	 * block of 16 diagonals, so looser: what they leave, diagonals may keep */
	if (chosen == PHMM_KERNEL_AVX512 && (double)(pr->n + 1) * (double)(pr->m + 1) <= STRIPES_MAX_CELLS &&
	    (r = phmm_forward_stripes(t, pr, lnL)) != PHMM_REDO)
		return r;
	r = phmm_forward_kernel(chosen, t, pr, lnL);
	return r == PHMM_REDO ? phmm_forward(t, pr, lnL) : r;
}

int phmm_forward_kernel64(phmm_kernel_t k, const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	phmm_sdiag64_fn fn = phmm_kernel_sdiag64(k);
	if (!fn || pr->glocal) return phmm_forward(t, pr, lnL);
	return f64_forward(t, pr, fn, lnL);
}

int phmm_forward_fast64(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	int r = phmm_forward_kernel64(phmm_kernel_chosen(), t, pr, lnL);
	return r == PHMM_REDO ? phmm_forward(t, pr, lnL) : r;
}
