/* dp_stripe: the forward of dp_simd.h, and the forward–backward with
 * expected counts of dp_simd_fb.c, by stripes of 16 rows held in AVX-512
 * registers (GKL's layout, with the scaling that a pair HMM emitting both
 * sequences needs).  With a band, a stripe runs only the blocks its rows'
 * band crosses and zeroes the cells outside it.  With free ends (glocal)
 * B is every cell of row 0 and E every cell of row n (phmm_stripe_fb).
 * The forward alone runs two stripes at once, each step of one between
 * two of the other: a step waits ~10 cycles on its own SX (a lane shift
 * and an FMA), which the other stripe's independent work fills.
 *
 * Layout.  Stripe s holds rows r0+1..r0+16 (r0 = 16s), lane k row r0+1+k;
 * at step t lane k computes column j = t − k, so all lanes sit on diagonal
 * r0+1+t.  In the sum form of dp_simd.h a cell reads S of (i−1, j−1) — lane
 * k−1 two steps back —, SX of (i−1, j) — lane k−1 one step back — and SY
 * of (i, j−1) — its own lane one step back; lane 0 reads row r0, the last
 * row of the stripe above, which that stripe collected from its lane 15.
 * Nothing but the boundary rows touches memory:
 *   M = p[x_i, y_j]·S↑,  S = MM·M + XM·qX·SX↑ + YM·qY·SY←,
 *   SX = MX·M + XX·qX·SX↑,  SY = MY·M + YY·qY·SY←
 * (qX·XM and qX·XX are per lane, qY·YM and qY·YY per column: the gap cells
 * need not be formed).
 *
 * Scaling.  A stripe's values are stored as f·2^E, with one exponent E per
 * block of 16 steps: at the start of a block the largest of its state and
 * of the boundary values the block will read is brought near 2^T, with
 * T + 16·log2 G + 4 < 128 for G the largest one-step growth of the sums
 * under the pair's tables (G ≤ 1 for probabilities: T = 116), so nothing
 * overflows within the block; values below 2^−126 are flushed, which loses
 * < 2^(−126 − E) per cell.  Rows between stripes carry an exponent per
 * column and are rescaled (vscalefps) when read.  Per diagonal d the driver keeps
 * max(−E) over the blocks crossing d: 2^(T + gbits + 1 − E) bounds the
 * diagonal's cells and 2^(−126 − E) what flushing lost, which criterion (f)
 * of dp_simd.h needs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "pairhmm/dp_simd.h"
#include "pairhmm/dp_simd_impl.h"
#include "util/log.h"

int64_t phmm_stripe_keep_bytes = (int64_t)16 << 20;

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw"), always_inline)) static inline

enum { SLOOK16, SLOOK32, SGATHER };

/* Segments.  A pair whose kept forward would pass phmm_stripe_keep_bytes
 * runs in segments of `every` stripes: a first forward (two stripes at a
 * time without a band) down to the last segment keeps only the rows
 * between segments (S, SX and the exponents of the columns written, 16 per
 * block of the stripe above: a read's band, not the reference's width),
 * the last segment's keeps its cells; then, from the last segment up, the
 * backward goes through each segment, whose forward is run again from its
 * row first (but the last's).  That is up to one forward more, but the
 * kept cells stay in cache: past the caches, reading them back bounds the
 * backward. */
typedef struct {
	int64_t every;  /* stripes per segment, from the last up (the first may be shorter): */
	int64_t off;    /* segment g is stripes off + every·g.., from 0; row g is row 16·(off + every·(g + 1)) */
	int64_t *at;    /* row g's columns lo[g]..hi[g] (written by the stripe above) at [at[g]] of: */
	float *S, *SX;
	int32_t *E;
	int64_t *lo, *hi;
	int64_t *Er;       /* the exponent the stripe above it ended with (the next stripe's start) */
} stripe_ckpt_t;

#define STRIPE_SEG_BYTES ((int64_t)8 << 20)    /* a segment's kept forward, at most */
#define STRIPE_CKPT_BYTES ((int64_t)16 << 20)  /* the rows kept between segments, at most */

/* v·2^e for any e: an exact power of 2 where one exists (most calls),
 * else libm's ldexp */
static inline double scaled(double v, int64_t e)
{
	if (e >= -1022 && e <= 1023) return v * phmm_pow2(e);
	return e < -1100 ? 0 : ldexp(v, (int)(e > 2000 ? 2000 : e));
}

/* What every stripe of one pass shares. */
typedef struct {
	const phmm_f32_in_t *in;
	int64_t n, m, nb;          /* nb blocks of 16 steps per stripe */
	const float *ymq, *yyq;    /* qY·YM and qY·YY at reversed y index k */
	float tr[7];               /* MM XM YM MX XX MY YY */
	int T;                     /* the target exponent of a block's maximum */
	double *lgE;               /* per diagonal: max over blocks of −E */
	int64_t *gE;               /* the same per group g of diagonals 16g+1..16g+16 */
	float *bS;                 /* 64 floats: the row above of a block (stripe_lane_t) */
	float *F;                  /* with keep: Ss, SXs, SY← of every step, 48 floats, by stripe */
	int64_t *Ef;               /* with keep: E of block b of stripe s at [foff[s] − fbase + b − b0] */
	const int64_t *foff;       /* with keep: stripe s's first block in F and Ef */
	int64_t fbase;             /* with keep: F and Ef start at block foff[s0] */
	int64_t s0, s1;            /* the stripes run: s0..s1−1 */
	int64_t in_lo, in_hi;      /* the columns of row 16·s0 that were written */
	int64_t E0;                /* the exponent stripe s0 starts from */
	stripe_ckpt_t *ck;         /* without keep, or NULL: the rows it keeps */
	const int32_t *lo, *hi;    /* the band by row (dp.h), or NULL */
	int64_t lo0, m0;           /* the columns of row 0: 0..m, or the band's */
	int glocal;                /* B at every (0, j) of row 0 (dp.h), not (0, 0) alone */
} stripe_ctx_t;

/* The blocks b0..b1 of 16 steps that stripe s runs: lane k of step t is
 * column t − k, so the columns lo of its first row to hi of its last (the
 * band's edges do not decrease, as dp_simd.c requires). */
static inline void stripe_window(int64_t n, int64_t m, const int32_t *lo, const int32_t *hi, int64_t s, int64_t *b0, int64_t *b1)
{
	const int64_t r0 = 16 * s, last = r0 + 16 < n ? r0 + 16 : n;
	*b0 = lo ? lo[r0 + 1] / 16 : 0;
	*b1 = ((hi ? hi[last] : m) + 15) / 16;
}

/* The state carried from step to step. */
typedef struct {
	__m512 S1, S2, SX1, SY1;  /* S of steps t−1 and t−2; SX, SY of t−1 */
	__m512 endM, endX, endY;  /* the inputs of cell (n, m) at its step */
	int64_t E, Eend;
} stripe_regs_t;

/* Per stripe: row codes, gap factors of its rows, the p tables times MM,
 * MX, MY; the pass's y arrays; and the row above for this block in the
 * stripe's scale, in memory (a broadcast from memory is a load, from a
 * register a shuffle): bS[0] is S of column 16b−1, bS[1 + l] and bSX[l] of
 * column 16b + l. */
typedef struct {
	__m512i xrow;
	__m512 XMq, XXq, PMM0, PMM1, PMX0, PMX1, PMY0, PMY1, P0, P1;
	__mmask16 rows;
	int64_t m;
	const int32_t *yi;
	const float *ymq, *yyq;
	float *bS, *bSX;
	float *F;               /* this stripe's part of stripe_ctx_t.F, at [48·t] */
	__m512i blo, bhi;       /* with a band: lane k's cells are steps blo..bhi */
	int64_t in_lo, in_hi;   /* the columns of the row above that were written */
	int64_t r0, b0, b1;     /* the stripe's rows r0+1..r0+16 and blocks b0..b1 */
	int64_t te;             /* the step of cell (n, m), or −1: not in this stripe */
	const float *inS, *inSX;  /* the row above, and below (out), by column */
	const int32_t *ein;
	float *outS, *outSX;
	int32_t *eout;
} stripe_lane_t;

/* lanes k with 1 ≤ t − k ≤ m */
static inline __mmask16 column_mask(int64_t t, int64_t m)
{
	unsigned hi = t >= 16 ? 0xffffu : (1u << t) - 1, lo = 0xffffu;
	if (t - m > 0) lo = t - m >= 16 ? 0 : (0xffffu << (t - m)) & 0xffffu;
	return (__mmask16)(hi & lo);
}

/* lane 0 the value at v, lanes 1..15 lanes 0..14 of a */
AVX512 __m512 shift_in(__m512 a, const float *v)
{
	const __m512i ai = _mm512_castps_si512(a);
	return _mm512_castsi512_ps(_mm512_mask_alignr_epi32(_mm512_castps_si512(_mm512_set1_ps(*v)), 0xfffe, ai, ai, 15));
}

AVX512 __m512 look(const float *tab, __m512 t0, __m512 t1, __m512i idx, __mmask16 k, int how)
{
	if (how == SLOOK16) return _mm512_maskz_permutexvar_ps(k, idx, t0);
	if (how == SLOOK32) return _mm512_maskz_permutex2var_ps(k, t0, idx, t1);
	return _mm512_mask_i32gather_ps(_mm512_setzero_ps(), k, idx, tab, 4);
}

/* The steps at which the rows r0+1..r0+16 are in the band: lane k from
 * lo + k to hi + k (none for rows past n). */
AVX512 void band_lanes(const int32_t *lo, const int32_t *hi, int64_t n, int64_t r0, __m512i *blo, __m512i *bhi)
{
	int32_t a[16], z[16];
	int k;
	for (k = 0; k < 16; k++) {
		const int64_t i = r0 + 1 + k;
		a[k] = i <= n ? lo[i] + k : INT32_MAX, z[k] = i <= n ? hi[i] + k : -1;
	}
	*blo = _mm512_loadu_si512(a), *bhi = _mm512_loadu_si512(z);
}

/* lanes whose cell at step t lies in the band */
AVX512 __mmask16 band_mask(__m512i blo, __m512i bhi, int64_t t)
{
	const __m512i tv = _mm512_set1_epi32((int32_t)t);
	return _mm512_mask_cmpge_epi32_mask(_mm512_cmple_epi32_mask(blo, tv), bhi, tv);
}

