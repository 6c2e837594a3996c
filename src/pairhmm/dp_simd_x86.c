/* dp_simd_x86: the AVX2 (8 floats) and AVX-512 (16 floats, 8 doubles)
 * kernels of one anti-diagonal of the forward in sum form (dp_simd.h,
 * dp_simd_impl.h), and of one diagonal of the backward with its expected
 * counts (dp_simd_fb.c).  phmm_sdiag_c, phmm_sdiag64_c (dp_simd.c) and
 * phmm_bdiag_c (dp_simd_fb.c) are their plain-C twins.  The forward:
 *   fM_d[i] = p[x_i, y_{d−i}] · 2^(s_d − s_{d−2}) · S_{d−2}[i−1]
 *   fX_d[i] = qX[x_i]         · 2^(s_d − s_{d−1}) · SX_{d−1}[i−1]
 *   fY_d[i] = qY[y_{d−i}]     · 2^(s_d − s_{d−1}) · SY_{d−1}[i]
 * then S, SX, SY of the cell.  p, qX and qY are looked up in the pair's
 * renumbered tables (dp_simd_impl.h), scaled by the shifts once per
 * diagonal: ≤ 16 entries by one in-register permute, ≤ 32 by a two-table
 * permute, else by a gather; each loop is specialised for its lookup.
 * Compiled per function for its instruction set; dp_simd.c calls a kernel
 * only when the CPU has it. */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include "pairhmm/dp_simd_impl.h"

enum { LOOK16, LOOK32, GATHER };

#define AVX2 __attribute__((target("avx2,fma"), always_inline)) static inline
#define AVX512 __attribute__((target("avx512f,avx512bw"), always_inline)) static inline

/* the largest and the sum of the 8 lanes */
AVX2 float hmax_avx2(__m256 v)
{
	__m128 h = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
	h = _mm_max_ps(h, _mm_movehl_ps(h, h));
	h = _mm_max_ss(h, _mm_shuffle_ps(h, h, 1));
	return _mm_cvtss_f32(h);
}

AVX2 float hsum_avx2(__m256 v)
{
	__m128 h = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
	h = _mm_add_ps(h, _mm_movehl_ps(h, h));
	h = _mm_add_ss(h, _mm_shuffle_ps(h, h, 1));
	return _mm_cvtss_f32(h);
}

/* p at idx: 8-entry permutes selected by bits 3 and 4 of the index */
AVX2 __m256 look_avx2(const float *tab, const __m256 t[4], __m256i idx, int how)
{
	if (how == GATHER) return _mm256_i32gather_ps(tab, idx, 4);
	__m256 a = _mm256_permutevar8x32_ps(t[0], idx);
	__m256 b = _mm256_permutevar8x32_ps(t[1], idx);
	__m256 r = _mm256_blendv_ps(a, b, _mm256_castsi256_ps(_mm256_slli_epi32(idx, 28)));
	if (how == LOOK32) {
		a = _mm256_permutevar8x32_ps(t[2], idx);
		b = _mm256_permutevar8x32_ps(t[3], idx);
		a = _mm256_blendv_ps(a, b, _mm256_castsi256_ps(_mm256_slli_epi32(idx, 28)));
		r = _mm256_blendv_ps(r, a, _mm256_castsi256_ps(_mm256_slli_epi32(idx, 27)));
	}
	return r;
}

/* The forward in sum form (phmm_sdiag_c is the twin): the loop starts at the
 * 8-float boundary below ilo so that S, S2 and one of SX1, SY1 are read and
 * written aligned; lanes outside ilo..ihi are zeroed. */
