/* train: the training loop, evaluation and the deterministic threading
 * described in train.h. */
#include <math.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <gsl/gsl_randist.h>
#include "cnn1d/adam.h"
#include "cnn1d/metrics.h"
#include "cnn1d/train.h"
#include "util/log.h"

#define EVAL_CHUNK 64

void train_opts_init(train_opts_t *o)
{
	o->lr = 1e-3;
	o->weight_decay = 1e-4;
	o->val_frac = 0.1;
	o->test_frac = 0.1;
	o->batch = 64;
	o->epochs = 30;
	o->patience = 5;
	o->threads = 1;
	o->seed = 1;
	o->progress = NULL;
	o->progress_ctx = NULL;
}

void train_result_free(train_result_t *r)
{
	free(r->curve);
	r->curve = NULL;
}

static double clock_s(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec + 1e-9 * t.tv_nsec;
}

static double now(void) { return clock_s(CLOCK_MONOTONIC); }

/* ---- jobs over threads: thread t runs jobs t, t+T, t+2T, …; each job writes
 * only its own outputs, so the assignment cannot change any result. */

typedef void (*job_fn)(void *ctx, int job, int thread);
typedef struct {
	job_fn fn;
	void *ctx;
	int n_jobs, n_threads, t;
} pool_t;

static void *pool_worker(void *arg)
{
	pool_t *p = arg;
	int j;
	for (j = p->t; j < p->n_jobs; j += p->n_threads) p->fn(p->ctx, j, p->t);
	return NULL;
}

static void run_jobs(job_fn fn, void *ctx, int n_jobs, int n_threads)
{
	pthread_t th[64];
	pool_t p[64];
	int started[64] = {0}, t;
	if (n_threads > n_jobs) n_threads = n_jobs;
	if (n_threads > 64) n_threads = 64;
	for (t = 0; t < n_threads; t++) p[t] = (pool_t){fn, ctx, n_jobs, n_threads, t};
	for (t = 1; t < n_threads; t++) started[t] = pthread_create(&th[t], NULL, pool_worker, &p[t]) == 0;
	if (n_threads > 0) pool_worker(&p[0]);
	for (t = 1; t < n_threads; t++) {
		if (started[t]) pthread_join(th[t], NULL);
		else pool_worker(&p[t]);  /* no thread: same jobs, same outputs, here */
	}
}

/* A crew: the same jobs-over-threads rule, but with threads 1..T−1 started
 * once for the whole training and woken for every batch (thread 0 is the
 * caller), since a minibatch takes about a millisecond and starting threads
 * for each would cost some of it.  A thread that could not be started
 * leaves its jobs to the caller, as run_jobs does. */
typedef struct crew crew_t;
typedef struct {
	crew_t *c;
	int t;
} crew_arg_t;

struct crew {
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	pthread_t th[64];
	crew_arg_t arg[64];
	int started[64], T, n_up, ok;
	job_fn fn;
	void *ctx;
	int n_jobs, n_done, quit;
	long gen;  /* batch number: a worker runs each generation once */
};

static void *crew_worker(void *p)
{
	crew_arg_t *a = p;
	crew_t *c = a->c;
	long seen = 0;
	pthread_mutex_lock(&c->mu);
	for (;;) {
		job_fn fn;
		void *ctx;
		int n, j;
		while (c->gen == seen && !c->quit) pthread_cond_wait(&c->go, &c->mu);
		if (c->quit) break;
		seen = c->gen, fn = c->fn, ctx = c->ctx, n = c->n_jobs;
		pthread_mutex_unlock(&c->mu);
		for (j = a->t; j < n; j += c->T) fn(ctx, j, a->t);
		pthread_mutex_lock(&c->mu);
		if (++c->n_done == c->n_up) pthread_cond_signal(&c->done);
	}
	pthread_mutex_unlock(&c->mu);
	return NULL;
}