AVX512 void stripe_step(const stripe_ctx_t *c, stripe_regs_t *r, const stripe_lane_t *L, int64_t t, int q, int how, int keep, int band)
{
	const int64_t k0 = L->m - t;  /* reversed y index of lane 0 */
	const __m512i idx = _mm512_add_epi32(L->xrow, _mm512_loadu_si512(L->yi + k0));
	const __m512 SXs = shift_in(r->SX1, L->bSX + q), Ss = shift_in(r->S2, L->bS + q);
	__m512 pMM, pMX, pMY, S, SX, SY;
	__mmask16 mk = L->rows;
	if (t < 16 || t > L->m) mk &= column_mask(t, L->m);
	if (how == SGATHER) {  /* one gather, three products */
		const __m512 p = look(c->in->pmf, L->P0, L->P1, idx, mk, how);
		pMM = _mm512_mul_ps(p, _mm512_set1_ps(c->tr[0]));
		pMX = _mm512_mul_ps(p, _mm512_set1_ps(c->tr[3]));
		pMY = _mm512_mul_ps(p, _mm512_set1_ps(c->tr[5]));
	} else {
		pMM = look(NULL, L->PMM0, L->PMM1, idx, mk, how);
		pMX = look(NULL, L->PMX0, L->PMX1, idx, mk, how);
		pMY = look(NULL, L->PMY0, L->PMY1, idx, mk, how);
	}
	/* SXs last: S of step t then waits on SX of t−1 by one shuffle and one
	 * FMA (the chain S → SX → S is the longest) */
	S = _mm512_fmadd_ps(L->XMq, SXs, _mm512_fmadd_ps(pMM, Ss, _mm512_mul_ps(_mm512_loadu_ps(L->ymq + k0), r->SY1)));
	SX = _mm512_fmadd_ps(L->XXq, SXs, _mm512_mul_ps(pMX, Ss));
	SY = _mm512_fmadd_ps(_mm512_loadu_ps(L->yyq + k0), r->SY1, _mm512_mul_ps(pMY, Ss));
	if (band) {  /* cells outside it are 0 */
		const __mmask16 bm = band_mask(L->blo, L->bhi, t);
		S = _mm512_maskz_mov_ps(bm, S), SX = _mm512_maskz_mov_ps(bm, SX), SY = _mm512_maskz_mov_ps(bm, SY);
	}
	if (keep) {  /* what the backward's counts read */
		_mm512_store_ps(L->F + 48 * t, Ss), _mm512_store_ps(L->F + 48 * t + 16, SXs);
		_mm512_store_ps(L->F + 48 * t + 32, r->SY1);
	}
	if (t == L->te) {
		r->endM = _mm512_mul_ps(look(c->in->pmf, L->P0, L->P1, idx, mk, how), Ss);
		r->endX = SXs, r->endY = r->SY1, r->Eend = r->E;
	}
	/* lane 15 is column t − 15 of the row below */
	_mm512_mask_storeu_ps(L->outS + t - 30, 0x8000, S), _mm512_mask_storeu_ps(L->outSX + t - 30, 0x8000, SX);
	L->eout[t - 15] = (int32_t)r->E;
	r->S2 = r->S1, r->S1 = S, r->SX1 = SX, r->SY1 = SY;
}

/* lanes l with lo ≤ u0 + l ≤ hi */
AVX512 __mmask16 written(int64_t u0, int64_t lo, int64_t hi)
{
	const __m512i col = _mm512_add_epi32(_mm512_set1_epi32((int32_t)u0), _mm512_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15));
	return _mm512_mask_cmple_epi32_mask(_mm512_cmpge_epi32_mask(col, _mm512_set1_epi32((int32_t)lo)), col, _mm512_set1_epi32((int32_t)hi));
}

/* The exponent of a block: the largest of its state, smax in the scale E,
 * and of the row it will read, 2^ebf (ebf −inf for none), brought near
 * 2^T; E if both are 0. */
static inline int64_t block_exponent(float smax, float ebf, int64_t E, int T)
{
	int64_t es = smax > 0 ? phmm_exp2_of(smax) - E : INT64_MIN, eb = ebf > -1e30f ? (int64_t)ebf : INT64_MIN;
	if (eb > es) es = eb;
	return es == INT64_MIN ? E : T - es;
}

/* The block start: the row above for columns 16b..16b+15 (exponents ein
 * per column), E chosen, the state rescaled, and −E noted on the diagonals
 * the block crosses. */
AVX512 void block_start(const stripe_ctx_t *c, stripe_regs_t *r, const stripe_lane_t *L, int64_t b)
{
	const float *inS = L->inS, *inSX = L->inSX;
	const int32_t *ein = L->ein;
	const int64_t r0 = L->r0;
	const int first = b == L->b0;
	/* only the columns the stripe above wrote (or row 0) */
	const __mmask16 ok = written(16 * b, L->in_lo, L->in_hi);
	const __m512 nS = _mm512_maskz_load_ps(ok, inS + 16 * b), nSX = _mm512_maskz_load_ps(ok, inSX + 16 * b);
	const __m512 ne = _mm512_cvtepi32_ps(_mm512_maskz_load_epi32(ok, ein + 16 * b));
	const __m512 st = _mm512_max_ps(_mm512_max_ps(r->S1, r->S2), _mm512_max_ps(r->SX1, r->SY1));
	/* the boundary's largest true exponent (getexp of 0 is −inf) */
	const float ebf = _mm512_reduce_max_ps(_mm512_sub_ps(_mm512_max_ps(_mm512_getexp_ps(nS), _mm512_getexp_ps(nSX)), ne));
	const float sm = _mm512_reduce_max_ps(st);
	const int64_t u = 16 * b - 1;  /* the first block reads column 16b − 1 too */
	const int in_u = first && u >= L->in_lo && u <= L->in_hi && inS[u] > 0;
	const float eu = in_u ? (float)(phmm_exp2_of(inS[u]) - ein[u]) : -INFINITY;
	const int64_t En = block_exponent(sm > L->bS[16] ? sm : L->bS[16], ebf > eu ? ebf : eu, r->E, c->T);
	if (En != r->E) {
		const __m512 f = _mm512_set1_ps((float)(En - r->E));
		r->S1 = _mm512_scalef_ps(r->S1, f), r->S2 = _mm512_scalef_ps(r->S2, f);
		r->SX1 = _mm512_scalef_ps(r->SX1, f), r->SY1 = _mm512_scalef_ps(r->SY1, f);
	}
	if (first) L->bS[0] = in_u ? (float)ldexp(inS[u], (int)(En - ein[u])) : 0;
	/* scaled, not phmm_pow2: a stripe whose first blocks were all 0 kept
	 * the exponent it started with, which can be far from En, and
	 * phmm_pow2 wraps outside −1022..1023 (0·inf made a NaN that refused
	 * the pair) */
	else L->bS[0] = (float)scaled(L->bS[16], En - r->E);
	_mm512_storeu_ps(L->bS + 1, _mm512_scalef_ps(nS, _mm512_sub_ps(_mm512_set1_ps((float)En), ne)));
	_mm512_storeu_ps(L->bSX, _mm512_scalef_ps(nSX, _mm512_sub_ps(_mm512_set1_ps((float)En), ne)));
	r->E = En;
	/* the block crosses diagonals r0+1+16b .. r0+16+16b: group s + b */
	if (c->gE && -En > c->gE[r0 / 16 + b]) c->gE[r0 / 16 + b] = -En;
	if (c->Ef) c->Ef[c->foff[r0 / 16] - c->fbase + b - L->b0] = En;
}

/* Stripe s's lanes: rows r0+1..r0+16 from the row above (inS, inSX, ein
 * by column; written for columns *lo..*hi) to the row below (outS, outSX,
 * eout; its written columns into *lo, *hi); bS 64 floats of its own; te ≥
 * 0 the step of cell (n, m) in the last stripe. */
AVX512 void stripe_setup(const stripe_ctx_t *c, stripe_regs_t *r, stripe_lane_t *L, int64_t s, const float *inS, const float *inSX,
			 const int32_t *ein, float *outS, float *outSX, int32_t *eout, float *bS, int64_t *lo, int64_t *hi, int64_t te,
			 int keep, int band)
{
	const phmm_f32_in_t *in = c->in;
	const int64_t r0 = 16 * s;
	const __m512 qx = _mm512_loadu_ps(in->qxs + r0 + 1);
	const __m512 MM = _mm512_set1_ps(c->tr[0]), MX = _mm512_set1_ps(c->tr[3]), MY = _mm512_set1_ps(c->tr[5]);
	const int64_t left = c->n - r0;
	stripe_window(c->n, c->m, c->lo, c->hi, s, &L->b0, &L->b1);
	L->xrow = _mm512_loadu_si512(in->xi + r0 + 1);
	L->XMq = _mm512_mul_ps(_mm512_set1_ps(c->tr[1]), qx), L->XXq = _mm512_mul_ps(_mm512_set1_ps(c->tr[4]), qx);
	L->P0 = _mm512_loadu_ps(in->pmf), L->P1 = _mm512_loadu_ps(in->pmf + 16);
	L->PMM0 = _mm512_mul_ps(L->P0, MM), L->PMM1 = _mm512_mul_ps(L->P1, MM);
	L->PMX0 = _mm512_mul_ps(L->P0, MX), L->PMX1 = _mm512_mul_ps(L->P1, MX);
	L->PMY0 = _mm512_mul_ps(L->P0, MY), L->PMY1 = _mm512_mul_ps(L->P1, MY);
	L->rows = (__mmask16)(left >= 16 ? 0xffffu : (1u << left) - 1);
	L->m = c->m, L->yi = in->yi, L->ymq = c->ymq, L->yyq = c->yyq, L->bS = bS, L->bSX = bS + 32;
	L->F = keep ? c->F + (c->foff[s] - c->fbase - L->b0) * 48 * 16 : NULL;
	L->in_lo = *lo, L->in_hi = *hi, L->r0 = r0, L->te = te;
	L->inS = inS, L->inSX = inSX, L->ein = ein, L->outS = outS, L->outSX = outSX, L->eout = eout;
	if (band) band_lanes(c->lo, c->hi, c->n, r0, &L->blo, &L->bhi);
	r->S1 = r->S2 = r->SX1 = r->SY1 = _mm512_setzero_ps();
	L->bS[16] = 0;
	*lo = 16 * L->b0 - 15, *hi = 16 * L->b1;  /* lane 15 writes column t − 15 */
}

#define STEP(R, L, q) stripe_step(c, R, L, t0 + (q), (q), how, keep, band)

