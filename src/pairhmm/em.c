/* em: Baum–Welch over pairs (see em.h).  The E-step runs pairs in parallel
 * (the float forward–backward of dp_simd.h, double where it cannot be
 * trusted) and sums their counts in pair order, so results do not depend on
 * threads.  Pairs a batch takes (dp_batch.c: global, unbanded, short) run
 * 16 at a time, grouped by size: sorted by n + m, a group closes at 16
 * pairs, when one more would leave under half of its padded cells in use,
 * or when its kept forward would pass PHMM_BATCH_BYTES; groups of fewer
 * than 4 pairs run one by one.  Units run largest first.  The plan depends
 * only on the pairs, and a pair's result not on its batch, so neither
 * depends on threads. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "pairhmm/dp_simd.h"
#include "pairhmm/em.h"
#include "util/log.h"

void phmm_em_opts_init(phmm_em_opts_t *o)
{
	memset(o, 0, sizeof *o);
	o->tol = 1e-8;
	o->max_iter = 1000;
	o->threads = 1;
}

/* A unit of E-step work: pairs order[first..first+count−1], as a batch
 * when count > 1. */
typedef struct {
	int64_t first;
	int count;
	int64_t cells;  /* its pairs' cells: units run largest first, so no thread is left with a long one at the end */
} unit_t;

#define BATCH_MIN_PAIRS 4

static int64_t pair_cells(const phmm_pair_t *pr) { return (pr->n + 1) * (pr->m + 1); }

typedef struct {
	int64_t diag, n, k;  /* n + m, n, the pair's index */
} size_key_t;

static int by_size(const void *a, const void *b)
{
	const size_key_t *x = a, *y = b;
	if (x->diag != y->diag) return x->diag < y->diag ? -1 : 1;
	if (x->n != y->n) return x->n < y->n ? -1 : 1;
	return x->k < y->k ? -1 : x->k > y->k;
}

static int largest_first(const void *a, const void *b)
{
	const unit_t *x = a, *y = b;
	if (x->cells != y->cells) return x->cells > y->cells ? -1 : 1;
	return x->first < y->first ? -1 : x->first > y->first;
}

/* The E-step's units into units[0..*n_units−1] (≤ n_pairs), and the pairs
 * by unit into order (n_pairs).  0 or TS_ENOMEM. */
static int plan_units(const phmm_pair_t *pairs, int64_t n_pairs, int64_t *order, unit_t *units, int64_t *n_units)
{
	size_key_t *key = malloc((n_pairs ? n_pairs : 1) * sizeof *key);
	int64_t k, nb = 0, u = 0, first, rest = n_pairs;
	if (!key) return TS_ENOMEM;
	for (k = n_pairs - 1; k >= 0; k--)  /* the others from the end, in pair order */
		if (phmm_batch_takes(&pairs[k])) key[nb].diag = pairs[k].n + pairs[k].m, key[nb].n = pairs[k].n, key[nb++].k = k;
		else order[--rest] = k;
	qsort(key, (size_t)nb, sizeof *key, by_size);
	for (k = 0; k < nb; k++) order[k] = key[k].k;
	free(key);
	for (first = 0; first < nb;) {
		int64_t N = 0, M = 0, cells = 0, end = first;
		/* a batch's cells are (N+1)(M+1) per lane, N and M its largest n, m */
		while (end < nb && end - first < PHMM_BATCH) {
			const phmm_pair_t *pr = &pairs[order[end]];
			const int64_t n2 = pr->n > N ? pr->n : N, m2 = pr->m > M ? pr->m : M;
			if (2 * (cells + pair_cells(pr)) < (end - first + 1) * (n2 + 1) * (m2 + 1) || !phmm_batch_fits(n2, m2))
				break;
			N = n2, M = m2, cells += pair_cells(pr), end++;
		}
		if (end == first) end++;
		if (end - first >= BATCH_MIN_PAIRS) {
			units[u].first = first, units[u].count = (int)(end - first), units[u++].cells = cells;
		} else {
			for (k = first; k < end; k++) units[u].first = k, units[u].count = 1, units[u++].cells = pair_cells(&pairs[order[k]]);
		}
		first = end;
	}
	for (k = nb; k < n_pairs; k++) units[u].first = k, units[u].count = 1, units[u++].cells = pair_cells(&pairs[order[k]]);
	qsort(units, (size_t)u, sizeof *units, largest_first);
	*n_units = u;
	return TS_OK;
}

