/* dp_core: pair-HMM dynamic programming (recursions and scaling in dp.h),
 * written once for a real type DP_REAL and compiled twice: in double
 * (dp_d.c) and in long double (dp_ld.c), whose 15-bit exponent (to 1e-4932)
 * holds the rows that overflow double's range (dp.c retries with it).
 *
 * Contents: 1. forward rows  2. backward rows  3. checkpointed forward–backward
 *           with a per-row visitor  4. expected counts  5. Viterbi  6. MEA and
 *           path posteriors */
#include <stdlib.h>
#include <string.h>
#include <tgmath.h>
#include "pairhmm/dp.h"
#include "pairhmm/dp_impl.h"
#include "util/log.h"

typedef DP_REAL real_t;

/* ------------------------------------------------------ 1. forward rows */

static inline void band_of(const phmm_pair_t *pr, int64_t i, int64_t *lo, int64_t *hi)
{
	if (pr->lo) {
		*lo = pr->lo[i] > 0 ? pr->lo[i] : 0;
		*hi = pr->hi[i] < pr->m ? pr->hi[i] : pr->m;
	} else {
		*lo = 0;
		*hi = pr->m;
	}
}

/* Row buffers: slots of 3 rows (M, X, Y) of m+1 doubles.  Outside the band
 * last written into a slot its cells are 0, so a recursion may read a
 * neighbour row anywhere; slot_use() re-zeroes what the previous band left. */
typedef struct {
	real_t *buf;
	int64_t m, *lo, *hi;  /* per slot: the columns that may be non-zero */
	int64_t off;          /* column j at [j − off] of a slot (rows_rebase) */
} rows_t;

static int rows_init(rows_t *r, int64_t slots, int64_t m)
{
	int64_t k;
	r->m = m;
	r->off = 0;
	r->buf = calloc((size_t)slots * 3 * (m + 1), sizeof(real_t));
	r->lo = malloc(slots * sizeof *r->lo);
	r->hi = malloc(slots * sizeof *r->hi);
	if (!r->buf || !r->lo || !r->hi) return TS_ENOMEM;
	for (k = 0; k < slots; k++) r->lo[k] = 0, r->hi[k] = -1;
	return TS_OK;
}

static void rows_free(rows_t *r)
{
	free(r->buf);
	free(r->lo);
	free(r->hi);
}

static real_t *slot(const rows_t *r, int64_t k, int state)
{
	return r->buf + (3 * k + state) * (r->m + 1) - r->off;
}

/* Zero slots 0..slots−1 and store column j at [j − off] from now on: a
 * block of a read's rows then reuses the first pages of its slots whatever
 * columns its band crosses (columns off..off+m fit). */
static void rows_rebase(rows_t *r, int64_t slots, int64_t off)
{
	int64_t k;
	int s;
	for (k = 0; k < slots; k++) {
		for (s = 0; s < 3 && r->hi[k] >= r->lo[k]; s++) memset(slot(r, k, s) + r->lo[k], 0, (r->hi[k] - r->lo[k] + 1) * sizeof(real_t));
		r->lo[k] = 0, r->hi[k] = -1;
	}
	r->off = off;
}

/* Make slot k ready for cells [lo, hi]: zero what an older band left. */
static void slot_use(rows_t *r, int64_t k, int64_t lo, int64_t hi)
{
	int s;
	for (s = 0; s < 3; s++) {
		real_t *v = slot(r, k, s);
		int64_t a = r->lo[k], b = r->hi[k];
		if (a < lo) memset(v + a, 0, ((b < lo - 1 ? b : lo - 1) - a + 1) * sizeof *v);
		if (b > hi && b >= a) {
			int64_t from = a > hi + 1 ? a : hi + 1;
			memset(v + from, 0, (b - from + 1) * sizeof *v);
		}
	}
	r->lo[k] = lo;
	r->hi[k] = hi;
}

/* Copy slot a of r to slot b of d: its band alone (both are 0 outside
 * their bands), so a read's checkpoint rows touch a page or two each, not
 * all m + 1 columns (a 30 kb read's posteriors: 260 MiB otherwise). */
static void slot_copy(rows_t *d, int64_t b, const rows_t *r, int64_t a)
{
	const int64_t lo = r->lo[a], hi = r->hi[a];
	int s;
	slot_use(d, b, lo, hi);
	for (s = 0; s < 3 && hi >= lo; s++) memcpy(slot(d, b, s) + lo, slot(r, a, s) + lo, (hi - lo + 1) * sizeof(real_t));
}

/* Row i of the forward matrices from row i−1 (prev, unused for i = 0); then
 * divided by its largest value, which is returned (0: the row is empty).
 * The caller has slot_use()d the row for the band of row i. */
