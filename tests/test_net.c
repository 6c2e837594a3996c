/* test_net: the network's maths against independent computations.
 *
 * - every analytic gradient equals a central finite difference, for every
 *   parameter of both layers, both activations, all poolings, with and
 *   without reverse-complement tying, sigmoid and softmax heads;
 * - the conv layer is multiplication by the Toeplitz matrix of its filter
 *   (the reverse strand by that of the reverse-complement filter), and a
 *   locally connected layer with every position's weights equal is the conv
 *   layer;
 * - net_forward's vectorised filter layer and pooling equal the plain code
 *   bit for bit;
 * - with rc_tie a sequence and its reverse complement get the same
 *   prediction;
 * - a model file reads back bit for bit;
 * - filters started from motifs hold the motifs' log-odds. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "cnn1d/net.h"
#include "cnn1d/net_json.h"
#include "io/motif.h"
#include "util/log.h"

static const int pools[] = {NET_POOL_MAX, NET_POOL_AVG, NET_POOL_BOTH};

static void make_net(net_t *n, int layer, int act, int pool, int rc, int n_class, int K, int W, int len, gsl_rng *rng)
{
	net_arch_t a = {layer, act, pool, K, W, len, rc, n_class};
	char err[TS_ERRLEN];
	size_t i;
	cr_assert_eq(net_init(n, &a, NULL, err), TS_OK, "%s", err);
	net_randomize(n, rng);
	/* non-zero biases, so their gradients are tested too */
	for (i = n->off_conv_b; i < n->off_dense_w; i++) n->param[i] = gsl_ran_gaussian(rng, 0.3);
	for (i = n->off_dense_b; i < n->n_param; i++) n->param[i] = gsl_ran_gaussian(rng, 0.3);
}

/* Random nt4 codes with one unknown base (4). */
static void random_seq(uint8_t *x, int len, gsl_rng *rng)
{
	int i;
	for (i = 0; i < len; i++) x[i] = (uint8_t)gsl_rng_uniform_int(rng, 4);
	x[len / 3] = 4;
}

static double loss_of(const net_t *n, uint8_t x[][16], int n_seq, const int *labels, int len, net_work_t *w, double *grad)
{
	double loss = 0;
	int i;
	for (i = 0; i < n_seq; i++) {
		net_forward(n, x[i], len, w);
		loss += net_backward(n, x[i], len, labels[i], w, grad);
	}
	return loss;
}

