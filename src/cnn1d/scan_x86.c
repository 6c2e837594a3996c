/* scan_x86: the prefilter kernels of scan_kernel.h for SSE4.1 (16 lanes),
 * AVX2 (32), AVX-512BW (64) with 16-entry byte shuffles (two columns per
 * lookup), and AVX-512 VBMI (64 lanes) with 64-entry byte permutes (three
 * columns).  For each vector of windows starting at i:
 *     acc = Σ_j sat e_j(code[i + off_j]),   candidate iff acc ≤ lim,
 * stopping as soon as no lane is ≤ lim.  prefilter_c (scan_prefilter.c) is
 * the plain-C twin; each function is compiled for its instruction set alone
 * and called only when the CPU has it. */
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#include "cnn1d/scan_kernel.h"

#define SSE41 __attribute__((target("sse4.1"), always_inline)) static inline
#define AVX2 __attribute__((target("avx2"), always_inline)) static inline

/* bits of the lanes that are windows (i + lane < n) */
static inline uint64_t lanes_below(int64_t left)
{
	return left >= 64 ? ~0ULL : (1ULL << left) - 1;
}

SSE41 uint32_t pf16_sse41(const prefilter_t *f, const uint8_t *code, __m128i lim)
{
	__m128i acc = _mm_setzero_si128();
	int j;
	for (j = 0; j < f->ng; j++) {
		__m128i idx = _mm_loadu_si128((const __m128i *)(code + f->off[j]));
		acc = _mm_adds_epu8(acc, _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(f->tab + (size_t)j * PF_TAB)), idx));
		if (j & 1 && _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(acc, lim), acc)) == 0) return 0;
	}
	return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(acc, lim), acc));
}

__attribute__((target("sse4.1"))) void prefilter_sse41(const prefilter_t *f, const uint8_t *code, int64_t n, uint64_t *mask)
{
	const __m128i lim = _mm_set1_epi8((char)f->lim);
	int64_t i;
	for (i = 0; i < n; i += 64) {
		uint64_t m = 0;
		int h;
		for (h = 0; h < 64; h += 16) m |= (uint64_t)pf16_sse41(f, code + i + h, lim) << h;
		mask[i / 64] = m & lanes_below(n - i);
	}
}

AVX2 uint32_t pf32_avx2(const prefilter_t *f, const uint8_t *code, __m256i lim)
{
	__m256i acc = _mm256_setzero_si256();
	int j;
	for (j = 0; j < f->ng; j++) {
		__m256i idx = _mm256_loadu_si256((const __m256i *)(code + f->off[j]));
		acc = _mm256_adds_epu8(acc, _mm256_shuffle_epi8(_mm256_loadu_si256((const __m256i *)(f->tab + (size_t)j * PF_TAB)), idx));
		if (j & 1 && _mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(acc, lim), acc)) == 0) return 0;
	}
	return (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(acc, lim), acc));
}

__attribute__((target("avx2"))) void prefilter_avx2(const prefilter_t *f, const uint8_t *code, int64_t n, uint64_t *mask)
{
	const __m256i lim = _mm256_set1_epi8((char)f->lim);
	int64_t i;
	for (i = 0; i < n; i += 64) {
		uint64_t m = pf32_avx2(f, code + i, lim) | (uint64_t)pf32_avx2(f, code + i + 32, lim) << 32;
		mask[i / 64] = m & lanes_below(n - i);
	}
}

__attribute__((target("avx512f,avx512bw"))) void prefilter_avx512bw(const prefilter_t *f, const uint8_t *code, int64_t n,
								     uint64_t *mask)
{
	const __m512i lim = _mm512_set1_epi8((char)f->lim);
	int64_t i;
	for (i = 0; i < n; i += 64) {
		__m512i acc = _mm512_setzero_si512();
		__mmask64 m = ~0ULL;
		int j;
		for (j = 0; j < f->ng && m; j++) {
			__m512i idx = _mm512_loadu_si512(code + i + f->off[j]);
			acc = _mm512_adds_epu8(acc, _mm512_shuffle_epi8(_mm512_loadu_si512(f->tab + (size_t)j * PF_TAB), idx));
			if (j & 1) m = _mm512_cmple_epu8_mask(acc, lim);
		}
		mask[i / 64] = _mm512_cmple_epu8_mask(acc, lim) & lanes_below(n - i);
	}
}

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) void prefilter_avx512vbmi(const prefilter_t *f, const uint8_t *code,
										   int64_t n, uint64_t *mask)
{
	const __m512i lim = _mm512_set1_epi8((char)f->lim);
	int64_t i;
	for (i = 0; i < n; i += 64) {
		__m512i acc = _mm512_setzero_si512();
		__mmask64 m = ~0ULL;
		int j;
		for (j = 0; j < f->ng && m; j++) {
			__m512i idx = _mm512_loadu_si512(code + i + f->off[j]);
			acc = _mm512_adds_epu8(acc, _mm512_permutexvar_epi8(idx, _mm512_loadu_si512(f->tab + (size_t)j * PF_TAB)));
			if (j & 1) m = _mm512_cmple_epu8_mask(acc, lim);
		}
		mask[i / 64] = _mm512_cmple_epu8_mask(acc, lim) & lanes_below(n - i);
	}
}
#endif