AVX2 float sdiag_avx2(const phmm_f32_in_t *in, const phmm_sdiag_t *a, int how)
{
	const __m256 MM = _mm256_set1_ps(a->t[0]), XM = _mm256_set1_ps(a->t[1]), YM = _mm256_set1_ps(a->t[2]);
	const __m256 MX = _mm256_set1_ps(a->t[3]), XX = _mm256_set1_ps(a->t[4]), MY = _mm256_set1_ps(a->t[5]), YY = _mm256_set1_ps(a->t[6]);
	const __m256 F2 = _mm256_set1_ps(a->f2), F1 = _mm256_set1_ps(a->f1);
	const int64_t ilo = a->ilo, ihi = a->ihi;
	const uint8_t *restrict xb = in->xb, *restrict yb = in->yb + a->yoff;
	const float *restrict qxs = in->qxs, *restrict qys = in->qys + a->yoff;
	const float *S2 = a->S2 - 1, *SX1 = a->SX1 - 1, *SY1 = a->SY1;
	float *restrict S = a->S, *restrict SX = a->SX, *restrict SY = a->SY;
	const __m256 tab[4] = {_mm256_mul_ps(_mm256_loadu_ps(in->pmf), F2), _mm256_mul_ps(_mm256_loadu_ps(in->pmf + 8), F2),
			       _mm256_mul_ps(_mm256_loadu_ps(in->pmf + 16), F2), _mm256_mul_ps(_mm256_loadu_ps(in->pmf + 24), F2)};
	const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
	__m256 mx = _mm256_setzero_ps();
	int64_t i = ilo - (int64_t)(((uintptr_t)(S + ilo) >> 2) & 7);
	for (; i <= ihi; i += 8) {
		__m256i idx = _mm256_add_epi32(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(xb + i))),
					       _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(yb + i))));
		__m256 p = how == GATHER ? _mm256_mul_ps(_mm256_i32gather_ps(in->pmf, idx, 4), F2) : look_avx2(in->pmf, tab, idx, how);
		__m256 m = _mm256_mul_ps(p, _mm256_load_ps(S2 + i));
		__m256 x = _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(qxs + i), F1), _mm256_loadu_ps(SX1 + i));
		__m256 y = _mm256_mul_ps(_mm256_mul_ps(_mm256_loadu_ps(qys + i), F1), _mm256_loadu_ps(SY1 + i));
		if (i < ilo || ihi - i < 7) {
			__m256i li = _mm256_add_epi32(lane, _mm256_set1_epi32((int)(i - ilo)));
			__m256 keep = _mm256_castsi256_ps(_mm256_andnot_si256(_mm256_cmpgt_epi32(_mm256_setzero_si256(), li),
									      _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(ihi - ilo + 1)), li)));
			m = _mm256_and_ps(m, keep), x = _mm256_and_ps(x, keep), y = _mm256_and_ps(y, keep);
		}
		_mm256_store_ps(S + i, _mm256_fmadd_ps(MM, m, _mm256_fmadd_ps(XM, x, _mm256_mul_ps(YM, y))));
		_mm256_store_ps(SX + i, _mm256_fmadd_ps(MX, m, _mm256_mul_ps(XX, x)));
		_mm256_store_ps(SY + i, _mm256_fmadd_ps(MY, m, _mm256_mul_ps(YY, y)));
		mx = _mm256_max_ps(mx, _mm256_max_ps(m, _mm256_max_ps(x, y)));
	}
	return hmax_avx2(mx);
}

__attribute__((target("avx2,fma"))) float phmm_sdiag_avx2(const phmm_f32_in_t *in, const phmm_sdiag_t *a)
{
	if (in->ntab <= 16) return sdiag_avx2(in, a, LOOK16);
	if (in->ntab <= 32) return sdiag_avx2(in, a, LOOK32);
	return sdiag_avx2(in, a, GATHER);
}

/* The backward diagonal with its counts (dp_simd_fb.c; phmm_bdiag_c is the
 * twin).  The lanes outside ilo..ihi of the first and last vectors are
 * masked to 0, so they add nothing to the counts. */
