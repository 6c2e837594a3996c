/* dp_batch: the forward–backward with expected counts of up to 16 pairs at
 * once, one pair per lane of an AVX-512 vector (across pairs, where the
 * stripes and diagonals of dp_simd.h work within one pair).  Lanes never
 * exchange values, so there are no shuffles, no ramps at the matrix edges
 * and no chain between lanes: a pair's result is the same whatever pairs
 * share its batch and whichever lane it has.  Pairs of different sizes are
 * padded to the batch's largest n and m.
 *
 * Forward, row by row, in each lane (dp.h's recursions; x_i fixed per row):
 *   fM(i,j) = p[x_i,y_j]·S(i−1,j−1),  fX(i,j) = qX[x_i]·SX(i−1,j),
 *   fY(i,j) = qY[y_j]·SY(i,j−1),
 *   S = MM fM + XM fX + YM fY,  SX = MX fM + XX fX,  SY = MY fM + YY fY,
 * with B the M cell (0,0) of value 1.  Backward, in dp_simd_fb.c's form with
 * the emission included (g = e·b), from the last row up:
 *   gM = p·SMb,  SMb = MM gM(i+1,j+1) + MX gX(i+1,j) + MY gY(i,j+1),
 *   gX = qX·SXb, SXb = XM gM(i+1,j+1) + XX gX(i+1,j),
 *   gY = qY·tY,  tY  = YM gM(i+1,j+1) + YY gY(i,j+1),
 * and the end (n, m) adds τ_s to the state's bracket.  The posterior of M at
 * (i,j) is fM·SMb/P, of X fX·SXb/P, of Y fY·tY/P; the X→X steps out of
 * (i,j) are fX·XX gX(i+1,j)/P and the Y→Y steps fY·YY gY(i,j+1)/P.  The
 * other counts follow as in phmm_fb_codes (dp_simd_fb.c): M→X is the X
 * posteriors less X→X, X→M that less X→E, and so on.
 * Past a lane's n its forward rows are 0 (no residue of x), past its m the
 * forward's M cells are set to 0 (and so all its cells are), and the
 * backward cells past (n, m) are exactly 0: they add nothing, and the
 * rows' scales are the lane's own.
 *
 * The forward keeps S, SX and fY of every cell (192 bytes per 16 cells)
 * for the backward, which reads fM·SMb as S(i−1,j−1)·gM and fX·SXb as
 * SX(i−1,j)·gX, but for the row's scale.
 *
 * Scaling.  Each row of each lane is scaled by a power of two: the forward
 * row i by 2^−EF_i, where EF_i sums the exponents of the maxima of rows
 * 0..i−1 (so a row's largest cell is near 1), the backward row i by 2^−EB_i
 * likewise from the rows below.  A cell's posterior is then
 * f̂·ĝ·2^(EF_i + EB_i)/P, applied once per row to the row's float sums
 * (in double).  Values below 2^−126 of their row's maximum are flushed.
 * The cells of a row have emitted x_1..x_i but different numbers of y's
 * residues, so y's emissions (p and qY) are multiplied by 2^kappa, kappa ≈
 * −log2 of qY's mean (2), and ln P corrected by kappa·m·ln 2: a row then
 * compares alignments, not residue counts.  Without it a row's largest
 * cell is where x runs ahead of y in X gaps, and a path with more y than x
 * falls out of float below it (150 × 200, related: 163 bits at the last
 * row).  Runs of N in y, whose qY·2^kappa·YY exceeds 1, could grow a row
 * past float's range: a lane where they could grow it by more than 2^100
 * is refused.  The products f̂·ĝ are formed in float before the row's
 * factor, so the backward rows are also shifted up to bring that factor
 * near 1 (batch_backward).
 *
 * Trust, per lane, as the stripes: P from the forward and from the
 * backward agree to 5·10^−8 (relative, in ln P); every row emits its
 * residue of x once (M and X posteriors equal their mean over the rows
 * within 10^−5 + 5·10^−9 per residue, that mean is 1 within 2·10^−5, and
 * the posteriors are divided by it); and y's residues are emitted m times
 * in all (M + Y posteriors, within 5·10^−6·m).  Mass flushed in either
 * pass lowers that pass's P by the posterior mass it held, and the rows
 * after (forward) or before (backward) it lose the same.  On 4,000 kept
 * random lanes float's rounding gave, at the 99th percentile, 4·10^−6,
 * 4·10^−6, 1.2·10^−8 and 10^−6 of the four; a 155 × 52 lane of IUPAC
 * codes whose counts were off by 1.4·10^−5 sat near all four looser limits
 * tried first and fails three of these.  A lane that fails is reported
 * PHMM_REDO. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "pairhmm/dp_impl.h"
#include "pairhmm/dp_simd.h"
#include "pairhmm/dp_simd_impl.h"
#include "util/log.h"

#define BATCH_OCC_TOL 1e-5    /* a row's M + X posteriors against their mean over rows */
#define BATCH_MEAN_TOL 2e-5   /* that mean against 1 */
#define BATCH_Y_TOL 5e-6      /* the M + Y posteriors (over that mean) against m, relative */
#define BATCH_LNP_TOL 5e-8
#define BATCH_MAX_GROWTH 100  /* bits a row's Y chain may grow by (YY·qY·2^kappa > 1: runs of N) */

/* Whether a pair has a batch's shape: global, unbanded, both sequences
 * non-empty, ≤ 4 distinct codes in y. */
static int batch_shape(const phmm_pair_t *pr)
{
	unsigned seen = 0;
	int64_t j;
	if (pr->glocal || pr->lo || pr->hi || pr->n < 1 || pr->m < 1) return 0;
	for (j = 0; j < pr->m; j++) seen |= 1u << (pr->y[j] & 15);
	return __builtin_popcount(seen) <= 4;
}

