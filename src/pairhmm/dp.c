/* dp: pair-HMM dynamic programming (recursions and scaling in dp.h).
 *
 * Contents: 1. forward rows  2. backward rows  3. checkpointed forward–backward
 *           with a per-row visitor  4. expected counts  5. Viterbi  6. MEA and
 *           path posteriors */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "pairhmm/dp.h"
#include "util/log.h"

/* ------------------------------------------------------ 1. forward rows */

/* Row i of the forward matrices from row i−1 (prev, NULL for i = 0); then
 * divided by its largest value, which is returned (0: the row is empty). */
static double fwd_row(const phmm_tables_t *t, const phmm_pair_t *pr, int64_t i, const double *pM, const double *pX,
		      const double *pY, double *M, double *X, double *Y)
{
	const int64_t m = pr->m;
	const uint8_t *y = pr->y;
	double mx = 0, inv;
	int64_t j;
	if (i == 0) {
		M[0] = 1;  /* B */
		X[0] = Y[0] = 0;
		for (j = 1; j <= m; j++) {
			M[j] = X[j] = 0;
			Y[j] = t->qy[y[j - 1]] * (t->t[PH_MY] * M[j - 1] + t->t[PH_YY] * Y[j - 1]);
		}
	} else {
		const double *pm = t->pm[pr->x[i - 1]], qx = t->qx[pr->x[i - 1]];
		M[0] = Y[0] = 0;
		X[0] = qx * (t->t[PH_MX] * pM[0] + t->t[PH_XX] * pX[0]);
		for (j = 1; j <= m; j++) {
			M[j] = pm[y[j - 1]] * (t->t[PH_MM] * pM[j - 1] + t->t[PH_XM] * pX[j - 1] + t->t[PH_YM] * pY[j - 1]);
			X[j] = qx * (t->t[PH_MX] * pM[j] + t->t[PH_XX] * pX[j]);
			Y[j] = t->qy[y[j - 1]] * (t->t[PH_MY] * M[j - 1] + t->t[PH_YY] * Y[j - 1]);
		}
	}
	for (j = 0; j <= m; j++) {
		if (M[j] > mx) mx = M[j];
		if (X[j] > mx) mx = X[j];
		if (Y[j] > mx) mx = Y[j];
	}
	if (mx == 0) return 0;
	inv = 1 / mx;
	for (j = 0; j <= m; j++) {
		M[j] *= inv;
		X[j] *= inv;
		Y[j] *= inv;
	}
	return mx;
}

typedef struct {
	double *buf;
	int64_t m;
} rows_t;

/* 3 rows (M, X, Y) of m+1 doubles per slot */
static double *slot(const rows_t *r, int64_t k, int state)
{
	return r->buf + (3 * k + state) * (r->m + 1);
}

int phmm_forward(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	rows_t r = {malloc(6 * (pr->m + 1) * sizeof(double)), pr->m};
	double ln = 0, end;
	int64_t i;
	if (!r.buf) return TS_ENOMEM;
	for (i = 0; i <= pr->n; i++) {
		int cur = i & 1, prev = cur ^ 1;
		double s = fwd_row(t, pr, i, slot(&r, prev, 0), slot(&r, prev, 1), slot(&r, prev, 2), slot(&r, cur, 0),
				   slot(&r, cur, 1), slot(&r, cur, 2));
		if (s == 0) {
			free(r.buf);
			return TS_EDATA;
		}
		ln += log(s);
	}
	int last = pr->n & 1;
	end = t->t[PH_ME] * slot(&r, last, 0)[pr->m] + t->t[PH_XE] * slot(&r, last, 1)[pr->m] + t->t[PH_YE] * slot(&r, last, 2)[pr->m];
	free(r.buf);
	if (end <= 0) return TS_EDATA;
	*lnL = ln + log(end);
	return TS_OK;
}

/* ----------------------------------------------------- 2. backward rows */

/* Row i of the backward matrices from row i+1 (next, ignored for i = n),
 * whose values are multiplied by `mult` (1/s_{i+1} under forward scaling). */