AVX2 float bdiag_avx2(const phmm_f32_in_t *in, const phmm_bdiag_t *a, float sums[5], int how, int ky4)
{
	const __m256 MM = _mm256_set1_ps(a->c[0]), XM = _mm256_set1_ps(a->c[1]), YM = _mm256_set1_ps(a->c[2]);
	const __m256 MX = _mm256_set1_ps(a->c[3]), XX = _mm256_set1_ps(a->c[4]), MY = _mm256_set1_ps(a->c[5]), YY = _mm256_set1_ps(a->c[6]);
	const __m256 B = _mm256_set1_ps(a->b), PA = _mm256_set1_ps(a->pa);
	const int64_t yoff = a->yoff, ms = a->mstride;
	const int ky = ky4 ? 4 : in->ky;  /* plain DNA: a constant trip count, the loop unrolled */
	const uint8_t *restrict xb = in->xb, *restrict yb = in->yb + yoff;
	const float *restrict qxs = in->qxs, *restrict qys = in->qys + yoff;
	const float *gM2 = a->g2[0] + 1, *gX1 = a->g1[1] + 1, *gY1 = a->g1[2];
	const float *S2 = a->S2 - 1, *SX1 = a->SX1 - 1, *SY1 = a->SY1;
	float *restrict gM = a->g[0], *restrict gX = a->g[1], *restrict gY = a->g[2];
	float *restrict accM = a->accM;
	const __m256 tab[4] = {_mm256_loadu_ps(in->pmf), _mm256_loadu_ps(in->pmf + 8), _mm256_loadu_ps(in->pmf + 16),
			       _mm256_loadu_ps(in->pmf + 24)};
	const __m256i lane = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
	__m256 mx = _mm256_setzero_ps(), s0 = mx, s1 = mx, s2 = mx, s3 = mx, s4 = mx;
	int64_t i;
	int c;
	/* from the 8-float boundary below ilo: aligned as in bdiag_avx512 */
	for (i = a->ilo - (int64_t)(((uintptr_t)(gM + a->ilo) >> 2) & 7); i <= a->ihi; i += 8) {
		__m256i yc = _mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(yb + i)));
		__m256i idx = _mm256_add_epi32(_mm256_cvtepu8_epi32(_mm_loadl_epi64((const __m128i *)(xb + i))), yc);
		__m256 p = look_avx2(in->pmf, tab, idx, how);
		__m256 m2 = _mm256_loadu_ps(gM2 + i), x1 = _mm256_loadu_ps(gX1 + i), y1 = _mm256_loadu_ps(gY1 + i);
		/* the sums before the emission: ĝ = e·S; vx, vy the X→X and Y→Y
		 * steps out of the cell */
		__m256 vx = _mm256_mul_ps(XX, x1), vy = _mm256_mul_ps(YY, y1);
		__m256 sm = _mm256_fmadd_ps(MM, m2, _mm256_fmadd_ps(MX, x1, _mm256_mul_ps(MY, y1)));
		__m256 sx = _mm256_fmadd_ps(XM, m2, vx);
		__m256 sy = _mm256_fmadd_ps(YM, m2, vy);
		/* the forward sums, kept only in the lanes ilo..ihi (past them a slot
		 * holds whatever it held, possibly a NaN that 0 would not clear) */
		__m256 fs2 = _mm256_loadu_ps(S2 + i), fx1 = _mm256_loadu_ps(SX1 + i), fy1 = _mm256_loadu_ps(SY1 + i), m, x, y, pm, ux, uy;
		__m256 qx = _mm256_loadu_ps(qxs + i), qy = _mm256_loadu_ps(qys + i);
		if (i < a->ilo || a->ihi - i < 7) {
			__m256i li = _mm256_add_epi32(lane, _mm256_set1_epi32((int)(i - a->ilo)));
			__m256 keep = _mm256_castsi256_ps(_mm256_andnot_si256(_mm256_cmpgt_epi32(_mm256_setzero_si256(), li),
									      _mm256_cmpgt_epi32(_mm256_set1_epi32((int)(a->ihi - a->ilo + 1)), li)));
			sm = _mm256_and_ps(sm, keep), sx = _mm256_and_ps(sx, keep), sy = _mm256_and_ps(sy, keep);
			vx = _mm256_and_ps(vx, keep), vy = _mm256_and_ps(vy, keep);
			fs2 = _mm256_and_ps(fs2, keep), fx1 = _mm256_and_ps(fx1, keep), fy1 = _mm256_and_ps(fy1, keep);
		}
		m = _mm256_mul_ps(p, sm);
		x = _mm256_mul_ps(qx, sx);
		y = _mm256_mul_ps(qy, sy);
		_mm256_storeu_ps(gM + i, m);
		_mm256_storeu_ps(gX + i, x);
		_mm256_storeu_ps(gY + i, y);
		mx = _mm256_max_ps(mx, _mm256_max_ps(m, _mm256_max_ps(x, y)));
		/* the forward gap cells times b, but for their shift */
		ux = _mm256_mul_ps(_mm256_mul_ps(qx, B), fx1), uy = _mm256_mul_ps(_mm256_mul_ps(qy, B), fy1);
		pm = _mm256_mul_ps(fs2, _mm256_mul_ps(m, B));
		s0 = _mm256_add_ps(s0, pm);
		s1 = _mm256_fmadd_ps(ux, sx, s1);
		s2 = _mm256_fmadd_ps(uy, sy, s2);
		s3 = _mm256_fmadd_ps(ux, vx, s3);
		s4 = _mm256_fmadd_ps(uy, vy, s4);
		/* M posteriors by the code of y: accM[yc·ms + i] += pm·pa */
		pm = _mm256_mul_ps(pm, PA);
		for (c = 0; c < ky; c++) {
			__m256 is_c = _mm256_castsi256_ps(_mm256_cmpeq_epi32(yc, _mm256_set1_epi32(c)));
			_mm256_storeu_ps(accM + c * ms + i, _mm256_add_ps(_mm256_loadu_ps(accM + c * ms + i), _mm256_and_ps(pm, is_c)));
		}
	}
	sums[0] = hsum_avx2(s0), sums[1] = hsum_avx2(s1), sums[2] = hsum_avx2(s2), sums[3] = hsum_avx2(s3), sums[4] = hsum_avx2(s4);
	return hmax_avx2(mx);
}

