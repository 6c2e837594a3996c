/* dp_stripe: the forward of dp_simd.h by stripes of 16 rows held in AVX-512
 * registers, for pairs without a band (GKL's layout, with the scaling that a
 * pair HMM emitting both sequences needs).
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
 * < 2^(−126 − E) per cell.  Boundary rows carry their block's exponent and
 * are rescaled (vscalefps) when read.  Per diagonal d the driver keeps
 * max(−E) over the blocks crossing d: 2^(T + gbits + 1 − E) bounds the
 * diagonal's cells and 2^(−126 − E) what flushing lost, which criterion (f)
 * of dp_simd.h needs. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "pairhmm/dp_simd.h"
#include "pairhmm/dp_simd_impl.h"
#include "util/log.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw"), always_inline)) static inline

enum { SLOOK16, SLOOK32, SGATHER };

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
} stripe_ctx_t;

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

AVX512 void stripe_step(const stripe_ctx_t *c, stripe_regs_t *r, const stripe_lane_t *L, float *outS, float *outSX,
			int32_t *eout, int64_t t, int q, int64_t te, int how)
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
	S = _mm512_fmadd_ps(pMM, Ss, _mm512_fmadd_ps(L->XMq, SXs, _mm512_mul_ps(_mm512_loadu_ps(L->ymq + k0), r->SY1)));
	SX = _mm512_fmadd_ps(L->XXq, SXs, _mm512_mul_ps(pMX, Ss));
	SY = _mm512_fmadd_ps(_mm512_loadu_ps(L->yyq + k0), r->SY1, _mm512_mul_ps(pMY, Ss));
	if (t == te) {
		r->endM = _mm512_mul_ps(look(c->in->pmf, L->P0, L->P1, idx, mk, how), Ss);
		r->endX = SXs, r->endY = r->SY1, r->Eend = r->E;
	}
	/* lane 15 is column t − 15 of the row below */
	_mm512_mask_storeu_ps(outS + t - 30, 0x8000, S), _mm512_mask_storeu_ps(outSX + t - 30, 0x8000, SX);
	eout[t - 15] = (int32_t)r->E;
	r->S2 = r->S1, r->S1 = S, r->SX1 = SX, r->SY1 = SY;
}

/* ⌊log2⌋ of a positive float, or INT64_MIN for 0 */
static inline int64_t exp_of(float v) { return v > 0 ? phmm_exp2_of(v) : INT64_MIN; }

/* The block start: the row above for columns 16b..16b+15 (exponents ein
 * per column), E chosen, the state rescaled, and −E noted on the diagonals
 * the block crosses. */
AVX512 void block_start(const stripe_ctx_t *c, stripe_regs_t *r, const stripe_lane_t *L, const float *inS, const float *inSX, const int32_t *ein,
			int64_t b, int64_t r0)
{
	const __m512 nS = _mm512_load_ps(inS + 16 * b), nSX = _mm512_load_ps(inSX + 16 * b);
	const __m512 ne = _mm512_cvtepi32_ps(_mm512_load_si512(ein + 16 * b));
	const __m512 st = _mm512_max_ps(_mm512_max_ps(r->S1, r->S2), _mm512_max_ps(r->SX1, r->SY1));
	/* the boundary's largest true exponent (getexp of 0 is −inf) */
	const float ebf = _mm512_reduce_max_ps(_mm512_sub_ps(_mm512_max_ps(_mm512_getexp_ps(nS), _mm512_getexp_ps(nSX)), ne));
	int64_t es = exp_of(_mm512_reduce_max_ps(st)), ec = exp_of(L->bS[16]), eb = ebf > -1e30f ? (int64_t)ebf : INT64_MIN;
	int64_t e, En;
	if (es != INT64_MIN) es -= r->E;  /* true log2 */
	if (ec != INT64_MIN && ec - r->E > es) es = ec - r->E;
	e = es > eb ? es : eb;
	En = e == INT64_MIN ? r->E : c->T - e;
	if (En != r->E) {
		const __m512 f = _mm512_set1_ps((float)(En - r->E));
		r->S1 = _mm512_scalef_ps(r->S1, f), r->S2 = _mm512_scalef_ps(r->S2, f);
		r->SX1 = _mm512_scalef_ps(r->SX1, f), r->SY1 = _mm512_scalef_ps(r->SY1, f);
	}
	L->bS[0] = b ? (float)(L->bS[16] * phmm_pow2(En - r->E)) : 0;
	_mm512_storeu_ps(L->bS + 1, _mm512_scalef_ps(nS, _mm512_sub_ps(_mm512_set1_ps((float)En), ne)));
	_mm512_storeu_ps(L->bSX, _mm512_scalef_ps(nSX, _mm512_sub_ps(_mm512_set1_ps((float)En), ne)));
	r->E = En;
	/* the block crosses diagonals r0+1+16b .. r0+16+16b: group s + b */
	if (-En > c->gE[r0 / 16 + b]) c->gE[r0 / 16 + b] = -En;
}