static real_t fwd_row(const phmm_tables_t *t, const phmm_pair_t *pr, int64_t i, const real_t *pM, const real_t *pX,
		      const real_t *pY, real_t *M, real_t *X, real_t *Y)
{
	const uint8_t *y = pr->y;
	real_t mx = 0, inv;
	int64_t j, lo, hi;
	band_of(pr, i, &lo, &hi);
	if (i == 0) {
		for (j = lo; j <= hi; j++) {
			M[j] = j == 0 || pr->glocal ? 1 : 0;  /* B */
			X[j] = 0;
			Y[j] = j > lo ? t->qy[y[j - 1]] * (t->t[PH_MY] * M[j - 1] + t->t[PH_YY] * Y[j - 1]) : 0;
		}
	} else {
		const double *pm = t->pm[pr->x[i - 1]], qx = t->qx[pr->x[i - 1]];
		for (j = lo; j <= hi; j++) {
			M[j] = j > 0 ? pm[y[j - 1]] * (t->t[PH_MM] * pM[j - 1] + t->t[PH_XM] * pX[j - 1] + t->t[PH_YM] * pY[j - 1]) : 0;
			X[j] = qx * (t->t[PH_MX] * pM[j] + t->t[PH_XX] * pX[j]);
			Y[j] = j > lo ? t->qy[y[j - 1]] * (t->t[PH_MY] * M[j - 1] + t->t[PH_YY] * Y[j - 1]) : 0;
		}
	}
	for (j = lo; j <= hi; j++) {
		if (M[j] > mx) mx = M[j];
		if (X[j] > mx) mx = X[j];
		if (Y[j] > mx) mx = Y[j];
	}
	if (mx == 0) return 0;
	inv = 1 / mx;
	for (j = lo; j <= hi; j++) {
		M[j] *= inv;
		X[j] *= inv;
		Y[j] *= inv;
	}
	return mx;
}

/* τ·(M + X + Y) at the end cell(s) of row n: (n, m), or every (n, j) when the
 * ends of sequence 2 are free. */
static real_t end_mass(const phmm_tables_t *t, const phmm_pair_t *pr, const real_t *M, const real_t *X, const real_t *Y)
{
	int64_t j, lo, hi;
	real_t e = 0;
	band_of(pr, pr->n, &lo, &hi);
	for (j = pr->glocal ? lo : pr->m; j <= hi; j++) e += t->t[PH_ME] * M[j] + t->t[PH_XE] * X[j] + t->t[PH_YE] * Y[j];
	return e;
}

int DP_FN(forward)(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	rows_t r;
	double ln = 0;
	real_t end;
	int64_t i;
	int ret = TS_OK;
	if (rows_init(&r, 2, pr->m) < 0) {
		rows_free(&r);
		return TS_ENOMEM;
	}
	for (i = 0; i <= pr->n && ret == TS_OK; i++) {
		int cur = i & 1, prev = cur ^ 1;
		int64_t lo, hi;
		band_of(pr, i, &lo, &hi);
		slot_use(&r, cur, lo, hi);
		real_t s = fwd_row(t, pr, i, slot(&r, prev, 0), slot(&r, prev, 1), slot(&r, prev, 2), slot(&r, cur, 0),
				   slot(&r, cur, 1), slot(&r, cur, 2));
		if (s == 0) ret = TS_EDATA;
		else ln += log(s);
	}
	if (ret == TS_OK) {
		int last = pr->n & 1;
		end = end_mass(t, pr, slot(&r, last, 0), slot(&r, last, 1), slot(&r, last, 2));
		if (end <= 0) ret = TS_EDATA;
		else *lnL = ln + log(end);
	}
	rows_free(&r);
	return ret;
}

/* ----------------------------------------------------- 2. backward rows */

/* Row i of the backward matrices from row i+1 (next, ignored for i = n),
 * whose values are multiplied by `mult` (1/s_{i+1} under forward scaling). */
static void bwd_row(const phmm_tables_t *t, const phmm_pair_t *pr, int64_t i, const real_t *nM, const real_t *nX,
		    real_t mult, real_t *M, real_t *X, real_t *Y)
{
	const int64_t m = pr->m, n = pr->n;
	const uint8_t *y = pr->y;
	int64_t j, lo, hi;
	const double *pm = i < n ? t->pm[pr->x[i]] : NULL;
	const double qx = i < n ? t->qx[pr->x[i]] : 0;
	band_of(pr, i, &lo, &hi);
	for (j = hi; j >= lo; j--) {
		real_t toM = 0, toX = 0, toY_fromM = 0, toY_fromY = 0;
		if (i < n && j < m) toM = pm[y[j]] * nM[j + 1] * mult;
		if (i < n) toX = qx * nX[j] * mult;
		if (j < hi) {
			double e = t->qy[y[j]];
			toY_fromM = t->t[PH_MY] * e * Y[j + 1];
			toY_fromY = t->t[PH_YY] * e * Y[j + 1];
		}
		M[j] = t->t[PH_MM] * toM + t->t[PH_MX] * toX + toY_fromM;
		X[j] = t->t[PH_XM] * toM + t->t[PH_XX] * toX;
		Y[j] = t->t[PH_YM] * toM + toY_fromY;
		if (i == n && (j == m || pr->glocal)) {
			M[j] += t->t[PH_ME];
			X[j] += t->t[PH_XE];
			Y[j] += t->t[PH_YE];
		}
	}
}

