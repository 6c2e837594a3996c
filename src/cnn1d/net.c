/* net: forward and backward passes of the cnn1d network, one sequence at a
 * time.  The formulas are in net.h; this file follows them line by line.
 *
 * Speed: net_forward's filter layer is conv_rows, which computes exactly
 * what net_conv (the plain reference) computes — each z[p][k] is the bias
 * plus the weights of the bases present, added in column order j = 0..W−1 —
 * but with the K filters in registers: for a position, the W rows it uses
 * (one K-vector per column, chosen by the base there) are looked up once and
 * summed 32 (then 16, 4, 1) filters at a time in 4-double vectors (GCC vector extensions;
 * compiled for AVX2 and for the baseline, chosen at run time).  Only
 * additions and comparisons are vectorised, so the results are bit for bit
 * those of the scalar code on every instruction set (tests/test_net.c
 * checks net_forward against net_conv). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cnn1d/net.h"
#include "util/log.h"

int net_init(net_t *n, const net_arch_t *a, char *const *names, char *err)
{
	size_t n_w, n_b;
	int c;
	memset(n, 0, sizeof *n);
	if (a->layer != NET_CONV && a->layer != NET_LOCAL) return ts_fail(err, TS_EUSAGE, "unknown layer type %d", a->layer);
	if (a->act != NET_RELU && a->act != NET_EXP) return ts_fail(err, TS_EUSAGE, "unknown activation %d", a->act);
	if (a->pool < NET_POOL_MAX || a->pool > NET_POOL_BOTH) return ts_fail(err, TS_EUSAGE, "unknown pooling %d", a->pool);
	if (a->K < 1 || a->K > 100000) return ts_fail(err, TS_EUSAGE, "the number of filters must be in 1..100000, not %d", a->K);
	if (a->W < 1 || a->W > 10000) return ts_fail(err, TS_EUSAGE, "the filter width must be in 1..10000, not %d", a->W);
	if (a->n_class < 2 || a->n_class > 10000) return ts_fail(err, TS_EUSAGE, "the number of classes must be in 2..10000, not %d", a->n_class);
	if (a->layer == NET_LOCAL && (a->len < a->W || a->len > 1000000))
		return ts_fail(err, TS_EUSAGE, "a local layer needs one sequence length in W (%d)..1000000, not %d", a->W, a->len);
	n->a = *a;
	if (a->layer == NET_CONV) n->a.len = 0;
	n->a.rc_tie = !!a->rc_tie;
	n->n_bank = a->layer == NET_LOCAL ? a->len - a->W + 1 : 1;
	n->n_feat = a->pool == NET_POOL_BOTH ? 2 * a->K : a->K;
	n->n_out = a->n_class == 2 ? 1 : a->n_class;
	n_w = (size_t)n->n_bank * a->W * 4 * a->K;
	n_b = (size_t)n->n_bank * a->K;
	n->off_conv_b = n_w;
	n->off_dense_w = n_w + n_b;
	n->off_dense_b = n->off_dense_w + (size_t)n->n_out * n->n_feat;
	n->n_param = n->off_dense_b + n->n_out;
	if ((n->param = calloc(n->n_param, sizeof *n->param)) == NULL ||
	    (n->class_name = calloc(a->n_class, sizeof *n->class_name)) == NULL)
		goto nomem;
	for (c = 0; c < a->n_class; c++) {
		char num[16];
		snprintf(num, sizeof num, "%d", c);
		if ((n->class_name[c] = strdup(names ? names[c] : num)) == NULL) goto nomem;
	}
	n->conv_w = n->param;
	n->conv_b = n->param + n->off_conv_b;
	n->dense_w = n->param + n->off_dense_w;
	n->dense_b = n->param + n->off_dense_b;
	return TS_OK;
nomem:
	net_free(n);
	return ts_fail(err, TS_ENOMEM, "out of memory for a network of %zu parameters", n_w + n_b);
}

void net_free(net_t *n)
{
	int c;
	if (n->class_name)
		for (c = 0; c < n->a.n_class; c++) free(n->class_name[c]);
	free(n->class_name);
	free(n->param);
	memset(n, 0, sizeof *n);
}

int net_check_len(const net_t *n, int len, char *err)
{
	if (len < n->a.W) return ts_fail(err, TS_EDATA, "length %d is shorter than the filter width %d", len, n->a.W);
	if (n->a.layer == NET_LOCAL && len != n->a.len)
		return ts_fail(err, TS_EDATA, "length %d differs from the length %d of the locally connected model", len, n->a.len);
	return TS_OK;
}

int net_work_init(net_work_t *w, const net_t *n, int max_len)
{
	int K = n->a.K, S = n->a.rc_tie ? 2 : 1;
	size_t rows = (size_t)S * (max_len >= n->a.W ? max_len - n->a.W + 1 : 1);
	memset(w, 0, sizeof *w);
	w->max_len = max_len;
	w->a = malloc(rows * K * sizeof *w->a);
	w->arg = malloc(K * sizeof *w->arg);
	w->feat = malloc(n->n_feat * sizeof *w->feat);
	w->gfeat = malloc(n->n_feat * sizeof *w->gfeat);
	w->gz = malloc(K * sizeof *w->gz);
	w->out = malloc(n->n_out * sizeof *w->out);
	w->gout = malloc(n->n_out * sizeof *w->gout);
	w->prob = malloc(n->a.n_class * sizeof *w->prob);
	/* W row pointers, then 4W row offsets (conv_rows) */
	w->rows = malloc(n->a.W * (sizeof *w->rows + 4 * sizeof(size_t)));
	if (!w->a || !w->arg || !w->feat || !w->gfeat || !w->gz || !w->out || !w->gout || !w->prob || !w->rows) {
		net_work_free(w);
		return TS_ENOMEM;
	}
	return TS_OK;
}