/* TS_OK, or TS_ENOMEM if the mutex or conditions cannot be made. */
static int crew_init(crew_t *c, int T)
{
	int t;
	memset(c, 0, sizeof *c);
	c->T = T < 1 ? 1 : T > 64 ? 64 : T;
	if (pthread_mutex_init(&c->mu, NULL) != 0) return TS_ENOMEM;
	if (pthread_cond_init(&c->go, NULL) != 0) {
		pthread_mutex_destroy(&c->mu);
		return TS_ENOMEM;
	}
	if (pthread_cond_init(&c->done, NULL) != 0) {
		pthread_cond_destroy(&c->go);
		pthread_mutex_destroy(&c->mu);
		return TS_ENOMEM;
	}
	c->ok = 1;
	for (t = 1; t < c->T; t++) {
		c->arg[t] = (crew_arg_t){c, t};
		c->n_up += c->started[t] = pthread_create(&c->th[t], NULL, crew_worker, &c->arg[t]) == 0;
	}
	return TS_OK;
}

static void crew_run(crew_t *c, job_fn fn, void *ctx, int n_jobs)
{
	int t, j;
	pthread_mutex_lock(&c->mu);
	c->fn = fn, c->ctx = ctx, c->n_jobs = n_jobs, c->n_done = 0, c->gen++;
	pthread_cond_broadcast(&c->go);
	pthread_mutex_unlock(&c->mu);
	for (t = 0; t < c->T; t++)
		if (t == 0 || !c->started[t])
			for (j = t; j < n_jobs; j += c->T) fn(ctx, j, t);
	pthread_mutex_lock(&c->mu);
	while (c->n_done < c->n_up) pthread_cond_wait(&c->done, &c->mu);
	pthread_mutex_unlock(&c->mu);
}

static void crew_free(crew_t *c)
{
	int t;
	if (!c->ok) return;
	pthread_mutex_lock(&c->mu);
	c->quit = 1;
	pthread_cond_broadcast(&c->go);
	pthread_mutex_unlock(&c->mu);
	for (t = 1; t < c->T; t++)
		if (c->started[t]) pthread_join(c->th[t], NULL);
	pthread_cond_destroy(&c->go);
	pthread_cond_destroy(&c->done);
	pthread_mutex_destroy(&c->mu);
	c->ok = 0;
}

/* ---- prediction */

typedef struct {
	const net_t *net;
	const data_t *d;
	const int *idx;
	int n;
	double *prob;
	net_work_t *work;  /* one per thread */
} eval_ctx_t;

static void eval_job(void *arg, int job, int t)
{
	eval_ctx_t *e = arg;
	int i, end = (job + 1) * EVAL_CHUNK < e->n ? (job + 1) * EVAL_CHUNK : e->n, C = e->net->a.n_class;
	for (i = job * EVAL_CHUNK; i < end; i++) {
		const data_seq_t *s = &e->d->a[e->idx[i]];
		net_forward(e->net, s->x, s->len, &e->work[t]);
		memcpy(e->prob + (size_t)i * C, e->work[t].prob, C * sizeof *e->prob);
	}
}

static void free_work(net_work_t *w, int n)
{
	int t;
	if (w)
		for (t = 0; t < n; t++) net_work_free(&w[t]);
	free(w);
}

static net_work_t *alloc_work(const net_t *net, int n, int max_len)
{
	net_work_t *w = calloc(n, sizeof *w);
	int t;
	for (t = 0; w && t < n; t++)
		if (net_work_init(&w[t], net, max_len) < 0) {
			free_work(w, t);
			return NULL;
		}
	return w;
}

int train_predict(const net_t *net, const data_t *d, const int *idx, int n, int threads, double *prob)
{
	eval_ctx_t e = {net, d, idx, n, prob, NULL};
	if (n == 0) return TS_OK;
	if ((e.work = alloc_work(net, threads, d->max_len)) == NULL) return TS_ENOMEM;
	run_jobs(eval_job, &e, (n + EVAL_CHUNK - 1) / EVAL_CHUNK, threads);
	free_work(e.work, threads);
	return TS_OK;
}