/* bM at the start: (0,0), or the sum over every (0, j) with free ends. */
static real_t start_mass(const phmm_pair_t *pr, const real_t *M)
{
	int64_t j, lo, hi;
	real_t s = 0;
	band_of(pr, 0, &lo, &hi);
	for (j = lo; j <= (pr->glocal ? hi : 0); j++) s += M[j];
	return s;
}

int DP_FN(backward)(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	rows_t r;
	double ln = 0;
	real_t b0;
	int64_t i, j;
	int ret = TS_OK;
	if (rows_init(&r, 2, pr->m) < 0) {
		rows_free(&r);
		return TS_ENOMEM;
	}
	for (i = pr->n; i >= 0 && ret == TS_OK; i--) {
		int cur = i & 1, next = cur ^ 1;
		int64_t lo, hi;
		real_t *M = slot(&r, cur, 0), *X = slot(&r, cur, 1), *Y = slot(&r, cur, 2), mx = 0;
		band_of(pr, i, &lo, &hi);
		slot_use(&r, cur, lo, hi);
		bwd_row(t, pr, i, slot(&r, next, 0), slot(&r, next, 1), 1.0, M, X, Y);
		for (j = lo; j <= hi; j++) {
			if (M[j] > mx) mx = M[j];
			if (X[j] > mx) mx = X[j];
			if (Y[j] > mx) mx = Y[j];
		}
		if (mx == 0) {
			ret = TS_EDATA;
			break;
		}
		for (j = lo; j <= hi; j++) {
			M[j] /= mx;
			X[j] /= mx;
			Y[j] /= mx;
		}
		ln += log(mx);
	}
	if (ret == TS_OK) {
		/* P = bM at B, which behaves like M */
		b0 = start_mass(pr, slot(&r, 0, 0));
		if (b0 <= 0) ret = TS_EDATA;
		else *lnL = ln + log(b0);
	}
	rows_free(&r);
	return ret;
}

/* ------------------------------------- 3. checkpointed forward–backward */

/* What a visitor sees for row i, visited from i = n down to 0: forward and
 * backward rows i, backward row i+1 (NULL for i = n), 1/s_{i+1}, and P̂, so
 * that a posterior is f̂·b̂/P̂ and a transition into row i+1 carries 1/s_{i+1}.
 * Cells outside [lo, hi] are 0. */
typedef struct {
	int64_t i, lo, hi;
	const real_t *fM, *fX, *fY, *bM, *bX, *bY, *nM, *nX;
	real_t inv_s_next, P;
} fb_row_t;

typedef int (*fb_visit_fn)(const phmm_tables_t *t, const phmm_pair_t *pr, const fb_row_t *row, void *arg);

/* A banded pair's rows are allocated whole (m+1 each) but touched only
 * near its band: checkpoints copy their band, and a block's rows are
 * rebased to its band's first column (a 30 kb read: 18 MiB, not 260). */
