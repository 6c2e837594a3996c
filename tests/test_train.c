/* test_train: training and its helpers against independent computations.
 *
 * - auROC equals the brute-force count over all positive/negative pairs
 *   (ties one half), auPRC equals a direct evaluation of its definition;
 * - the dinucleotide shuffle keeps every dinucleotide count, the first and
 *   last letter, and is seeded;
 * - training is bit-identical for 1 and 2 threads;
 * - a planted motif is learned: test auROC > 0.9. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "cnn1d/metrics.h"
#include "cnn1d/net.h"
#include "cnn1d/shuffle.h"
#include "cnn1d/train.h"
#include "util/log.h"

Test(train, auroc_equals_pairwise_count)
{
	enum { N = 300 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	double score[N], auc, wins = 0;
	int pos[N], i, j, n_pos = 0, rep;
	for (rep = 0; rep < 5; rep++) {
		gsl_rng_set(rng, rep);
		for (i = 0; i < N; i++) {
			pos[i] = gsl_rng_uniform(rng) < 0.3;
			/* coarse scores: many ties */
			score[i] = floor(gsl_rng_uniform(rng) * (rep + 2) * 3) + pos[i] * (rep % 2);
		}
		for (wins = 0, n_pos = 0, i = 0; i < N; i++) {
			n_pos += pos[i];
			for (j = 0; j < N; j++)
				if (pos[i] && !pos[j]) wins += score[i] > score[j] ? 1 : score[i] == score[j] ? 0.5 : 0;
		}
		cr_assert_eq(metrics_auroc(score, pos, N, &auc), TS_OK);
		cr_assert(fabs(auc - wins / ((double)n_pos * (N - n_pos))) < 1e-12, "rep %d: %.17g vs %.17g", rep, auc,
			  wins / ((double)n_pos * (N - n_pos)));
	}
	gsl_rng_free(rng);
}

Test(train, auprc_of_known_rankings)
{
	double s1[] = {0.9, 0.8, 0.7, 0.6}, s2[] = {0.5, 0.5, 0.5, 0.5}, s3[] = {0.9, 0.8, 0.8, 0.1}, v;
	int p1[] = {1, 0, 1, 0}, p3[] = {1, 1, 0, 0}, one[] = {1, 1, 1, 1};
	/* (1/2)·1 + (1/2)·(2/3) */
	cr_assert_eq(metrics_auprc(s1, p1, 4, &v), TS_OK);
	cr_assert(fabs(v - (0.5 + 1.0 / 3)) < 1e-15, "%.17g", v);
	/* all tied: one threshold, precision 1/2 */
	cr_assert_eq(metrics_auprc(s2, p1, 4, &v), TS_OK);
	cr_assert(fabs(v - 0.5) < 1e-15, "%.17g", v);
	/* a tied pair: recall 1/2 at precision 1, then 1 at precision 2/3 */
	cr_assert_eq(metrics_auprc(s3, p3, 4, &v), TS_OK);
	cr_assert(fabs(v - (0.5 + 0.5 * 2.0 / 3)) < 1e-15, "%.17g", v);
	cr_assert_eq(metrics_auroc(s1, one, 4, &v), TS_OK);
	cr_assert(isnan(v));
}

static void dinuc_counts(const uint8_t *x, int n, int c[25])
{
	int i;
	memset(c, 0, 25 * sizeof *c);
	for (i = 0; i + 1 < n; i++) c[5 * x[i] + x[i + 1]]++;
}