/* Block b of one stripe */
AVX512 void stripe_block(const stripe_ctx_t *c, stripe_regs_t *r, const stripe_lane_t *L, int64_t b, int how, int keep, int band)
{
	const int64_t t0 = 16 * b;
	block_start(c, r, L, b);
	STEP(r, L, 0), STEP(r, L, 1), STEP(r, L, 2), STEP(r, L, 3), STEP(r, L, 4), STEP(r, L, 5), STEP(r, L, 6), STEP(r, L, 7);
	STEP(r, L, 8), STEP(r, L, 9), STEP(r, L, 10), STEP(r, L, 11), STEP(r, L, 12), STEP(r, L, 13), STEP(r, L, 14), STEP(r, L, 15);
}

/* Block b of stripe A and block b − 2 of the stripe B below it, step by
 * step: the two are independent, so each hides the other's latency (a
 * step's chain SX → shift → SX is ~10 cycles, its work less) */
AVX512 void stripe_block2(const stripe_ctx_t *c, stripe_regs_t *rA, const stripe_lane_t *A, stripe_regs_t *rB, const stripe_lane_t *B,
			  int64_t b, int how, int keep, int band)
{
	int64_t t0;
	block_start(c, rA, A, b), block_start(c, rB, B, b - 2);
#define STEP2(q) (t0 = 16 * b, STEP(rA, A, q)), (t0 = 16 * (b - 2), STEP(rB, B, q))
	STEP2(0), STEP2(1), STEP2(2), STEP2(3), STEP2(4), STEP2(5), STEP2(6), STEP2(7);
	STEP2(8), STEP2(9), STEP2(10), STEP2(11), STEP2(12), STEP2(13), STEP2(14), STEP2(15);
#undef STEP2
}
#undef STEP

/* The boundary rows: column u of row r at [u], u from −16 (the last
 * stripe's lane 15 writes columns from −15).  Stripes run two at a time:
 * B (rows r0+17..r0+32) reads columns up to 16b + 15 of the row A writes,
 * which A finishes in its block b + 1, and writes the row A read two
 * blocks behind A's reading, so one buffer pair serves (A reads 0 and
 * writes 1, B reads 1 and writes 0).  With keep, one at a time: the
 * forward–backward's pass stores 192 bytes a step, and two interleaved
 * ran 13% slower (150×200: 40 against 35.5 kTSC). */
/* Keep row 16·s (s stripes done) when a segment starts there, and Er, the
 * exponent stripe s − 1 ended with: a stripe whose first block is all 0
 * keeps the exponent it starts with, which its backward's factor reads. */
static void ckpt_keep(const stripe_ctx_t *c, int64_t s, const float *S, const float *SX, const int32_t *E, int64_t lo, int64_t hi, int64_t Er)
{
	stripe_ckpt_t *k = c->ck;
	int64_t g;
	if (!k || (s - k->off) % k->every || 16 * s >= c->n) return;
	g = (s - k->off) / k->every - 1;
	memcpy(k->S + k->at[g], S + lo, (hi - lo + 1) * sizeof *S);
	memcpy(k->SX + k->at[g], SX + lo, (hi - lo + 1) * sizeof *SX);
	memcpy(k->E + k->at[g], E + lo, (hi - lo + 1) * sizeof *E);
	k->lo[g] = lo, k->hi[g] = hi, k->Er[g] = Er;
}

AVX512 void stripes_body(const stripe_ctx_t *c, float *bufS[2], float *bufSX[2], int32_t *eb[2], double end[3], int64_t *Eend,
			 int how, int keep, int band)
{
	const int64_t ns = (c->n + 15) / 16;
	stripe_regs_t rA = {.E = c->E0}, rB = {.E = c->E0};
	stripe_lane_t A, B;
	int lastB = 0;  /* the last stripe ran as B */
	int64_t s, b, lo = c->in_lo, hi = c->in_hi;
	for (s = c->s0; s < c->s1;) {
		const int64_t teA = s == ns - 1 ? c->m + (c->n - 1 - 16 * s) : -1, teB = s + 1 == ns - 1 ? c->m + (c->n - 17 - 16 * s) : -1;
		const int a = (int)(s & 1);  /* the buffer the row above is in */
		stripe_setup(c, &rA, &A, s, bufS[a], bufSX[a], eb[a], bufS[!a], bufSX[!a], eb[!a], c->bS, &lo, &hi, teA, keep, band);
		if (s + 1 == c->s1 || keep || band) {
			for (b = A.b0; b <= A.b1; b++) stripe_block(c, &rA, &A, b, how, keep, band);
			if (!keep) ckpt_keep(c, s + 1, bufS[!a], bufSX[!a], eb[!a], lo, hi, rA.E);
			lastB = 0;
			s += 1;
			continue;
		}
		stripe_setup(c, &rB, &B, s + 1, bufS[!a], bufSX[!a], eb[!a], bufS[a], bufSX[a], eb[a], c->bS + 64, &lo, &hi, teB, keep, band);
		lastB = 1;
		for (b = A.b0; b <= A.b1 || b - 2 <= B.b1; b++) {
			const int ina = b <= A.b1, inb = b - 2 >= B.b0 && b - 2 <= B.b1;
			if (ina && inb) stripe_block2(c, &rA, &A, &rB, &B, b, how, keep, band);
			else if (ina) stripe_block(c, &rA, &A, b, how, keep, band);
			else if (inb) stripe_block(c, &rB, &B, b - 2, how, keep, band);
		}
		/* A's row (B read it) and B's */
		ckpt_keep(c, s + 1, bufS[!a], bufSX[!a], eb[!a], B.in_lo, B.in_hi, rA.E);
		ckpt_keep(c, s + 2, bufS[a], bufSX[a], eb[a], lo, hi, rB.E);
		s += 2;
	}
	{
		const int kn = (int)((c->n - 1) & 15);
		float v[16];
		_mm512_storeu_ps(v, lastB ? rB.endM : rA.endM), end[0] = v[kn];
		_mm512_storeu_ps(v, lastB ? rB.endX : rA.endX), end[1] = v[kn];
		_mm512_storeu_ps(v, lastB ? rB.endY : rA.endY), end[2] = v[kn];
		*Eend = lastB ? rB.Eend : rA.Eend;
	}
}

#define STRIPES(name, how, keep, band)                                                                         \
	__attribute__((target("avx512f,avx512bw"))) static void name(const stripe_ctx_t *c, float *bufS[2],    \
								     float *bufSX[2], int32_t *eb[2], double end[3], \
								     int64_t *Eend)                                  \
	{                                                                                                      \
		stripes_body(c, bufS, bufSX, eb, end, Eend, how, keep, band);                                  \
	}
STRIPES(stripes_look16, SLOOK16, 0, 0)
STRIPES(stripes_look32, SLOOK32, 0, 0)
STRIPES(stripes_gather, SGATHER, 0, 0)
STRIPES(stripes_look16b, SLOOK16, 0, 1)
STRIPES(stripes_look32b, SLOOK32, 0, 1)
STRIPES(stripes_keep16, SLOOK16, 1, 0)
STRIPES(stripes_keep32, SLOOK32, 1, 0)
STRIPES(stripes_keep16b, SLOOK16, 1, 1)
STRIPES(stripes_keep32b, SLOOK32, 1, 1)
#undef STRIPES

/* Row 0 (B — at (0, 0), or at every (0, j) when glocal — and the Y cells
 * (0, j)) as the first stripe's row above, in blocks of 16 columns with
 * their own exponents: exact powers of two, no libm.  With B at (0, j):
 * S = start·1 + YM·fY, SX = start·1, SY = start·1 + YY·fY. */
static void row0(const stripe_ctx_t *c, const double *tr, const double start[3], float *S, float *SX, int32_t *E)
{
	const int64_t m = c->m;
	double v[16], sv[16], sy = 0, mx;
	int64_t b, l, j, ev = 0, Eb;
	for (b = 0; b < c->nb; b++) {
		/* renormalise the running SY to [1, 2) so 16 columns stay in double */
		if (sy > 0) {
			int64_t e = phmm_exp2_of(sy);
			sy *= phmm_pow2(-e), ev -= e;
		}
		mx = 0;
		for (l = 0; l < 16; l++) {
			j = 16 * b + l;
			v[l] = sv[l] = 0;
			if (j >= c->lo0 && j <= c->m0) {
				const double fy = j > c->lo0 ? c->in->qys[m - j] * sy : 0;  /* qY(y_j)·SY(0, j−1) */
				v[l] = tr[PH_YM] * fy, sy = tr[PH_YY] * fy;
				if (c->glocal || j == 0) {
					const double one = phmm_pow2(ev);
					v[l] += start[0] * one, sv[l] = start[1] * one, sy += start[2] * one;
				}
			}
			if (v[l] > mx) mx = v[l];
			if (sv[l] > mx) mx = sv[l];
		}
		Eb = mx > 0 ? c->T - phmm_exp2_of(mx) : c->T;  /* stored = true·2^(Eb + ev) */
		for (l = 0; l < 16; l++) {
			S[16 * b + l] = (float)(v[l] * phmm_pow2(Eb));
			SX[16 * b + l] = (float)(sv[l] * phmm_pow2(Eb));
		}
		for (l = 0; l < 16; l++) E[16 * b + l] = (int32_t)(Eb + ev);
		for (l = 0; c->lgE && l < 16 && 16 * b + l <= c->n + c->m; l++)
			if (-(double)(Eb + ev) > c->lgE[16 * b + l]) c->lgE[16 * b + l] = -(double)(Eb + ev);
	}
}

/* The growth bits of a block: 16·log2 of the largest factor by which one
 * step can multiply the largest of S, SX, SY (at least 1). */
static int growth_bits(const phmm_f32_in_t *in, const double *tr)
{
	double pm = 0, qx = 0, qy = 0, g;
	int k;
	for (k = 0; k < in->ntab; k++) {
		if (in->pmf[k] > pm) pm = in->pmf[k];
		if (in->qxt[k] > qx) qx = in->qxt[k];
		if (in->qyt[k] > qy) qy = in->qyt[k];
	}
	g = tr[PH_MM] * pm + tr[PH_XM] * qx + tr[PH_YM] * qy;
	if (tr[PH_MX] * pm + tr[PH_XX] * qx > g) g = tr[PH_MX] * pm + tr[PH_XX] * qx;
	if (tr[PH_MY] * pm + tr[PH_YY] * qy > g) g = tr[PH_MY] * pm + tr[PH_YY] * qy;
	return g <= 1 ? 0 : (int)ceil(16 * log2(g));
}