static int forward_backward(const phmm_tables_t *t, const phmm_pair_t *pr, fb_visit_fn visit, void *arg, double *lnL)
{
	const int64_t n = pr->n, m = pr->m;
	/* Small matrices are kept whole (one block, no recomputation); large
	 * ones in blocks of K ≈ √n rows.  A banded pair touches a page or two
	 * of each whole row, and faulting them in cost more than recomputing
	 * (glocal PacBio reads in double: 1.7 of 3.9 s were page faults; in
	 * blocks 0.1 of 2.2 s), so it is kept whole only up to 4 MB. */
	const double bytes = (double)(n + 1) * (m + 1) * 3 * sizeof(real_t);
	const int whole = bytes <= (pr->lo ? 4.0 : 64.0) * 1024 * 1024;
	int64_t K = whole ? n + 1 : (int64_t)ceil(sqrt((double)n + 1)), n_ckpt = n / K + 1, i, b, lo, hi;
	real_t *scale = malloc((n + 1) * sizeof *scale), P = 0;
	double ln = 0;
	rows_t ckpt = {0}, blk = {0}, bw = {0}, tmp = {0};
	int ret = TS_OK;
	if (!scale || rows_init(&ckpt, whole ? 1 : n_ckpt, whole ? 0 : m) < 0 || rows_init(&blk, K, m) < 0 ||
	    rows_init(&bw, 2, m) < 0 || rows_init(&tmp, 2, m) < 0) {
		ret = TS_ENOMEM;
		goto done;
	}
	/* forward: keep every K-th row (or all) and every scale factor */
	for (i = 0; i <= n; i++) {
		rows_t *rw = whole ? &blk : &tmp;
		int64_t cur = whole ? i : i & 1, prev = whole ? (i ? i - 1 : 0) : cur ^ 1;
		band_of(pr, i, &lo, &hi);
		slot_use(rw, cur, lo, hi);
		scale[i] = fwd_row(t, pr, i, slot(rw, prev, 0), slot(rw, prev, 1), slot(rw, prev, 2), slot(rw, cur, 0), slot(rw, cur, 1),
				   slot(rw, cur, 2));
		if (scale[i] == 0) {
			ret = TS_EDATA;
			goto done;
		}
		ln += log(scale[i]);
		if (!whole && i % K == 0) slot_copy(&ckpt, i / K, &tmp, cur);
		if (i == n) P = end_mass(t, pr, slot(rw, cur, 0), slot(rw, cur, 1), slot(rw, cur, 2));
	}
	if (P <= 0) {
		ret = TS_EDATA;
		goto done;
	}
	*lnL = ln + log(P);
	/* backward, one block of K rows at a time, newest first */
	for (b = n / K; b >= 0 && ret == TS_OK; b--) {
		int64_t first = b * K, last = first + K - 1 < n ? first + K - 1 : n;
		if (!whole) {
			/* the block's columns from one before its bands' first (read
			 * as 0) */
			int64_t lo_min = m;
			for (i = first; i <= last; i++) {
				band_of(pr, i, &lo, &hi);
				if (lo < lo_min) lo_min = lo;
			}
			rows_rebase(&blk, K, lo_min > 0 ? lo_min - 1 : 0);
			slot_copy(&blk, 0, &ckpt, b);
			for (i = first + 1; i <= last; i++) {
				int64_t k = i - first;
				band_of(pr, i, &lo, &hi);
				slot_use(&blk, k, lo, hi);
				fwd_row(t, pr, i, slot(&blk, k - 1, 0), slot(&blk, k - 1, 1), slot(&blk, k - 1, 2), slot(&blk, k, 0),
					slot(&blk, k, 1), slot(&blk, k, 2));
			}
		}
		for (i = last; i >= first && ret == TS_OK; i--) {
			int cur = i & 1, next = cur ^ 1;
			real_t inv_next = i < n ? 1 / scale[i + 1] : 1;
			fb_row_t row;
			band_of(pr, i, &lo, &hi);
			slot_use(&bw, cur, lo, hi);
			bwd_row(t, pr, i, slot(&bw, next, 0), slot(&bw, next, 1), inv_next, slot(&bw, cur, 0), slot(&bw, cur, 1),
				slot(&bw, cur, 2));
			row.i = i;
			row.lo = lo;
			row.hi = hi;
			row.fM = slot(&blk, i - first, 0);
			row.fX = slot(&blk, i - first, 1);
			row.fY = slot(&blk, i - first, 2);
			row.bM = slot(&bw, cur, 0);
			row.bX = slot(&bw, cur, 1);
			row.bY = slot(&bw, cur, 2);
			row.nM = i < n ? slot(&bw, next, 0) : NULL;
			row.nX = i < n ? slot(&bw, next, 1) : NULL;
			row.inv_s_next = inv_next;
			row.P = P;
			ret = visit(t, pr, &row, arg);
		}
	}
done:
	free(scale);
	rows_free(&ckpt);
	rows_free(&blk);
	rows_free(&bw);
	rows_free(&tmp);
	return ret;
}

/* ---------------------------------------------------- 4. expected counts */

/* Counts by emitted code while the DP runs (one add per cell, no branching
 * on ambiguity); shared out among bases once per pair in phmm_expect().
 * Each row checks that its residue x_i is emitted once (its M and X
 * posteriors sum to 1 within 10^-6) and that its transition counts are
 * finite: a row spanning more than the type's range loses cells to
 * underflow silently (very unequal lengths: 17 x 241 bases, ln P off by
 * 0.001 in double), or multiplies 0 by an overflowed scale (139 x 432: MM
 * NaN), and the pair is then redone in long double (dp.c). */
typedef phmm_code_counts_t code_counts_t;