/* a kept row is S, SX and fY (batch_row), 64 bytes each per column */
int phmm_batch_fits(int64_t n, int64_t m) { return (double)(n + 2) * (double)(m + 2) * 3 * 64 <= PHMM_BATCH_BYTES; }

int phmm_batch_takes(const phmm_pair_t *pr) { return phmm_batch_fits(pr->n, pr->m) && batch_shape(pr); }

/* A batch's scratch, grown as needed and kept between batches (a fresh
 * 6 MB buffer per batch costs its page faults every time). */
enum { WS_YIDX, WS_QY, WS_YYQ, WS_YMASK, WS_YEND, WS_YLIVE, WS_LANEP, WS_ROWEND, WS_F, WS_ROWS, WS_EF, WS_ROWSUM, WS_N };
struct phmm_batch_ws {
	void *buf[WS_N];
	size_t cap[WS_N];
};

phmm_batch_ws_t *phmm_batch_ws_init(void) { return calloc(1, sizeof(phmm_batch_ws_t)); }

void phmm_batch_ws_destroy(phmm_batch_ws_t *ws)
{
	int s;
	if (!ws) return;
	for (s = 0; s < WS_N; s++) free(ws->buf[s]);
	free(ws);
}

/* Slot s of ws with ≥ bytes, 64-byte aligned (contents undefined), or NULL. */
static void *ws_get(phmm_batch_ws_t *ws, int s, size_t bytes)
{
	if (ws->cap[s] < bytes) {  /* doubling (batches come in growing sizes), to the largest a batch keeps */
		const size_t dbl = 2 * ws->cap[s] < (size_t)PHMM_BATCH_BYTES ? 2 * ws->cap[s] : (size_t)PHMM_BATCH_BYTES,
			     want = bytes > dbl ? bytes : dbl;
		void *p = NULL;
		free(ws->buf[s]);
		ws->buf[s] = NULL, ws->cap[s] = 0;
		if (posix_memalign(&p, 64, want) != 0) return NULL;
		ws->buf[s] = p, ws->cap[s] = want;
	}
	return ws->buf[s];
}

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>

#define AVX512 __attribute__((target("avx512f,avx512bw"), always_inline)) static inline
#define AVX512_FN __attribute__((target("avx512f,avx512bw"))) static

/* What a batch's passes read.  Columns j = 0..M+1; lane k's y_j is one of
 * its ≤ 4 codes, numbered 0..3 (its class). */
typedef struct {
	int np;                    /* lanes in use */
	int64_t N, M;              /* the largest n and m */
	int64_t n[16], m[16];
	const uint8_t *x[16], *y[16];
	uint8_t ycode[16][4];      /* class → nt16 code of lane k */
	int64_t ycount[16][4];     /* residues of y per class */
	uint16_t plain;            /* lanes whose x and y are plain bases (no IUPAC code) */
	int32_t *yidx;             /* [16·j + k]: 4·(k mod 8) + class of y_j (0 past m_k) */
	uint16_t *ymask;           /* [4·j + c]: lanes whose y_j has class c (none past m_k) */
	uint16_t *yend;            /* [j]: lanes with m_k = j */
	uint16_t *ylive;           /* [j]: lanes with j ≤ m_k */
	float *qy, *yyq;           /* [16·j + k]: qY of y_j (0 at j = 0 and past m_k), times YY */
	float pm[16][16], qx[16], qyt[16];  /* p and qY times 2^kappa */
	float (*lanep)[16][4];     /* [k][a][c]: p[a, class c of lane k] times 2^kappa (0 for a = 0) */
	uint16_t *rowend;          /* [i]: lanes with n_k = i */
	float tr[PH_NTRANS];
	int kappa;
	uint16_t refused;          /* lanes whose rows could grow too much (see batch_init) */
	int32_t smax[16];          /* the largest upward shift of a backward row (batch_backward) */
} batch_t;

/* The inputs of pairs pr[0..np−1], all of a batch's shape, in ws: 0 or
 * TS_ENOMEM. */