void net_work_free(net_work_t *w)
{
	free(w->a);
	free(w->arg);
	free(w->feat);
	free(w->gfeat);
	free(w->gz);
	free(w->out);
	free(w->gout);
	free(w->prob);
	free(w->rows);
	memset(w, 0, sizeof *w);
}

/* Filter bank used at position p of strand s (P positions). */
static inline int bank_of(const net_t *n, int s, int p, int P)
{
	return n->a.layer == NET_LOCAL ? (s ? P - 1 - p : p) : 0;
}

/* Offset in conv_w of the K weights that base b at filter column j meets:
 * w[g][j][b][·] on strand 0, w[g][W−1−j][3−b][·] on strand 1. */
static inline size_t row_off(const net_t *n, int g, int j, int b, int s)
{
	int W = n->a.W;
	return (((size_t)g * W + (s ? W - 1 - j : j)) * 4 + (s ? 3 - b : b)) * n->a.K;
}

void net_conv(const net_t *n, const uint8_t *x, int len, int strand, double *z)
{
	int K = n->a.K, W = n->a.W, P = len - W + 1, p, j, k;
	for (p = 0; p < P; p++) {
		int g = bank_of(n, strand, p, P);
		double *zp = z + (size_t)p * K;
		memcpy(zp, n->conv_b + (size_t)g * K, K * sizeof *zp);
		for (j = 0; j < W; j++) {
			const double *wr;
			if (x[p + j] > 3) continue;  /* N / IUPAC: the all-zero column */
			wr = n->conv_w + row_off(n, g, j, x[p + j], strand);
			for (k = 0; k < K; k++) zp[k] += wr[k];
		}
	}
}

/* ---- the vectorised filter layer (see the top of this file) */

typedef double v4d __attribute__((vector_size(32)));
typedef long long v4l __attribute__((vector_size(32)));

/* Unaligned loads and stores of 4 doubles, through a vector type aligned
 * like a double that may alias one.  Macros, not functions: a vector passed
 * by value draws GCC's note on the AVX calling convention when the baseline
 * (non-AVX) code is compiled, though no call would remain. */
typedef double v4du __attribute__((vector_size(32), aligned(8), may_alias));
#define ld4(p) ((v4d)*(const v4du *)(p))
#define st4(p, v) ((void)(*(v4du *)(p) = (v)))

/* max(v, 0) as the scalar code has it: v > 0 ? v : 0 (NaN and −0 give +0) */
#define relu4(v) ((v4d)((v4l)(v) & (v4l)((v) > 0)))

#if defined(__x86_64__) && defined(__GNUC__) && !defined(TS_NO_CLONES)
#define NET_CLONES __attribute__((target_clones("avx2", "default")))
#else
#define NET_CLONES
#endif

/* Rows p = 0..P−1 of strand s into a[p·K + k]: z, or max(z, 0) when relu.
 * rows: scratch for W pointers and 4W offsets. */