/* qY·YM and qY·YY at reversed y index k = −PHMM_PAD..m−1+PHMM_PAD (0
 * outside y), offset so that [k] is index k: 0 or TS_ENOMEM (free *ymq −
 * PHMM_PAD and *yyq − PHMM_PAD). */
static int gap_columns(const double *tr, const phmm_f32_in_t *in, int64_t m, float **ymq, float **yyq)
{
	const int64_t P = PHMM_PAD;
	float *a = calloc(m + 1 + 2 * P, sizeof *a), *b = calloc(m + 1 + 2 * P, sizeof *b);
	int64_t k;
	if (!a || !b) {
		free(a), free(b);
		return TS_ENOMEM;
	}
	for (k = 0; k < m; k++) {
		a[P + k] = (float)(tr[PH_YM] * in->qys[k]);
		b[P + k] = (float)(tr[PH_YY] * in->qys[k]);
	}
	*ymq = a + P, *yyq = b + P;
	return TS_OK;
}

/* The forward of pair in (n × m) with transitions tr and start[] out of B,
 * target exponent T: τ·f of the last cell's M, X, Y in end[] (scale
 * Eend); lgE (or NULL) as phmm_stripe_pass_model; with F and Ef (not NULL) the
 * inputs of every cell and the blocks' exponents kept for the backward;
 * ymq0, yyq0 gap_columns() of tr, or NULL to make them here.  With ck (not
 * NULL) only stripes s0..s1−1, from the row ck kept before s0 (row 0 when
 * s0 = 0), F holding theirs from block foff[s0]; without F, keeping the
 * rows between segments into ck.  end[] is set when s1 is the last stripe.
 * 0 or TS_ENOMEM. */
static int forward_run(const double *tr, const double start[3], const phmm_f32_in_t *in, const phmm_pair_t *pr, int T, double *lgE,
		       float *F, int64_t *Ef, const int64_t *foff, const float *ymq0, const float *yyq0, stripe_ckpt_t *ck, int64_t s0,
		       int64_t s1, double end[3], int64_t *Eend)
{
	const int64_t n = pr->n, m = pr->m;
	const int64_t D = n + m, nb = m / 16 + 2, P = PHMM_PAD, row = 32 + 16 * nb, ng = (n + 15) / 16 + nb;
	static const int order[7] = {PH_MM, PH_XM, PH_YM, PH_MX, PH_XX, PH_MY, PH_YY};
	stripe_ctx_t c;
	float *buf, *bufS[2], *bufSX[2], *ymq = NULL, *yyq = NULL;
	int32_t *eb, *ebs[2];
	int64_t *gE, k;
	int ret = TS_ENOMEM, own = !ymq0, ok = !own || gap_columns(tr, in, m, &ymq, &yyq) == TS_OK;
	/* two rows (above, below) of S and SX, and their exponents; column 0 at
	 * [32], 64-byte aligned */
	buf = aligned_alloc(64, (size_t)(4 * row + 128) * sizeof *buf);
	eb = aligned_alloc(64, (size_t)(2 * row) * sizeof *eb);
	gE = lgE ? malloc(ng * sizeof *gE) : NULL;
	if (buf && ok && eb && (gE || !lgE)) {
		memset(&c, 0, sizeof c);
		c.in = in, c.n = n, c.m = m, c.nb = nb, c.T = T, c.lgE = lgE, c.gE = gE, c.F = F, c.Ef = Ef, c.foff = foff;
		c.lo = pr->lo, c.hi = pr->hi, c.lo0 = pr->glocal && pr->lo ? pr->lo[0] : 0, c.m0 = pr->hi ? pr->hi[0] : m, c.glocal = pr->glocal;
		c.ck = ck, c.s0 = ck ? s0 : 0, c.s1 = ck ? s1 : (n + 15) / 16, c.fbase = F ? foff[c.s0] : 0;
		for (k = 0; k < 7; k++) c.tr[k] = (float)tr[order[k]];
		c.ymq = own ? ymq : ymq0, c.yyq = own ? yyq : yyq0, c.bS = buf + 4 * row;
		/* columns past those a stripe writes are read as 0 */
		memset(buf, 0, (size_t)(4 * row) * sizeof *buf);
		memset(eb, 0, (size_t)(2 * row) * sizeof *eb);
		for (k = 0; k < 2; k++) bufS[k] = buf + 2 * k * row + 32, bufSX[k] = bufS[k] + row, ebs[k] = eb + k * row + 32;
		for (k = 0; lgE && k <= D; k++) lgE[k] = -INFINITY;
		for (k = 0; gE && k < ng; k++) gE[k] = INT64_MIN;
		if (c.s0 == 0) {
			row0(&c, tr, start, bufS[0], bufSX[0], ebs[0]);
			c.in_lo = -16, c.in_hi = INT32_MAX, c.E0 = T;  /* every column */
		} else {  /* the row kept before this segment */
			const int64_t g = (c.s0 - ck->off) / ck->every - 1, a = c.s0 & 1, lo = ck->lo[g], w = ck->hi[g] - lo + 1;
			memcpy(bufS[a] + lo, ck->S + ck->at[g], w * sizeof *ck->S);
			memcpy(bufSX[a] + lo, ck->SX + ck->at[g], w * sizeof *ck->SX);
			memcpy(ebs[a] + lo, ck->E + ck->at[g], w * sizeof *ck->E);
			c.in_lo = lo, c.in_hi = ck->hi[g], c.E0 = ck->Er[g];
		}
		if (F && pr->lo && in->ntab <= 16) stripes_keep16b(&c, bufS, bufSX, ebs, end, Eend);
		else if (F && pr->lo) stripes_keep32b(&c, bufS, bufSX, ebs, end, Eend);
		else if (F && in->ntab <= 16) stripes_keep16(&c, bufS, bufSX, ebs, end, Eend);
		else if (F) stripes_keep32(&c, bufS, bufSX, ebs, end, Eend);
		else if (pr->lo && in->ntab <= 16) stripes_look16b(&c, bufS, bufSX, ebs, end, Eend);
		else if (pr->lo) stripes_look32b(&c, bufS, bufSX, ebs, end, Eend);
		else if (in->ntab <= 16) stripes_look16(&c, bufS, bufSX, ebs, end, Eend);
		else if (in->ntab <= 32) stripes_look32(&c, bufS, bufSX, ebs, end, Eend);
		else stripes_gather(&c, bufS, bufSX, ebs, end, Eend);
		for (k = 1; gE && k <= D; k++)
			if (gE[(k - 1) / 16] != INT64_MIN && (double)gE[(k - 1) / 16] > lgE[k]) lgE[k] = (double)gE[(k - 1) / 16];
		end[0] *= tr[PH_ME], end[1] *= tr[PH_XE] * in->qxs[n], end[2] *= tr[PH_YE] * in->qys[0];
		ret = TS_OK;
	}
	free(buf);
	if (own && ok) free(ymq - P), free(yyq - P);
	free(eb);
	free(gE);
	return ret;
}

int phmm_stripe_pass_model(const phmm_tables_t *t, const double *tr, const double start[3], const phmm_pair_t *pr,
			   double *lnL, double *lgE, int *tbound)
{
	phmm_f32_mem_t mem;
	phmm_f32_in_t in;
	int64_t Eend;
	double end[3], e;
	int ret, gb;
	unsigned csr;
	if (pr->n < 1 || pr->m < 1 || pr->glocal || pr->lo) return PHMM_REDO;  /* E at (n, m) only; no band: stripes run two at a time */
	csr = phmm_f32_ftz_on();
	if ((ret = phmm_f32_inputs(t, pr, 0, &mem, &in)) == TS_OK) {
		ret = PHMM_REDO;
		gb = growth_bits(&in, tr);
		if (gb <= 40 && (ret = forward_run(tr, start, &in, pr, 120 - 4 - gb, lgE, NULL, NULL, NULL, NULL, NULL, NULL, 0, 0, end, &Eend)) ==
				    TS_OK) {
			*tbound = 120 - 4 - gb + gb + 1;
			if (lgE[0] < -*tbound) lgE[0] = -*tbound;  /* B, of value 1 */
			e = end[0] + end[1] + end[2];
			ret = PHMM_REDO;
			if (e > 0 && isfinite(e)) *lnL = log(e) - (double)Eend * M_LN2, ret = TS_OK;  /* (c) */
		}
	}
	phmm_f32_ftz_restore(csr);
	phmm_f32_mem_free(&mem);
	return ret;
}

/* ------------------------------------------------- forward–backward */

/* The backward by the same stripes, from the last up, each step from the
 * last down: lane k of step t is cell (r0+1+k, t−k) as in the forward, and
 *   gM = p·(MM·gM↘ + MX·gX↓ + MY·gY→),  gX = qX·XM·gM↘ + qX·XX·gX↓,
 *   gY = qY·YM·gM↘ + qY·YY·gY→
 * (dp_simd_fb.c; ↘ is lane k+1 two steps on, ↓ lane k+1 one step on, → the
 * same lane one step on; lane 15 reads row r0+17, which the stripe below
 * wrote from its lane 0), the gap factors folded into the transitions: qX
 * is the lane's (its row's), qY the column's.  With the forward's kept sums
 * S, SX, SY read by the cell, its posteriors are M S·gM, X SX·gX, Y SY·gY,
 * and its X→X steps qX·XX·SX·gX↓, summed as SX·gX↓ and multiplied by the
 * lane's qX·XX once per block.  Blocks are the forward's, with their own
 * exponents, so each block's posteriors f̂·ĝ share one factor
 * 2^(−Ef − Eg)/P: they are summed in float within the block and in double
 * across blocks.  The forward keeps its sums at T = 56 − gbits and the
 * backward at 56 − gbits', so f̂·ĝ summed over a block stays below 2^127. */
typedef struct {
	const phmm_f32_in_t *in;
	int64_t n, m, nb;
	float tr[7];           /* MM XM YM MX XX MY YY */
	float tend[3];         /* ME XE YE */
	int T;
	const float *F;        /* the forward's kept inputs, by stripe */
	const float *ymq, *yyq;  /* qY·YM and qY·YY at reversed y index k */
	int64_t jlo, jhi;      /* the columns of row n that go to E: m alone, or all (glocal) */
	const int64_t *Ef;
	const int64_t *foff;   /* stripe s's first block in F and Ef */
	int64_t fbase;         /* F and Ef start at block foff[s0] */
	int64_t s0, s1;        /* the stripes run: s1−1 down to s0 */
	int64_t E;             /* the exponent carried from stripe to stripe */
	const int32_t *lo, *hi;  /* the band, or NULL */
	int64_t l2i;           /* ⌊log2 P⌋ */
	double frac;           /* 2^(⌊log2 P⌋ − log2 P) */
	double *rowM, *rowX;   /* M posteriors by code of y and row (as accM), X by row */
	double sumY, sumXX, sumYY;
	float *bg;             /* 64 floats: the row below of a block */
} bctx_t;