static int batch_init(batch_t *b, phmm_batch_ws_t *ws, const phmm_tables_t *t, const phmm_pair_t *const *pr, int np)
{
	int64_t j, N = 0, M = 0;
	int k, a, c;
	memset(b, 0, sizeof *b);
	b->np = np;
	for (k = 0; k < np; k++) {
		b->n[k] = pr[k]->n, b->m[k] = pr[k]->m, b->x[k] = pr[k]->x, b->y[k] = pr[k]->y;
		if (pr[k]->n > N) N = pr[k]->n;
		if (pr[k]->m > M) M = pr[k]->m;
	}
	b->N = N, b->M = M;
	{
		double q = 0;
		for (a = 1; a < 16; a <<= 1) q += t->qy[a];
		b->kappa = q > 0 ? (int)lround(-log2(q / 4)) : 0;
		if (b->kappa < 0) b->kappa = 0;
		if (b->kappa > 8) b->kappa = 8;
	}
	{
		const double sc = (double)(1 << b->kappa);  /* exact: a power of two */
		for (a = 0; a < 16; a++) {
			for (c = 0; c < 16; c++) b->pm[a][c] = (float)(t->pm[a][c] * sc);
			b->qx[a] = (float)t->qx[a], b->qyt[a] = (float)(t->qy[a] * sc);
		}
	}
	for (a = 0; a < PH_NTRANS; a++) b->tr[a] = (float)t->t[a];
	b->yidx = ws_get(ws, WS_YIDX, (size_t)(M + 2) * 16 * sizeof *b->yidx);
	b->qy = ws_get(ws, WS_QY, (size_t)(M + 2) * 16 * sizeof *b->qy);
	b->yyq = ws_get(ws, WS_YYQ, (size_t)(M + 2) * 16 * sizeof *b->yyq);
	b->ymask = ws_get(ws, WS_YMASK, (size_t)(M + 2) * 4 * sizeof *b->ymask);
	b->yend = ws_get(ws, WS_YEND, (size_t)(M + 2) * sizeof *b->yend);
	b->ylive = ws_get(ws, WS_YLIVE, (size_t)(M + 2) * sizeof *b->ylive);
	b->lanep = ws_get(ws, WS_LANEP, 16 * sizeof *b->lanep);
	b->rowend = ws_get(ws, WS_ROWEND, (size_t)(N + 1) * sizeof *b->rowend);
	if (!b->yidx || !b->qy || !b->yyq || !b->ymask || !b->yend || !b->ylive || !b->lanep || !b->rowend) return TS_ENOMEM;
	memset(b->lanep, 0, 16 * sizeof *b->lanep);
	memset(b->rowend, 0, (size_t)(N + 1) * sizeof *b->rowend);
	memset(b->yidx, 0, (size_t)(M + 2) * 16 * sizeof *b->yidx);
	memset(b->qy, 0, (size_t)(M + 2) * 16 * sizeof *b->qy);
	memset(b->yyq, 0, (size_t)(M + 2) * 16 * sizeof *b->yyq);
	memset(b->ymask, 0, (size_t)(M + 2) * 4 * sizeof *b->ymask);
	memset(b->yend, 0, (size_t)(M + 2) * sizeof *b->yend);
	memset(b->ylive, 0, (size_t)(M + 2) * sizeof *b->ylive);
	for (k = 0; k < np; k++) {
		int8_t cls[16];
		int nc = 0, plain = 1;
		double grow = 0;
		memset(cls, -1, sizeof cls);
		for (j = 1; j <= b->m[k]; j++) {
			const uint8_t y = pr[k]->y[j - 1] & 15;
			if (cls[y] < 0) b->ycode[k][nc] = y, cls[y] = (int8_t)nc++;
			b->ycount[k][cls[y]]++;
			plain &= y && !(y & (y - 1));
			b->yidx[16 * j + k] = 4 * (k & 7) + cls[y];
			b->ymask[4 * j + cls[y]] |= (uint16_t)(1u << k);
			b->qy[16 * j + k] = b->qyt[y];
			b->yyq[16 * j + k] = b->tr[PH_YY] * b->qyt[y];
			if (b->yyq[16 * j + k] > 1) grow += log2(b->yyq[16 * j + k]);
		}
		if (grow > BATCH_MAX_GROWTH) b->refused |= (uint16_t)(1u << k);
		b->smax[k] = grow < BATCH_MAX_GROWTH ? BATCH_MAX_GROWTH - (int32_t)ceil(grow) : 0;
		for (j = 0; j < b->n[k]; j++) plain &= (pr[k]->x[j] & 15) && !(pr[k]->x[j] & 15 & ((pr[k]->x[j] & 15) - 1));
		if (plain) b->plain |= (uint16_t)(1u << k);
		for (a = 1; a < 16; a += plain ? a : 1)  /* plain: A, C, G, T only */
			for (c = 0; c < nc; c++) b->lanep[k][a][c] = b->pm[a][b->ycode[k][c]];
		b->rowend[b->n[k]] |= (uint16_t)(1u << k);
		b->yend[b->m[k]] |= (uint16_t)(1u << k);
		for (j = 1; j <= b->m[k]; j++) b->ylive[j] |= (uint16_t)(1u << k);
	}
	return TS_OK;
}

/* Row i's p[x_i, class] per lane, times scale[k], as the two-table
 * lookups read them (lanes 0–7 in tab[0..1], 8–15 in tab[2..3]), and qX[x_i]
 * times scale in qx; 0 for lanes past their n (i = 0: no residue). */
AVX512 void row_tables(const batch_t *b, int64_t i, __m512 scale, __m512 tab[4], __m512 *qx)
{
	uint8_t xc[16] __attribute__((aligned(16))) = {0};  /* code 0 emits nothing: past n, and row 0 */
	int k, q;
	for (k = 0; k < b->np; k++) xc[k] = i >= 1 && i <= b->n[k] ? b->x[k][i - 1] & 15 : 0;
	for (q = 0; q < 4; q++) {  /* tab[q]: lanes 4q..4q+3, four classes each */
		__m512 v = _mm512_castps128_ps512(_mm_loadu_ps(b->lanep[4 * q][xc[4 * q]]));
		v = _mm512_insertf32x4(v, _mm_loadu_ps(b->lanep[4 * q + 1][xc[4 * q + 1]]), 1);
		v = _mm512_insertf32x4(v, _mm_loadu_ps(b->lanep[4 * q + 2][xc[4 * q + 2]]), 2);
		v = _mm512_insertf32x4(v, _mm_loadu_ps(b->lanep[4 * q + 3][xc[4 * q + 3]]), 3);
		tab[q] = _mm512_mul_ps(v, _mm512_permutexvar_ps(_mm512_set_epi32(4 * q + 3, 4 * q + 3, 4 * q + 3, 4 * q + 3, 4 * q + 2, 4 * q + 2,
										  4 * q + 2, 4 * q + 2, 4 * q + 1, 4 * q + 1, 4 * q + 1, 4 * q + 1,
										  4 * q, 4 * q, 4 * q, 4 * q),
								 scale));
	}
	*qx = _mm512_mul_ps(_mm512_permutexvar_ps(_mm512_cvtepu8_epi32(_mm_load_si128((const __m128i *)xc)), _mm512_loadu_ps(b->qx)), scale);
}

AVX512 __m512 lookup(const __m512 tab[4], __m512i idx)
{
	const __m512 lo = _mm512_permutex2var_ps(tab[0], idx, tab[1]), hi = _mm512_permutex2var_ps(tab[2], idx, tab[3]);
	return _mm512_mask_blend_ps(0xff00, lo, hi);
}

/* ⌊log2⌋ of each lane's maximum (0 where it is 0), and 2^−that */
AVX512 __m512i row_exponent(__m512 mx, __m512 *inv)
{
	const __mmask16 pos = _mm512_cmp_ps_mask(mx, _mm512_setzero_ps(), _CMP_GT_OQ);
	const __m512 e = _mm512_maskz_getexp_ps(pos, mx);
	*inv = _mm512_scalef_ps(_mm512_set1_ps(1), _mm512_sub_ps(_mm512_setzero_ps(), e));
	return _mm512_cvtps_epi32(e);
}