typedef struct {
	const phmm_pair_t *pairs;
	const int64_t *order;   /* with units: pairs by unit */
	const unit_t *units;    /* NULL: unit k is pair k */
	int64_t n, next;
	const phmm_tables_t *t;
	phmm_counts_t *counts;  /* per pair */
	double *lnL;            /* per pair */
	int *status;            /* per pair */
	pthread_mutex_t lock;
} estep_t;

/* Unit u (count > 1): the batch, its refused pairs then one by one. */
static void estep_batch(estep_t *e, phmm_batch_ws_t *ws, const unit_t *u)
{
	const phmm_pair_t *pr[PHMM_BATCH];
	phmm_counts_t c[PHMM_BATCH];
	double lnL[PHMM_BATCH];
	int st[PHMM_BATCH], i;
	for (i = 0; i < u->count; i++) pr[i] = &e->pairs[e->order[u->first + i]], phmm_counts_zero(&c[i]);
	phmm_expect_fast_batch(ws, e->t, pr, u->count, c, lnL, st);
	for (i = 0; i < u->count; i++) {
		const int64_t k = e->order[u->first + i];
		e->counts[k] = c[i], e->lnL[k] = lnL[i], e->status[k] = st[i];
	}
}

/* A worker and its batch scratch (NULL: each batch allocates its own). */
typedef struct {
	estep_t *e;
	phmm_batch_ws_t *ws;
} worker_t;

static void *estep_worker(void *arg)
{
	estep_t *e = ((worker_t *)arg)->e;
	phmm_batch_ws_t *ws = ((worker_t *)arg)->ws;
	for (;;) {
		int64_t k;
		pthread_mutex_lock(&e->lock);
		k = e->next++;
		pthread_mutex_unlock(&e->lock);
		if (k >= e->n) break;
		if (e->units) {
			if (e->units[k].count > 1) {
				estep_batch(e, ws, &e->units[k]);
				continue;
			}
			k = e->order[e->units[k].first];
		}
		if (e->counts) {
			phmm_counts_zero(&e->counts[k]);
			e->status[k] = phmm_expect_fast(e->t, &e->pairs[k], &e->counts[k], &e->lnL[k]);
		} else {
			e->status[k] = phmm_forward_fast64(e->t, &e->pairs[k], &e->lnL[k]);
		}
	}
	return NULL;
}

/* The batch scratch of each of the E-step's workers (one per thread, the
 * calling thread included), kept between E-steps (a fit's batches reuse
 * their memory). */
static phmm_batch_ws_t **workspaces(int threads)
{
	const int n = threads > 1 ? threads : 1;
	phmm_batch_ws_t **ws = calloc(n, sizeof *ws);
	int i;
	for (i = 0; ws && i < n; i++) ws[i] = phmm_batch_ws_init();  /* NULL is fine: see worker_t */
	return ws;
}

static void workspaces_free(phmm_batch_ws_t **ws, int threads)
{
	int i;
	for (i = 0; ws && i < (threads > 1 ? threads : 1); i++) phmm_batch_ws_destroy(ws[i]);
	free(ws);
}

/* phmm_estep with the workers' scratch ws (NULL: allocated for this
 * E-step), and the index of the pair that failed in *bad (else −1) */