typedef struct {
	__m512 M1, M2, X1, Y1;        /* g of steps t+1 and t+2 (M), t+1 (X, Y) */
	__m512 aM0, aM1, aM2, aM3;    /* this block's M posteriors by code of y */
	__m512 aX, aY, aXX, aYY;      /* X, Y posteriors, X→X (but for qX·XX) and Y→Y steps */
	int64_t E;
} bregs_t;

typedef struct {
	__m512i xrow;
	__m512 qx, qxXM, qxXX, P0, P1, MM, MX, MY;
	__mmask16 rows, endk;
	const float *F;
	int64_t m;
	const int32_t *yi;
	const float *qys, *ymq, *yyq, *bgM, *bgX;
	__m512i blo, bhi;      /* with a band: lane k's cells are steps blo..bhi */
	int64_t in_lo, in_hi;  /* the columns of the row below that were written */
	int64_t r0, b0, b1;    /* the stripe's rows r0+1..r0+16 and blocks b0..b1 */
	int64_t elo, ehi;      /* the steps at which lane endk (row n) goes to E */
	const float *inM, *inX;  /* the row below, and row r0+1 (out), by column */
	const int32_t *ein;
	float *outM, *outX, *bg;
	int32_t *eout;
} blane_t;

/* lanes 0..14 lanes 1..15 of a, lane 15 the value at v */
AVX512 __m512 shift_out(__m512 a, const float *v)
{
	const __m512i ai = _mm512_castps_si512(a);
	return _mm512_castsi512_ps(_mm512_mask_alignr_epi32(_mm512_castps_si512(_mm512_set1_ps(*v)), 0x7fff, ai, ai, 1));
}

AVX512 void bstripe_step(const bctx_t *c, bregs_t *r, const blane_t *L, int64_t t, int q, int how, int band, int edge)
{
	const int64_t k0 = L->m - t;
	const __m512i yc = _mm512_loadu_si512(L->yi + k0), idx = _mm512_add_epi32(L->xrow, yc);
	const __m512 m2 = shift_out(r->M2, L->bgM + q + 2), x1 = shift_out(r->X1, L->bgX + q + 1), y1 = r->Y1;
	const float *F = L->F + 48 * t;
	const __m512 fS = _mm512_load_ps(F), fX = _mm512_load_ps(F + 16), fY = _mm512_load_ps(F + 32);
	__mmask16 mk = L->rows, bm = 0xffff;
	__m512 p, vy, gM, gX, gY, pm;
	if (edge && (t < 16 || t > L->m)) mk &= column_mask(t, L->m);
	p = look(NULL, L->P0, L->P1, idx, mk, how);
	vy = _mm512_mul_ps(_mm512_loadu_ps(L->yyq + k0), y1);
	gM = _mm512_mul_ps(p, _mm512_fmadd_ps(L->MM, m2, _mm512_fmadd_ps(L->MX, x1, _mm512_mul_ps(L->MY, y1))));
	gX = _mm512_fmadd_ps(L->qxXX, x1, _mm512_mul_ps(L->qxXM, m2));
	gY = _mm512_fmadd_ps(_mm512_loadu_ps(L->ymq + k0), m2, vy);
	if (edge && t >= L->elo && t <= L->ehi) {  /* a last cell: to E, of value 1 */
		const float one = (float)phmm_pow2(r->E);
		gM = _mm512_mask3_fmadd_ps(p, _mm512_set1_ps(c->tend[0] * one), gM, L->endk);
		gX = _mm512_mask3_fmadd_ps(L->qx, _mm512_set1_ps(c->tend[1] * one), gX, L->endk);
		gY = _mm512_mask3_fmadd_ps(_mm512_loadu_ps(L->qys + k0), _mm512_set1_ps(c->tend[2] * one), gY, L->endk);
	}
	if (band) {  /* cells outside it are 0, and so are their posteriors */
		bm = band_mask(L->blo, L->bhi, t);
		gM = _mm512_maskz_mov_ps(bm, gM), gX = _mm512_maskz_mov_ps(bm, gX), gY = _mm512_maskz_mov_ps(bm, gY);
	}
	/* posteriors (but for the block's factor): M by code of y, X and Y,
	 * and the X→X, Y→Y steps out of the cell */
	pm = _mm512_mul_ps(fS, gM);
#define BY_CODE(k) r->aM##k = _mm512_mask_add_ps(r->aM##k, _mm512_cmpeq_epi32_mask(yc, _mm512_set1_epi32(k)), r->aM##k, pm)
	BY_CODE(0), BY_CODE(1), BY_CODE(2), BY_CODE(3);
#undef BY_CODE
	r->aX = _mm512_fmadd_ps(fX, gX, r->aX), r->aY = _mm512_fmadd_ps(fY, gY, r->aY);
	r->aXX = _mm512_mask3_fmadd_ps(fX, x1, r->aXX, bm), r->aYY = _mm512_mask3_fmadd_ps(fY, vy, r->aYY, bm);
	/* lane 0 is column t of row r0+1, for the stripe above: a scalar store
	 * (a masked one costs more) */
	_mm_store_ss(L->outM + t, _mm512_castps512_ps128(gM)), _mm_store_ss(L->outX + t, _mm512_castps512_ps128(gX));
	L->eout[t] = (int32_t)r->E;
	r->M2 = r->M1, r->M1 = gM, r->X1 = gX, r->Y1 = gY;
}

/* The block start: the row below for columns 16b−16..16b+15 (exponents per
 * column), E chosen, the state rescaled. */
AVX512 void bblock_start(const bctx_t *c, bregs_t *r, const blane_t *L, int64_t b)
{
	const float *inM = L->inM, *inX = L->inX;
	const int32_t *ein = L->ein;
	/* only the columns the stripe below wrote */
	const __mmask16 k0 = written(16 * b - 16, L->in_lo, L->in_hi), k1 = written(16 * b, L->in_lo, L->in_hi);
	const __m512 M0 = _mm512_maskz_load_ps(k0, inM + 16 * b - 16), M1 = _mm512_maskz_load_ps(k1, inM + 16 * b);
	const __m512 X0 = _mm512_maskz_load_ps(k0, inX + 16 * b - 16), X1 = _mm512_maskz_load_ps(k1, inX + 16 * b);
	const __m512 e0 = _mm512_cvtepi32_ps(_mm512_maskz_load_epi32(k0, ein + 16 * b - 16));
	const __m512 e1 = _mm512_cvtepi32_ps(_mm512_maskz_load_epi32(k1, ein + 16 * b));
	const __m512 st = _mm512_max_ps(_mm512_max_ps(r->M1, r->M2), _mm512_max_ps(r->X1, r->Y1));
	const __m512 g0 = _mm512_sub_ps(_mm512_max_ps(_mm512_getexp_ps(M0), _mm512_getexp_ps(X0)), e0);
	const __m512 g1 = _mm512_sub_ps(_mm512_max_ps(_mm512_getexp_ps(M1), _mm512_getexp_ps(X1)), e1);
	const float ebf = _mm512_reduce_max_ps(_mm512_max_ps(g0, g1));
	const int64_t En = block_exponent(_mm512_reduce_max_ps(st), ebf, r->E, c->T);
	__m512 fE;
	if (En != r->E) {
		const __m512 f = _mm512_set1_ps((float)(En - r->E));
		r->M1 = _mm512_scalef_ps(r->M1, f), r->M2 = _mm512_scalef_ps(r->M2, f);
		r->X1 = _mm512_scalef_ps(r->X1, f), r->Y1 = _mm512_scalef_ps(r->Y1, f);
	}
	fE = _mm512_set1_ps((float)En);
	_mm512_store_ps(L->bg, _mm512_scalef_ps(M0, _mm512_sub_ps(fE, e0)));
	_mm512_store_ps(L->bg + 16, _mm512_scalef_ps(M1, _mm512_sub_ps(fE, e1)));
	_mm512_store_ps(L->bg + 32, _mm512_scalef_ps(X0, _mm512_sub_ps(fE, e0)));
	_mm512_store_ps(L->bg + 48, _mm512_scalef_ps(X1, _mm512_sub_ps(fE, e1)));
	r->E = En;
}

/* The block's sums into the totals, times 2^(−Ef − Eg)/P. */
AVX512 void bblock_end(bctx_t *c, bregs_t *r, const blane_t *L, int64_t b)
{
	const int64_t r0 = L->r0;
	const int64_t ex = -(c->Ef[c->foff[r0 / 16] - c->fbase + b - L->b0] + r->E) - c->l2i, ms = c->n + 1 + 2 * PHMM_PAD;
	const double fac = ex < -1022 ? 0 : ex > 1023 ? INFINITY : phmm_pow2(ex) * c->frac;
	const __m512d F = _mm512_set1_pd(fac);
	double *row;
	int k;
	for (k = 0; k < 5; k++) {
		const __m512 a = k == 0 ? r->aM0 : k == 1 ? r->aM1 : k == 2 ? r->aM2 : k == 3 ? r->aM3 : r->aX;
		row = (k < 4 ? c->rowM + k * ms : c->rowX) + PHMM_PAD + r0 + 1;
		_mm512_storeu_pd(row, _mm512_fmadd_pd(_mm512_cvtps_pd(_mm512_castps512_ps256(a)), F, _mm512_loadu_pd(row)));
		_mm512_storeu_pd(row + 8, _mm512_fmadd_pd(_mm512_cvtps_pd(_mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(a), 1))), F,
							  _mm512_loadu_pd(row + 8)));
	}
	c->sumY += _mm512_reduce_add_ps(r->aY) * fac;
	c->sumXX += _mm512_reduce_add_ps(_mm512_mul_ps(r->aXX, L->qxXX)) * fac;
	c->sumYY += _mm512_reduce_add_ps(r->aYY) * fac;
	r->aM0 = r->aM1 = r->aM2 = r->aM3 = r->aX = r->aY = r->aXX = r->aYY = _mm512_setzero_ps();
}

/* Stripe s's lanes, upwards: from the row below (inM, inX, ein; written
 * for columns *lo..*hi) to row r0+1 (outM, outX, eout; its written
 * columns into *lo, *hi); bg 64 floats of its own; te ≥ 0 the step of
 * cell (n, m) in the last stripe. */