/* The forward's rows.  Row i (−1..N) is 3·W vectors, W = M + 2: S, SX and
 * fY of column j at [1 + j], [W + 1 + j] and [2W + 1 + j]; [0] is column −1
 * of S, a 0.  Kept (the forward–backward), row i is at F + 3W·(i + 1), row
 * −1 all 0; else two rows alternate (fY not written). */
AVX512 __m512 *batch_row(__m512 *F, int64_t W, int64_t i, int keep) { return F + 3 * W * (keep ? i + 1 : (i & 1)); }

/* The forward over F (batch_row), with each row's EF in EF[i] when kept.
 * The end cell's fM, fX, fY per lane go to end[3], EF of each lane's last
 * row to efn. */
AVX512 void batch_forward(const batch_t *b, __m512 *F, __m512i *EF, __m512 end[3], __m512i *efn, int keep)
{
	const int64_t N = b->N, M = b->M, W = M + 2;
	const __m512 MM = _mm512_set1_ps(b->tr[PH_MM]), XM = _mm512_set1_ps(b->tr[PH_XM]), YM = _mm512_set1_ps(b->tr[PH_YM]),
		     MX = _mm512_set1_ps(b->tr[PH_MX]), XX = _mm512_set1_ps(b->tr[PH_XX]), MY = _mm512_set1_ps(b->tr[PH_MY]),
		     zero = _mm512_setzero_ps();
	const __m512i *yidx = (const __m512i *)b->yidx;
	const __m512 *qy = (const __m512 *)b->qy, *yyq = (const __m512 *)b->yyq;
	__m512 SY, mx, inv, *r = batch_row(F, W, 0, keep);
	__m512i ef = _mm512_setzero_si512();
	int64_t i, j;
	end[0] = end[1] = end[2] = zero;
	*efn = ef;
	if (keep) {
		memset(F, 0, 3 * (size_t)W * sizeof *F);  /* row −1 */
		EF[0] = ef;
	}
	/* row 0: B at (0,0), then Y cells */
	r[0] = zero, r[1] = MM, r[W + 1] = MX, SY = MY;
	if (keep) r[2 * W + 1] = zero;
	mx = _mm512_max_ps(MM, MX);
	for (j = 1; j <= M; j++) {
		const __m512 fY = _mm512_mul_ps(qy[j], SY);
		r[1 + j] = _mm512_mul_ps(YM, fY), r[W + 1 + j] = zero;
		if (keep) r[2 * W + 1 + j] = fY;
		SY = _mm512_mul_ps(yyq[j], SY);
		mx = _mm512_max_ps(mx, r[1 + j]);
	}
	for (i = 1; i <= N; i++) {
		const __mmask16 at = b->rowend[i];
		const __m512 *Sp = batch_row(F, W, i - 1, keep) + 1, *SXp = Sp + W;
		__m512 tab[4], qx, *Sc = batch_row(F, W, i, keep) + 1, *SXc = Sc + W, *FYc = Sc + 2 * W;
		ef = _mm512_add_epi32(ef, row_exponent(mx, &inv));
		row_tables(b, i, inv, tab, &qx);
		SY = zero, mx = zero, Sc[-1] = zero;
		for (j = 0; j <= M; j++) {
			/* past m_k, M is 0: else S(i−1, m_k) would start values there
			 * that can outgrow the lane's own cells and take its scale */
			const __m512 fM = _mm512_maskz_mul_ps(b->ylive[j], lookup(tab, yidx[j]), Sp[j - 1]), fX = _mm512_mul_ps(qx, SXp[j]),
				     fY = _mm512_mul_ps(qy[j], SY), S = _mm512_fmadd_ps(MM, fM, _mm512_fmadd_ps(XM, fX, _mm512_mul_ps(YM, fY))),
				     SX = _mm512_fmadd_ps(MX, fM, _mm512_mul_ps(XX, fX));
			Sc[j] = S, SXc[j] = SX;
			if (keep) FYc[j] = fY;
			SY = _mm512_fmadd_ps(MY, fM, _mm512_mul_ps(yyq[j], SY));
			mx = _mm512_max_ps(mx, _mm512_max_ps(S, SX));
			if (at) {
				const __mmask16 here = at & b->yend[j];
				end[0] = _mm512_mask_mov_ps(end[0], here, fM);
				end[1] = _mm512_mask_mov_ps(end[1], here, fX);
				end[2] = _mm512_mask_mov_ps(end[2], here, fY);
			}
		}
		if (keep) EF[i] = ef;
		if (at) *efn = _mm512_mask_mov_epi32(*efn, at, ef);
	}
}

/* Per-lane sums of one backward row: M posteriors by class of y, X
 * posteriors, X→X (times 2^(EF_{i−1} + EB_i)/P); Y posteriors, Y→Y (times
 * 2^(EF_i + EB_i)/P). */
enum { R_M0, R_M1, R_M2, R_M3, R_PX, R_XX, R_PY, R_YY, R_N };

/* The backward's per-lane totals in double, lanes 0–7 in [0], 8–15 in [1]:
 * posteriors of M (rows ≥ 1), X and Y; X→X, Y→Y; residues of y emitted (M
 * of rows ≥ 1 and Y); and the rows' M + X posteriors: their sum, largest
 * and least. */
enum { A_PM, A_PX, A_XX, A_PY, A_YY, A_YEMIT, A_OCC, A_OCCMAX, A_OCCMIN, A_N };

typedef struct {
	__m512d acc[A_N][2];
	double *rowsum;         /* [(5·i + c)·16 + k]: row i's M posterior of class c (c = 4: X) in lane k */
	double lnPb[16];        /* ln P from the backward */
} fb_sums_t;

