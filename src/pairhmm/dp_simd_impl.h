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
 * side) or [yoff + i] (y side, y reversed); 0 codes in the padding. */
typedef struct {
	const int32_t *xi;   /* 16·code of x_i (x_i is x[i−1]), i = 0..n; 0 at i = 0 */
	const int32_t *yi;   /* code of y_{m−k} at k = 0..m−1; 0 at k = m */
	const float *qxs;    /* qX[x_i] */
	const float *qys;    /* qY of the code at yi[k] */
	const float *pmf;    /* p[a][b] at a·16 + b */
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