__attribute__((target("avx2,fma"))) float phmm_bdiag_avx2(const phmm_f32_in_t *in, const phmm_bdiag_t *a, float sums[5])
{
	if (in->ntab <= 16 && in->ky == 4) return bdiag_avx2(in, a, sums, LOOK16, 1);
	if (in->ntab <= 16) return bdiag_avx2(in, a, sums, LOOK16, 0);
	if (in->ntab <= 32) return bdiag_avx2(in, a, sums, LOOK32, 0);
	return bdiag_avx2(in, a, sums, GATHER, 0);
}

AVX512 __m512 look_avx512(const float *tab, __m512 t0, __m512 t1, __m512i idx, int how)
{
	if (how == LOOK16) return _mm512_permutexvar_ps(idx, t0);
	if (how == LOOK32) return _mm512_permutex2var_ps(t0, idx, t1);
	return _mm512_i32gather_ps(idx, tab, 4);
}

/* The forward in sum form in 16 lanes: the emission tables, scaled by the
 * diagonal's shifts, are looked up by one permute each; masked first and
 * last vectors. */
AVX512 float sdiag_avx512(const phmm_f32_in_t *in, const phmm_sdiag_t *a, int how)
{
	const __m512 MM = _mm512_set1_ps(a->t[0]), XM = _mm512_set1_ps(a->t[1]), YM = _mm512_set1_ps(a->t[2]);
	const __m512 MX = _mm512_set1_ps(a->t[3]), XX = _mm512_set1_ps(a->t[4]), MY = _mm512_set1_ps(a->t[5]), YY = _mm512_set1_ps(a->t[6]);
	const __m512 F2 = _mm512_set1_ps(a->f2), F1 = _mm512_set1_ps(a->f1);
	const int64_t ilo = a->ilo, ihi = a->ihi;
	const uint8_t *restrict xb = in->xb, *restrict yb = in->yb + a->yoff;
	const float *restrict qxs = in->qxs, *restrict qys = in->qys + a->yoff;
	const float *S2 = a->S2 - 1, *SX1 = a->SX1 - 1, *SY1 = a->SY1;
	float *restrict S = a->S, *restrict SX = a->SX, *restrict SY = a->SY;
	const __m512 p0 = _mm512_mul_ps(_mm512_loadu_ps(in->pmf), F2), p1 = _mm512_mul_ps(_mm512_loadu_ps(in->pmf + 16), F2);
	const __m512 x0 = _mm512_mul_ps(_mm512_loadu_ps(in->qxt), F1), x1 = _mm512_mul_ps(_mm512_loadu_ps(in->qxt + 16), F1);
	const __m512 y0 = _mm512_mul_ps(_mm512_loadu_ps(in->qyt), F1), y1 = _mm512_mul_ps(_mm512_loadu_ps(in->qyt + 16), F1);
	__m512 mx = _mm512_setzero_ps();
	int64_t i = ilo - (int64_t)(((uintptr_t)(S + ilo) >> 2) & 15);
	for (; i <= ihi; i += 16) {
		__mmask16 k = 0xffff;
		__m512i idx = _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(xb + i))),
					       _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(yb + i))));
		__m512 p, qx, qy, m, x, y;
		if (i < ilo) k = (__mmask16)(k << (ilo - i));
		if (ihi - i < 15) k &= (__mmask16)((1u << (ihi - i + 1)) - 1);
		if (how == LOOK16) {
			p = _mm512_permutexvar_ps(idx, p0), qx = _mm512_permutexvar_ps(idx, x0), qy = _mm512_permutexvar_ps(idx, y0);
		} else if (how == LOOK32) {
			p = _mm512_permutex2var_ps(p0, idx, p1), qx = _mm512_permutex2var_ps(x0, idx, x1), qy = _mm512_permutex2var_ps(y0, idx, y1);
		} else {
			p = _mm512_mul_ps(_mm512_i32gather_ps(idx, in->pmf, 4), F2);
			qx = _mm512_mul_ps(_mm512_loadu_ps(qxs + i), F1), qy = _mm512_mul_ps(_mm512_loadu_ps(qys + i), F1);
		}
		m = _mm512_maskz_mul_ps(k, p, _mm512_load_ps(S2 + i));
		x = _mm512_maskz_mul_ps(k, qx, _mm512_loadu_ps(SX1 + i));
		y = _mm512_maskz_mul_ps(k, qy, _mm512_loadu_ps(SY1 + i));
		_mm512_store_ps(S + i, _mm512_fmadd_ps(MM, m, _mm512_fmadd_ps(XM, x, _mm512_mul_ps(YM, y))));
		_mm512_store_ps(SX + i, _mm512_fmadd_ps(MX, m, _mm512_mul_ps(XX, x)));
		_mm512_store_ps(SY + i, _mm512_fmadd_ps(MY, m, _mm512_mul_ps(YY, y)));
		mx = _mm512_max_ps(mx, _mm512_max_ps(m, _mm512_max_ps(x, y)));
	}
	return _mm512_reduce_max_ps(mx);
}