int train_evaluate(const net_t *net, const data_t *d, const int *idx, int n, const double *prob, double *loss, double *auroc,
		   double *auprc)
{
	int C = net->a.n_class, c, i, s = TS_OK, n_cls = 0;
	double *score = malloc((n > 0 ? n : 1) * sizeof *score), sum_roc = 0, sum_prc = 0;
	int *is_pos = malloc((n > 0 ? n : 1) * sizeof *is_pos);
	*loss = *auroc = *auprc = NAN;
	if (score == NULL || is_pos == NULL) {
		s = TS_ENOMEM;
		goto done;
	}
	if (n == 0) goto done;
	for (*loss = 0, i = 0; i < n; i++) *loss -= log(fmax(prob[(size_t)i * C + d->a[idx[i]].label], 1e-300)) / n;
	/* two classes: class 1 against class 0; more: the mean one-vs-rest */
	for (c = C == 2 ? 1 : 0; c < C; c++) {
		double roc, prc;
		for (i = 0; i < n; i++) {
			score[i] = prob[(size_t)i * C + c];
			is_pos[i] = d->a[idx[i]].label == c;
		}
		if ((s = metrics_auroc(score, is_pos, n, &roc)) < 0 || (s = metrics_auprc(score, is_pos, n, &prc)) < 0) goto done;
		sum_roc += roc;
		sum_prc += prc;
		n_cls++;
	}
	*auroc = sum_roc / n_cls;
	*auprc = sum_prc / n_cls;
done:
	free(score);
	free(is_pos);
	return s;
}

/* ---- training */

typedef struct {
	const net_t *net;
	const data_t *d;
	const int *batch;  /* example indices of this batch */
	int n;
	double *gbuf;      /* one n_param gradient per chunk */
	double *loss;      /* one per chunk */
	net_work_t *work;
} batch_ctx_t;

static void batch_job(void *arg, int job, int t)
{
	batch_ctx_t *b = arg;
	const net_t *net = b->net;
	double *g = b->gbuf + (size_t)job * net->n_param, loss = 0;
	int i, end = (job + 1) * TRAIN_CHUNK < b->n ? (job + 1) * TRAIN_CHUNK : b->n;
	memset(g, 0, net->n_param * sizeof *g);
	for (i = job * TRAIN_CHUNK; i < end; i++) {
		const data_seq_t *s = &b->d->a[b->batch[i]];
		net_forward(net, s->x, s->len, &b->work[t]);
		loss += net_backward(net, s->x, s->len, s->label, &b->work[t], g);
	}
	b->loss[job] = loss;
}

/* Stratified split of d into test, validation and training index lists;
 * sequences given for a held-out set go to it as they are. */
static int split(const data_t *d, int n_class, const train_opts_t *o, gsl_rng *rng, int *tr, int *n_tr, int *va, int *n_va,
		 int *te, int *n_te)
{
	int *cls = malloc((d->n > 0 ? d->n : 1) * sizeof *cls), c, i;
	if (cls == NULL) return TS_ENOMEM;
	*n_tr = *n_va = *n_te = 0;
	for (c = 0; c < n_class; c++) {
		int m = 0, k_te, k_va;
		for (i = 0; i < d->n; i++)
			if (d->a[i].label == c) {
				if (d->a[i].set == DATA_SPLIT) cls[m++] = i;
				else if (d->a[i].set == DATA_VAL) va[(*n_va)++] = i;
				else te[(*n_te)++] = i;
			}
		if (m > 1) gsl_ran_shuffle(rng, cls, m, sizeof *cls);
		k_te = (int)lround(o->test_frac * m);
		k_va = (int)lround(o->val_frac * m);
		if (k_te + k_va > m) k_va = m - k_te;
		for (i = 0; i < m; i++) {
			if (i < k_te) te[(*n_te)++] = cls[i];
			else if (i < k_te + k_va) va[(*n_va)++] = cls[i];
			else tr[(*n_tr)++] = cls[i];
		}
	}
	free(cls);
	return TS_OK;
}

/* Whether the n sequences idx[] hold class c. */
static int has_class(const data_t *d, const int *idx, int n, int c)
{
	int i;
	for (i = 0; i < n && d->a[idx[i]].label != c; i++) {}
	return i < n;
}