static int count_row(const phmm_tables_t *t, const phmm_pair_t *pr, const fb_row_t *r, void *arg)
{
	code_counts_t *c = arg;
	const int64_t i = r->i, n = pr->n, m = pr->m;
	const uint8_t *y = pr->y;
	const real_t iP = 1 / r->P, inx = r->inv_s_next * iP;
	double tr[PH_NTRANS] = {0}, emitted = 0;
	int64_t j;
	const double *pm = i < n ? t->pm[pr->x[i]] : NULL, qx = i < n ? t->qx[pr->x[i]] : 0;
	for (j = r->lo; j <= r->hi; j++) {
		const real_t fM = r->fM[j], fX = r->fX[j], fY = r->fY[j];
		/* emissions of cell (i, j) */
		if (i > 0 && j > 0) c->m[pr->x[i - 1]][y[j - 1]] += fM * r->bM[j] * iP, emitted += fM * r->bM[j] * iP;
		if (i > 0) c->x[pr->x[i - 1]] += fX * r->bX[j] * iP, emitted += fX * r->bX[j] * iP;
		if (j > 0) c->y[y[j - 1]] += fY * r->bY[j] * iP;
		/* transitions out of (i, j): into row i+1 (M, X) or along row i (Y) */
		if (i < n && j < m) {
			real_t e = pm[y[j]] * r->nM[j + 1] * inx;
			tr[PH_MM] += fM * t->t[PH_MM] * e;
			tr[PH_XM] += fX * t->t[PH_XM] * e;
			tr[PH_YM] += fY * t->t[PH_YM] * e;
		}
		if (i < n) {
			real_t e = qx * r->nX[j] * inx;
			tr[PH_MX] += fM * t->t[PH_MX] * e;
			tr[PH_XX] += fX * t->t[PH_XX] * e;
		}
		if (j < r->hi) {
			real_t e = t->qy[y[j]] * r->bY[j + 1] * iP;
			tr[PH_MY] += fM * t->t[PH_MY] * e;
			tr[PH_YY] += fY * t->t[PH_YY] * e;
		}
		if (i == n && (j == m || pr->glocal)) {
			tr[PH_ME] += fM * t->t[PH_ME] * iP;
			tr[PH_XE] += fX * t->t[PH_XE] * iP;
			tr[PH_YE] += fY * t->t[PH_YE] * iP;
		}
	}
	/* a transition through a cell whose next row's scale left the type's
	 * range is 0·inf: redone in long double like a lost row */
	for (j = 0; j < PH_NTRANS; j++)
		if (!isfinite(tr[j])) return TS_EDATA;
	for (j = 0; j < PH_NTRANS; j++) c->t[j] += tr[j];
	return i == 0 || fabs(emitted - 1) <= 1e-6 ? TS_OK : TS_EDATA;
}

int DP_FN(expect)(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_counts_t *c, double *lnL)
{
	code_counts_t cc;
	int r;
	memset(&cc, 0, sizeof cc);
	if ((r = forward_backward(t, pr, count_row, &cc, lnL)) < 0) return r;
	phmm_code_counts_share(t, &cc, c);
	return TS_OK;
}

/* ------------------------------------------------------------ 5. Viterbi */

enum { TB_M_FROM = 0x03, TB_X_FROM_X = 0x04, TB_Y_FROM_Y = 0x08 };  /* M's source: 0 M, 1 X, 2 Y */

static int aln_alloc(phmm_aln_t *a, int64_t len)
{
	memset(a, 0, sizeof *a);
	a->ax = malloc(len + 1);
	a->ay = malloc(len + 1);
	a->state = malloc(len + 1);
	a->post = malloc((len + 1) * sizeof *a->post);
	if (!a->ax || !a->ay || !a->state || !a->post) {
		phmm_aln_free(a);
		return TS_ENOMEM;
	}
	return TS_OK;
}


/* Columns from a reversed state path (traced from the end). */
static int aln_from_states(const phmm_pair_t *pr, const char *rev, int64_t len, int64_t y_beg, phmm_aln_t *a)
{
	static const char letters[] = "=ACMGRSVTWYHKDBN";
	int64_t k, i = 0, j = y_beg;
	if (aln_alloc(a, len) < 0) return TS_ENOMEM;
	for (k = 0; k < len; k++) {
		char s = rev[len - 1 - k];
		a->state[k] = s;
		a->ax[k] = s == 'Y' ? '-' : letters[pr->x[i++]];
		a->ay[k] = s == 'X' ? '-' : letters[pr->y[j++]];
		a->post[k] = 0;
	}
	a->ax[len] = a->ay[len] = a->state[len] = '\0';
	a->len = len;
	a->y_beg = y_beg;
	a->y_end = j;
	return TS_OK;
}

static double lg(double x) { return x > 0 ? log(x) : -INFINITY; }


/* ------------------------------------------ 6. path posteriors and MEA */

/* Posteriors of the cells a path visits, gathered row by row. */
typedef struct {
	const char *states;   /* forward order */
	int64_t len;
	int64_t *ci, *cj;     /* cell of each column */
	double *post;
} path_post_t;