__attribute__((target("avx512f,avx512bw"))) float phmm_sdiag_avx512(const phmm_f32_in_t *in, const phmm_sdiag_t *a)
{
	if (in->ntab <= 16) return sdiag_avx512(in, a, LOOK16);
	if (in->ntab <= 32) return sdiag_avx512(in, a, LOOK32);
	return sdiag_avx512(in, a, GATHER);
}

/* The forward in sum form in double, 8 lanes (phmm_sdiag64_c is the twin):
 * ≤ 8 table entries one permute, ≤ 16 a two-table permute (plain DNA),
 * more a gather. */
enum { LOOK8 = 3 };

AVX512 double sdiag64_avx512(const phmm_f32_in_t *in, const phmm_sdiag64_t *a, int how)
{
	const __m512d MM = _mm512_set1_pd(a->t[0]), XM = _mm512_set1_pd(a->t[1]), YM = _mm512_set1_pd(a->t[2]);
	const __m512d MX = _mm512_set1_pd(a->t[3]), XX = _mm512_set1_pd(a->t[4]), MY = _mm512_set1_pd(a->t[5]), YY = _mm512_set1_pd(a->t[6]);
	const __m512d F2 = _mm512_set1_pd(a->f2), F1 = _mm512_set1_pd(a->f1);
	const int64_t ilo = a->ilo, ihi = a->ihi;
	const uint8_t *restrict xb = in->xb, *restrict yb = in->yb + a->yoff;
	const double *restrict qxs = in->qxsd, *restrict qys = in->qysd + a->yoff;
	const double *S2 = a->S2 - 1, *SX1 = a->SX1 - 1, *SY1 = a->SY1;
	double *restrict S = a->S, *restrict SX = a->SX, *restrict SY = a->SY;
	const __m512d p0 = _mm512_mul_pd(_mm512_loadu_pd(in->pmfd), F2), p1 = _mm512_mul_pd(_mm512_loadu_pd(in->pmfd + 8), F2);
	const __m512d x0 = _mm512_mul_pd(_mm512_loadu_pd(in->qxtd), F1), x1 = _mm512_mul_pd(_mm512_loadu_pd(in->qxtd + 8), F1);
	const __m512d y0 = _mm512_mul_pd(_mm512_loadu_pd(in->qytd), F1), y1 = _mm512_mul_pd(_mm512_loadu_pd(in->qytd + 8), F1);
	__m512d mx = _mm512_setzero_pd();
	int64_t i = ilo - (int64_t)(((uintptr_t)(S + ilo) >> 3) & 7);
	for (; i <= ihi; i += 8) {
		__mmask8 k = 0xff;
		__m512i idx = _mm512_add_epi64(_mm512_cvtepu8_epi64(_mm_loadl_epi64((const __m128i *)(xb + i))),
					       _mm512_cvtepu8_epi64(_mm_loadl_epi64((const __m128i *)(yb + i))));
		__m512d p, qx, qy, m, x, y;
		if (i < ilo) k = (__mmask8)(k << (ilo - i));
		if (ihi - i < 7) k &= (__mmask8)((1u << (ihi - i + 1)) - 1);
		if (how == LOOK8) {
			p = _mm512_permutexvar_pd(idx, p0), qx = _mm512_permutexvar_pd(idx, x0), qy = _mm512_permutexvar_pd(idx, y0);
		} else if (how == LOOK16) {
			p = _mm512_permutex2var_pd(p0, idx, p1), qx = _mm512_permutex2var_pd(x0, idx, x1), qy = _mm512_permutex2var_pd(y0, idx, y1);
		} else {
			p = _mm512_mul_pd(_mm512_i64gather_pd(idx, in->pmfd, 8), F2);
			qx = _mm512_mul_pd(_mm512_loadu_pd(qxs + i), F1), qy = _mm512_mul_pd(_mm512_loadu_pd(qys + i), F1);
		}
		m = _mm512_maskz_mul_pd(k, p, _mm512_load_pd(S2 + i));
		x = _mm512_maskz_mul_pd(k, qx, _mm512_loadu_pd(SX1 + i));
		y = _mm512_maskz_mul_pd(k, qy, _mm512_loadu_pd(SY1 + i));
		_mm512_store_pd(S + i, _mm512_fmadd_pd(MM, m, _mm512_fmadd_pd(XM, x, _mm512_mul_pd(YM, y))));
		_mm512_store_pd(SX + i, _mm512_fmadd_pd(MX, m, _mm512_mul_pd(XX, x)));
		_mm512_store_pd(SY + i, _mm512_fmadd_pd(MY, m, _mm512_mul_pd(YY, y)));
		mx = _mm512_max_pd(mx, _mm512_max_pd(m, _mm512_max_pd(x, y)));
	}
	return _mm512_reduce_max_pd(mx);
}