/* The lanes' per-row factors 2^e·2^−(log2 P − L) for an exponent e − L per lane. */
AVX512 void lane_factors(__m512i e, const __m512d invf[2], __m512d w[2])
{
	w[0] = _mm512_scalef_pd(invf[0], _mm512_cvtepi32_pd(_mm512_castsi512_si256(e)));
	w[1] = _mm512_scalef_pd(invf[1], _mm512_cvtepi32_pd(_mm512_extracti64x4_epi64(e, 1)));
}

AVX512 __m512d half_pd(__m512 v, int h)
{
	return _mm512_cvtps_pd(h ? _mm256_castpd_ps(_mm512_extractf64x4_pd(_mm512_castps_pd(v), 1)) : _mm512_castps512_ps256(v));
}

/* The backward over the kept forward F, EF, each row's sums folded into
 * out: lane k's P from the forward is 2^L[k]/invf[k].  rows: 4·(M+2)
 * vectors of scratch.
 *
 * A row's posterior products f̂·ĝ are formed in float before the row's
 * factor 2^(EF + EB)/P, and when x is much longer than y that factor can
 * reach 2^108: the products would flush.  So each backward row is scaled
 * up by 2^s on top of its maximum's scale, s the factor's exponent clamped
 * to 0..smax[k] (smax = 100 less what the lane's Y chain may grow by, so
 * nothing overflows), which brings the factor near 1.  Rows from a lane's
 * last one up take no shift: E enters there at scale 1. */