static int path_row(const phmm_tables_t *t, const phmm_pair_t *pr, const fb_row_t *r, void *arg)
{
	path_post_t *pp = arg;
	int64_t k;
	(void)t;
	(void)pr;
	/* columns are in path order, so the cells of row i are contiguous; a
	 * linear scan keeps this simple at O(len) per row only for short pairs,
	 * hence the binary search for the first column of the row */
	int64_t lo = 0, hi = pp->len;
	while (lo < hi) {
		int64_t mid = (lo + hi) / 2;
		if (pp->ci[mid] < r->i) lo = mid + 1;
		else hi = mid;
	}
	for (k = lo; k < pp->len && pp->ci[k] == r->i; k++) {
		int64_t j = pp->cj[k];
		real_t f = pp->states[k] == 'M' ? r->fM[j] * r->bM[j] : pp->states[k] == 'X' ? r->fX[j] * r->bX[j] : r->fY[j] * r->bY[j];
		pp->post[k] = f / r->P;
	}
	return TS_OK;
}

static int fill_posteriors(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_aln_t *a)
{
	path_post_t pp = {a->state, a->len, malloc((a->len + 1) * sizeof(int64_t)), malloc((a->len + 1) * sizeof(int64_t)), a->post};
	int64_t k, i = 0, j = a->y_beg;
	int r;
	if (!pp.ci || !pp.cj) {
		free(pp.ci);
		free(pp.cj);
		return TS_ENOMEM;
	}
	for (k = 0; k < a->len; k++) {
		if (a->state[k] != 'Y') i++;
		if (a->state[k] != 'X') j++;
		pp.ci[k] = i;
		pp.cj[k] = j;
	}
	r = forward_backward(t, pr, path_row, &pp, &a->lnL);
	free(pp.ci);
	free(pp.cj);
	return r;
}

/* A traceback of the band's cells only: row i's at [rowoff[i]], from its
 * band's lo; rowoff[n + 1] is the total.  Malloc'd (n + 2 entries), or NULL. */
static int64_t *band_rows(const phmm_pair_t *pr)
{
	int64_t *rowoff = malloc((pr->n + 2) * sizeof *rowoff), i, lo, hi;
	if (rowoff)
		for (rowoff[0] = 0, i = 0; i <= pr->n; i++) {
			band_of(pr, i, &lo, &hi);
			rowoff[i + 1] = rowoff[i] + (hi >= lo ? hi - lo + 1 : 0);
		}
	return rowoff;
}

int DP_FN(viterbi)(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_aln_t *aln)
{
	const int64_t n = pr->n, m = pr->m;
	int64_t *rowoff = band_rows(pr);
	uint8_t *tb = NULL;
	double *v = malloc(6 * (m + 1) * sizeof *v), lt[PH_NTRANS];
	char *rev = malloc(n + m + 1);
	int64_t i, j, len = 0, plo = 0, phi = -1, lo, hi, jend = m;
	int k, r = TS_OK, state;
	memset(aln, 0, sizeof *aln);
	if (!rowoff || !v || !rev || (tb = malloc(rowoff[n + 1] > 0 ? (size_t)rowoff[n + 1] : 1)) == NULL) {
		r = TS_ENOMEM;
		goto done;
	}
	for (k = 0; k < PH_NTRANS; k++) lt[k] = lg(t->t[k]);
	/* log-space max-product; rows alternate in v; cells outside the band
	 * of their row are −∞ (read through the guards below) */
#define PREV(a, jj) ((jj) >= plo && (jj) <= phi ? (a)[jj] : -INFINITY)
	for (i = 0; i <= n; i++) {
		double *M = v + (i & 1) * 3 * (m + 1), *X = M + (m + 1), *Y = X + (m + 1);
		double *pM = v + ((i & 1) ^ 1) * 3 * (m + 1), *pX = pM + (m + 1), *pY = pX + (m + 1);
		band_of(pr, i, &lo, &hi);
		uint8_t *row = tb + rowoff[i] - lo;  /* row[j] for j in lo..hi */
		for (j = lo; j <= hi; j++) {
			uint8_t bits = 0;
			M[j] = X[j] = Y[j] = -INFINITY;
			if (i == 0 && (j == 0 || pr->glocal)) M[j] = 0;  /* B */
			if (i > 0 && j > 0) {
				double a = PREV(pM, j - 1) + lt[PH_MM], b = PREV(pX, j - 1) + lt[PH_XM], c = PREV(pY, j - 1) + lt[PH_YM], best = a;
				if (b > best) best = b, bits = 1;
				if (c > best) best = c, bits = 2;
				M[j] = best + lg(t->pm[pr->x[i - 1]][pr->y[j - 1]]);
			}
			if (i > 0) {
				double a = PREV(pM, j) + lt[PH_MX], b = PREV(pX, j) + lt[PH_XX];
				if (b > a) bits |= TB_X_FROM_X;
				X[j] = (b > a ? b : a) + lg(t->qx[pr->x[i - 1]]);
			}
			if (j > lo) {
				double a = M[j - 1] + lt[PH_MY], b = Y[j - 1] + lt[PH_YY];
				if (b > a) bits |= TB_Y_FROM_Y;
				Y[j] = (b > a ? b : a) + lg(t->qy[pr->y[j - 1]]);
			}
			row[j] = bits;
		}
		plo = lo;
		phi = hi;
	}
#undef PREV
	{
		double *M = v + (n & 1) * 3 * (m + 1), *X = M + (m + 1), *Y = X + (m + 1), best = -INFINITY;
		state = 0;
		for (j = pr->glocal ? plo : m; j <= phi; j++) {
			double a = M[j] + lt[PH_ME], b = X[j] + lt[PH_XE], c = Y[j] + lt[PH_YE];
			if (a > best) best = a, state = 0, jend = j;
			if (b > best) best = b, state = 1, jend = j;
			if (c > best) best = c, state = 2, jend = j;
		}
		if (best == -INFINITY) {
			r = TS_EDATA;
			goto done;
		}
		aln->score = best;
	}
	/* back to B: M in row 0 (at column 0 unless the ends are free) */
	for (i = n, j = jend; !(i == 0 && state == 0);) {
		uint8_t bits;
		band_of(pr, i, &lo, &hi);
		bits = tb[rowoff[i] + j - lo];
		if (state == 0) {
			rev[len++] = 'M';
			state = bits & TB_M_FROM;
			i--, j--;
		} else if (state == 1) {
			rev[len++] = 'X';
			state = bits & TB_X_FROM_X ? 1 : 0;
			i--;
		} else {
			rev[len++] = 'Y';
			state = bits & TB_Y_FROM_Y ? 2 : 0;
			j--;
		}
	}
	{
		double score = aln->score;
		if ((r = aln_from_states(pr, rev, len, j, aln)) == TS_OK) {
			aln->score = score;
			r = fill_posteriors(t, pr, aln);
		}
	}
done:
	free(rowoff);
	free(tb);
	free(v);
	free(rev);
	if (r < 0) phmm_aln_free(aln);
	return r;
}