/* Every sequence fits the net, every label is a class of the net, every
 * class has sequences to learn from, and a validation or test set, if any,
 * holds every class: without one its auROC is undefined, and the best
 * epoch would be picked by nothing. */
static int check_data(const net_t *net, const data_t *d, const int *tr, int n_tr, const int *va, int n_va, const int *te,
		      int n_te, char *err)
{
	char why[TS_ERRLEN];
	int i, c;
	for (i = 0; i < d->n; i++) {
		if (net_check_len(net, d->a[i].len, why) < 0) return ts_fail(err, TS_EDATA, "sequence %s: %s", d->a[i].name, why);
		if (d->a[i].label < 0 || d->a[i].label >= net->a.n_class)
			return ts_fail(err, TS_EDATA, "sequence %s: class %d is not one of the model's %d", d->a[i].name, d->a[i].label,
				       net->a.n_class);
	}
	for (c = 0; c < net->a.n_class; c++) {
		if (!has_class(d, tr, n_tr, c)) return ts_fail(err, TS_EDATA, "class %s has no training sequences", net->class_name[c]);
		if (n_va > 0 && !has_class(d, va, n_va, c))
			return ts_fail(err, TS_EDATA, "the validation set (%d sequences) has none of class %s, so its auROC is undefined: give "
				       "more sequences of every class, --val-set files of every class, or --val 0 (no validation: the last epoch "
				       "is kept)", n_va, net->class_name[c]);
		if (n_te > 0 && !has_class(d, te, n_te, c))
			return ts_fail(err, TS_EDATA, "the test set (%d sequences) has none of class %s, so its auROC is undefined: give "
				       "more sequences of every class, or --test-set files of every class (or --test 0)", n_te, net->class_name[c]);
	}
	return TS_OK;
}

typedef struct {
	int *tr, *va, *te, n_tr, n_va, n_te;
	double *gbuf, *loss, *prob, *best;
	net_work_t *work;
	adam_t adam;
	gsl_rng *rng;
	crew_t crew;
} train_state_t;

static void state_free(train_state_t *s, int threads)
{
	free(s->tr);
	free(s->va);
	free(s->te);
	free(s->gbuf);
	free(s->loss);
	free(s->prob);
	free(s->best);
	free_work(s->work, threads);
	adam_free(&s->adam);
	if (s->rng) gsl_rng_free(s->rng);
	crew_free(&s->crew);
}

/* One pass over the training set; the mean loss in *loss. */
static int train_epoch(net_t *net, const data_t *d, const train_opts_t *o, train_state_t *st, int ep, double *loss)
{
	int b0, c;
	size_t i;
	double total = 0;
	gsl_ran_shuffle(st->rng, st->tr, st->n_tr, sizeof *st->tr);
	for (b0 = 0; b0 < st->n_tr; b0 += o->batch) {
		int bn = st->n_tr - b0 < o->batch ? st->n_tr - b0 : o->batch, n_ch = (bn + TRAIN_CHUNK - 1) / TRAIN_CHUNK;
		batch_ctx_t b = {net, d, st->tr + b0, bn, st->gbuf, st->loss, st->work};
		crew_run(&st->crew, batch_job, &b, n_ch);
		/* fixed reduction order: chunk 0, then 1, … */
		for (c = 1; c < n_ch; c++) {
			const double *g = st->gbuf + (size_t)c * net->n_param;
			for (i = 0; i < net->n_param; i++) st->gbuf[i] += g[i];
		}
		for (c = 0; c < n_ch; c++) total += st->loss[c];
		adam_step(&st->adam, net, st->gbuf, 1.0 / bn);
		if (o->progress) o->progress(ep, b0 + bn, st->n_tr, total / (b0 + bn), o->progress_ctx);
	}
	*loss = total / st->n_tr;
	return isfinite(*loss) ? TS_OK : TS_EDATA;
}