static void bwd_row(const phmm_tables_t *t, const phmm_pair_t *pr, int64_t i, const double *nM, const double *nX,
		    double mult, double *M, double *X, double *Y)
{
	const int64_t m = pr->m, n = pr->n;
	const uint8_t *y = pr->y;
	int64_t j;
	const double *pm = i < n ? t->pm[pr->x[i]] : NULL;
	const double qx = i < n ? t->qx[pr->x[i]] : 0;
	for (j = m; j >= 0; j--) {
		double toM = 0, toX = 0, toY_fromM = 0, toY_fromY = 0;
		if (i < n && j < m) toM = pm[y[j]] * nM[j + 1] * mult;
		if (i < n) toX = qx * nX[j] * mult;
		if (j < m) {
			double e = t->qy[y[j]];
			toY_fromM = t->t[PH_MY] * e * Y[j + 1];
			toY_fromY = t->t[PH_YY] * e * Y[j + 1];
		}
		M[j] = t->t[PH_MM] * toM + t->t[PH_MX] * toX + toY_fromM;
		X[j] = t->t[PH_XM] * toM + t->t[PH_XX] * toX;
		Y[j] = t->t[PH_YM] * toM + toY_fromY;
		if (i == n && j == m) {
			M[j] = t->t[PH_ME];
			X[j] = t->t[PH_XE];
			Y[j] = t->t[PH_YE];
		}
	}
}

int phmm_backward(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	rows_t r = {malloc(6 * (pr->m + 1) * sizeof(double)), pr->m};
	double ln = 0;
	int64_t i, j;
	if (!r.buf) return TS_ENOMEM;
	for (i = pr->n; i >= 0; i--) {
		int cur = i & 1, next = cur ^ 1;
		double *M = slot(&r, cur, 0), *X = slot(&r, cur, 1), *Y = slot(&r, cur, 2), mx = 0;
		bwd_row(t, pr, i, slot(&r, next, 0), slot(&r, next, 1), 1.0, M, X, Y);
		for (j = 0; j <= pr->m; j++) {
			if (M[j] > mx) mx = M[j];
			if (X[j] > mx) mx = X[j];
			if (Y[j] > mx) mx = Y[j];
		}
		if (mx == 0) {
			free(r.buf);
			return TS_EDATA;
		}
		for (j = 0; j <= pr->m; j++) {
			M[j] /= mx;
			X[j] /= mx;
			Y[j] /= mx;
		}
		ln += log(mx);
	}
	/* P = bM(0,0): B behaves like M */
	double b0 = slot(&r, 0, 0)[0];
	free(r.buf);
	if (b0 <= 0) return TS_EDATA;
	*lnL = ln + log(b0);
	return TS_OK;
}

/* ------------------------------------- 3. checkpointed forward–backward */

/* What a visitor sees for row i, visited from i = n down to 0: forward and
 * backward rows i, backward row i+1 (NULL for i = n), 1/s_{i+1}, and P̂, so
 * that a posterior is f̂·b̂/P̂ and a transition into row i+1 carries 1/s_{i+1}. */
typedef struct {
	int64_t i;
	const double *fM, *fX, *fY, *bM, *bX, *bY, *nM, *nX;
	double inv_s_next, P;
} fb_row_t;

typedef int (*fb_visit_fn)(const phmm_tables_t *t, const phmm_pair_t *pr, const fb_row_t *row, void *arg);