Test(train, shuffle_preserves_dinucleotides)
{
	enum { N = 500 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t x[N], y[N], z[N];
	int cx[25], cy[25], i, rep, same = 0;
	for (rep = 0; rep < 50; rep++) {
		int n = 2 + rep * 9;
		gsl_rng_set(rng, rep);
		for (i = 0; i < n; i++) x[i] = gsl_rng_uniform(rng) < 0.05 ? 4 : (uint8_t)gsl_rng_uniform_int(rng, rep % 3 + 2);
		cr_assert_eq(shuffle_dinuc(x, n, y, rng), TS_OK);
		dinuc_counts(x, n, cx);
		dinuc_counts(y, n, cy);
		cr_assert_eq(memcmp(cx, cy, sizeof cx), 0, "length %d: dinucleotide counts differ", n);
		cr_assert_eq(x[0], y[0]);
		cr_assert_eq(x[n - 1], y[n - 1]);
		same += memcmp(x, y, n) == 0;
		gsl_rng_set(rng, 99);
		shuffle_dinuc(x, n, y, rng);
		gsl_rng_set(rng, 99);
		shuffle_dinuc(x, n, z, rng);
		cr_assert_eq(memcmp(y, z, n), 0, "the same seed gave two shuffles");
	}
	cr_assert(same < 5, "%d of 50 shuffles returned the input", same);
	gsl_rng_free(rng);
}

/* n random sequences of length len; half carry an 8-mer drawn from a PWM
 * (consensus base with probability 0.95) at a random position: class 1. */
static void planted(data_t *d, int n, int len, unsigned long seed)
{
	static const char consensus[] = "TGACGTCA";
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int i, j;
	gsl_rng_set(rng, seed);
	memset(d, 0, sizeof *d);
	for (i = 0; i < n; i++) {
		uint8_t *x = malloc(len);
		char name[32];
		for (j = 0; j < len; j++) x[j] = (uint8_t)gsl_rng_uniform_int(rng, 4);
		if (i % 2) {
			int at = (int)gsl_rng_uniform_int(rng, len - 8 + 1);
			for (j = 0; j < 8; j++) {
				int c = (int)(strchr("ACGT", consensus[j]) - "ACGT");
				x[at + j] = (uint8_t)(gsl_rng_uniform(rng) < 0.95 ? c : (c + 1 + (int)gsl_rng_uniform_int(rng, 3)) % 4);
			}
		}
		snprintf(name, sizeof name, "s%d", i);
		cr_assert_eq(data_add(d, name, x, len, i % 2, 0), TS_OK);
	}
	gsl_rng_free(rng);
}

static void train_planted(net_t *net, const data_t *d, int threads, int rc, train_result_t *res)
{
	net_arch_t a = {NET_CONV, NET_RELU, NET_POOL_MAX, 8, 12, 0, rc, 2};
	train_opts_t o;
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	char err[TS_ERRLEN];
	gsl_rng_set(rng, 3);
	cr_assert_eq(net_init(net, &a, NULL, err), TS_OK);
	net_randomize(net, rng);
	gsl_rng_free(rng);
	train_opts_init(&o);
	o.threads = threads;
	o.epochs = 20;
	o.lr = 0.01;
	o.batch = 32;
	o.seed = 17;
	o.test_frac = 0.2;
	cr_assert_eq(train_run(net, d, &o, NULL, NULL, res, err), TS_OK, "%s", err);
}

Test(train, planted_motif_is_learned, .timeout = 120)
{
	data_t d;
	net_t net;
	train_result_t res;
	planted(&d, 1000, 100, 42);
	train_planted(&net, &d, 2, 1, &res);
	cr_log_info("planted motif: test auROC %.4f auPRC %.4f after %d epochs (best %d), %.0f seq/s", res.test_auroc,
		    res.test_auprc, res.n_epoch, res.best_epoch, res.seq_per_s);
	cr_assert(res.test_auroc > 0.9, "test auROC %.4f", res.test_auroc);
	cr_assert_eq(res.n_test, 200);
	train_result_free(&res);
	net_free(&net);
	data_free(&d);
}

Test(train, identical_for_any_thread_count, .timeout = 120)
{
	data_t d;
	net_t n1, n2;
	train_result_t r1, r2;
	planted(&d, 300, 60, 7);
	train_planted(&n1, &d, 1, 0, &r1);
	train_planted(&n2, &d, 2, 0, &r2);
	cr_assert_eq(n1.n_param, n2.n_param);
	cr_assert_eq(memcmp(n1.param, n2.param, n1.n_param * sizeof *n1.param), 0, "1 and 2 threads trained different models");
	cr_assert_eq(r1.n_epoch, r2.n_epoch);
	train_result_free(&r1);
	train_result_free(&r2);
	net_free(&n1);
	net_free(&n2);
	data_free(&d);
}