/* MEA over model-valid paths: G_S(i,j) = the best sum of posteriors of the
 * columns after cell (i,j) when in state S there, filled as rows arrive from
 * the backward pass (n down to 0); pointers keep 2 bits per state. */
typedef struct {
	int64_t m;
	double *G[2][3];     /* rows i (cur) and i+1 */
	double *post[2][3];  /* posteriors of rows i and i+1 */
	uint8_t *tb;         /* band cells: next state of M (bits 0-1), X (2-3), Y (4-5); 3 = end */
	const int64_t *rowoff;  /* row i's cells at tb + rowoff[i], from its band's lo */
	int64_t wlo[2], whi[2];  /* the columns each slot's last row wrote */
	int cur;
} mea_t;

static int mea_row(const phmm_tables_t *t, const phmm_pair_t *pr, const fb_row_t *r, void *arg)
{
	mea_t *a = arg;
	const int64_t m = pr->m, n = pr->n, i = r->i;
	int s, c = a->cur, nx = c ^ 1;
	int64_t j;
	/* transition from state s to M, X, Y (−1: not in the model), and to E */
	static const int from[3][3] = {{PH_MM, PH_MX, PH_MY}, {PH_XM, PH_XX, -1}, {PH_YM, -1, PH_YY}};
	static const int to_end[3] = {PH_ME, PH_XE, PH_YE};
	uint8_t *tb = a->tb + a->rowoff[i] - r->lo;
	/* outside the band a cell has posterior 0 and G −∞: undo what the
	 * slot's row before last wrote, so a long band costs its width */
	for (j = a->wlo[c]; j <= a->whi[c]; j++) {
		a->post[c][0][j] = a->post[c][1][j] = a->post[c][2][j] = 0;
		a->G[c][0][j] = a->G[c][1][j] = a->G[c][2][j] = -INFINITY;
	}
	for (j = r->lo; j <= r->hi; j++) {
		a->post[c][0][j] = r->fM[j] * r->bM[j] / r->P;
		a->post[c][1][j] = r->fX[j] * r->bX[j] / r->P;
		a->post[c][2][j] = r->fY[j] * r->bY[j] / r->P;
	}
	a->wlo[c] = r->lo, a->whi[c] = r->hi;
	for (j = r->hi; j >= r->lo; j--) {
		uint8_t bits = 0;
		for (s = 0; s < 3; s++) {
			double best = -INFINITY;
			int arg_best = 3;
			if (i == n && (j == m || pr->glocal) && t->t[to_end[s]] > 0) best = 0;
			if (i < n && j < m && t->t[from[s][0]] > 0) {
				double g = a->post[nx][0][j + 1] + a->G[nx][0][j + 1];
				if (g > best) best = g, arg_best = 0;
			}
			if (from[s][1] >= 0 && i < n && t->t[from[s][1]] > 0) {
				double g = a->post[nx][1][j] + a->G[nx][1][j];
				if (g > best) best = g, arg_best = 1;
			}
			if (from[s][2] >= 0 && j < m && t->t[from[s][2]] > 0) {
				double g = a->post[c][2][j + 1] + a->G[c][2][j + 1];
				if (g > best) best = g, arg_best = 2;
			}
			a->G[c][s][j] = best;
			bits |= (uint8_t)(arg_best << (2 * s));
		}
		tb[j] = bits;
	}
	a->cur ^= 1;
	return TS_OK;
}