static int estep(const phmm_pair_t *pairs, int64_t n_pairs, const phmm_params_t *p, int threads, phmm_batch_ws_t **ws,
		 phmm_counts_t *counts, double *lnL, int64_t *bad, char *err)
{
	phmm_tables_t t;
	estep_t e;
	pthread_t *th = NULL;
	worker_t *w = NULL;
	phmm_batch_ws_t **own = NULL;
	int i, n_th = threads > 1 ? threads : 1, r = TS_OK;
	int64_t k, *order = NULL;
	unit_t *units = NULL;
	phmm_tables(p, &t);
	memset(&e, 0, sizeof e);
	e.pairs = pairs;
	e.n = n_pairs;
	e.t = &t;
	e.counts = counts ? malloc((n_pairs ? n_pairs : 1) * sizeof *e.counts) : NULL;
	e.lnL = malloc((n_pairs ? n_pairs : 1) * sizeof *e.lnL);
	e.status = malloc((n_pairs ? n_pairs : 1) * sizeof *e.status);
	if (counts) {
		order = malloc((n_pairs ? n_pairs : 1) * sizeof *order);
		units = malloc((n_pairs ? n_pairs : 1) * sizeof *units);
	}
	if (counts && !ws) ws = own = workspaces(threads);
	w = calloc(n_th, sizeof *w);
	pthread_mutex_init(&e.lock, NULL);
	if ((counts && (!e.counts || !order || !units || !ws)) || !e.lnL || !e.status || !w ||
	    (n_th > 1 && !(th = calloc(n_th, sizeof *th)))) {
		r = ts_fail(err, TS_ENOMEM, "out of memory");
		goto done;
	}
	if (counts) {
		if (plan_units(pairs, n_pairs, order, units, &e.n) != TS_OK) {
			r = ts_fail(err, TS_ENOMEM, "out of memory");
			goto done;
		}
		e.order = order, e.units = units;
	}
	for (i = 0; i < n_th; i++) w[i].e = &e, w[i].ws = counts ? ws[i] : NULL;
	if (n_th == 1) {
		estep_worker(&w[0]);
	} else {
		int started;
		for (started = 0; started < n_th - 1; started++)
			if (pthread_create(&th[started], NULL, estep_worker, &w[started + 1]) != 0) break;
		estep_worker(&w[0]);  /* the calling thread is the n_th-th worker */
		for (i = 0; i < started; i++) pthread_join(th[i], NULL);
	}
	if (counts) phmm_counts_zero(counts);
	*lnL = 0;
	*bad = -1;
	for (k = 0; k < n_pairs; k++) {
		if (e.status[k] < 0) {
			*bad = k;
			r = e.status[k] == TS_EDATA
				    ? ts_fail(err, TS_EDATA, "pair %lld has probability 0 under the parameters (a base with zero emission probability?)",
					      (long long)k + 1)
				    : ts_fail(err, e.status[k], "out of memory in pair %lld", (long long)k + 1);
			goto done;
		}
		if (counts) phmm_counts_add(counts, &e.counts[k]);
		*lnL += e.lnL[k];
	}
done:
	pthread_mutex_destroy(&e.lock);
	free(th);
	free(e.counts);
	free(e.lnL);
	free(e.status);
	free(order);
	free(units);
	free(w);
	workspaces_free(own, threads);
	return r;
}

int phmm_estep(const phmm_pair_t *pairs, int64_t n_pairs, const phmm_params_t *p, int threads, phmm_counts_t *counts,
	       double *lnL, char *err)
{
	int64_t bad;
	return estep(pairs, n_pairs, p, threads, NULL, counts, lnL, &bad, err);
}

int phmm_em_fit(const phmm_pair_t *pairs, int64_t n_pairs, unsigned spec, const phmm_params_t *start,
		const phmm_em_opts_t *o, phmm_fit_t *fit, char *err)
{
	phmm_params_t p = *start;
	phmm_counts_t c;
	phmm_batch_ws_t **ws = workspaces(o->threads);  /* NULL: estep allocates its own */
	double lnL, prev = 0;
	int iter, r;
	memset(fit, 0, sizeof *fit);
	fit->bad_pair = -1;
	fit->spec = spec;
	fit->np = phmm_free_params(spec);
	phmm_params_tie(&p, spec);
	for (iter = 0;; iter++) {
		if ((r = estep(pairs, n_pairs, &p, o->threads, ws, &c, &lnL, &fit->bad_pair, err)) < 0) break;
		if (o->on_iter) o->on_iter(iter, lnL, o->arg);
		fit->params = p;
		fit->lnL = lnL;
		fit->counts = c;
		fit->iterations = iter;
		if (iter > 0 && fabs(lnL - prev) <= o->tol * fabs(lnL)) {
			fit->converged = 1;
			break;
		}
		if (iter >= o->max_iter) break;
		prev = lnL;
		phmm_mstep(&c, spec, &p);
	}
	/* the E-steps' lnL is float (to ~10^-9 per pair, dp_simd.h); the one
	 * reported, and compared between fits, is recomputed in double */
	workspaces_free(ws, o->threads);
	if (r < 0) return r;
	return estep(pairs, n_pairs, &fit->params, o->threads, NULL, NULL, &fit->lnL, &fit->bad_pair, err);
}