AVX512 void batch_backward(const batch_t *b, __m512 *F, const __m512i *EF, __m512i L, const __m512d invf[2], __m512 *rows,
			   fb_sums_t *out)
{
	const int64_t N = b->N, M = b->M, W = M + 2;
	const __m512 MY = _mm512_set1_ps(b->tr[PH_MY]), zero = _mm512_setzero_ps();
	const __m512 tauM = _mm512_set1_ps(b->tr[PH_ME]), tauX = _mm512_set1_ps(b->tr[PH_XE]), tauY = _mm512_set1_ps(b->tr[PH_YE]);
	const __m512i *yidx = (const __m512i *)b->yidx;
	const __m512 *qy = (const __m512 *)b->qy, *yyq = (const __m512 *)b->yyq;
	__m512 *GMn = rows, *GXn = rows + W, *GMc = rows + 2 * W, *GXc = rows + 3 * W, *tmp;
	__m512i EB = _mm512_setzero_si512(), nv, smax;
	__m512 d = _mm512_set1_ps(1);
	int32_t nl[16] __attribute__((aligned(64))), sm[16] __attribute__((aligned(64)));
	int64_t i, j;
	int k, c, h;
	for (k = 0; k < 16; k++) nl[k] = k < b->np ? (int32_t)b->n[k] : -1, sm[k] = b->smax[k];
	nv = _mm512_load_si512(nl), smax = _mm512_load_si512(sm);
	for (j = 0; j < W; j++) GMn[j] = GXn[j] = zero;
	for (i = N; i >= 0; i--) {
		const __mmask16 at = b->rowend[i];
		const __m512 *Sp = batch_row(F, W, i - 1, 1) + 1, *SXp = Sp + W, *FYc = batch_row(F, W, i, 1) + 1 + 2 * W;
		const __m512 MMd = _mm512_mul_ps(_mm512_set1_ps(b->tr[PH_MM]), d), MXd = _mm512_mul_ps(_mm512_set1_ps(b->tr[PH_MX]), d),
			     YMd = _mm512_mul_ps(_mm512_set1_ps(b->tr[PH_YM]), d);
		__m512 tab[4], qx, qXM, qXX, qtauX, gY = zero, u = zero, mx = zero, smb0 = zero, r[R_N];
		row_tables(b, i, _mm512_set1_ps(1), tab, &qx);
		qXM = _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(b->tr[PH_XM]), d), qx);
		qXX = _mm512_mul_ps(_mm512_mul_ps(_mm512_set1_ps(b->tr[PH_XX]), d), qx);
		qtauX = _mm512_mul_ps(tauX, qx);
		for (c = 0; c < R_N; c++) r[c] = zero;
		GMc[M + 1] = zero, GXc[M + 1] = zero;
		for (j = M; j >= 0; j--) {
			const __m512 gM1 = GMn[j + 1], gX1 = GXn[j], Sd = Sp[j - 1], SXu = SXp[j], fY = FYc[j];
			const __m512 vY = _mm512_mul_ps(yyq[j + 1], u), vX = _mm512_mul_ps(qXX, gX1);
			__m512 SMb = _mm512_fmadd_ps(MMd, gM1, _mm512_fmadd_ps(MXd, gX1, _mm512_mul_ps(MY, gY))), gX = _mm512_fmadd_ps(qXM, gM1, vX),
			       gM, pm;
			u = _mm512_fmadd_ps(YMd, gM1, vY);
			if (at) {
				const __mmask16 here = at & b->yend[j];
				SMb = _mm512_mask_add_ps(SMb, here, SMb, tauM);
				gX = _mm512_mask_add_ps(gX, here, gX, qtauX);
				u = _mm512_mask_add_ps(u, here, u, tauY);
			}
			smb0 = SMb;  /* at j = 0 of row 0: P from the backward, in its scale */
			/* no M at column 0 (nor past m, where SMb is 0): yidx there is
			 * lane 0's or 8's, whose p must not reach this lane's scale */
			gM = _mm512_maskz_mul_ps(b->ylive[j], lookup(tab, yidx[j]), SMb);
			gY = _mm512_mul_ps(qy[j], u);
			GMc[j] = gM, GXc[j] = gX;
			mx = _mm512_max_ps(mx, _mm512_max_ps(gM, _mm512_max_ps(gX, gY)));
			pm = _mm512_mul_ps(Sd, gM);
			r[R_M0] = _mm512_mask_add_ps(r[R_M0], b->ymask[4 * j], r[R_M0], pm);
			r[R_M1] = _mm512_mask_add_ps(r[R_M1], b->ymask[4 * j + 1], r[R_M1], pm);
			r[R_M2] = _mm512_mask_add_ps(r[R_M2], b->ymask[4 * j + 2], r[R_M2], pm);
			r[R_M3] = _mm512_mask_add_ps(r[R_M3], b->ymask[4 * j + 3], r[R_M3], pm);
			r[R_PX] = _mm512_fmadd_ps(SXu, gX, r[R_PX]);
			r[R_XX] = _mm512_fmadd_ps(SXu, vX, r[R_XX]);
			r[R_PY] = _mm512_fmadd_ps(fY, u, r[R_PY]);
			r[R_YY] = _mm512_fmadd_ps(fY, vY, r[R_YY]);
		}
		{
			const __mmask16 live = _mm512_cmp_epi32_mask(_mm512_set1_epi32((int32_t)i), nv, _MM_CMPINT_LE);
			const __m512i prev = i ? EF[i - 1] : _mm512_setzero_si512();
			__m512d w[2], wmx[2];
			lane_factors(_mm512_sub_epi32(_mm512_add_epi32(EF[i], EB), L), invf, w);
			lane_factors(_mm512_sub_epi32(_mm512_add_epi32(prev, EB), L), invf, wmx);
			for (h = 0; h < 2; h++) {
				const __mmask8 on = (__mmask8)(live >> 8 * h);
				const __m512d py = _mm512_mul_pd(half_pd(r[R_PY], h), w[h]);
				__m512d (*acc)[2] = out->acc;
				acc[A_PY][h] = _mm512_mask_add_pd(acc[A_PY][h], on, acc[A_PY][h], py);
				acc[A_YEMIT][h] = _mm512_mask_add_pd(acc[A_YEMIT][h], on, acc[A_YEMIT][h], py);
				acc[A_YY][h] = _mm512_mask3_fmadd_pd(half_pd(r[R_YY], h), w[h], acc[A_YY][h], on);
				if (i > 0) {
					double *rsum = out->rowsum + 5 * 16 * i + 8 * h;
					__m512d rm = _mm512_setzero_pd(), px;
					for (c = 0; c < 4; c++) {
						const __m512d v = _mm512_mul_pd(half_pd(r[R_M0 + c], h), wmx[h]);
						_mm512_storeu_pd(rsum + 16 * c, v);
						rm = _mm512_add_pd(rm, v);
					}
					px = _mm512_mul_pd(half_pd(r[R_PX], h), wmx[h]);
					_mm512_storeu_pd(rsum + 64, px);
					acc[A_PM][h] = _mm512_mask_add_pd(acc[A_PM][h], on, acc[A_PM][h], rm);
					acc[A_YEMIT][h] = _mm512_mask_add_pd(acc[A_YEMIT][h], on, acc[A_YEMIT][h], rm);
					acc[A_PX][h] = _mm512_mask_add_pd(acc[A_PX][h], on, acc[A_PX][h], px);
					acc[A_XX][h] = _mm512_mask3_fmadd_pd(half_pd(r[R_XX], h), wmx[h], acc[A_XX][h], on);
					rm = _mm512_add_pd(rm, px);
					acc[A_OCC][h] = _mm512_mask_add_pd(acc[A_OCC][h], on, acc[A_OCC][h], rm);
					acc[A_OCCMAX][h] = _mm512_mask_max_pd(acc[A_OCCMAX][h], on, acc[A_OCCMAX][h], rm);
					acc[A_OCCMIN][h] = _mm512_mask_min_pd(acc[A_OCCMIN][h], on, acc[A_OCCMIN][h], rm);
				}
			}
			if (i == 0) {  /* B, the only M cell of row 0, holds P from the backward */
				float b0[16] __attribute__((aligned(64)));
				int32_t eb[16] __attribute__((aligned(64)));
				_mm512_store_ps(b0, smb0);
				_mm512_store_si512(eb, EB);
				for (k = 0; k < 16; k++) out->lnPb[k] = log((double)b0[k]) + (double)eb[k] * M_LN2;
			}
		}
		if (i > 0) {  /* row i − 1's scale: its maximum's, then the shift */
			__m512 inv;
			const __m512i e = row_exponent(mx, &inv),
				      f = _mm512_sub_epi32(_mm512_add_epi32(i > 1 ? EF[i - 2] : EF[0], _mm512_add_epi32(EB, e)), L);
			const __mmask16 may = _mm512_cmp_epi32_mask(_mm512_set1_epi32((int32_t)i), nv, _MM_CMPINT_LE);
			const __m512i sh = _mm512_maskz_min_epi32(may, _mm512_max_epi32(f, _mm512_setzero_si512()), smax),
				      es = _mm512_sub_epi32(e, sh);
			EB = _mm512_add_epi32(EB, es);
			d = _mm512_scalef_ps(_mm512_set1_ps(1), _mm512_cvtepi32_ps(_mm512_sub_epi32(_mm512_setzero_si512(), es)));
		}
		tmp = GMn, GMn = GMc, GMc = tmp;
		tmp = GXn, GXn = GXc, GXc = tmp;
	}
}

/* log2 P per lane from the forward's end cells (−inf where P is not
 * finite and positive) */
static void forward_log2P(const batch_t *b, const float end[3][16], const int32_t *efn, float Pend[16], double *log2P)
{
	int k;
	for (k = 0; k < 16; k++) {
		Pend[k] = b->tr[PH_ME] * end[0][k] + b->tr[PH_XE] * end[1][k] + b->tr[PH_YE] * end[2][k];
		log2P[k] = k < b->np && Pend[k] > 0 && isfinite(Pend[k]) ? log2((double)Pend[k]) + (double)efn[k] : -INFINITY;
	}
}

/* The forward alone (EF NULL: F holds two rows) or kept in F and EF: the
 * end cells and log2 P per lane. */