__attribute__((target("avx512f,avx512bw"))) double phmm_sdiag64_avx512(const phmm_f32_in_t *in, const phmm_sdiag64_t *a)
{
	if (in->ntab <= 8) return sdiag64_avx512(in, a, LOOK8);
	if (in->ntab <= 16) return sdiag64_avx512(in, a, LOOK16);
	return sdiag64_avx512(in, a, GATHER);
}

/* The backward diagonal with its counts in 16 lanes: one permute per lookup,
 * masked adds for the posteriors by y code, a masked tail. */
AVX512 float bdiag_avx512(const phmm_f32_in_t *in, const phmm_bdiag_t *a, float sums[5], int how, int ky4)
{
	const __m512 MM = _mm512_set1_ps(a->c[0]), XM = _mm512_set1_ps(a->c[1]), YM = _mm512_set1_ps(a->c[2]);
	const __m512 MX = _mm512_set1_ps(a->c[3]), XX = _mm512_set1_ps(a->c[4]), MY = _mm512_set1_ps(a->c[5]), YY = _mm512_set1_ps(a->c[6]);
	const __m512 B = _mm512_set1_ps(a->b), PA = _mm512_set1_ps(a->pa);
	const int64_t yoff = a->yoff, ms = a->mstride;
	const int ky = ky4 ? 4 : in->ky;  /* plain DNA: a constant trip count, the loop unrolled */
	const uint8_t *restrict xb = in->xb, *restrict yb = in->yb + yoff;
	const float *restrict qxs = in->qxs, *restrict qys = in->qys + yoff;
	const float *gM2 = a->g2[0] + 1, *gX1 = a->g1[1] + 1, *gY1 = a->g1[2];
	const float *S2 = a->S2 - 1, *SX1 = a->SX1 - 1, *SY1 = a->SY1;
	float *restrict gM = a->g[0], *restrict gX = a->g[1], *restrict gY = a->g[2];
	float *restrict accM = a->accM;
	const __m512 t0 = _mm512_loadu_ps(in->pmf), t1 = _mm512_loadu_ps(in->pmf + 16);
	/* the gap emissions, and the same times b (for the forward gap cells) */
	const __m512 x0 = _mm512_loadu_ps(in->qxt), x1t = _mm512_loadu_ps(in->qxt + 16);
	const __m512 y0 = _mm512_loadu_ps(in->qyt), y1t = _mm512_loadu_ps(in->qyt + 16);
	const __m512 x0b = _mm512_mul_ps(x0, B), x1b = _mm512_mul_ps(x1t, B), y0b = _mm512_mul_ps(y0, B), y1b = _mm512_mul_ps(y1t, B);
	__m512 mx = _mm512_setzero_ps(), s0 = mx, s1 = mx, s2 = mx, s3 = mx, s4 = mx;
	int64_t i;
	int c;
	/* from the 16-float boundary below ilo, as the forward: the stores of g,
	 * the reads of g of d+2 and of the forward sums of d−2, and one of each
	 * pair from d+1 and d−1, are aligned (dp_simd_impl.h) */
	for (i = a->ilo - (int64_t)(((uintptr_t)(gM + a->ilo) >> 2) & 15); i <= a->ihi; i += 16) {
		__mmask16 keep = 0xffff;
		if (i < a->ilo) keep = (__mmask16)(keep << (a->ilo - i));
		if (a->ihi - i < 15) keep &= (__mmask16)((1u << (a->ihi - i + 1)) - 1);
		__m512i yc = _mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(yb + i)));
		__m512i idx = _mm512_add_epi32(_mm512_cvtepu8_epi32(_mm_loadu_si128((const __m128i *)(xb + i))), yc);
		__m512 p = look_avx512(in->pmf, t0, t1, idx, how), qx, qy, qxb, qyb;
		__m512 m2 = _mm512_loadu_ps(gM2 + i), x1 = _mm512_loadu_ps(gX1 + i), y1 = _mm512_loadu_ps(gY1 + i);
		if (how == LOOK16) {
			qx = _mm512_permutexvar_ps(idx, x0), qy = _mm512_permutexvar_ps(idx, y0);
			qxb = _mm512_permutexvar_ps(idx, x0b), qyb = _mm512_permutexvar_ps(idx, y0b);
		} else if (how == LOOK32) {
			qx = _mm512_permutex2var_ps(x0, idx, x1t), qy = _mm512_permutex2var_ps(y0, idx, y1t);
			qxb = _mm512_permutex2var_ps(x0b, idx, x1b), qyb = _mm512_permutex2var_ps(y0b, idx, y1b);
		} else {
			qx = _mm512_loadu_ps(qxs + i), qy = _mm512_loadu_ps(qys + i);
			qxb = _mm512_mul_ps(qx, B), qyb = _mm512_mul_ps(qy, B);
		}
		/* the sums before the emission: ĝ = e·S (0 outside ilo..ihi); vx,
		 * vy: the X→X and Y→Y steps out of the cell */
		__m512 vx = _mm512_mul_ps(XX, x1), vy = _mm512_mul_ps(YY, y1);
		__m512 sm = _mm512_maskz_fmadd_ps(keep, MM, m2, _mm512_fmadd_ps(MX, x1, _mm512_mul_ps(MY, y1)));
		__m512 sx = _mm512_maskz_fmadd_ps(keep, XM, m2, vx);
		__m512 sy = _mm512_maskz_fmadd_ps(keep, YM, m2, vy);
		__m512 m = _mm512_mul_ps(p, sm), x = _mm512_mul_ps(qx, sx), y = _mm512_mul_ps(qy, sy), pm, ux, uy;
		_mm512_storeu_ps(gM + i, m);
		_mm512_storeu_ps(gX + i, x);
		_mm512_storeu_ps(gY + i, y);
		mx = _mm512_max_ps(mx, _mm512_max_ps(m, _mm512_max_ps(x, y)));
		/* the forward sums, read only in the lanes ilo..ihi (elsewhere a
		 * slot holds whatever it held, possibly a NaN that 0 would not
		 * clear); ux, uy: the forward gap cells times b */
		pm = _mm512_mul_ps(_mm512_maskz_loadu_ps(keep, S2 + i), _mm512_mul_ps(m, B));
		ux = _mm512_mul_ps(qxb, _mm512_maskz_loadu_ps(keep, SX1 + i));
		uy = _mm512_mul_ps(qyb, _mm512_maskz_loadu_ps(keep, SY1 + i));
		s0 = _mm512_add_ps(s0, pm);
		s1 = _mm512_fmadd_ps(ux, sx, s1);
		s2 = _mm512_fmadd_ps(uy, sy, s2);
		s3 = _mm512_fmadd_ps(ux, vx, s3);
		s4 = _mm512_fmadd_ps(uy, vy, s4);
		pm = _mm512_mul_ps(pm, PA);
		for (c = 0; c < ky; c++) {  /* accM[yc·ms + i] += pm·pa */
			__mmask16 is_c = _mm512_cmpeq_epi32_mask(yc, _mm512_set1_epi32(c));
			__m512 acc = _mm512_loadu_ps(accM + c * ms + i);
			_mm512_storeu_ps(accM + c * ms + i, _mm512_mask_add_ps(acc, is_c, acc, pm));
		}
	}
	sums[0] = _mm512_reduce_add_ps(s0), sums[1] = _mm512_reduce_add_ps(s1), sums[2] = _mm512_reduce_add_ps(s2);
	sums[3] = _mm512_reduce_add_ps(s3), sums[4] = _mm512_reduce_add_ps(s4);
	return _mm512_reduce_max_ps(mx);
}

__attribute__((target("avx512f,avx512bw"))) float phmm_bdiag_avx512(const phmm_f32_in_t *in, const phmm_bdiag_t *a,
								    float sums[5])
{
	if (in->ntab <= 16 && in->ky == 4) return bdiag_avx512(in, a, sums, LOOK16, 1);
	if (in->ntab <= 16) return bdiag_avx512(in, a, sums, LOOK16, 0);
	if (in->ntab <= 32) return bdiag_avx512(in, a, sums, LOOK32, 0);
	return bdiag_avx512(in, a, sums, GATHER, 0);
}
#else
typedef int phmm_dp_simd_x86_unused;  /* ISO C forbids an empty translation unit */
#endif