static int forward_backward(const phmm_tables_t *t, const phmm_pair_t *pr, fb_visit_fn visit, void *arg, double *lnL)
{
	const int64_t n = pr->n, m = pr->m;
	/* Small matrices are kept whole (one block, no recomputation); large
	 * ones in blocks of K ≈ √n rows. */
	const int whole = (double)(n + 1) * (m + 1) * 3 * sizeof(double) <= 64.0 * 1024 * 1024;
	int64_t K = whole ? n + 1 : (int64_t)ceil(sqrt((double)n + 1)), n_ckpt = n / K + 1, i, b;
	double *scale = malloc((n + 1) * sizeof *scale), ln = 0, P;
	const double *last_M = NULL, *last_X = NULL, *last_Y = NULL;
	rows_t ckpt = {whole ? malloc(1) : malloc((size_t)n_ckpt * 3 * (m + 1) * sizeof(double)), m};
	rows_t blk = {malloc((size_t)K * 3 * (m + 1) * sizeof(double)), m};
	rows_t bw = {malloc(6 * (m + 1) * sizeof(double)), m};
	rows_t tmp = {malloc(6 * (m + 1) * sizeof(double)), m};
	int ret = TS_OK;
	if (!scale || !ckpt.buf || !blk.buf || !bw.buf || !tmp.buf) {
		ret = TS_ENOMEM;
		goto done;
	}
	/* forward: keep every K-th row and every scale factor */
	for (i = 0; i <= n; i++) {
		int cur = i & 1, prev = cur ^ 1;
		double *M = whole ? slot(&blk, i, 0) : slot(&tmp, cur, 0), *X = whole ? slot(&blk, i, 1) : slot(&tmp, cur, 1);
		double *Y = whole ? slot(&blk, i, 2) : slot(&tmp, cur, 2);
		const double *pM = whole ? (i ? slot(&blk, i - 1, 0) : NULL) : slot(&tmp, prev, 0);
		const double *pX = whole ? (i ? slot(&blk, i - 1, 1) : NULL) : slot(&tmp, prev, 1);
		const double *pY = whole ? (i ? slot(&blk, i - 1, 2) : NULL) : slot(&tmp, prev, 2);
		scale[i] = fwd_row(t, pr, i, pM, pX, pY, M, X, Y);
		if (i == n) last_M = M, last_X = X, last_Y = Y;
		if (scale[i] == 0) {
			ret = TS_EDATA;
			goto done;
		}
		ln += log(scale[i]);
		if (!whole && i % K == 0) {
			memcpy(slot(&ckpt, i / K, 0), M, (m + 1) * sizeof(double));
			memcpy(slot(&ckpt, i / K, 1), X, (m + 1) * sizeof(double));
			memcpy(slot(&ckpt, i / K, 2), Y, (m + 1) * sizeof(double));
		}
	}
	P = t->t[PH_ME] * last_M[m] + t->t[PH_XE] * last_X[m] + t->t[PH_YE] * last_Y[m];
	if (P <= 0) {
		ret = TS_EDATA;
		goto done;
	}
	*lnL = ln + log(P);
	/* backward, one block of K rows at a time, newest first */
	for (b = n / K; b >= 0 && ret == TS_OK; b--) {
		int64_t first = b * K, last = first + K - 1 < n ? first + K - 1 : n;
		if (!whole) memcpy(slot(&blk, 0, 0), slot(&ckpt, b, 0), 3 * (m + 1) * sizeof(double));
		for (i = first + 1; i <= last && !whole; i++) {
			int64_t k = i - first;
			fwd_row(t, pr, i, slot(&blk, k - 1, 0), slot(&blk, k - 1, 1), slot(&blk, k - 1, 2), slot(&blk, k, 0),
				slot(&blk, k, 1), slot(&blk, k, 2));
		}
		for (i = last; i >= first && ret == TS_OK; i--) {
			int cur = i & 1, next = cur ^ 1;
			double inv_next = i < n ? 1 / scale[i + 1] : 1;
			fb_row_t row;
			bwd_row(t, pr, i, slot(&bw, next, 0), slot(&bw, next, 1), inv_next, slot(&bw, cur, 0), slot(&bw, cur, 1),
				slot(&bw, cur, 2));
			row.i = i;
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
	free(ckpt.buf);
	free(blk.buf);
	free(bw.buf);
	free(tmp.buf);
	return ret;
}

/* ---------------------------------------------------- 4. expected counts */

/* Share a posterior w of emitting code c over the bases of c (∝ q[a]). */
static void share_insert(double *cnt, const double *q16, uint8_t c, double w)
{
	int a;
	double tot = q16[c];
	if (tot <= 0) return;
	for (a = 0; a < 4; a++)
		if (c >> a & 1) cnt[a] += w * q16[1 << a] / tot;
}

static void share_match(double cnt[4][4], const phmm_tables_t *t, uint8_t c1, uint8_t c2, double w)
{
	int a, b;
	double tot = t->pm[c1][c2];
	if (tot <= 0) return;
	if (c1 == (c1 & -c1) && c2 == (c2 & -c2)) {  /* two plain bases: the common case */
		cnt[__builtin_ctz(c1)][__builtin_ctz(c2)] += w;
		return;
	}
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++)
			if ((c1 >> a & 1) && (c2 >> b & 1)) cnt[a][b] += w * t->pm[1 << a][1 << b] / tot;
}

static int count_row(const phmm_tables_t *t, const phmm_pair_t *pr, const fb_row_t *r, void *arg)
{
	phmm_counts_t *c = arg;
	const int64_t i = r->i, n = pr->n, m = pr->m;
	const uint8_t *y = pr->y;
	const double iP = 1 / r->P, inx = r->inv_s_next * iP;
	double tr[PH_NTRANS] = {0};
	int64_t j;
	const double *pm = i < n ? t->pm[pr->x[i]] : NULL, qx = i < n ? t->qx[pr->x[i]] : 0;
	for (j = 0; j <= m; j++) {
		const double fM = r->fM[j], fX = r->fX[j], fY = r->fY[j];
		/* emissions of cell (i, j) */
		if (i > 0 && j > 0 && fM > 0) share_match(c->m, t, pr->x[i - 1], y[j - 1], fM * r->bM[j] * iP);
		if (i > 0 && fX > 0) share_insert(c->x, t->qx, pr->x[i - 1], fX * r->bX[j] * iP);
		if (j > 0 && fY > 0) share_insert(c->y, t->qy, y[j - 1], fY * r->bY[j] * iP);
		/* transitions out of (i, j): into row i+1 (M, X) or along row i (Y) */
		if (i < n && j < m) {
			double e = pm[y[j]] * r->nM[j + 1] * inx;
			tr[PH_MM] += fM * t->t[PH_MM] * e;
			tr[PH_XM] += fX * t->t[PH_XM] * e;
			tr[PH_YM] += fY * t->t[PH_YM] * e;
		}
		if (i < n) {
			double e = qx * r->nX[j] * inx;
			tr[PH_MX] += fM * t->t[PH_MX] * e;
			tr[PH_XX] += fX * t->t[PH_XX] * e;
		}
		if (j < m) {
			double e = t->qy[y[j]] * r->bY[j + 1] * iP;
			tr[PH_MY] += fM * t->t[PH_MY] * e;
			tr[PH_YY] += fY * t->t[PH_YY] * e;
		}
		if (i == n && j == m) {
			tr[PH_ME] += fM * t->t[PH_ME] * iP;
			tr[PH_XE] += fX * t->t[PH_XE] * iP;
			tr[PH_YE] += fY * t->t[PH_YE] * iP;
		}
	}
	for (j = 0; j < PH_NTRANS; j++) c->t[j] += tr[j];
	return TS_OK;
}

int phmm_expect(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_counts_t *c, double *lnL)
{
	phmm_counts_t mine;
	int r;
	phmm_counts_zero(&mine);
	if ((r = forward_backward(t, pr, count_row, &mine, lnL)) < 0) return r;
	phmm_counts_add(c, &mine);
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

void phmm_aln_free(phmm_aln_t *a)
{
	free(a->ax);
	free(a->ay);
	free(a->state);
	free(a->post);
	memset(a, 0, sizeof *a);
}

/* Columns from a reversed state path (traced from the end). */
static int aln_from_states(const phmm_pair_t *pr, const char *rev, int64_t len, phmm_aln_t *a)
{
	static const char letters[] = "=ACMGRSVTWYHKDBN";
	int64_t k, i = 0, j = 0;
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
	return TS_OK;
}

static double lg(double x) { return x > 0 ? log(x) : -INFINITY; }

int phmm_viterbi(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_aln_t *aln);

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
		double f = pp->states[k] == 'M' ? r->fM[j] * r->bM[j] : pp->states[k] == 'X' ? r->fX[j] * r->bX[j] : r->fY[j] * r->bY[j];
		pp->post[k] = f / r->P;
	}
	return TS_OK;
}