static void gradient_check(int layer, int act, int pool, int rc, int n_class)
{
	enum { LEN = 16, N_SEQ = 3 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	net_t n;
	net_work_t w;
	uint8_t x[N_SEQ][16];
	int labels[N_SEQ] = {0, 1, n_class - 1}, i;
	double *grad, *dummy;
	size_t p;
	gsl_rng_set(rng, 1000 + 100 * layer + 10 * act + pool + 50 * rc + 7 * n_class);
	make_net(&n, layer, act, pool, rc, n_class, 3, 5, LEN, rng);
	for (i = 0; i < N_SEQ; i++) random_seq(x[i], LEN, rng);
	cr_assert_eq(net_work_init(&w, &n, LEN), TS_OK);
	grad = calloc(n.n_param, sizeof *grad);
	dummy = calloc(n.n_param, sizeof *dummy);
	loss_of(&n, x, N_SEQ, labels, LEN, &w, grad);
	for (p = 0; p < n.n_param; p++) {
		double keep = n.param[p], h = 1e-6 * fmax(1, fabs(keep)), up, down, num;
		n.param[p] = keep + h;
		up = loss_of(&n, x, N_SEQ, labels, LEN, &w, dummy);
		n.param[p] = keep - h;
		down = loss_of(&n, x, N_SEQ, labels, LEN, &w, dummy);
		n.param[p] = keep;
		num = (up - down) / (2 * h);
		cr_assert(fabs(grad[p] - num) <= 1e-4 * fmax(fabs(grad[p]), fabs(num)) + 1e-8,
			  "layer %d act %d pool %d rc %d classes %d: parameter %zu of %zu: analytic %.10g, numeric %.10g",
			  layer, act, pool, rc, n_class, p, n.n_param, grad[p], num);
	}
	free(grad);
	free(dummy);
	net_work_free(&w);
	net_free(&n);
	gsl_rng_free(rng);
}

Test(net, gradients_equal_finite_differences)
{
	int layer, act, pool, rc, n_class;
	for (layer = NET_CONV; layer <= NET_LOCAL; layer++)
		for (act = NET_RELU; act <= NET_EXP; act++)
			for (pool = 0; pool < 3; pool++)
				for (rc = 0; rc <= 1; rc++)
					for (n_class = 2; n_class <= 3; n_class++) gradient_check(layer, act, pools[pool], rc, n_class);
}

/* z = T·vec(X) + b with T[p][4(p+j) + b] = w[j][b]: the conv layer as a
 * matrix product, strand 1 with the reverse-complement filter. */
Test(net, conv_is_toeplitz_product)
{
	enum { L = 23, W = 6, K = 4, P = L - W + 1 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	static double T[P][4 * L];
	double z[P * K], onehot[4 * L];
	uint8_t x[L];
	net_t n;
	int s, k, p, j, b, c;
	gsl_rng_set(rng, 7);
	make_net(&n, NET_CONV, NET_RELU, NET_POOL_MAX, 1, 2, K, W, 0, rng);
	random_seq(x, L, rng);
	for (c = 0; c < 4 * L; c++) onehot[c] = x[c / 4] == c % 4;
	for (s = 0; s < 2; s++) {
		net_conv(&n, x, L, s, z);
		for (k = 0; k < K; k++) {
			memset(T, 0, sizeof T);
			for (p = 0; p < P; p++)
				for (j = 0; j < W; j++)
					for (b = 0; b < 4; b++) {
						int jj = s ? W - 1 - j : j, bb = s ? 3 - b : b;
						T[p][4 * (p + j) + b] = n.conv_w[(jj * 4 + bb) * K + k];
					}
			for (p = 0; p < P; p++) {
				double y = n.conv_b[k];
				for (c = 0; c < 4 * L; c++) y += T[p][c] * onehot[c];
				cr_assert(fabs(y - z[p * K + k]) < 1e-12, "strand %d filter %d position %d: Toeplitz %.17g, conv %.17g", s, k, p,
					  y, z[p * K + k]);
			}
		}
	}
	net_free(&n);
	gsl_rng_free(rng);
}

/* net_forward's vectorised filter layer and max pooling (conv_rows,
 * pool_max) against the plain net_conv, activation and a first-argmax scan:
 * bit for bit, for numbers of filters that use every block size (32, 16, 4
 * and single filters), both layers and activations, both strands, with
 * runs of N; ReLU's zeros make ties, which go to the first row. */
Test(net, forward_kernel_equals_reference)
{
	enum { L = 57, W = 9, P = L - W + 1 };
	static const int Ks[] = {1, 3, 4, 5, 16, 17, 32, 33, 50, 71};
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	static double z[2 * P * 71];
	uint8_t x[L];
	net_t n;
	net_work_t w;
	int ki, layer, act, rc, s, r, k, i;
	gsl_rng_set(rng, 19);
	for (ki = 0; ki < (int)(sizeof Ks / sizeof *Ks); ki++)
		for (layer = NET_CONV; layer <= NET_LOCAL; layer++)
			for (act = NET_RELU; act <= NET_EXP; act++)
				for (rc = 0; rc <= 1; rc++) {
					int K = Ks[ki], R = (rc + 1) * P;
					make_net(&n, layer, act, NET_POOL_MAX, rc, 2, K, W, L, rng);
					cr_assert_eq(net_work_init(&w, &n, L), TS_OK);
					random_seq(x, L, rng);
					for (i = 20; i < 24; i++) x[i] = 4;
					net_forward(&n, x, L, &w);
					for (s = 0; s <= rc; s++) net_conv(&n, x, L, s, z + (size_t)s * P * K);
					for (i = 0; i < R * K; i++) {
						double a = act == NET_RELU ? (z[i] > 0 ? z[i] : 0) : exp(z[i]);
						cr_assert(memcmp(&a, &w.a[i], sizeof a) == 0, "K %d layer %d act %d rc %d: a[%d] %.17g vs %.17g", K,
							  layer, act, rc, i, w.a[i], a);
					}
					for (k = 0; k < K; k++) {
						int arg = 0;
						for (r = 1; r < R; r++)
							if (w.a[r * K + k] > w.a[arg * K + k]) arg = r;
						cr_assert_eq(w.arg[k], arg, "K %d filter %d: argmax %d vs %d", K, k, w.arg[k], arg);
						cr_assert_eq(w.feat[k], w.a[arg * K + k]);
					}
					net_work_free(&w);
					net_free(&n);
				}
	gsl_rng_free(rng);
}

Test(net, local_with_equal_positions_is_conv)
{
	enum { L = 30, W = 7, K = 5, P = L - W + 1 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	net_t conv, local;
	net_work_t wc, wl;
	uint8_t x[L];
	double zc[P * K], zl[P * K];
	int pool, rc, g, s, i, c;
	gsl_rng_set(rng, 11);
	for (pool = 0; pool < 3; pool++)
		for (rc = 0; rc <= 1; rc++) {
			make_net(&conv, NET_CONV, NET_RELU, pools[pool], rc, 3, K, W, 0, rng);
			make_net(&local, NET_LOCAL, NET_RELU, pools[pool], rc, 3, K, W, L, rng);
			for (g = 0; g < P; g++) {
				memcpy(local.conv_w + (size_t)g * W * 4 * K, conv.conv_w, W * 4 * K * sizeof(double));
				memcpy(local.conv_b + (size_t)g * K, conv.conv_b, K * sizeof(double));
			}
			memcpy(local.dense_w, conv.dense_w, (conv.n_param - conv.off_dense_w) * sizeof(double));
			random_seq(x, L, rng);
			for (s = 0; s <= rc; s++) {
				net_conv(&conv, x, L, s, zc);
				net_conv(&local, x, L, s, zl);
				for (i = 0; i < P * K; i++) cr_assert_eq(zc[i], zl[i], "strand %d value %d", s, i);
			}
			cr_assert_eq(net_work_init(&wc, &conv, L), TS_OK);
			cr_assert_eq(net_work_init(&wl, &local, L), TS_OK);
			net_forward(&conv, x, L, &wc);
			net_forward(&local, x, L, &wl);
			for (c = 0; c < 3; c++) cr_assert_eq(wc.prob[c], wl.prob[c]);
			net_work_free(&wc);
			net_work_free(&wl);
			net_free(&conv);
			net_free(&local);
		}
	gsl_rng_free(rng);
}

Test(net, rc_tie_gives_the_same_prediction_on_both_strands)
{
	enum { L = 41 };
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t x[L], rcx[L];
	net_t n;
	net_work_t w;
	double p[3];
	int layer, act, pool, c, i;
	gsl_rng_set(rng, 5);
	for (layer = NET_CONV; layer <= NET_LOCAL; layer++)
		for (act = NET_RELU; act <= NET_EXP; act++)
			for (pool = 0; pool < 3; pool++) {
				make_net(&n, layer, act, pools[pool], 1, 3, 6, 9, L, rng);
				cr_assert_eq(net_work_init(&w, &n, L), TS_OK);
				random_seq(x, L, rng);
				for (i = 0; i < L; i++) rcx[i] = x[L - 1 - i] > 3 ? 4 : 3 - x[L - 1 - i];
				net_forward(&n, x, L, &w);
				memcpy(p, w.prob, sizeof p);
				net_forward(&n, rcx, L, &w);
				for (c = 0; c < 3; c++)
					cr_assert(fabs(p[c] - w.prob[c]) <= 1e-12, "layer %d act %d pool %d class %d: %.17g vs %.17g", layer, act,
						  pools[pool], c, p[c], w.prob[c]);
				net_work_free(&w);
				net_free(&n);
			}
	gsl_rng_free(rng);
}

Test(net, rejects_short_sequences_and_bad_architectures)
{
	net_arch_t a = {NET_CONV, NET_RELU, NET_POOL_MAX, 4, 10, 0, 0, 2};
	char err[TS_ERRLEN];
	net_t n;
	cr_assert_eq(net_init(&n, &a, NULL, err), TS_OK);
	cr_assert_eq(net_check_len(&n, 9, err), TS_EDATA);
	cr_assert(strstr(err, "shorter than the filter width 10") != NULL, "%s", err);
	cr_assert_eq(net_check_len(&n, 10, err), TS_OK);
	net_free(&n);
	a.layer = NET_LOCAL;
	a.len = 5;
	cr_assert_eq(net_init(&n, &a, NULL, err), TS_EUSAGE);
	a.len = 50;
	cr_assert_eq(net_init(&n, &a, NULL, err), TS_OK);
	cr_assert_eq(net_check_len(&n, 49, err), TS_EDATA);
	net_free(&n);
}

Test(net, model_file_round_trip_is_exact)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	char *const names[] = {"a", "b b", "c\"q"};
	char err[TS_ERRLEN], path[] = "tests/tmp/net_roundtrip.json";
	int layer, pool;
	gsl_rng_set(rng, 3);
	for (layer = NET_CONV; layer <= NET_LOCAL; layer++)
		for (pool = 0; pool < 3; pool++) {
			net_arch_t a = {layer, NET_EXP, pools[pool], 4, 6, 20, pool == 1, 3};
			net_t n, m;
			FILE *fp;
			int c;
			cr_assert_eq(net_init(&n, &a, names, err), TS_OK);
			net_randomize(&n, rng);
			n.param[0] = -0.0;
			n.param[1] = 1e-310;  /* subnormal */
			n.param[2] = 1.0 / 3;
			cr_assert_neq(fp = fopen(path, "w"), NULL);
			cr_assert_eq(net_json_write(&n, NULL, fp), TS_OK);
			fclose(fp);
			cr_assert_eq(net_json_read(path, &m, err), TS_OK, "%s", err);
			cr_assert_eq(memcmp(&n.a, &m.a, sizeof n.a), 0);
			cr_assert_eq(m.n_param, n.n_param);
			cr_assert_eq(memcmp(n.param, m.param, n.n_param * sizeof *n.param), 0, "weights changed in the round trip");
			for (c = 0; c < 3; c++) cr_assert_str_eq(m.class_name[c], names[c]);
			net_free(&n);
			net_free(&m);
		}
	gsl_rng_free(rng);
}

Test(net, filters_from_motifs_are_log_odds)
{
	static const char meme[] = "MEME version 4\n\nALPHABET= ACGT\n\nMOTIF m1\n"
				   "letter-probability matrix: alength= 4 w= 2 nsites= 10\n"
				   "0.7 0.1 0.1 0.1\n0.0 0.0 0.0 1.0\n";
	net_arch_t a = {NET_LOCAL, NET_RELU, NET_POOL_MAX, 2, 4, 6, 0, 2};
	motif_set_t *set;
	char err[TS_ERRLEN];
	net_t n;
	int g, j, b;
	cr_assert_eq(motif_read_mem("m.meme", meme, sizeof meme - 1, &set, err), TS_OK, "%s", err);
	cr_assert_eq(net_init(&n, &a, NULL, err), TS_OK);
	cr_assert_eq(net_init_motifs(&n, set, 0.1, err), TS_OK, "%s", err);
	for (g = 0; g < n.n_bank; g++)
		for (j = 0; j < 2; j++)
			for (b = 0; b < 4; b++) {
				/* f' = (0.1·0.25 + 10·f) / 10.1, columns 1 and 2 of 4 (centred) */
				double f = set->a[0].p[4 * j + b], want = log2((0.025 + 10 * f) / 10.1 / 0.25);
				cr_assert(fabs(n.conv_w[(((size_t)g * 4 + 1 + j) * 4 + b) * 2 + 0] - want) < 1e-12);
			}
	a.W = 1;
	net_free(&n);
	cr_assert_eq(net_init(&n, &a, NULL, err), TS_OK);
	cr_assert_eq(net_init_motifs(&n, set, 0.1, err), TS_EUSAGE);
	net_free(&n);
	motif_set_free(set);
}