AVX512 void bstripe_setup(const bctx_t *c, bregs_t *r, blane_t *L, int64_t s, const float *inM, const float *inX, const int32_t *ein,
			  float *outM, float *outX, int32_t *eout, float *bg, int64_t *lo, int64_t *hi, int64_t te, int band)
{
	const phmm_f32_in_t *in = c->in;
	const int64_t r0 = 16 * s, left = c->n - r0;
	stripe_window(c->n, c->m, c->lo, c->hi, s, &L->b0, &L->b1);
	L->xrow = _mm512_loadu_si512(in->xi + r0 + 1);
	L->qx = _mm512_loadu_ps(in->qxs + r0 + 1);
	L->P0 = _mm512_loadu_ps(in->pmf), L->P1 = _mm512_loadu_ps(in->pmf + 16);
	L->MM = _mm512_set1_ps(c->tr[0]), L->MX = _mm512_set1_ps(c->tr[3]), L->MY = _mm512_set1_ps(c->tr[5]);
	L->qxXM = _mm512_mul_ps(L->qx, _mm512_set1_ps(c->tr[1])), L->qxXX = _mm512_mul_ps(L->qx, _mm512_set1_ps(c->tr[4]));
	L->rows = (__mmask16)(left >= 16 ? 0xffffu : (1u << left) - 1);
	L->endk = (__mmask16)(te >= 0 ? 1u << ((c->n - 1) & 15) : 0);
	L->F = c->F + (c->foff[s] - c->fbase - L->b0) * 48 * 16;
	L->m = c->m, L->yi = in->yi, L->qys = in->qys, L->ymq = c->ymq, L->yyq = c->yyq, L->bgM = bg, L->bgX = bg + 32, L->bg = bg;
	L->in_lo = *lo, L->in_hi = *hi, L->r0 = r0;
	L->elo = te >= 0 ? te - c->m + c->jlo : 1, L->ehi = te >= 0 ? te - c->m + c->jhi : 0;  /* te: column m */
	L->inM = inM, L->inX = inX, L->ein = ein, L->outM = outM, L->outX = outX, L->eout = eout;
	if (band) band_lanes(c->lo, c->hi, c->n, r0, &L->blo, &L->bhi);
	r->M1 = r->M2 = r->X1 = r->Y1 = _mm512_setzero_ps();
	r->aM0 = r->aM1 = r->aM2 = r->aM3 = r->aX = r->aY = r->aXX = r->aYY = _mm512_setzero_ps();
	*lo = 16 * L->b0, *hi = 16 * L->b1 + 15;  /* lane 0 writes column t */
}

/* a block with a column outside y or a last cell (most have neither) */
static inline int bblock_edge(const bctx_t *c, const blane_t *L, int64_t b)
{
	const int64_t t0 = 16 * b;
	return t0 < 16 || t0 + 15 > c->m || (t0 + 15 >= L->elo && t0 <= L->ehi);
}

#define STEP(R, L, q, e) bstripe_step(c, R, L, t0 + (q), (q), how, band, e)
#define BLOCK(R, L, e)                                                                                                   \
	STEP(R, L, 15, e), STEP(R, L, 14, e), STEP(R, L, 13, e), STEP(R, L, 12, e), STEP(R, L, 11, e), STEP(R, L, 10, e), \
		STEP(R, L, 9, e), STEP(R, L, 8, e), STEP(R, L, 7, e), STEP(R, L, 6, e), STEP(R, L, 5, e), STEP(R, L, 4, e),   \
		STEP(R, L, 3, e), STEP(R, L, 2, e), STEP(R, L, 1, e), STEP(R, L, 0, e)

/* Block b of one stripe */
AVX512 void bstripe_block(bctx_t *c, bregs_t *r, const blane_t *L, int64_t b, int how, int band)
{
	const int64_t t0 = 16 * b;
	bblock_start(c, r, L, b);
	if (bblock_edge(c, L, b)) {
		BLOCK(r, L, 1);
	} else {
		BLOCK(r, L, 0);
	}
	bblock_end(c, r, L, b);
}

#undef BLOCK
#undef STEP

/* Rows of g by column (column u at [u], from −16), as the forward's; the
 * columns the row below stripe s1−1 has written in *lo, *hi (from the last
 * stripe: none), and then stripe s0's.  One stripe at a time: two
 * interleaved, as the forward's, hold 24 registers of sums and state and
 * spill (measured 1.5× slower). */
AVX512 void bstripes_body(bctx_t *c, float *bufM[2], float *bufX[2], int32_t *eb[2], int64_t *lo, int64_t *hi, int how, int band)
{
	const int64_t ns = (c->n + 15) / 16;
	bregs_t r = {.E = c->E};
	blane_t L;
	int64_t s, b;
	for (s = c->s1 - 1; s >= c->s0; s--) {
		const int64_t te = s == ns - 1 ? c->m + (c->n - 1 - 16 * s) : -1;
		const int a = (int)((ns - 1 - s) & 1);
		bstripe_setup(c, &r, &L, s, bufM[a], bufX[a], eb[a], bufM[!a], bufX[!a], eb[!a], c->bg, lo, hi, te, band);
		for (b = L.b1; b >= L.b0; b--) bstripe_block(c, &r, &L, b, how, band);
	}
	c->E = r.E;
}

#define BSTRIPES(name, how, band)                                                                                      \
	__attribute__((target("avx512f,avx512bw"))) static void name(bctx_t *c, float *bufM[2], float *bufX[2], int32_t *eb[2], \
								     int64_t *lo, int64_t *hi)                                  \
	{                                                                                                              \
		bstripes_body(c, bufM, bufX, eb, lo, hi, how, band);                                                   \
	}
BSTRIPES(bstripes_look16, SLOOK16, 0)
BSTRIPES(bstripes_look32, SLOOK32, 0)
BSTRIPES(bstripes_look16b, SLOOK16, 1)
BSTRIPES(bstripes_look32b, SLOOK32, 1)
#undef BSTRIPES

/* The blocks every stripe runs, stripe s's first at foff[s] (foff[ns] the
 * total); band edges clamped to the sequence. */
static int64_t stripe_offsets(const phmm_pair_t *pr, const int32_t *lo, const int32_t *hi, int64_t *foff)
{
	const int64_t ns = (pr->n + 15) / 16;
	int64_t s, b0, b1, tot = 0;
	for (s = 0; s < ns; s++) {
		stripe_window(pr->n, pr->m, lo, hi, s, &b0, &b1);
		if (foff) foff[s] = tot;
		tot += b1 - b0 + 1;
	}
	if (foff) foff[ns] = tot;
	return tot;
}

/* The band of pr clamped to 0..m into lo, hi: 0, or PHMM_REDO for one the
 * stripes cannot follow (as phmm_diag_bounds: an edge that moves left, B or
 * the end outside, an empty row). */
static int clamp_band(const phmm_pair_t *pr, int32_t *lo, int32_t *hi)
{
	int64_t i;
	for (i = 0; i <= pr->n; i++) {
		lo[i] = pr->lo[i] > 0 ? pr->lo[i] : 0, hi[i] = pr->hi[i] < pr->m ? pr->hi[i] : (int32_t)pr->m;
		if (lo[i] > hi[i] || (i > 0 && (lo[i] < lo[i - 1] || hi[i] < hi[i - 1]))) return PHMM_REDO;
	}
	return pr->glocal || (lo[0] == 0 && hi[pr->n] == pr->m) ? TS_OK : PHMM_REDO;
}

/* a·b·2^e for positive normal or zero a, b and any e, without a product
 * or a factor leaving double's range on the way (0 below it) */
static double scaled_product(double a, double b, int64_t e)
{
	const double ab = a * b;
	int64_t ea, eb;
	if (ab > 0x1p-1000 && ab < 0x1p1000 && e >= -1022 && e <= 1023) return ab * phmm_pow2(e);  /* most calls: as below */
	if (!(a > 0) || !(b > 0)) return 0;
	ea = phmm_exp2_of(a), eb = phmm_exp2_of(b);
	return scaled(a * phmm_pow2(-ea) * (b * phmm_pow2(-eb)), e + ea + eb);
}

/* Σ v[k]·2^e[k] over the k < nv with v[k] > 0, as the return value times
 * 2^*top (*top the largest such e; 0 and INT64_MIN: none) */
static double exp_sum(const double *v, const int64_t *e, int64_t nv, int64_t *top)
{
	double sum = 0;
	int64_t k;
	*top = INT64_MIN;
	for (k = 0; k < nv; k++)
		if (v[k] > 0 && e[k] > *top) *top = e[k];
	for (k = 0; k < nv; k++)
		if (v[k] > 0) sum += scaled(v[k], e[k] - *top);
	return sum;
}

/* The backward of B at (0, j), MM·gM(1, j+1) + MX·gX(1, j) + MY·gY(0, j+1),
 * as the return value times 2^*e: gM, gX of row 1 are read only in the
 * columns wlo..whi that stripe 0 wrote (true value g·2^−e1), gY(0, j+1) is
 * gy·2^ge. */
static double start_back(const double *tr, const float *gM1, const float *gX1, const int32_t *e1, int64_t wlo, int64_t whi,
			 int64_t j, double gy, int64_t ge, int64_t *e)
{
	const double v[3] = {j + 1 >= wlo && j + 1 <= whi ? tr[PH_MM] * gM1[j + 1] : 0, j >= wlo && j <= whi ? tr[PH_MX] * gX1[j] : 0,
			     tr[PH_MY] * gy};
	const int64_t ev[3] = {v[0] > 0 ? -(int64_t)e1[j + 1] : 0, v[1] > 0 ? -(int64_t)e1[j] : 0, ge};
	return exp_sum(v, ev, 3, e);
}

/* Glocal ends: E from every cell (n, j), j = jlo..jhi, read from the kept
 * forward (the last stripe's lane of row n; F and Ef from block fbase):
 * ME·fM + XE·fX + YE·fY into w[j] and its parts by state into end[], in
 * the scale 2^−top, top returned. */
