/* net: forward and backward passes of the cnn1d network, one sequence at a
 * time.  The formulas are in net.h; this file follows them line by line. */
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
	if (!w->a || !w->arg || !w->feat || !w->gfeat || !w->gz || !w->out || !w->gout || !w->prob) {
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

void net_forward(const net_t *n, const uint8_t *x, int len, net_work_t *w)
{
	int K = n->a.K, S = n->a.rc_tie ? 2 : 1, P = len - n->a.W + 1, R = S * P, nf = n->n_feat, r, k, c, s;
	size_t i, n_a = (size_t)R * K;
	double *a = w->a, mx, z = 0;
	for (s = 0; s < S; s++) net_conv(n, x, len, s, a + (size_t)s * P * K);
	for (i = 0; i < n_a; i++) a[i] = n->a.act == NET_RELU ? (a[i] > 0 ? a[i] : 0) : exp(a[i]);
	if (n->a.pool & NET_POOL_MAX)
		for (k = 0; k < K; k++) {
			double best = a[k];
			int arg = 0;
			for (r = 1; r < R; r++)
				if (a[(size_t)r * K + k] > best) best = a[(size_t)r * K + k], arg = r;
			w->feat[k] = best;
			w->arg[k] = arg;
		}
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

/* Gradient of row r (strand s, position p) for filters k0..k1−1 with
 * ∂/∂z = gz[k]: into grad (the weights and bias of the row's bank) and/or
 * gx (the input, at the base present). */
static void row_backward(const net_t *n, const uint8_t *x, int P, int r, int k0, int k1, const double *gz,
			 double *grad, double *gx)
{
	int K = n->a.K, s = r / P, p = r % P, g = bank_of(n, s, p, P), j, k;
	if (grad)
		for (k = k0; k < k1; k++) grad[n->off_conv_b + (size_t)g * K + k] += gz[k];
	for (j = 0; j < n->a.W; j++) {
		size_t off;
		if (x[p + j] > 3) continue;
		off = row_off(n, g, j, x[p + j], s);
		if (grad)
			for (k = k0; k < k1; k++) grad[off + k] += gz[k];
		if (gx) {
			double d = 0;
			for (k = k0; k < k1; k++) d += gz[k] * n->conv_w[off + k];
			gx[p + j] += d;
		}
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
	/* avg (and both): every row; ∂/∂z = (g_v/R + g_m at the argmax)·act' */
	for (r = 0; r < R; r++) {
		for (k = 0; k < K; k++) {
			double a = w->a[(size_t)r * K + k], d = n->a.act == NET_RELU ? (a > 0) : a;
			double g = ga[v0 + k] / R + (has_max && w->arg[k] == r ? ga[k] : 0);
			w->gz[k] = g * d;
		}
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
