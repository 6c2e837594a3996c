/* dp_simd_impl: what the anti-diagonal kernels of dp_simd share (private to
 * dp_simd.c and dp_simd_x86.c).  A kernel computes the cells ilo..ihi of one
 * diagonal d (recursion in dp_simd.h) and returns the diagonal's largest
 * value; it may write up to PHMM_VMAX − 1 cells past ihi (all 0), which the
 * driver re-zeroes. */
#ifndef TS_PHMM_DP_SIMD_IMPL_H
#define TS_PHMM_DP_SIMD_IMPL_H

#include <stdint.h>

#define PHMM_VMAX 16  /* widest vector, in floats */
#define PHMM_PAD 32   /* padding before and after every per-position array */

/* Per-pair inputs, all indexed so that lane i of a diagonal reads [i] (x
 * side) or [yoff + i] (y side, y reversed).  The codes are renumbered per
 * pair (the codes present in x: 0..kx−1, in y: 0..ky−1) so that p fits a
 * table of ntab = kx·ky entries: ≤ 16 (plain DNA: 4 × 4) is one in-register
 * permute, ≤ 32 two, more a gather.  Outside the sequences q is 0 and the
 * index is 0: cells there have no M predecessor (it reads 0) except the lane
 * i = n+1 past the end, which holds garbage that the driver re-zeroes (its
 * value may enter the diagonal's maximum, which only picks a power of 2). */
typedef struct {
	const int32_t *xi;   /* kx-renumbered code of x_i times ky (x_i is x[i−1]) */
	const int32_t *yi;   /* renumbered code of y_{m−k} at k = 0..m−1 */
	const float *qxs;    /* qX[x_i]; 0 at i = 0 and i > n */
	const float *qys;    /* qY of the code at yi[k]; 0 at k ≥ m */
	const float *pmf;    /* p[a][b] at xi + yi, ntab entries (padded to 32) */
	int ntab;
} phmm_f32_in_t;

/* One diagonal: cur/d1/d2 are the M, X, Y arrays of diagonals d, d−1, d−2;
 * c the seven coefficients MM XM YM (with the d−2 shift) MX XX MY YY (with
 * the d−1 shift); yoff = m − d. */
typedef float (*phmm_diag_fn)(const phmm_f32_in_t *in, float *const cur[3], const float *const d1[3],
			      const float *const d2[3], int64_t ilo, int64_t ihi, int64_t yoff, const float c[7]);

float phmm_diag_c(const phmm_f32_in_t *in, float *const cur[3], const float *const d1[3], const float *const d2[3],
		  int64_t ilo, int64_t ihi, int64_t yoff, const float c[7]);
float phmm_diag_avx2(const phmm_f32_in_t *in, float *const cur[3], const float *const d1[3], const float *const d2[3],
		     int64_t ilo, int64_t ihi, int64_t yoff, const float c[7]);
float phmm_diag_avx512(const phmm_f32_in_t *in, float *const cur[3], const float *const d1[3], const float *const d2[3],
		       int64_t ilo, int64_t ihi, int64_t yoff, const float c[7]);

#endif