static int64_t glocal_end(const double *tr, const phmm_f32_in_t *in, const phmm_pair_t *pr, const float *F, const int64_t *Ef,
			  const int64_t *foff, int64_t fbase, int64_t jlo, int64_t jhi, double *w, double end[3])
{
	const int64_t n = pr->n, m = pr->m, s = (n - 1) / 16, kn = n - 1 - 16 * s;
	int64_t b0, b1, j, top = INT64_MIN;
	const float *Fs;
	stripe_window(n, m, pr->lo, pr->hi, s, &b0, &b1);
	Fs = F + (foff[s] - fbase - b0) * 48 * 16;
	for (j = jlo; j <= jhi; j++)
		if (-Ef[foff[s] - fbase + (j + kn) / 16 - b0] > top) top = -Ef[foff[s] - fbase + (j + kn) / 16 - b0];
	end[0] = end[1] = end[2] = 0;
	for (j = jlo; j <= jhi; j++) {
		const int64_t u = j + kn;  /* the step of cell (n, j) */
		const float *f = Fs + 48 * u;
		const double sc = scaled(1, -Ef[foff[s] - fbase + u / 16 - b0] - top);
		const double eM = j > 0 ? tr[PH_ME] * in->pmf[in->xi[n] + in->yi[m - j]] * f[kn] * sc : 0;
		const double eX = tr[PH_XE] * in->qxs[n] * f[16 + kn] * sc, eY = tr[PH_YE] * in->qys[m - j] * f[32 + kn] * sc;
		end[0] += eM, end[1] += eX, end[2] += eY;
		w[j] = eM + eX + eY;
	}
	return top;
}

/* Stripes per segment (see stripe_ckpt_t) of a pair whose stripes' blocks
 * start at foff[0..ns]: all ns when their kept
 * forward fits phmm_stripe_keep_bytes; else as many as fit STRIPE_SEG_BYTES
 * (at least one), or more where the rows kept between segments would pass
 * STRIPE_CKPT_BYTES, but no more than √(rows' bytes / a stripe's): beyond
 * that a segment would outgrow the rows it saves (100 kb × 100 kb: 20
 * stripes, 0.4 GB of rows and 0.4 GB a segment).
 *
 * The forward's inputs of every cell are kept, 3 KB a block: up to 16 MB
 * (1 kb × 1.2 kb) they stay in cache and the heap (glibc maps blocks above
 * 32 MB afresh, page faults each time); kept whole, 800 × 900 ran at 0.98
 * GCUPS and 1.3 kb × 1.4 kb (22 MB) at 0.55. */
static int64_t stripe_every(const int64_t *foff, int64_t ns)
{
	const int64_t blk = 48 * 16 * sizeof(float);
	int64_t s, widest = 1, every, rowb;
	if (foff[ns] * blk <= phmm_stripe_keep_bytes) return ns;
	for (s = 0; s < ns; s++)
		if (foff[s + 1] - foff[s] > widest) widest = foff[s + 1] - foff[s];
	rowb = 3 * 16 * widest * (int64_t)sizeof(float);  /* a kept row, at most */
	every = (phmm_stripe_keep_bytes < STRIPE_SEG_BYTES ? phmm_stripe_keep_bytes : STRIPE_SEG_BYTES) / (widest * blk);
	if (every < 1) every = 1;
	if ((ns - 1) / every * rowb > STRIPE_CKPT_BYTES) {
		const int64_t balance = (int64_t)ceil(sqrt((double)ns * (double)rowb / (double)(widest * blk)));
		every = ns * rowb / STRIPE_CKPT_BYTES + 1;
		if (every > balance) every = balance;
	}
	return every < ns ? every : ns;
}