/* One stripe: rows r0+1..r0+16 from the row above (inS, inSX, ein by
 * column) to the row below (outS, outSX, eout); te ≥ 0 is the step of cell
 * (n, m) in the last stripe. */
AVX512 void stripe_run(const stripe_ctx_t *c, stripe_regs_t *r, int64_t r0, const float *inS, const float *inSX,
		       const int32_t *ein, float *outS, float *outSX, int32_t *eout, int64_t te, int how)
{
	const phmm_f32_in_t *in = c->in;
	const __m512 qx = _mm512_loadu_ps(in->qxs + r0 + 1);
	const __m512 MM = _mm512_set1_ps(c->tr[0]), MX = _mm512_set1_ps(c->tr[3]), MY = _mm512_set1_ps(c->tr[5]);
	const int64_t left = c->n - r0;
	stripe_lane_t L;
	int64_t b;
	L.xrow = _mm512_loadu_si512(in->xi + r0 + 1);
	L.XMq = _mm512_mul_ps(_mm512_set1_ps(c->tr[1]), qx), L.XXq = _mm512_mul_ps(_mm512_set1_ps(c->tr[4]), qx);
	L.P0 = _mm512_loadu_ps(in->pmf), L.P1 = _mm512_loadu_ps(in->pmf + 16);
	L.PMM0 = _mm512_mul_ps(L.P0, MM), L.PMM1 = _mm512_mul_ps(L.P1, MM);
	L.PMX0 = _mm512_mul_ps(L.P0, MX), L.PMX1 = _mm512_mul_ps(L.P1, MX);
	L.PMY0 = _mm512_mul_ps(L.P0, MY), L.PMY1 = _mm512_mul_ps(L.P1, MY);
	L.rows = (__mmask16)(left >= 16 ? 0xffffu : (1u << left) - 1);
	L.m = c->m, L.yi = in->yi, L.ymq = c->ymq, L.yyq = c->yyq, L.bS = c->bS, L.bSX = c->bS + 32;
	r->S1 = r->S2 = r->SX1 = r->SY1 = _mm512_setzero_ps();
	L.bS[16] = 0;
	for (b = 0; b < c->nb; b++) {
		const int64_t t0 = 16 * b;
		block_start(c, r, &L, inS, inSX, ein, b, r0);
#define STEP(q) stripe_step(c, r, &L, outS, outSX, eout, t0 + (q), (q), te, how)
		STEP(0), STEP(1), STEP(2), STEP(3), STEP(4), STEP(5), STEP(6), STEP(7);
		STEP(8), STEP(9), STEP(10), STEP(11), STEP(12), STEP(13), STEP(14), STEP(15);
#undef STEP
	}
}

/* The boundary rows: column u of row r at [u], u from −16 (the last
 * stripe's lane 15 writes columns from −15) */
AVX512 void stripes_body(const stripe_ctx_t *c, float *bufS[2], float *bufSX[2], int32_t *eb[2], double end[3], int64_t *Eend,
			 int how)
{
	const int64_t ns = (c->n + 15) / 16;
	stripe_regs_t r = {.E = c->T};
	int64_t s;
	for (s = 0; s < ns; s++) {
		const int64_t r0 = 16 * s, te = s == ns - 1 ? c->m + (c->n - 1 - r0) : -1;
		const int a = (int)(s & 1);
		stripe_run(c, &r, r0, bufS[a], bufSX[a], eb[a], bufS[!a], bufSX[!a], eb[!a], te, how);
	}
	{
		const int kn = (int)((c->n - 1) & 15);
		float v[16];
		_mm512_storeu_ps(v, r.endM), end[0] = v[kn];
		_mm512_storeu_ps(v, r.endX), end[1] = v[kn];
		_mm512_storeu_ps(v, r.endY), end[2] = v[kn];
		*Eend = r.Eend;
	}
}

#define STRIPES(name, how)                                                                                     \
	__attribute__((target("avx512f,avx512bw"))) static void name(const stripe_ctx_t *c, float *bufS[2],    \
								     float *bufSX[2], int32_t *eb[2], double end[3], \
								     int64_t *Eend)                                  \
	{                                                                                                      \
		stripes_body(c, bufS, bufSX, eb, end, Eend, how);                                              \
	}
STRIPES(stripes_look16, SLOOK16)
STRIPES(stripes_look32, SLOOK32)
STRIPES(stripes_gather, SGATHER)
#undef STRIPES

/* Row 0 (B and the Y cells (0, j)) as the first stripe's row above, in
 * blocks of 16 columns with their own exponents: exact powers of two, no
 * libm. */