/* With free ends, reference bases before the first and after the last read
 * base are flank or deletion: MEA gains nothing by calling them flank, so it
 * keeps them as Y columns.  Those less likely than not to be deletions
 * (posterior < 0.5) are moved back into the flanks. */
static void trim_flanks(phmm_aln_t *a)
{
	int64_t b = 0, e = a->len, k;
	while (b < e && a->state[b] == 'Y' && a->post[b] < 0.5) b++;
	while (e > b && a->state[e - 1] == 'Y' && a->post[e - 1] < 0.5) e--;
	if (b == 0 && e == a->len) return;
	for (k = 0; k < b; k++) a->score -= a->post[k];
	for (k = e; k < a->len; k++) a->score -= a->post[k];
	memmove(a->ax, a->ax + b, e - b);
	memmove(a->ay, a->ay + b, e - b);
	memmove(a->state, a->state + b, e - b);
	memmove(a->post, a->post + b, (e - b) * sizeof *a->post);
	a->ax[e - b] = a->ay[e - b] = a->state[e - b] = '\0';
	a->y_beg += b;
	a->y_end -= a->len - e;
	a->len = e - b;
}

int DP_FN(mea)(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_aln_t *aln)
{
	const int64_t n = pr->n, m = pr->m;
	mea_t a;
	double *mem = calloc(12 * (m + 1), sizeof *mem);
	char *rev = malloc(n + m + 1);
	int64_t *rowoff = band_rows(pr);
	int64_t i = 0, j = 0, len = 0, k;
	int r, s, q;
	memset(aln, 0, sizeof *aln);
	memset(&a, 0, sizeof a);
	a.m = m;
	if (!mem || !rev || !rowoff || (a.tb = malloc(rowoff[n + 1] > 0 ? (size_t)rowoff[n + 1] : 1)) == NULL) {
		r = TS_ENOMEM;
		goto done;
	}
	a.rowoff = rowoff;
	for (q = 0; q < 2; q++) {
		for (s = 0; s < 3; s++) {
			a.G[q][s] = mem + (q * 3 + s) * (m + 1);
			a.post[q][s] = mem + (6 + q * 3 + s) * (m + 1);
			for (k = 0; k <= m; k++) a.G[q][s][k] = -INFINITY;  /* posteriors 0 from calloc */
		}
		a.wlo[q] = 1, a.whi[q] = 0;
	}
	/* rows arrive n, n−1, …; row n goes to slot 0 */
	a.cur = 0;
	double lnL;
	if ((r = forward_backward(t, pr, mea_row, &a, &lnL)) < 0) goto done;
	/* row 0 was written to slot (n & 1) ^ ... : the last slot used is cur ^ 1 */
	int last = a.cur ^ 1;
	int64_t j0 = 0, lo, hi;
	band_of(pr, 0, &lo, &hi);
	/* B = M at (0,0), or wherever row 0 is best when the ends are free */
	if (pr->glocal)
		for (j0 = lo, k = lo; k <= hi; k++)
			if (a.G[last][0][k] > a.G[last][0][j0]) j0 = k;
	double score = a.G[last][0][j0];
	j = j0;
	s = 0;
	for (;;) {
		int64_t blo, bhi;
		band_of(pr, i, &blo, &bhi);
		int next = (a.tb[rowoff[i] + j - blo] >> (2 * s)) & 3;
		if (next == 3) break;
		rev[len++] = "MXY"[next];
		if (next != 2) i++;
		if (next != 1) j++;
		s = next;
	}
	/* aln_from_states wants the path reversed */
	for (k = 0; k < len / 2; k++) {
		char c = rev[k];
		rev[k] = rev[len - 1 - k];
		rev[len - 1 - k] = c;
	}
	if ((r = aln_from_states(pr, rev, len, j0, aln)) == TS_OK && (r = fill_posteriors(t, pr, aln)) == TS_OK) {
		aln->score = score;
		if (pr->glocal) trim_flanks(aln);
	}
done:
	free(mem);
	free(rev);
	free(a.tb);
	free(rowoff);
	if (r < 0) phmm_aln_free(aln);
	return r;
}