AVX512_FN void batch_forward_ends(const batch_t *b, __m512 *F, __m512i *EF, float end[3][16], float Pend[16], double log2P[16])
{
	__m512 endv[3];
	__m512i efv;
	int32_t efn[16] __attribute__((aligned(64)));
	int s;
	batch_forward(b, F, EF, endv, &efv, EF != NULL);
	for (s = 0; s < 3; s++) _mm512_storeu_ps(end[s], endv[s]);
	_mm512_store_si512(efn, efv);
	forward_log2P(b, end, efn, Pend, log2P);
}

AVX512_FN void batch_backward_sums(const batch_t *b, __m512 *F, const __m512i *EF, const double log2P[16], __m512 *rows, fb_sums_t *out)
{
	int32_t L[16] __attribute__((aligned(64)));
	double invf[16] __attribute__((aligned(64)));
	__m512d iv[2];
	int k, a;
	for (k = 0; k < 16; k++) {
		const double l = isfinite(log2P[k]) ? floor(log2P[k]) : 0;
		L[k] = (int32_t)l, invf[k] = isfinite(log2P[k]) ? exp2(l - log2P[k]) : 0;
	}
	iv[0] = _mm512_load_pd(invf), iv[1] = _mm512_load_pd(invf + 8);
	for (a = 0; a < A_N; a++) out->acc[a][0] = out->acc[a][1] = _mm512_setzero_pd();
	out->acc[A_OCCMAX][0] = out->acc[A_OCCMAX][1] = _mm512_set1_pd(-INFINITY);
	out->acc[A_OCCMIN][0] = out->acc[A_OCCMIN][1] = _mm512_set1_pd(INFINITY);
	batch_backward(b, F, EF, _mm512_load_si512(L), iv, rows, out);
}

/* The forward–backward of batch b in ws: counts into c[k], status[k] 0 for
 * the lanes kept (else unchanged).  0 or TS_ENOMEM. */
static int batch_fb(const batch_t *b, phmm_batch_ws_t *ws, const phmm_tables_t *t, phmm_counts_t *c, double *lnL, int *status)
{
	const size_t W = (size_t)b->M + 2;
	__m512 *F = ws_get(ws, WS_F, ((size_t)b->N + 2) * 3 * W * sizeof(__m512)), *rows = ws_get(ws, WS_ROWS, 4 * W * sizeof(__m512));
	__m512i *EF = ws_get(ws, WS_EF, ((size_t)b->N + 1) * sizeof(__m512i));
	fb_sums_t o;
	float end[3][16], Pend[16];
	double log2P[16], tot[A_N][16];
	int k, a, x;
	int64_t i;
	o.rowsum = ws_get(ws, WS_ROWSUM, ((size_t)b->N + 1) * 5 * 16 * sizeof(double));
	if (!F || !rows || !EF || !o.rowsum) return TS_ENOMEM;
	batch_forward_ends(b, F, EF, end, Pend, log2P);
	batch_backward_sums(b, F, EF, log2P, rows, &o);
	for (a = 0; a < A_N; a++) memcpy(tot[a], &o.acc[a][0], 8 * sizeof(double)), memcpy(tot[a] + 8, &o.acc[a][1], 8 * sizeof(double));
	for (k = 0; k < b->np; k++) {
		/* P and the backward's are of the tables times 2^kappa per residue of y */
		const double m = (double)b->m[k], lnPs = log2P[k] * M_LN2, lnP = lnPs - b->kappa * m * M_LN2;
		double tr[PH_NTRANS] = {0}, mc[16][4] = {{0}}, xe[16] = {0}, mu, dev, u;
		if (b->refused >> k & 1 || !isfinite(lnPs) || !(fabs(o.lnPb[k] - lnPs) <= BATCH_LNP_TOL * fabs(lnP))) continue;
		/* each residue of x is emitted once, by M or X: every row's
		 * posteriors the same within BATCH_OCC_TOL and 5·10^−9 per residue
		 * (float's rounding of f·g/P, alike on every row), then divided by
		 * their mean, which keeps the counts' identities */
		mu = tot[A_OCC][k] / (double)b->n[k];
		dev = fmax(tot[A_OCCMAX][k] - mu, mu - tot[A_OCCMIN][k]);
		if (!(dev <= BATCH_OCC_TOL + 5e-9 * (double)(b->n[k] + b->m[k])) || !(fabs(mu - 1) <= BATCH_MEAN_TOL)) continue;
		u = 1 / mu;
		/* and y's residues m times in all, by M or Y */
		if (!(fabs(tot[A_YEMIT][k] * u - m) <= BATCH_Y_TOL * m)) continue;
		tr[PH_ME] = b->tr[PH_ME] * end[0][k] / Pend[k];
		tr[PH_XE] = b->tr[PH_XE] * end[1][k] / Pend[k];
		tr[PH_YE] = b->tr[PH_YE] * end[2][k] / Pend[k];
		tr[PH_XX] = tot[A_XX][k] * u, tr[PH_YY] = tot[A_YY][k] * u;
		tr[PH_MX] = tot[A_PX][k] * u - tr[PH_XX], tr[PH_MY] = tot[A_PY][k] * u - tr[PH_YY];
		tr[PH_XM] = tr[PH_MX] - tr[PH_XE], tr[PH_YM] = tr[PH_MY] - tr[PH_YE];
		tr[PH_MM] = tot[A_PM][k] * u - tr[PH_XM] - tr[PH_YM];
		for (a = 0; a < PH_NTRANS && isfinite(tr[a]); a++) continue;
		if (a < PH_NTRANS) continue;
		/* emissions by code of x and class of y */
		for (i = 1; i <= b->n[k]; i++) {
			const double *rs = o.rowsum + 5 * 16 * i + k;
			const int xc = b->x[k][i - 1] & 15;
			for (a = 0; a < 4; a++) mc[xc][a] += rs[16 * a];
			xe[xc] += rs[64];
		}
		if (b->plain >> k & 1) {  /* plain bases: each count is its bases' own (as phmm_code_counts_share, > 0 only) */
			for (a = 0; a < PH_NTRANS; a++) c[k].t[a] += tr[a];
			for (x = 1; x < 16; x <<= 1) {
				if (xe[x] > 0) c[k].x[__builtin_ctz(x)] += xe[x] * u;
				for (a = 0; a < 4; a++)
					if (mc[x][a] > 0) c[k].m[__builtin_ctz(x)][__builtin_ctz(b->ycode[k][a])] += mc[x][a] * u;
			}
			for (a = 0; a < 4; a++) {  /* every residue of y is emitted once, by M or by Y */
				const double v = (double)b->ycount[k][a] - (mc[1][a] + mc[2][a] + mc[4][a] + mc[8][a]) * u;
				if (b->ycount[k][a] && v > 0) c[k].y[__builtin_ctz(b->ycode[k][a])] += v;
			}
		} else {
			phmm_code_counts_t cc;
			memset(&cc, 0, sizeof cc);
			memcpy(cc.t, tr, sizeof tr);
			for (x = 0; x < 16; x++) {
				cc.x[x] = xe[x] * u;
				for (a = 0; a < 4; a++)
					if (b->ycount[k][a]) cc.m[x][b->ycode[k][a]] += mc[x][a] * u, cc.y[b->ycode[k][a]] -= mc[x][a] * u;
			}
			for (a = 0; a < 4; a++)
				if (b->ycount[k][a]) cc.y[b->ycode[k][a]] += (double)b->ycount[k][a];
			phmm_code_counts_share(t, &cc, &c[k]);
		}
		lnL[k] = lnP;
		status[k] = TS_OK;
	}
	return TS_OK;
}