int train_run(net_t *net, const data_t *d, const train_opts_t *o, train_epoch_fn cb, void *ctx, train_result_t *res, char *err)
{
	train_state_t st;
	int s, ep, bad = 0, n = d->n > 0 ? d->n : 1, C = net->a.n_class;
	double best_auc = -1, t_train = 0, c_train = 0;
	memset(&st, 0, sizeof st);
	memset(res, 0, sizeof *res);
	res->test_loss = res->test_auroc = res->test_auprc = NAN;
	st.tr = malloc(n * sizeof *st.tr);
	st.va = malloc(n * sizeof *st.va);
	st.te = malloc(n * sizeof *st.te);
	st.gbuf = malloc((size_t)((o->batch + TRAIN_CHUNK - 1) / TRAIN_CHUNK) * net->n_param * sizeof *st.gbuf);
	st.loss = malloc(((o->batch + TRAIN_CHUNK - 1) / TRAIN_CHUNK) * sizeof *st.loss);
	st.prob = malloc((size_t)n * C * sizeof *st.prob);
	st.best = malloc(net->n_param * sizeof *st.best);
	res->curve = calloc(o->epochs > 0 ? o->epochs : 1, sizeof *res->curve);
	st.rng = gsl_rng_alloc(gsl_rng_mt19937);
	if (!st.tr || !st.va || !st.te || !st.gbuf || !st.loss || !st.prob || !st.best || !res->curve || !st.rng ||
	    adam_init(&st.adam, net, o->lr, o->weight_decay) < 0 || (st.work = alloc_work(net, o->threads, d->max_len)) == NULL ||
	    crew_init(&st.crew, o->threads) < 0) {
		s = ts_fail(err, TS_ENOMEM, "out of memory for training");
		goto done;
	}
	gsl_rng_set(st.rng, o->seed);
	if ((s = split(d, C, o, st.rng, st.tr, &st.n_tr, st.va, &st.n_va, st.te, &st.n_te)) < 0) goto nomem;
	if ((s = check_data(net, d, st.tr, st.n_tr, st.va, st.n_va, st.te, st.n_te, err)) < 0) goto done;
	res->n_train = st.n_tr, res->n_val = st.n_va, res->n_test = st.n_te;
	memcpy(st.best, net->param, net->n_param * sizeof *st.best);
	for (ep = 1; ep <= o->epochs; ep++) {
		train_epoch_t *e = &res->curve[ep - 1];
		double t0 = now(), c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
		e->epoch = ep;
		if ((s = train_epoch(net, d, o, &st, ep, &e->train_loss)) < 0) {
			s = ts_fail(err, TS_EDATA, "epoch %d: the training loss is not finite (training diverged: lower --lr)", ep);
			goto done;
		}
		t_train += now() - t0;
		c_train += clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
		if ((s = train_predict(net, d, st.va, st.n_va, o->threads, st.prob)) < 0 ||
		    (s = train_evaluate(net, d, st.va, st.n_va, st.prob, &e->val_loss, &e->val_auroc, &e->val_auprc)) < 0)
			goto nomem;
		e->seconds = now() - t0;
		res->n_epoch = ep;
		if (cb) cb(e, ctx);
		if (st.n_va == 0 || !(e->val_auroc <= best_auc)) {  /* NaN auROC (one class) counts as progress */
			best_auc = isnan(e->val_auroc) ? best_auc : e->val_auroc;
			res->best_epoch = ep;
			memcpy(st.best, net->param, net->n_param * sizeof *st.best);
			bad = 0;
		} else if (++bad >= o->patience) {
			break;
		}
	}
	memcpy(net->param, st.best, net->n_param * sizeof *st.best);
	res->seq_per_s = t_train > 0 ? (double)st.n_tr * res->n_epoch / t_train : 0;
	res->seq_per_cpu_s = c_train > 0 ? (double)st.n_tr * res->n_epoch / c_train : 0;
	if ((s = train_predict(net, d, st.te, st.n_te, o->threads, st.prob)) < 0 ||
	    (s = train_evaluate(net, d, st.te, st.n_te, st.prob, &res->test_loss, &res->test_auroc, &res->test_auprc)) < 0)
		goto nomem;
	s = TS_OK;
	goto done;
nomem:
	s = ts_fail(err, TS_ENOMEM, "out of memory for training");
done:
	state_free(&st, o->threads);
	if (s < 0) train_result_free(res);
	return s;
}
