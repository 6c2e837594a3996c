/* dp_simd_impl: what the anti-diagonal kernels of dp_simd share (private to
 * dp_simd.c, dp_simd_fb.c and dp_simd_x86.c): the per-pair inputs, the
 * scale step, and the kernels' arguments.  A kernel computes the cells
 * ilo..ihi of one diagonal d (recursions in dp_simd.h and dp_simd_fb.c) and
 * returns the diagonal's largest value; the lanes of its vectors outside
 * ilo..ihi are masked. */
#ifndef TS_PHMM_DP_SIMD_IMPL_H
#define TS_PHMM_DP_SIMD_IMPL_H

#include <math.h>
#include <stdint.h>
#include "pairhmm/dp_impl.h"
#include "pairhmm/dp_simd.h"
#include "util/log.h"

#define PHMM_VMAX 16  /* widest vector, in floats */
#define PHMM_PAD 32   /* padding before and after every per-position array */
#define PHMM_TARGET_EXP 100  /* a diagonal's maximum is brought near 2^100 */
#define PHMM_TARGET_EXP64 500  /* in the double pass, near 2^500 */

/* Per-pair inputs, all indexed so that lane i of a diagonal reads [i] (x
 * side) or [yoff + i] (y side, y reversed).  The codes are renumbered per
 * pair (the codes present in x: 0..kx−1, in y: 0..ky−1) so that p fits a
 * table of ntab = kx·ky entries: ≤ 16 (plain DNA: 4 × 4) is one in-register
 * permute, ≤ 32 two, more a gather.  Outside the sequences q is 0 and the
 * index is 0; the kernels mask the lanes outside a diagonal's cells, and
 * the drivers zero the cells just outside it, which later diagonals read. */
typedef struct {
	const int32_t *xi;   /* kx-renumbered code of x_i times ky (x_i is x[i−1]) */
	const int32_t *yi;   /* renumbered code of y_{m−k} at k = 0..m−1 */
	const float *qxs;    /* qX[x_i]; 0 at i = 0 and i > n */
	const float *qys;    /* qY of the code at yi[k]; 0 at k ≥ m */
	const float *pmf;    /* p[a][b] at xi + yi, ntab entries (padded to 32) */
	const uint8_t *xb, *yb;  /* xi and yi as bytes (ntab ≤ 256) */
	const float *qxt, *qyt;  /* qX[a], qY[b] at the index xi + yi, as pmf */
	const double *pmfd, *qxtd, *qytd, *qxsd, *qysd;  /* the same in double */
	int ntab, ky;        /* ky: codes of y (the backward sorts posteriors by them) */
} phmm_f32_in_t;

/* What phmm_f32_inputs() allocates behind a phmm_f32_in_t.  Arrays are
 * offset by PHMM_PAD. */
typedef struct {
	int32_t *xi, *yi;
	uint8_t *xb, *yb;
	float *qxs, *qys;
	float pmf[256], qxt[256], qyt[256];
	double pmfd[256], qxtd[256], qytd[256], *qxsd, *qysd;
	int kx, ky;
	uint8_t cx[16], cy[16];  /* renumbered code → nt16 code */
} phmm_f32_mem_t;

/** Fill `in` for pair pr; the per-position double arrays (qxsd, qysd) only
 *  with_double (the double pass), else NULL.  0 or TS_ENOMEM; free with
 *  phmm_f32_mem_free() either way. */
int phmm_f32_inputs(const phmm_tables_t *t, const phmm_pair_t *pr, int with_double, phmm_f32_mem_t *s, phmm_f32_in_t *in);
void phmm_f32_mem_free(phmm_f32_mem_t *s);

/* 2^e for −1022 ≤ e ≤ 1023, exactly and without a libm call: a diagonal
 * needs a dozen of these. */
static inline double phmm_pow2(int64_t e)
{
	union { uint64_t u; double d; } v = {.u = (uint64_t)(e + 1023) << 52};
	return v.d;
}

/** Flush subnormal floats to 0 on this thread (x86 MXCSR FTZ and DAZ):
 *  they cost ~100 cycles per operation, and the cells reaching them are
 *  ~2^−226 of their diagonal's largest.  Returns the state to restore. */
unsigned phmm_f32_ftz_on(void);
void phmm_f32_ftz_restore(unsigned csr);

/** The cells lo[d]..hi[d] of each diagonal d = 0..n+m (within pr's band):
 *  0, or PHMM_REDO for a band the kernels cannot follow (one that narrows
 *  leftwards or leaves a diagonal empty). */
int phmm_diag_bounds(const phmm_pair_t *pr, int64_t *lo, int64_t *hi);

/** Criterion (a) of dp_simd.h: every non-zero entry of t in [2^−60, 16]. */
int phmm_f32_tables_fit(const phmm_tables_t *t);

#define PHMM_MAX_SHIFT 60  /* largest exponent shift per diagonal (criterion b) */

