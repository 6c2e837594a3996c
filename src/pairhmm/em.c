/* em: Baum–Welch over pairs (see em.h).  The E-step runs pairs in parallel
 * (the float forward–backward of dp_simd_fb.c, double where it cannot be
 * trusted) and sums their counts in pair order, so results do not depend on
 * threads. */
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

typedef struct {
	const phmm_pair_t *pairs;
	int64_t n, next;
	const phmm_tables_t *t;
	phmm_counts_t *counts;  /* per pair */
	double *lnL;            /* per pair */
	int *status;            /* per pair */
	pthread_mutex_t lock;
} estep_t;

static void *estep_worker(void *arg)
{
	estep_t *e = arg;
	for (;;) {
		int64_t k;
		pthread_mutex_lock(&e->lock);
		k = e->next++;
		pthread_mutex_unlock(&e->lock);
		if (k >= e->n) break;
		if (e->counts) {
			phmm_counts_zero(&e->counts[k]);
			e->status[k] = phmm_expect_fast(e->t, &e->pairs[k], &e->counts[k], &e->lnL[k]);
		} else {
			e->status[k] = phmm_forward_fast64(e->t, &e->pairs[k], &e->lnL[k]);
		}
	}
	return NULL;
}

/* phmm_estep, and the index of the pair that failed in *bad (else −1) */
static int estep(const phmm_pair_t *pairs, int64_t n_pairs, const phmm_params_t *p, int threads, phmm_counts_t *counts,
		 double *lnL, int64_t *bad, char *err)
{
	phmm_tables_t t;
	estep_t e;
	pthread_t *th = NULL;
	int i, n_th = threads > 1 ? threads : 1, r = TS_OK;
	int64_t k;
	phmm_tables(p, &t);
	memset(&e, 0, sizeof e);
	e.pairs = pairs;
	e.n = n_pairs;
	e.t = &t;
	e.counts = counts ? malloc((n_pairs ? n_pairs : 1) * sizeof *e.counts) : NULL;
	e.lnL = malloc((n_pairs ? n_pairs : 1) * sizeof *e.lnL);
	e.status = malloc((n_pairs ? n_pairs : 1) * sizeof *e.status);
	pthread_mutex_init(&e.lock, NULL);
	if ((counts && !e.counts) || !e.lnL || !e.status || (n_th > 1 && !(th = calloc(n_th, sizeof *th)))) {
		r = ts_fail(err, TS_ENOMEM, "out of memory");
		goto done;
	}
	if (n_th == 1) {
		estep_worker(&e);
	} else {
		for (i = 0; i < n_th; i++)
			if (pthread_create(&th[i], NULL, estep_worker, &e) != 0) break;
		n_th = i;
		estep_worker(&e);  /* the calling thread helps too */
		for (i = 0; i < n_th; i++) pthread_join(th[i], NULL);
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
	return r;
}

int phmm_estep(const phmm_pair_t *pairs, int64_t n_pairs, const phmm_params_t *p, int threads, phmm_counts_t *counts,
	       double *lnL, char *err)
{
	int64_t bad;
	return estep(pairs, n_pairs, p, threads, counts, lnL, &bad, err);
}

int phmm_em_fit(const phmm_pair_t *pairs, int64_t n_pairs, unsigned spec, const phmm_params_t *start,
		const phmm_em_opts_t *o, phmm_fit_t *fit, char *err)
{
	phmm_params_t p = *start;
	phmm_counts_t c;
	double lnL, prev = 0;
	int iter, r;
	memset(fit, 0, sizeof *fit);
	fit->bad_pair = -1;
	fit->spec = spec;
	fit->np = phmm_free_params(spec);
	phmm_params_tie(&p, spec);
	for (iter = 0;; iter++) {
		if ((r = estep(pairs, n_pairs, &p, o->threads, &c, &lnL, &fit->bad_pair, err)) < 0) return r;
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
	return estep(pairs, n_pairs, &fit->params, o->threads, NULL, &fit->lnL, &fit->bad_pair, err);
}