/* Whether the batch can run: AVX-512 chosen, criterion (a), and every pair
 * of a batch's shape; keep (the forward–backward): the kept forward of the
 * padded batch, (N+2)(M+2) cells, within PHMM_BATCH_BYTES. */
static int batch_usable(const phmm_tables_t *t, const phmm_pair_t *const *pr, int np, int keep)
{
	int64_t N = 0, M = 0;
	int k;
	if (np < 1 || np > PHMM_BATCH || phmm_kernel_chosen() != PHMM_KERNEL_AVX512 || !phmm_f32_tables_fit(t)) return 0;
	for (k = 0; k < np; k++) {
		if (!batch_shape(pr[k])) return 0;
		if (pr[k]->n > N) N = pr[k]->n;
		if (pr[k]->m > M) M = pr[k]->m;
	}
	return !keep || phmm_batch_fits(N, M);
}

int phmm_expect_batch(phmm_batch_ws_t *ws, const phmm_tables_t *t, const phmm_pair_t *const *pr, int np, phmm_counts_t *c,
		      double *lnL, int *status)
{
	phmm_batch_ws_t *own = NULL;
	batch_t b;
	unsigned csr;
	int k, r;
	for (k = 0; k < np; k++) status[k] = PHMM_REDO;
	if (!batch_usable(t, pr, np, 1)) return TS_OK;
	if (!ws && !(ws = own = phmm_batch_ws_init())) return TS_ENOMEM;
	if ((r = batch_init(&b, ws, t, pr, np)) == TS_OK) {
		csr = phmm_f32_ftz_on();
		r = batch_fb(&b, ws, t, c, lnL, status);
		phmm_f32_ftz_restore(csr);
	}
	phmm_batch_ws_destroy(own);
	return r;
}

int phmm_forward_batch_pass(phmm_batch_ws_t *ws, const phmm_tables_t *t, const phmm_pair_t *const *pr, int np, double *lnL)
{
	phmm_batch_ws_t *own = NULL;
	batch_t b;
	float end[3][16], Pend[16];
	double log2P[16];
	unsigned csr;
	int k, r;
	if (!batch_usable(t, pr, np, 0)) return PHMM_REDO;
	if (!ws && !(ws = own = phmm_batch_ws_init())) return TS_ENOMEM;
	if ((r = batch_init(&b, ws, t, pr, np)) == TS_OK) {
		__m512 *F = ws_get(ws, WS_F, 2 * 3 * ((size_t)b.M + 2) * sizeof(__m512));
		if (!F) {
			r = TS_ENOMEM;
		} else {
			csr = phmm_f32_ftz_on();
			batch_forward_ends(&b, F, NULL, end, Pend, log2P);
			phmm_f32_ftz_restore(csr);
			for (k = 0; k < np; k++) lnL[k] = (log2P[k] - b.kappa * (double)b.m[k]) * M_LN2;
		}
	}
	phmm_batch_ws_destroy(own);
	return r;
}

#else /* no AVX-512 outside x86: every lane goes back to the per-pair kernels */

int phmm_expect_batch(phmm_batch_ws_t *ws, const phmm_tables_t *t, const phmm_pair_t *const *pr, int np, phmm_counts_t *c,
		      double *lnL, int *status)
{
	int k;
	(void)ws, (void)t, (void)pr, (void)c, (void)lnL;
	for (k = 0; k < np; k++) status[k] = PHMM_REDO;
	return TS_OK;
}

int phmm_forward_batch_pass(phmm_batch_ws_t *ws, const phmm_tables_t *t, const phmm_pair_t *const *pr, int np, double *lnL)
{
	(void)ws, (void)t, (void)pr, (void)np, (void)lnL;
	return PHMM_REDO;
}

#endif

int phmm_expect_fast_batch(phmm_batch_ws_t *ws, const phmm_tables_t *t, const phmm_pair_t *const *pr, int np, phmm_counts_t *c,
			   double *lnL, int *status)
{
	int k, r = phmm_expect_batch(ws, t, pr, np, c, lnL, status);
	for (k = 0; k < np; k++)
		if (r != TS_OK || status[k] == PHMM_REDO) status[k] = phmm_expect_fast(t, pr[k], &c[k], &lnL[k]);
	return TS_OK;
}