static void row0(const stripe_ctx_t *c, const double *tr, const double start[3], float *S, float *SX, int32_t *E)
{
	const int64_t m = c->m;
	double v[16], sv[16], sy = start[2], mx;
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
			if (j == 0) v[l] = start[0] * phmm_pow2(ev), sv[l] = start[1] * phmm_pow2(ev);
			else if (j <= m) {
				const double fy = c->in->qys[m - j] * sy;  /* qY(y_j)·SY(0, j−1) */
				v[l] = tr[PH_YM] * fy, sy = tr[PH_YY] * fy;
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
		for (l = 0; l < 16 && 16 * b + l <= c->n + c->m; l++)
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

int phmm_stripe_pass_model(const phmm_tables_t *t, const double *tr, const double start[3], const phmm_pair_t *pr,
			   double *lnL, double *lgE, int *tbound)
{
	const int64_t n = pr->n, m = pr->m, D = n + m, nb = m / 16 + 2, P = PHMM_PAD, row = 32 + 16 * nb;
	static const int order[7] = {PH_MM, PH_XM, PH_YM, PH_MX, PH_XX, PH_MY, PH_YY};
	phmm_f32_mem_t mem;
	phmm_f32_in_t in;
	stripe_ctx_t c;
	float *buf = NULL, *bufS[2], *bufSX[2], *ymq = NULL, *yyq = NULL;
	int32_t *eb = NULL, *ebs[2];
	int64_t *gE = NULL, ng = (n + 15) / 16 + nb;
	int64_t k, Eend;
	double end[3], e;
	int ret, gb;
	unsigned csr;
	if (n < 1 || m < 1) return PHMM_REDO;
	csr = phmm_f32_ftz_on();
	if ((ret = phmm_f32_inputs(t, pr, 0, &mem, &in)) < 0) goto done;
	ret = TS_ENOMEM;
	/* two rows (above, below) of S and SX, and their exponents; column 0 at
	 * [32], 64-byte aligned */
	buf = aligned_alloc(64, (size_t)(4 * row + 64) * sizeof *buf);
	eb = aligned_alloc(64, (size_t)(2 * row) * sizeof *eb);
	ymq = calloc(m + 1 + 2 * P, sizeof *ymq);
	yyq = calloc(m + 1 + 2 * P, sizeof *yyq);
	gE = malloc(ng * sizeof *gE);
	if (!buf || !ymq || !yyq || !eb || !gE) goto done;
	ret = PHMM_REDO;
	gb = growth_bits(&in, tr);
	if (gb > 40) goto done;
	memset(&c, 0, sizeof c);
	c.in = &in, c.n = n, c.m = m, c.nb = nb, c.T = 120 - 4 - gb, c.lgE = lgE, c.gE = gE;
	for (k = 0; k < 7; k++) c.tr[k] = (float)tr[order[k]];
	for (k = 0; k < m; k++) {
		ymq[P + k] = (float)(tr[PH_YM] * in.qys[k]);
		yyq[P + k] = (float)(tr[PH_YY] * in.qys[k]);
	}
	c.ymq = ymq + P, c.yyq = yyq + P, c.bS = buf + 4 * row;
	/* columns past those a stripe writes are read as 0 */
	memset(buf, 0, (size_t)(4 * row) * sizeof *buf);
	memset(eb, 0, (size_t)(2 * row) * sizeof *eb);
	for (k = 0; k < 2; k++) bufS[k] = buf + 2 * k * row + 32, bufSX[k] = bufS[k] + row, ebs[k] = eb + k * row + 32;
	for (k = 0; k <= D; k++) lgE[k] = -INFINITY;
	for (k = 0; k < ng; k++) gE[k] = INT64_MIN;
	row0(&c, tr, start, bufS[0], bufSX[0], ebs[0]);
	if (in.ntab <= 16) stripes_look16(&c, bufS, bufSX, ebs, end, &Eend);
	else if (in.ntab <= 32) stripes_look32(&c, bufS, bufSX, ebs, end, &Eend);
	else stripes_gather(&c, bufS, bufSX, ebs, end, &Eend);
	for (k = 1; k <= D; k++)
		if (gE[(k - 1) / 16] != INT64_MIN && (double)gE[(k - 1) / 16] > lgE[k]) lgE[k] = (double)gE[(k - 1) / 16];
	*tbound = c.T + gb + 1;
	if (lgE[0] < -*tbound) lgE[0] = -*tbound;  /* B, of value 1 */
	e = tr[PH_ME] * end[0] + tr[PH_XE] * in.qxs[n] * end[1] + tr[PH_YE] * in.qys[0] * end[2];
	if (!(e > 0 && isfinite(e))) goto done;  /* (c) */
	*lnL = log(e) - (double)Eend * M_LN2;
	ret = TS_OK;
done:
	phmm_f32_ftz_restore(csr);
	phmm_f32_mem_free(&mem);
	free(buf);
	free(ymq);
	free(yyq);
	free(eb);
	free(gE);
	return ret;
}
#else
int phmm_stripe_pass_model(const phmm_tables_t *t, const double *tr, const double start[3], const phmm_pair_t *pr,
			   double *lnL, double *lgE, int *tbound)
{
	(void)t, (void)tr, (void)start, (void)pr, (void)lnL, (void)lgE, (void)tbound;
	return PHMM_REDO;  /* no AVX-512 */
}
#endif