/* ⌊log2 v⌋ of a positive normal double (floats convert exactly; with
 * subnormals flushed, a diagonal's maximum is 0 or normal) */
static inline int64_t phmm_exp2_of(double v)
{
	union { double d; uint64_t u; } b = {.d = v};
	return (int64_t)(b.u >> 52 & 0x7ff) - 1023;
}

/* The exponent *sd of a diagonal from the maxima mx1, mx2 of the two before
 * it (exponents s1, s2), bringing the larger near 2^target: 0, or
 * PHMM_REDO (criterion b of dp_simd.h: both 0, not finite, or a shift
 * beyond 2^max_shift).  Inline: it runs once per diagonal. */
static inline int phmm_next_scale(double mx1, int64_t s1, double mx2, int64_t s2, int64_t target, int64_t max_shift,
				  int64_t *sd)
{
	int64_t e, e1 = INT64_MIN, e2 = INT64_MIN;
	if (!isfinite(mx1) || !isfinite(mx2)) return PHMM_REDO;
	if (mx1 > 0) e1 = phmm_exp2_of(mx1);
	if (mx2 > 0) e2 = phmm_exp2_of(mx2) + s1 - s2;  /* in the scale of d−1 */
	if (mx1 <= 0 && mx2 <= 0) return PHMM_REDO;
	e = e1 > e2 ? e1 : e2;
	*sd = s1 + target - e;
	if (*sd - s1 > max_shift || *sd - s1 < -max_shift || *sd - s2 > max_shift || *sd - s2 < -max_shift) return PHMM_REDO;
	return TS_OK;
}

/* The float passes (target 2^100, shifts up to 2^60) and the double one
 * (2^500, 2^400). */
static inline int phmm_f32_next_scale(float mx1, int64_t s1, float mx2, int64_t s2, int64_t *sd)
{
	return phmm_next_scale(mx1, s1, mx2, s2, PHMM_TARGET_EXP, PHMM_MAX_SHIFT, sd);
}

static inline int phmm_f64_next_scale(double mx1, int64_t s1, double mx2, int64_t s2, int64_t *sd)
{
	return phmm_next_scale(mx1, s1, mx2, s2, PHMM_TARGET_EXP64, 400, sd);
}


/* One diagonal d of the forward in sum form (dp_simd.h): from S of d−2 and
 * SX, SY of d−1 (cell i at [i]) it writes S, SX, SY of d for the cells
 * ilo..ihi and 0 in the other lanes of its vectors, and returns the largest
 * of the cells f̂M, f̂X, f̂Y.  t holds MM XM YM MX XX MY YY unscaled; f2 and
 * f1 are the shifts 2^(s_d − s_{d−2}), 2^(s_d − s_{d−1}).  The driver
 * places the arrays so that S[i], S2[i−1] and one of SX1[i−1], SY1[i] share
 * their alignment (dp_simd.c). */
typedef struct {
	float *S, *SX, *SY;
	const float *S2, *SX1, *SY1;
	int64_t ilo, ihi, yoff;
	float t[7], f2, f1;
} phmm_sdiag_t;

typedef float (*phmm_sdiag_fn)(const phmm_f32_in_t *in, const phmm_sdiag_t *a);

/* Where diagonal d's sums sit: cell i at offset ≡ phmm_sum_shift(d) + i
 * (mod 16 floats) from a 64-byte boundary, shift(d) ≡ −⌊d/2⌋ (mod 16), so
 * that cell i of d, cell i−1 of d−2, and cell i−1 (d even) or i (d odd) of
 * d−1 share their offset within a 64-byte line (d ≥ −32). */
static inline int64_t phmm_sum_shift(int64_t d) { return 15 - (((d + 32) >> 1) & 15); }

/* The same in double, for phmm_forward_fast64 (8 doubles per AVX-512 vector;
 * the alignment above holds for them too). */
typedef struct {
	double *S, *SX, *SY;
	const double *S2, *SX1, *SY1;
	int64_t ilo, ihi, yoff;
	double t[7], f2, f1;
} phmm_sdiag64_t;

typedef double (*phmm_sdiag64_fn)(const phmm_f32_in_t *in, const phmm_sdiag64_t *a);

double phmm_sdiag64_c(const phmm_f32_in_t *in, const phmm_sdiag64_t *a);
double phmm_sdiag64_avx512(const phmm_f32_in_t *in, const phmm_sdiag64_t *a);

float phmm_sdiag_c(const phmm_f32_in_t *in, const phmm_sdiag_t *a);
float phmm_sdiag_avx2(const phmm_f32_in_t *in, const phmm_sdiag_t *a);
float phmm_sdiag_avx512(const phmm_f32_in_t *in, const phmm_sdiag_t *a);