NET_CLONES static void conv_rows(const net_t *n, const uint8_t *x, int P, int s, int relu, const double **rows, double *a)
{
	int K = n->a.K, W = n->a.W, p, j, k, m, i, b4;
	size_t *off = (size_t *)(rows + W);  /* off[4j + base]: the row in a bank */
	for (j = 0; j < W; j++)
		for (b4 = 0; b4 < 4; b4++) off[4 * j + b4] = row_off(n, 0, j, b4, s);
	for (p = 0; p < P; p++) {
		int g = bank_of(n, s, p, P);
		const double *b = n->conv_b + (size_t)g * K, *bank = n->conv_w + (size_t)g * W * 4 * K;
		const uint8_t *xp = x + p;
		double *ap = a + (size_t)p * K;
		for (m = 0, j = 0; j < W; j++)  /* N / IUPAC: the all-zero column, no row */
			if (xp[j] < 4) rows[m++] = bank + off[4 * j + xp[j]];
		for (k = 0; k + 32 <= K; k += 32) {  /* 8 independent sums hide the add latency */
			v4d z0 = ld4(b + k), z1 = ld4(b + k + 4), z2 = ld4(b + k + 8), z3 = ld4(b + k + 12);
			v4d z4 = ld4(b + k + 16), z5 = ld4(b + k + 20), z6 = ld4(b + k + 24), z7 = ld4(b + k + 28);
			for (i = 0; i < m; i++) {
				const double *r = rows[i] + k;
				z0 += ld4(r), z1 += ld4(r + 4), z2 += ld4(r + 8), z3 += ld4(r + 12);
				z4 += ld4(r + 16), z5 += ld4(r + 20), z6 += ld4(r + 24), z7 += ld4(r + 28);
			}
			if (relu) {
				z0 = relu4(z0), z1 = relu4(z1), z2 = relu4(z2), z3 = relu4(z3);
				z4 = relu4(z4), z5 = relu4(z5), z6 = relu4(z6), z7 = relu4(z7);
			}
			st4(ap + k, z0), st4(ap + k + 4, z1), st4(ap + k + 8, z2), st4(ap + k + 12, z3);
			st4(ap + k + 16, z4), st4(ap + k + 20, z5), st4(ap + k + 24, z6), st4(ap + k + 28, z7);
		}
		for (; k + 16 <= K; k += 16) {
			v4d z0 = ld4(b + k), z1 = ld4(b + k + 4), z2 = ld4(b + k + 8), z3 = ld4(b + k + 12);
			for (i = 0; i < m; i++) {
				const double *r = rows[i] + k;
				z0 += ld4(r), z1 += ld4(r + 4), z2 += ld4(r + 8), z3 += ld4(r + 12);
			}
			if (relu) z0 = relu4(z0), z1 = relu4(z1), z2 = relu4(z2), z3 = relu4(z3);
			st4(ap + k, z0), st4(ap + k + 4, z1), st4(ap + k + 8, z2), st4(ap + k + 12, z3);
		}
		for (; k + 4 <= K; k += 4) {
			v4d z0 = ld4(b + k);
			for (i = 0; i < m; i++) z0 += ld4(rows[i] + k);
			st4(ap + k, relu ? relu4(z0) : z0);
		}
		for (; k < K; k++) {
			double z = b[k];
			for (i = 0; i < m; i++) z += rows[i][k];
			ap[k] = relu ? (z > 0 ? z : 0) : z;
		}
	}
}

/* Global max pooling of R rows: feat[k] = max_r a[r][k], arg[k] = the first
 * row reaching it (strictly greater replaces), 16 then 4 filters at a time. */
#define MAX4(v, best, at, rv)                                           \
	do {                                                             \
		v4l gt_ = (v4l)((v) > (best));                           \
		(best) = (v4d)(((v4l)(v) & gt_) | ((v4l)(best) & ~gt_)); \
		(at) = ((rv) & gt_) | ((at) & ~gt_);                     \
	} while (0)

NET_CLONES static void pool_max(const double *a, int R, int K, double *feat, int *arg)
{
	int k, r, b;
	for (k = 0; k + 16 <= K; k += 16) {  /* 4 running maxima: one pass per 16 filters */
		v4d b0 = ld4(a + k), b1 = ld4(a + k + 4), b2 = ld4(a + k + 8), b3 = ld4(a + k + 12);
		v4l t0 = {0, 0, 0, 0}, t1 = t0, t2 = t0, t3 = t0;
		for (r = 1; r < R; r++) {
			const double *ar = a + (size_t)r * K + k;
			v4l rv = {r, r, r, r};
			MAX4(ld4(ar), b0, t0, rv);
			MAX4(ld4(ar + 4), b1, t1, rv);
			MAX4(ld4(ar + 8), b2, t2, rv);
			MAX4(ld4(ar + 12), b3, t3, rv);
		}
		st4(feat + k, b0), st4(feat + k + 4, b1), st4(feat + k + 8, b2), st4(feat + k + 12, b3);
		for (b = 0; b < 4; b++) arg[k + b] = (int)t0[b], arg[k + 4 + b] = (int)t1[b], arg[k + 8 + b] = (int)t2[b], arg[k + 12 + b] = (int)t3[b];
	}
	for (; k + 4 <= K; k += 4) {
		v4d best = ld4(a + k);
		v4l at = {0, 0, 0, 0};
		for (r = 1; r < R; r++) {
			v4l rv = {r, r, r, r};
			MAX4(ld4(a + (size_t)r * K + k), best, at, rv);
		}
		st4(feat + k, best);
		for (b = 0; b < 4; b++) arg[k + b] = (int)at[b];
	}
	for (; k < K; k++) {
		double best = a[k];
		int at = 0;
		for (r = 1; r < R; r++)
			if (a[(size_t)r * K + k] > best) best = a[(size_t)r * K + k], at = r;
		feat[k] = best;
		arg[k] = at;
	}
}

