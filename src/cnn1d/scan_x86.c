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
#define PF_UNROLL512 2  /* 128 windows per round (measured: 1, 4 and 8 were slower) */

/* Vectors of V lanes, U at a time: the first `first` lookups for all U
 * without a test (the first two with their tables held in registers), then
 * the lanes still ≤ lim as bit masks, recomputed after each further lookup
 * until none is left or every lookup is added.  LOOK(t, idx) is the byte
 * lookup, ALIVE(acc) the bits of the lanes ≤ lim; lanes past n are dropped.
 * The masks stay in registers (keeping acc[] in a loop that can stop early
 * sent it through the stack, the slowest part of the kernel). */
#define PF_BODY(VEC, V, U, LOAD, LOOK, ADDS, ALIVE)                                         \
	const VEC t0 = LOAD(f->tab), t1 = LOAD(f->tab + PF_TAB);                            \
	int i, nc = 0;                                                                      \
	const uint8_t *c0 = code + f->off[0], *c1 = code + f->off[1];                       \
	for (i = 0; i < n; i += U * V) {                                                    \
		VEC acc[U];                                                                 \
		uint64_t live[U], any = 0;                                                  \
		int j, u;                                                                   \
		for (u = 0; u < U; u++)                                                     \
			acc[u] = ADDS(LOOK(t0, LOAD(c0 + i + u * V)), LOOK(t1, LOAD(c1 + i + u * V))); \
		for (j = 2; j < f->first; j++) {                                           \
			const VEC t = LOAD(f->tab + (size_t)j * PF_TAB);                    \
			const uint8_t *c = code + i + f->off[j];                            \
			for (u = 0; u < U; u++) acc[u] = ADDS(acc[u], LOOK(t, LOAD(c + u * V))); \
		}                                                                           \
		for (u = 0; u < U; u++) any |= live[u] = ALIVE(acc[u]);                     \
		for (; j < f->ng && any; j++) {                                             \
			const VEC t = LOAD(f->tab + (size_t)j * PF_TAB);                    \
			const uint8_t *c = code + i + f->off[j];                            \
			for (u = 0, any = 0; u < U; u++) {                                  \
				acc[u] = ADDS(acc[u], LOOK(t, LOAD(c + u * V)));            \
				any |= live[u] = ALIVE(acc[u]);                             \
			}                                                                   \
		}                                                                           \
		for (u = 0; any && u < U; u++)                                              \
			for (uint64_t m = live[u]; m; m &= m - 1) {                         \
				int at = i + u * V + __builtin_ctzll(m);                    \
				if (at >= n) break;                                         \
				cand[nc++] = at;                                            \
			}                                                                   \
	}                                                                                   \
	return nc;

SSE41 __m128i ld128(const void *p) { return _mm_loadu_si128((const __m128i *)p); }
SSE41 __m128i look_sse41(__m128i t, __m128i idx) { return _mm_shuffle_epi8(t, idx); }
SSE41 uint32_t alive_sse41(__m128i acc, __m128i lim) { return (uint32_t)_mm_movemask_epi8(_mm_cmpeq_epi8(_mm_min_epu8(acc, lim), acc)); }

__attribute__((target("sse4.1"))) int prefilter_sse41(const prefilter_t *f, const uint8_t *code, int n, uint32_t *cand)
{
	const __m128i lim = _mm_set1_epi8((char)f->lim);
#define ALIVE(a) alive_sse41(a, lim)
	PF_BODY(__m128i, 16, 4, ld128, look_sse41, _mm_adds_epu8, ALIVE)
#undef ALIVE
}

AVX2 __m256i ld256(const void *p) { return _mm256_loadu_si256((const __m256i *)p); }
AVX2 __m256i look_avx2(__m256i t, __m256i idx) { return _mm256_shuffle_epi8(t, idx); }
AVX2 uint32_t alive_avx2(__m256i acc, __m256i lim) { return (uint32_t)_mm256_movemask_epi8(_mm256_cmpeq_epi8(_mm256_min_epu8(acc, lim), acc)); }