static int fill_posteriors(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_aln_t *a)
{
	path_post_t pp = {a->state, a->len, malloc((a->len + 1) * sizeof(int64_t)), malloc((a->len + 1) * sizeof(int64_t)), a->post};
	int64_t k, i = 0, j = 0;
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

int phmm_viterbi(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_aln_t *aln)
{
	const int64_t n = pr->n, m = pr->m;
	uint8_t *tb = malloc((size_t)(n + 1) * (m + 1));
	double *v = malloc(6 * (m + 1) * sizeof *v), lt[PH_NTRANS];
	char *rev = malloc(n + m + 1);
	int64_t i, j, len = 0;
	int k, r = TS_OK, state;
	memset(aln, 0, sizeof *aln);
	if (!tb || !v || !rev) {
		r = TS_ENOMEM;
		goto done;
	}
	for (k = 0; k < PH_NTRANS; k++) lt[k] = lg(t->t[k]);
	/* log-space max-product; rows alternate in v */
	for (i = 0; i <= n; i++) {
		double *M = v + (i & 1) * 3 * (m + 1), *X = M + (m + 1), *Y = X + (m + 1);
		double *pM = v + ((i & 1) ^ 1) * 3 * (m + 1), *pX = pM + (m + 1), *pY = pX + (m + 1);
		uint8_t *row = tb + (size_t)i * (m + 1);
		for (j = 0; j <= m; j++) {
			uint8_t bits = 0;
			M[j] = X[j] = Y[j] = -INFINITY;
			if (i == 0 && j == 0) M[j] = 0;
			if (i > 0 && j > 0) {
				double a = pM[j - 1] + lt[PH_MM], b = pX[j - 1] + lt[PH_XM], c = pY[j - 1] + lt[PH_YM], best = a;
				if (b > best) best = b, bits = 1;
				if (c > best) best = c, bits = 2;
				M[j] = best + lg(t->pm[pr->x[i - 1]][pr->y[j - 1]]);
			}
			if (i > 0) {
				double a = pM[j] + lt[PH_MX], b = pX[j] + lt[PH_XX];
				if (b > a) bits |= TB_X_FROM_X;
				X[j] = (b > a ? b : a) + lg(t->qx[pr->x[i - 1]]);
			}
			if (j > 0) {
				double a = M[j - 1] + lt[PH_MY], b = Y[j - 1] + lt[PH_YY];
				if (b > a) bits |= TB_Y_FROM_Y;
				Y[j] = (b > a ? b : a) + lg(t->qy[pr->y[j - 1]]);
			}
			row[j] = bits;
		}
	}
	{
		double *M = v + (n & 1) * 3 * (m + 1), *X = M + (m + 1), *Y = X + (m + 1);
		double a = M[m] + lt[PH_ME], b = X[m] + lt[PH_XE], c = Y[m] + lt[PH_YE], best = a;
		state = 0;
		if (b > best) best = b, state = 1;
		if (c > best) best = c, state = 2;
		if (best == -INFINITY) {
			r = TS_EDATA;
			goto done;
		}
		aln->score = best;
	}
	for (i = n, j = m; i > 0 || j > 0;) {
		uint8_t bits = tb[(size_t)i * (m + 1) + j];
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
		if ((r = aln_from_states(pr, rev, len, aln)) == TS_OK) {
			aln->score = score;
			r = fill_posteriors(t, pr, aln);
		}
	}
done:
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
	uint8_t *tb;         /* (n+1)(m+1): next state of M (bits 0-1), X (2-3), Y (4-5); 3 = end */
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
	for (j = 0; j <= m; j++) {
		a->post[c][0][j] = r->fM[j] * r->bM[j] / r->P;
		a->post[c][1][j] = r->fX[j] * r->bX[j] / r->P;
		a->post[c][2][j] = r->fY[j] * r->bY[j] / r->P;
	}
	for (j = m; j >= 0; j--) {
		uint8_t bits = 0;
		for (s = 0; s < 3; s++) {
			double best = -INFINITY;
			int arg_best = 3;
			if (i == n && j == m && t->t[to_end[s]] > 0) best = 0;
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
		a->tb[(size_t)i * (m + 1) + j] = bits;
	}
	a->cur ^= 1;
	return TS_OK;
}

int phmm_mea(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_aln_t *aln)
{
	const int64_t n = pr->n, m = pr->m;
	mea_t a;
	double *mem = calloc(12 * (m + 1), sizeof *mem);
	char *rev = malloc(n + m + 1);
	int64_t i = 0, j = 0, len = 0, k;
	int r, s, q;
	memset(aln, 0, sizeof *aln);
	memset(&a, 0, sizeof a);
	a.m = m;
	a.tb = malloc((size_t)(n + 1) * (m + 1));
	if (!mem || !rev || !a.tb) {
		r = TS_ENOMEM;
		goto done;
	}
	for (q = 0; q < 2; q++)
		for (s = 0; s < 3; s++) {
			a.G[q][s] = mem + (q * 3 + s) * (m + 1);
			a.post[q][s] = mem + (6 + q * 3 + s) * (m + 1);
		}
	/* rows arrive n, n−1, …; row n goes to slot 0 */
	a.cur = 0;
	double lnL;
	if ((r = forward_backward(t, pr, mea_row, &a, &lnL)) < 0) goto done;
	/* row 0 was written to slot (n & 1) ^ ... : the last slot used is cur ^ 1 */
	int last = a.cur ^ 1;
	double score = a.G[last][0][0];
	/* trace forward from B = M at (0,0) */
	s = 0;
	for (;;) {
		int next = (a.tb[(size_t)i * (m + 1) + j] >> (2 * s)) & 3;
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
	if ((r = aln_from_states(pr, rev, len, aln)) == TS_OK && (r = fill_posteriors(t, pr, aln)) == TS_OK) aln->score = score;
done:
	free(mem);
	free(rev);
	free(a.tb);
	if (r < 0) phmm_aln_free(aln);
	return r;
}
