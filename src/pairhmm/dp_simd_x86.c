/* dp_simd_x86: the AVX2 (8 floats) and AVX-512 (16 floats) kernels of one
 * anti-diagonal of the float forward; phmm_diag_c (dp_simd.c) is their
 * plain-C twin, line for line:
 *   fM_d[i] = p[x_i, y_{d−i}] · (MM fM_{d−2}[i−1] + XM fX_{d−2}[i−1] + YM fY_{d−2}[i−1])
 *   fX_d[i] = qX[x_i]         · (MX fM_{d−1}[i−1] + XX fX_{d−1}[i−1])
 *   fY_d[i] = qY[y_{d−i}]     · (MY fM_{d−1}[i]   + YY fY_{d−1}[i])
 * p is gathered from the 16×16 table at 16·x + y.  Compiled per function
 * for its instruction set; dp_simd.c calls them only when the CPU has it.
 * Lanes past ihi compute 0 (their codes are 0) and are re-zeroed anyway. */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include "pairhmm/dp_simd_impl.h"

__attribute__((target("avx2,fma"))) float phmm_diag_avx2(const phmm_f32_in_t *in, float *const cur[3],
							  const float *const d1[3], const float *const d2[3], int64_t ilo,
							  int64_t ihi, int64_t yoff, const float c[7])
{
	const __m256 MM = _mm256_set1_ps(c[0]), XM = _mm256_set1_ps(c[1]), YM = _mm256_set1_ps(c[2]);
	const __m256 MX = _mm256_set1_ps(c[3]), XX = _mm256_set1_ps(c[4]), MY = _mm256_set1_ps(c[5]), YY = _mm256_set1_ps(c[6]);
	const float *M2 = d2[0] - 1, *X2 = d2[1] - 1, *Y2 = d2[2] - 1, *M1 = d1[0], *X1 = d1[1], *Y1 = d1[2];
	__m256 mx = _mm256_setzero_ps();
	int64_t i;
	for (i = ilo; i <= ihi; i += 8) {
		__m256i idx = _mm256_add_epi32(_mm256_loadu_si256((const __m256i *)(in->xi + i)),
					       _mm256_loadu_si256((const __m256i *)(in->yi + yoff + i)));
		__m256 p = _mm256_i32gather_ps(in->pmf, idx, 4);
		__m256 m = _mm256_fmadd_ps(MM, _mm256_loadu_ps(M2 + i),
					   _mm256_fmadd_ps(XM, _mm256_loadu_ps(X2 + i), _mm256_mul_ps(YM, _mm256_loadu_ps(Y2 + i))));
		__m256 x = _mm256_fmadd_ps(MX, _mm256_loadu_ps(M1 + i - 1), _mm256_mul_ps(XX, _mm256_loadu_ps(X1 + i - 1)));
		__m256 y = _mm256_fmadd_ps(MY, _mm256_loadu_ps(M1 + i), _mm256_mul_ps(YY, _mm256_loadu_ps(Y1 + i)));
		m = _mm256_mul_ps(p, m);
		x = _mm256_mul_ps(_mm256_loadu_ps(in->qxs + i), x);
		y = _mm256_mul_ps(_mm256_loadu_ps(in->qys + yoff + i), y);
		_mm256_storeu_ps(cur[0] + i, m);
		_mm256_storeu_ps(cur[1] + i, x);
		_mm256_storeu_ps(cur[2] + i, y);
		mx = _mm256_max_ps(mx, _mm256_max_ps(m, _mm256_max_ps(x, y)));
	}
	{
		__m128 h = _mm_max_ps(_mm256_castps256_ps128(mx), _mm256_extractf128_ps(mx, 1));
		h = _mm_max_ps(h, _mm_movehl_ps(h, h));
		h = _mm_max_ss(h, _mm_shuffle_ps(h, h, 1));
		return _mm_cvtss_f32(h);
	}
}

__attribute__((target("avx512f,avx512bw"))) float phmm_diag_avx512(const phmm_f32_in_t *in, float *const cur[3],
								   const float *const d1[3], const float *const d2[3],
								   int64_t ilo, int64_t ihi, int64_t yoff, const float c[7])
{
	const __m512 MM = _mm512_set1_ps(c[0]), XM = _mm512_set1_ps(c[1]), YM = _mm512_set1_ps(c[2]);
	const __m512 MX = _mm512_set1_ps(c[3]), XX = _mm512_set1_ps(c[4]), MY = _mm512_set1_ps(c[5]), YY = _mm512_set1_ps(c[6]);
	const float *M2 = d2[0] - 1, *X2 = d2[1] - 1, *Y2 = d2[2] - 1, *M1 = d1[0], *X1 = d1[1], *Y1 = d1[2];
	__m512 mx = _mm512_setzero_ps();
	int64_t i;
	for (i = ilo; i <= ihi; i += 16) {
		__m512i idx = _mm512_add_epi32(_mm512_loadu_si512(in->xi + i), _mm512_loadu_si512(in->yi + yoff + i));
		__m512 p = _mm512_i32gather_ps(idx, in->pmf, 4);
		__m512 m = _mm512_fmadd_ps(MM, _mm512_loadu_ps(M2 + i),
					   _mm512_fmadd_ps(XM, _mm512_loadu_ps(X2 + i), _mm512_mul_ps(YM, _mm512_loadu_ps(Y2 + i))));
		__m512 x = _mm512_fmadd_ps(MX, _mm512_loadu_ps(M1 + i - 1), _mm512_mul_ps(XX, _mm512_loadu_ps(X1 + i - 1)));
		__m512 y = _mm512_fmadd_ps(MY, _mm512_loadu_ps(M1 + i), _mm512_mul_ps(YY, _mm512_loadu_ps(Y1 + i)));
		m = _mm512_mul_ps(p, m);
		x = _mm512_mul_ps(_mm512_loadu_ps(in->qxs + i), x);
		y = _mm512_mul_ps(_mm512_loadu_ps(in->qys + yoff + i), y);
		_mm512_storeu_ps(cur[0] + i, m);
		_mm512_storeu_ps(cur[1] + i, x);
		_mm512_storeu_ps(cur[2] + i, y);
		mx = _mm512_max_ps(mx, _mm512_max_ps(m, _mm512_max_ps(x, y)));
	}
	return _mm512_reduce_max_ps(mx);
}
#else
typedef int phmm_dp_simd_x86_unused;  /* ISO C forbids an empty translation unit */
#endif