__attribute__((target("avx2"))) int prefilter_avx2(const prefilter_t *f, const uint8_t *code, int n, uint32_t *cand)
{
	const __m256i lim = _mm256_set1_epi8((char)f->lim);
#define ALIVE(a) alive_avx2(a, lim)
	PF_BODY(__m256i, 32, 2, ld256, look_avx2, _mm256_adds_epu8, ALIVE)
#undef ALIVE
}

#define AVX512BW __attribute__((target("avx512f,avx512bw"), always_inline)) static inline
AVX512BW __m512i ld512(const void *p) { return _mm512_loadu_si512(p); }
AVX512BW __m512i look_avx512bw(__m512i t, __m512i idx) { return _mm512_shuffle_epi8(t, idx); }
__attribute__((target("avx512f,avx512bw,avx512vbmi"), always_inline)) static inline __m512i look_vbmi(__m512i t, __m512i idx)
{
	return _mm512_permutexvar_epi8(idx, t);
}

__attribute__((target("avx512f,avx512bw"))) int prefilter_avx512bw(const prefilter_t *f, const uint8_t *code, int n, uint32_t *cand)
{
	const __m512i lim = _mm512_set1_epi8((char)f->lim);
#define ALIVE(a) _mm512_cmple_epu8_mask(a, lim)
	PF_BODY(__m512i, 64, PF_UNROLL512, ld512, look_avx512bw, _mm512_adds_epu8, ALIVE)
}

__attribute__((target("avx512f,avx512bw,avx512vbmi"))) int prefilter_avx512vbmi(const prefilter_t *f, const uint8_t *code,
										   int n, uint32_t *cand)
{
	const __m512i lim = _mm512_set1_epi8((char)f->lim);
	PF_BODY(__m512i, 64, PF_UNROLL512, ld512, look_vbmi, _mm512_adds_epu8, ALIVE)
#undef ALIVE
}

/* Counting: 32 windows per vector, 16-bit levels, each lookup one two-table
 * word permute (64 entries); invalid windows take the sentinel. */
__attribute__((target("avx512f,avx512bw"))) int counter_avx512bw(const counter_t *f, const uint8_t *code, const int32_t *namb,
								   int n, uint16_t *lv, uint32_t *cand)
{
	const __m512i sentinel = _mm512_set1_epi16((short)f->sentinel), T = _mm512_set1_epi16((short)f->T);
	int i, j, nc = 0;
	for (i = 0; i < n; i += 32) {
		__m512i acc = _mm512_setzero_si512();
		for (j = 0; j < f->ng; j++) {
			__m512i idx = _mm512_cvtepu8_epi16(_mm256_loadu_si256((const __m256i *)(code + i + 3 * j)));
			const uint16_t *t = f->tab + 64 * j;
			acc = _mm512_add_epi16(acc, _mm512_permutex2var_epi16(_mm512_loadu_si512(t), idx, _mm512_loadu_si512(t + 32)));
		}
		__mmask32 bad = (__mmask32)_mm512_cmpneq_epi32_mask(_mm512_loadu_si512(namb + i + f->w), _mm512_loadu_si512(namb + i)) |
				(__mmask32)_mm512_cmpneq_epi32_mask(_mm512_loadu_si512(namb + i + 16 + f->w), _mm512_loadu_si512(namb + i + 16)) << 16;
		__mmask32 hit = _mm512_cmpge_epu16_mask(acc, T) & ~bad;
		_mm512_storeu_si512(lv + i, _mm512_mask_mov_epi16(acc, bad, sentinel));
		for (; hit; hit &= hit - 1) {
			int at = i + __builtin_ctz(hit);
			if (at >= n) break;
			cand[nc++] = at;
		}
	}
	return nc;
}
#endif