void net_forward(const net_t *n, const uint8_t *x, int len, net_work_t *w)
{
	int K = n->a.K, S = n->a.rc_tie ? 2 : 1, P = len - n->a.W + 1, R = S * P, nf = n->n_feat, relu = n->a.act == NET_RELU, r, k, c, s;
	size_t i, n_a = (size_t)R * K;
	double *a = w->a, mx, z = 0;
	for (s = 0; s < S; s++) conv_rows(n, x, P, s, relu, w->rows, a + (size_t)s * P * K);
	if (!relu)
		for (i = 0; i < n_a; i++) a[i] = exp(a[i]);
	if (n->a.pool & NET_POOL_MAX) pool_max(a, R, K, w->feat, w->arg);
	if (n->a.pool & NET_POOL_AVG) {
		double *v = w->feat + (n->a.pool & NET_POOL_MAX ? K : 0);
		for (k = 0; k < K; k++) v[k] = 0;
		for (r = 0; r < R; r++)
			for (k = 0; k < K; k++) v[k] += a[(size_t)r * K + k];
		for (k = 0; k < K; k++) v[k] /= R;
	}
	for (c = 0; c < n->n_out; c++) {
		double o = n->dense_b[c];
		for (k = 0; k < nf; k++) o += n->dense_w[(size_t)c * nf + k] * w->feat[k];
		w->out[c] = o;
	}
	if (n->n_out == 1) {
		w->prob[1] = 1 / (1 + exp(-w->out[0]));
		w->prob[0] = 1 / (1 + exp(w->out[0]));
		return;
	}
	for (mx = w->out[0], c = 1; c < n->n_out; c++) mx = fmax(mx, w->out[c]);
	for (c = 0; c < n->n_out; c++) z += w->prob[c] = exp(w->out[c] - mx);
	for (c = 0; c < n->n_out; c++) w->prob[c] /= z;
}

/* dst[0..m) += src[0..m), 4 at a time (element-wise: the same sums as the
 * scalar loop); one filter (max pooling) without the call. */
NET_CLONES static void add_rows4(double *dst, const double *src, int m)
{
	int k;
	for (k = 0; k + 4 <= m; k += 4) st4(dst + k, ld4(dst + k) + ld4(src + k));
	for (; k < m; k++) dst[k] += src[k];
}

static inline void add_row(double *dst, const double *src, int m)
{
	if (m == 1) *dst += *src;
	else add_rows4(dst, src, m);
}

/* Gradient of row r (strand s, position p) for filters k0..k1−1 with
 * ∂/∂z = gz[k]: into grad (the weights and bias of the row's bank) and/or
 * gx (the input, at the base present). */
static void row_backward(const net_t *n, const uint8_t *x, int P, int r, int k0, int k1, const double *gz,
			 double *grad, double *gx)
{
	int K = n->a.K, s = r / P, p = r % P, g = bank_of(n, s, p, P), j, k;
	if (grad) add_row(grad + n->off_conv_b + (size_t)g * K + k0, gz + k0, k1 - k0);
	for (j = 0; j < n->a.W; j++) {
		size_t off;
		if (x[p + j] > 3) continue;
		off = row_off(n, g, j, x[p + j], s);
		if (grad) add_row(grad + off + k0, gz + k0, k1 - k0);
		if (gx) {
			double d = 0;
			for (k = k0; k < k1; k++) d += gz[k] * n->conv_w[off + k];
			gx[p + j] += d;
		}
	}
}

/* ∂/∂z of row r for avg pooling: gz[k] = (gv[k] + [arg[k] = r]·gm[k])·act'(a[k])
 * with act' = [a > 0] (ReLU) or a (exp); gm NULL without max pooling (the
 * term is then + 0, as in the scalar form).  4 filters at a time, so gz is
 * stored as whole vectors, which row_backward then loads as such. */