/* One diagonal d of the backward pass of dp_simd_fb.c with its expected
 * counts (recursions there): g is written for cells ilo..ihi (a kernel
 * writes 0 in the lanes past ihi of its last vector); g1/g2 are the
 * backward d+1, d+2; the forward is read in sum form (phmm_sdiag_t): S2 =
 * S of d−2, SX1/SY1 of d−1; c holds the seven coefficients MM XM YM (to
 * d+2) MX XX MY YY (to d+1), and Ĝ = ĝ·b.  With the forward cells f̂M_d =
 * p·S2[i−1]·2^(s_d − s_{d−2}) and so on, the kernel returns in sums the
 * diagonal's totals of S2[i−1]·ĜM, SX1[i−1]·ĜX, SY1[i]·ĜY (the M, X, Y
 * posteriors but for a per-diagonal factor), and of qX[x_i]·SX1[i−1]·b·
 * c_XX·g1X[i+1] and qY[y_j]·SY1[i]·b·c_YY·g1Y[i] (the X→X and Y→Y steps out
 * of d, with the factor of the X and Y posteriors); and adds each cell's M
 * posterior, S2[i−1]·ĜM·pa, to accM[yc·mstride + i] (yc the renumbered
 * code of y at k). */
typedef struct {
	float *g[3];
	const float *g1[3], *g2[3];
	const float *S2, *SX1, *SY1;
	float *accM;
	int64_t mstride, ilo, ihi, yoff;
	float c[7], b, pa;
} phmm_bdiag_t;

typedef float (*phmm_bdiag_fn)(const phmm_f32_in_t *in, const phmm_bdiag_t *a, float sums[5]);

float phmm_bdiag_c(const phmm_f32_in_t *in, const phmm_bdiag_t *a, float sums[5]);
float phmm_bdiag_avx2(const phmm_f32_in_t *in, const phmm_bdiag_t *a, float sums[5]);
float phmm_bdiag_avx512(const phmm_f32_in_t *in, const phmm_bdiag_t *a, float sums[5]);

/** The pair reversed (x, y and the transitions; the start and end factors
 *  swapped), for the pass from the other end: 0 or TS_ENOMEM; free with
 *  phmm_pair_reversed_free(). */
int phmm_pair_reversed(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_pair_t *rp, double tr[PH_NTRANS], double start[3]);
void phmm_pair_reversed_free(phmm_pair_t *rp);

/** One float forward pass by stripes of 16 rows (dp_stripe.c, AVX-512;
 *  unbanded, global, n, m ≥ 1), transitions tr and start[] the factors out of B:
 *  sets *lnL, lgE[d] to the largest −E of the blocks crossing diagonal d
 *  and *tbound so that 2^(*tbound + lgE[d]) bounds its cells.  0,
 *  PHMM_REDO (criterion c, or tables whose sums can grow > 2^40 in 16
 *  steps) or TS_ENOMEM. */
int phmm_stripe_pass_model(const phmm_tables_t *t, const double *tr, const double start[3], const phmm_pair_t *pr,
			   double *lnL, double *lgE, int *tbound);

/** The counts of a forward–backward from its totals (dp_simd_fb.c): tr
 *  holds MX XX MY YY and the three ends, post the M, X, Y posteriors,
 *  accM the M posteriors at [code of y · (n + 1 + 2·PHMM_PAD) + PHMM_PAD +
 *  i], yemit the expected emissions of y by renumbered code (NULL: every
 *  residue once, as with global ends); derives XM, YM, MM and the emissions
 *  by renumbered code into cc. */
void phmm_fb_codes(const phmm_f32_in_t *in, int64_t n, int64_t m, double tr[PH_NTRANS], const double post[3], const float *accM,
		   const double *yemit, phmm_code_counts_t *cc);

/** The forward–backward with expected counts by stripes (dp_stripe.c):
 *  pr banded or not, global or glocal, n, m ≥ 1, in->ky ≤ 4, in->ntab ≤
 *  32 (past phmm_stripe_keep_bytes of kept forward, in segments).  Counts by renumbered code into cc
 *  (zeroed by the caller).  0, PHMM_REDO (the checks of dp_simd_fb.c: P
 *  from both ends, each residue of x emitted once, and of y as often as it
 *  is aligned) or TS_ENOMEM. */
int phmm_stripe_fb(const phmm_tables_t *t, const phmm_pair_t *pr, const phmm_f32_in_t *in, phmm_code_counts_t *cc, double *lnL);
/** The most forward phmm_stripe_fb keeps at once, bytes (16 MB; tests
 *  lower it to split small pairs into segments). */
extern int64_t phmm_stripe_keep_bytes;

/** The kernels of k (NULL for PHMM_KERNEL_SCALAR), and the kernel
 *  phmm_forward_fast() and phmm_expect_fast() use. */
phmm_sdiag_fn phmm_kernel_sdiag(phmm_kernel_t k);
phmm_sdiag64_fn phmm_kernel_sdiag64(phmm_kernel_t k);
phmm_bdiag_fn phmm_kernel_bdiag(phmm_kernel_t k);
phmm_kernel_t phmm_kernel_chosen(void);

#endif