int phmm_stripe_fb(const phmm_tables_t *t, const phmm_pair_t *pr0, const phmm_f32_in_t *in, phmm_code_counts_t *cc, double *lnL)
{
	const int64_t n = pr0->n, m = pr0->m, nb = m / 16 + 2, ns = (n + 15) / 16, row = 32 + 16 * nb;
	const int64_t ms = n + 1 + 2 * PHMM_PAD;
	const double start[3] = {t->t[PH_MM], t->t[PH_MX], t->t[PH_MY]};
	static const int order[7] = {PH_MM, PH_XM, PH_YM, PH_MX, PH_XX, PH_MY, PH_YY};
	double end[3], endsum, log2P, tr[PH_NTRANS] = {0}, post[3] = {0};
	int32_t *blo = pr0->lo ? malloc((n + 1) * sizeof *blo) : NULL, *bhi = pr0->lo ? malloc((n + 1) * sizeof *bhi) : NULL;
	int64_t *foff = malloc((ns + 1) * sizeof *foff), wlo = 1, whi = 0, every, nseg, seg, sg;
	float *F = NULL, *buf = aligned_alloc(64, (size_t)(4 * row + 64) * sizeof *buf), *ymq = NULL, *yyq = NULL;
	float *accM = calloc((size_t)in->ky * ms, sizeof *accM), *bufM[2], *bufX[2];
	int32_t *eb = aligned_alloc(64, (size_t)(2 * row) * sizeof *eb), *ebs[2];
	int64_t *Ef = NULL, *eB = NULL, Eend, i, j, k;
	double *wE = NULL, *wB = NULL;  /* glocal: E and B by column of y (eB: wB's exponents) */
	phmm_pair_t pr1 = *pr0;
	const phmm_pair_t *pr = &pr1;
	stripe_ckpt_t ck = {0};
	bctx_t c;
	int ret = TS_ENOMEM, gf, gbk, st;
	double pm = 0, qx = 0, qy = 0, g, inv, rows, yemit[16] = {0}, Pb = 0;
	int64_t Pe = 0;  /* P from the backward is Pb·2^Pe (glocal: the sum of wB) */
	memset(&c, 0, sizeof c);
	c.rowM = calloc((size_t)4 * ms, sizeof *c.rowM), c.rowX = calloc(ms, sizeof *c.rowX);
	if (!foff || !buf || !accM || !eb || !c.rowM || !c.rowX || (pr0->lo && (!blo || !bhi))) goto done;
	if (pr0->lo) {
		if ((ret = clamp_band(pr0, blo, bhi)) != TS_OK) goto done;
		pr1.lo = blo, pr1.hi = bhi;
	}
	stripe_offsets(pr, pr->lo, pr->hi, foff);
	every = stripe_every(foff, ns);
	nseg = (ns + every - 1) / every, ck.every = every, ck.off = ns - nseg * every;
	for (seg = 0, sg = 0; sg < nseg; sg++) {  /* the most blocks a segment keeps */
		const int64_t s0 = ck.off + sg * every > 0 ? ck.off + sg * every : 0, s1 = ck.off + (sg + 1) * every;
		if (foff[s1] - foff[s0] > seg) seg = foff[s1] - foff[s0];
	}
	ret = TS_ENOMEM;
	F = aligned_alloc(64, (size_t)(seg * 48 * 16) * sizeof *F);
	Ef = malloc(seg * sizeof *Ef);
	if (!F || !Ef || gap_columns(t->t, in, m, &ymq, &yyq) < 0) goto done;
	if (nseg > 1) {
		int64_t tot = 0;
		ck.at = malloc((nseg - 1) * sizeof *ck.at);
		ck.lo = malloc((nseg - 1) * sizeof *ck.lo), ck.hi = malloc((nseg - 1) * sizeof *ck.hi), ck.Er = malloc((nseg - 1) * sizeof *ck.Er);
		if (!ck.at || !ck.lo || !ck.hi || !ck.Er) goto done;
		for (sg = 0; sg < nseg - 1; sg++) {  /* row sg below stripe s: columns 16·b0 − 15 .. 16·b1, 16 per block */
			const int64_t s = ck.off + every * (sg + 1) - 1;
			ck.at[sg] = tot, tot += 16 * (foff[s + 1] - foff[s]);
		}
		ck.S = malloc((size_t)tot * sizeof *ck.S), ck.SX = malloc((size_t)tot * sizeof *ck.SX), ck.E = malloc((size_t)tot * sizeof *ck.E);
		if (!ck.S || !ck.SX || !ck.E) goto done;
	}
	ret = PHMM_REDO;
	/* the growth bits of the forward, and of the backward's sums */
	gf = growth_bits(in, t->t);
	for (k = 0; k < in->ntab; k++) {
		if (in->pmf[k] > pm) pm = in->pmf[k];
		if (in->qxt[k] > qx) qx = in->qxt[k];
		if (in->qyt[k] > qy) qy = in->qyt[k];
	}
	g = pm * (t->t[PH_MM] + t->t[PH_MX] + t->t[PH_MY]);
	if (qx * (t->t[PH_XM] + t->t[PH_XX]) > g) g = qx * (t->t[PH_XM] + t->t[PH_XX]);
	if (qy * (t->t[PH_YM] + t->t[PH_YY]) > g) g = qy * (t->t[PH_YM] + t->t[PH_YY]);
	gbk = g <= 1 ? 0 : (int)ceil(16 * log2(g));
	if (gf > 20 || gbk > 20) goto done;
	/* more than one segment: the forward down to the last, keeping the rows
	 * between them; then the last's, keeping its cells (all of them for one) */
	if (nseg > 1 && (ret = forward_run(t->t, start, in, pr, 56 - gf, NULL, NULL, NULL, foff, ymq, yyq, &ck, 0, ns - every, end, &Eend)) !=
			    TS_OK)
		goto done;
	if ((ret = forward_run(t->t, start, in, pr, 56 - gf, NULL, F, Ef, foff, ymq, yyq, nseg > 1 ? &ck : NULL, ns - every, ns, end, &Eend)) !=
	    TS_OK)
		goto done;
	/* the cells of row n that go to E: (n, m), or the band's when glocal */
	c.jlo = c.jhi = m;
	if (pr->glocal) {
		c.jlo = pr->lo && pr->lo[n] > 0 ? pr->lo[n] : 0, c.jhi = pr->hi ? pr->hi[n] : m;
		ret = TS_ENOMEM;
		if (!(wE = calloc(m + 1, sizeof *wE)) || !(wB = calloc(m + 1, sizeof *wB)) || !(eB = calloc(m + 1, sizeof *eB))) goto done;
		Eend = -glocal_end(t->t, in, pr, F, Ef, foff, foff[ns - every], c.jlo, c.jhi, wE, end);
	}
	ret = PHMM_REDO;
	endsum = end[0] + end[1] + end[2];
	if (!(endsum > 0 && isfinite(endsum))) goto done;  /* (c) */
	log2P = log2(endsum) - (double)Eend;
	*lnL = log2P * M_LN2;
	if (!pr->glocal && (double)(n + m + 2) * ldexp(1, -23) > 1e-6 * fabs(*lnL)) goto done;  /* (d); glocal below */
	tr[PH_ME] = end[0] / endsum, tr[PH_XE] = end[1] / endsum, tr[PH_YE] = end[2] / endsum;
	/* the backward */
	c.in = in, c.n = n, c.m = m, c.nb = nb, c.T = c.E = 56 - gbk, c.F = F, c.Ef = Ef, c.bg = buf + 4 * row;
	c.foff = foff, c.lo = pr->lo, c.hi = pr->hi, c.ymq = ymq, c.yyq = yyq;
	for (k = 0; k < 7; k++) c.tr[k] = (float)t->t[order[k]];
	c.tend[0] = (float)t->t[PH_ME], c.tend[1] = (float)t->t[PH_XE], c.tend[2] = (float)t->t[PH_YE];
	c.l2i = (int64_t)floor(log2P), c.frac = exp2(floor(log2P) - log2P);
	memset(buf, 0, (size_t)(4 * row) * sizeof *buf);
	memset(eb, 0, (size_t)(2 * row) * sizeof *eb);
	for (k = 0; k < 2; k++) bufM[k] = buf + 2 * k * row + 32, bufX[k] = bufM[k] + row, ebs[k] = eb + k * row + 32;
	for (sg = nseg - 1; sg >= 0; sg--) {  /* from the last segment up: its forward again (but the last's), then its backward */
		double e2[3];
		int64_t E2;
		c.s0 = ck.off + sg * every > 0 ? ck.off + sg * every : 0, c.s1 = ck.off + (sg + 1) * every, c.fbase = foff[c.s0];
		if (sg < nseg - 1 && (ret = forward_run(t->t, start, in, pr, 56 - gf, NULL, F, Ef, foff, ymq, yyq, &ck, c.s0, c.s1, e2, &E2)) != TS_OK)
			goto done;
		if (pr->lo && in->ntab <= 16) bstripes_look16b(&c, bufM, bufX, ebs, &wlo, &whi);
		else if (pr->lo) bstripes_look32b(&c, bufM, bufX, ebs, &wlo, &whi);
		else if (in->ntab <= 16) bstripes_look16(&c, bufM, bufX, ebs, &wlo, &whi);
		else bstripes_look32(&c, bufM, bufX, ebs, &wlo, &whi);
	}
	ret = PHMM_REDO;
	{	/* row 0 (B — at (0, 0), or at every (0, j) when glocal — and the
		 * cells (0, j), all Y) from row 1, in double with running
		 * power-of-2 exponents (a long y leaves double's range) */
		const int a = !((ns - 1) & 1);  /* the buffer stripe 0 wrote */
		const float *gM1 = bufM[a], *gX1 = bufX[a];
		const int32_t *e1 = ebs[a];
		const double YM = t->t[PH_YM], YY = t->t[PH_YY], MY = t->t[PH_MY];
		const int64_t lo0 = pr->glocal && pr->lo ? pr->lo[0] : 0, m0 = pr->hi ? pr->hi[0] : m;  /* row 0's cells */
		double *fv = malloc((m + 2) * sizeof *fv), sy = lo0 == 0 ? MY : 0, gy = 0, bv, yy = 0, py = 0;
		int64_t *fe = malloc((m + 2) * sizeof *fe), se = 0, ge = 0, x;
		if (!fv || !fe) {
			free(fv), free(fe);
			ret = TS_ENOMEM;
			goto done;
		}
		/* the forward: fY(0, j) = qY·SY(0, j−1), SY(0, j) = YY·fY(0, j)
		 * (+ MY out of B at (0, j)); true values v·2^e */
		for (j = 1; j <= m0; j++) {
			if (sy > 0 && sy < 0x1p-600) sy *= 0x1p600, se -= 600;
			fv[j] = j > lo0 ? in->qys[m - j] * sy : 0, fe[j] = se, sy = YY * fv[j];
			if (pr->glocal && j >= lo0) sy += scaled(MY, -se);
		}
		/* the backward: b of Y(0, j) = YM·gM(1, j+1) + YY·gY(0, j+1), its
		 * posterior fY·b/P and Y→Y step, gY(0, j) = qY·b; gM(1, ·) read only
		 * in the columns stripe 0 wrote (true value gM1·2^−e1) */
		for (j = m0; j >= 1; j--) {
			const double gm = j + 1 >= wlo && j + 1 <= whi ? gM1[j + 1] : 0;
			if (gm > 0 && (gy == 0 || -(int64_t)e1[j + 1] - ge > 600)) {  /* gY in gM's scale */
				x = -(int64_t)e1[j + 1];
				gy = scaled(gy, ge - x), ge = x;
			}
			bv = YY * gy;
			if (gm > 0) bv += scaled(YM * gm, -(int64_t)e1[j + 1] - ge);
			if (pr->glocal && j >= lo0) wB[j] = start_back(t->t, gM1, gX1, e1, wlo, whi, j, gy, ge, &eB[j]);
			py += scaled_product(fv[j], bv, fe[j] + ge - c.l2i) * c.frac;
			yy += scaled_product(fv[j], YY * gy, fe[j] + ge - c.l2i) * c.frac;
			gy = in->qys[m - j] * bv;
			if (gy > 0 && gy < 0x1p-600) gy *= 0x1p600, ge -= 600;
		}
		free(fv), fv = NULL;
		free(fe), fe = NULL;
		/* P: the backward of B at (0, 0), or the sum over every B */
		if (pr->glocal) {
			if (lo0 == 0) wB[0] = start_back(t->t, gM1, gX1, e1, wlo, whi, 0, gy, ge, &eB[0]);
			Pb = exp_sum(wB, eB, m0 + 1, &Pe);
		} else {
			Pb = start_back(t->t, gM1, gX1, e1, wlo, whi, 0, gy, ge, &Pe);
		}
		/* P from the backward agrees with the forward's */
		if (!(Pb > 0) || fabs((log2(Pb) + (double)Pe - log2P) * M_LN2) > 2e-7 * fabs(*lnL)) goto done;
		c.sumY += py, c.sumYY += yy;
	}
	/* every residue of x is emitted once, by M or X.  Float rounds f·b/P
	 * along a path, by ~10^-5 at 1 kb and more on long pairs, mostly alike
	 * on every row: each row must match the rows' mean within 2·10^-5 +
	 * 5·10^-9 per residue of the pair (measured: ≤ 6·10^-6 on 1 kb pairs,
	 * 2·10^-5 on the PacBio reads, 5·10^-5 on a 10 kb read-like band), and
	 * all posteriors are divided by the mean — P taken as the mean over
	 * rows of Σ f·b — which keeps the counts' identities (X emissions = MX
	 * + XX) exact.  Mass lost to underflow breaks the rows' agreement, or
	 * the Y side checked below */
#define ROW_SUM(i, rw)                                                                \
	do {                                                                          \
		rw = c.rowX[PHMM_PAD + (i)];                                          \
		for (k = 0; k < in->ky; k++) rw += c.rowM[k * ms + PHMM_PAD + (i)]; \
	} while (0)
	for (rows = 0, i = 1; i <= n; i++) {
		double rw;
		ROW_SUM(i, rw);
		rows += rw;
	}
	if (!(fabs(rows / (double)n - 1) <= 1e-2)) goto done;
	inv = (double)n / rows;
	{
		const double tol = 2e-5 + 5e-9 * (double)(n + m);
		double pM = 0, pX = 0;  /* not post[]: the compiler would store them every row */
		for (i = 1; i <= n; i++) {
			double rw;
			ROW_SUM(i, rw);
			if (!(fabs(rw * inv - 1) <= tol)) goto done;
			pX += c.rowX[PHMM_PAD + i];
		}
		for (k = 0; k < in->ky; k++)
			for (i = 1; i <= n; i++) {
				const double v = c.rowM[k * ms + PHMM_PAD + i] * inv;
				pM += v;
				accM[k * ms + PHMM_PAD + i] = (float)v;
			}
		post[0] = pM, post[1] = pX * inv;
	}
#undef ROW_SUM
	c.sumY *= inv, c.sumXX *= inv, c.sumYY *= inv;
	post[2] = c.sumY;
	/* every residue of y is emitted once, by M or Y: 10^-5 of m (measured
	 * ≤ 1.3·10^-6 on good pairs; 5·10^-5 on two unbalanced pairs whose
	 * forward flushed mass that the rows did not show).  Glocal, y_j is
	 * emitted iff B lies left of it and E does not: P(B < j) − P(E < j),
	 * from the posteriors of B and E by column (double, from row 0 and the
	 * kept forward's row n), summed by code of y for the Y emissions */
	if (pr->glocal) {
		double sE = end[0] + end[1] + end[2], cb = 0, ce = 0, emitted = 0;
		for (j = 1; j <= m; j++) {
			const double e = (cb += wB[j - 1] > 0 ? scaled(wB[j - 1], eB[j - 1] - Pe) / Pb : 0) - (ce += wE[j - 1] / sE);
			yemit[in->yi[m - j]] += e, emitted += e;
		}
		if (!(fabs(post[0] + post[2] - emitted) <= 1e-5 * (double)m)) goto done;
		/* (d) with the residues on a path: x and the part of y aligned */
		if (((double)n + emitted + 2) * ldexp(1, -23) > 1e-6 * fabs(*lnL)) goto done;
	} else if (!(fabs(post[0] + post[2] - (double)m) <= 1e-5 * (double)m)) goto done;
	tr[PH_XX] = c.sumXX, tr[PH_MX] = post[1] - c.sumXX;
	tr[PH_YY] = c.sumYY, tr[PH_MY] = post[2] - c.sumYY;
	for (st = 0; st < 3; st++)
		if (!isfinite(post[st])) goto done;
	phmm_fb_codes(in, n, m, tr, post, accM, pr->glocal ? yemit : NULL, cc);
	ret = TS_OK;
done:
	free(blo);
	free(bhi);
	free(foff);
	free(F);
	free(buf);
	free(accM);
	free(eb);
	free(Ef);
	if (ymq) free(ymq - PHMM_PAD), free(yyq - PHMM_PAD);
	free(wE), free(wB), free(eB);
	free(ck.S), free(ck.SX), free(ck.E), free(ck.at), free(ck.lo), free(ck.hi), free(ck.Er);
	free(c.rowM);
	free(c.rowX);
	return ret;
}
#else  /* no AVX-512: the diagonal kernels do it all */
int phmm_stripe_pass_model(const phmm_tables_t *t, const double *tr, const double start[3], const phmm_pair_t *pr,
			   double *lnL, double *lgE, int *tbound)
{
	(void)t, (void)tr, (void)start, (void)pr, (void)lnL, (void)lgE, (void)tbound;
	return PHMM_REDO;
}

int phmm_stripe_fb(const phmm_tables_t *t, const phmm_pair_t *pr, const phmm_f32_in_t *in, phmm_code_counts_t *cc, double *lnL)
{
	(void)t, (void)pr, (void)in, (void)cc, (void)lnL;
	return PHMM_REDO;
}
#endif