NET_CLONES static void row_gz(const double *gv, const double *gm, const int *arg, int r, const double *a, int relu, int K, double *gz)
{
	typedef int v4i __attribute__((vector_size(16)));
	const v4i rv = {r, r, r, r};
	const v4d one = {1, 1, 1, 1};
	int k;
	for (k = 0; k + 4 <= K; k += 4) {
		v4i ak;
		v4l at;
		v4d g, av = ld4(a + k);
		memcpy(&ak, arg + k, sizeof ak);
		at = gm ? __builtin_convertvector(ak == rv, v4l) : (v4l){0, 0, 0, 0};
		g = ld4(gv + k) + (v4d)((gm ? (v4l)ld4(gm + k) : (v4l){0, 0, 0, 0}) & at);
		st4(gz + k, g * (relu ? (v4d)((v4l)(av > 0) & (v4l)one) : av));
	}
	for (; k < K; k++) {
		double g = gv[k] + (gm && arg[k] == r ? gm[k] : 0);
		gz[k] = g * (relu ? (a[k] > 0) : a[k]);
	}
}

/* Backpropagate w->gout (∂/∂o) through the network of the last forward. */
static void backprop(const net_t *n, const uint8_t *x, int len, net_work_t *w, double *grad, double *gx)
{
	int K = n->a.K, nf = n->n_feat, S = n->a.rc_tie ? 2 : 1, P = len - n->a.W + 1, R = S * P, c, f, k, r;
	int has_max = n->a.pool & NET_POOL_MAX, v0 = has_max ? K : 0;
	double *ga = w->gfeat;
	for (f = 0; f < nf; f++) ga[f] = 0;
	for (c = 0; c < n->n_out; c++) {
		double go = w->gout[c];
		const double *dw = n->dense_w + (size_t)c * nf;
		if (grad) {
			grad[n->off_dense_b + c] += go;
			for (f = 0; f < nf; f++) grad[n->off_dense_w + (size_t)c * nf + f] += go * w->feat[f];
		}
		for (f = 0; f < nf; f++) ga[f] += dw[f] * go;
	}
	if (!(n->a.pool & NET_POOL_AVG)) {
		/* max only: each filter's gradient flows through its argmax alone */
		for (k = 0; k < K; k++) {
			double a = w->a[(size_t)w->arg[k] * K + k], d = n->a.act == NET_RELU ? (a > 0) : a;
			if ((w->gz[k] = ga[k] * d) != 0) row_backward(n, x, P, w->arg[k], k, k + 1, w->gz, grad, gx);
		}
		return;
	}
	/* avg (and both): every row; ∂/∂z = (g_v/R + g_m at the argmax)·act',
	 * g_v/R divided once (into ga's avg half: it is not read again) */
	for (k = 0; k < K; k++) ga[v0 + k] /= R;
	for (r = 0; r < R; r++) {
		row_gz(ga + v0, has_max ? ga : NULL, w->arg, r, w->a + (size_t)r * K, n->a.act == NET_RELU, K, w->gz);
		row_backward(n, x, P, r, 0, K, w->gz, grad, gx);
	}
}

double net_backward(const net_t *n, const uint8_t *x, int len, int label, net_work_t *w, double *grad)
{
	double loss;
	int c;
	if (n->n_out == 1) {
		/* −log P(label) = log(1 + e^o) − y·o, computed without overflow */
		double o = w->out[0], y = label == 1;
		w->gout[0] = w->prob[1] - y;
		loss = log1p(exp(-fabs(o))) + fmax(o, 0) - y * o;
	} else {
		double mx = w->out[0], z = 0;
		for (c = 1; c < n->n_out; c++) mx = fmax(mx, w->out[c]);
		for (c = 0; c < n->n_out; c++) z += exp(w->out[c] - mx);
		loss = mx + log(z) - w->out[label];
		for (c = 0; c < n->n_out; c++) w->gout[c] = w->prob[c] - (c == label);
	}
	backprop(n, x, len, w, grad, NULL);
	return loss;
}

void net_saliency(const net_t *n, const uint8_t *x, int len, int c, net_work_t *w, double *sal)
{
	int i;
	if (n->n_out == 1) w->gout[0] = c == 1 ? 1 : -1;
	else
		for (i = 0; i < n->n_out; i++) w->gout[i] = i == c;
	for (i = 0; i < len; i++) sal[i] = 0;
	backprop(n, x, len, w, NULL, sal);
}

int net_argmax(const net_t *n, const net_work_t *w)
{
	int c, best = 0;
	for (c = 1; c < n->a.n_class; c++)
		if (w->prob[c] > w->prob[best]) best = c;
	return best;
}
