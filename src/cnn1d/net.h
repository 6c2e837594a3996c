/* net: the trainable network of cnn1d — one-hot DNA → a bank of K filters of
 * width W → activation → global pooling → dense → sigmoid or softmax.
 *
 * Input: a sequence of nt4 codes x_0..x_{L-1} (0..3 for A,C,G,T; 4 for N and
 * every other IUPAC code), read as a one-hot matrix X[i][b] = [x_i = b]: a
 * non-ACGT base is the all-zero column, so it adds nothing to any filter.
 *
 * Forward, for strand s (0; and 1 with rc_tie), position p = 0..P-1 with
 * P = L − W + 1 (valid convolution: a sequence shorter than W is an error,
 * net_check_len), filter k = 0..K-1:
 *     z[s][p][k] = b[g][k] + Σ_j w[g][j][x_{p+j}][k]              (s = 0)
 *     z[1][p][k] = b[g][k] + Σ_j w[g][W−1−j][3−x_{p+j}][k]        (s = 1)
 * i.e. strand 1 applies the reverse complement of the filter (flipped along
 * the width, A↔T, C↔G).  g is the filter bank: 0 for every position with
 * `conv` (one set of weights shared by all positions), g = p on strand 0 and
 * g = P−1−p on strand 1 with `local` (its own weights per position; it needs
 * one fixed length L).  With that choice the reverse complement of a sequence
 * gives strand 1 the values strand 0 had and vice versa, so pooling both
 * strands together makes predictions strand-symmetric for both layers.
 *     a = relu(z) = max(z, 0)   or   a = exp(z)
 *     max:  m[k] = max_{s,p} a[s][p][k]         avg:  v[k] = Σ_{s,p} a[s][p][k] / (S·P)
 * (S = 2 with rc_tie, else 1); the features f are m, v, or m then v (both).
 *     o[c] = d_b[c] + Σ_f d_w[c][f] f[f]
 * two classes: one output, P(class 1) = σ(o), P(class 0) = 1 − σ(o);
 * more: softmax P(c) = exp(o_c) / Σ exp(o_c').  Loss: −log P(label).
 *
 * Backward (g_y = ∂loss/∂y): g_o = σ(o) − [label = 1] (sigmoid) or
 * P(c) − [c = label] (softmax);  g_{d_w}[c][f] = g_o[c]·f[f], g_{d_b} = g_o,
 * g_f[f] = Σ_c d_w[c][f]·g_o[c];  max routes g_m[k] to its argmax (s*,p*),
 * avg spreads g_v[k]/(S·P) over every (s,p);  g_z = g_a·relu'(z) = g_a·[a > 0]
 * or g_a·a (exp);  then, because a shared weight is used at every position
 * and strand, its gradient is the sum over all of them:
 *     g_w[g][j][x_{p+j}][k]      += g_z[0][p][k]
 *     g_w[g][W−1−j][3−x_{p+j}][k] += g_z[1][p][k]        g_b[g][k] += g_z[s][p][k]
 * Saliency (net_saliency): ∂score/∂X[i][x_i] = Σ_{s,p,j: p+j=i} g_z·w at the
 * base present (gradient × input of the one-hot input).
 *
 * Parameters live in one block of doubles (layout below) so optimisers and
 * gradient buffers treat them as one vector. */
#ifndef TS_NET_H
#define TS_NET_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "io/motif.h"

enum { NET_CONV = 0, NET_LOCAL = 1 };
enum { NET_RELU = 0, NET_EXP = 1 };
enum { NET_POOL_MAX = 1, NET_POOL_AVG = 2, NET_POOL_BOTH = 3 };

typedef struct {
	int layer;    /* NET_CONV or NET_LOCAL */
	int act;      /* NET_RELU or NET_EXP */
	int pool;     /* NET_POOL_MAX, _AVG or _BOTH */
	int K, W;     /* filters, filter width */
	int len;      /* NET_LOCAL: the input length; NET_CONV: 0 (any length >= W) */
	int rc_tie;   /* 1: each filter also scans the reverse strand */
	int n_class;  /* >= 2 */
} net_arch_t;

typedef struct {
	net_arch_t a;
	char **class_name;  /* n_class names, owned */
	int n_bank;         /* filter banks: 1 (conv) or len − W + 1 (local) */
	int n_feat;         /* pooled features: K, or 2K for both */
	int n_out;          /* outputs: 1 (two classes, sigmoid) or n_class */
	size_t n_param;
	double *param;      /* owned; the four tensors below point into it */
	double *conv_w;     /* [bank][j][base][k]: n_bank·W·4·K */
	double *conv_b;     /* [bank][k] */
	double *dense_w;    /* [c][f]: n_out·n_feat */
	double *dense_b;    /* [c] */
	size_t off_conv_b, off_dense_w, off_dense_b;  /* offsets of the tensors in param */
} net_t;

/* Per-call scratch space; one per thread. */
typedef struct {
	int max_len;
	double *a;      /* activations [s][p][k] */
	int *arg;       /* argmax row (s·P + p) of each filter */
	double *feat, *gfeat, *gz, *out, *gout, *prob;
	const double **rows;  /* W rows of conv_w, one per column of a window; then 4W offsets */
} net_work_t;

/** Allocate a network of architecture a with all parameters 0 and classes
 *  named by `names` (copied; NULL: "0", "1", …).
 *  @return TS_OK, TS_EUSAGE (impossible architecture, message in err) or
 *  TS_ENOMEM.  Free with net_free(). */
int net_init(net_t *n, const net_arch_t *a, char *const *names, char *err);
void net_free(net_t *n);

/** Random start: filters normal with sd sqrt(2/fan_in) for relu (He) or
 *  sqrt(1/fan_in) for exp (LeCun, so exp does not overflow), fan_in = 4W for
 *  every bank (a local layer is not scaled by its positions); dense uniform
 *  ±sqrt(6/(n_feat + n_out)) (Glorot); biases 0. */
void net_randomize(net_t *n, gsl_rng *rng);

/** Filters 0..set->n−1 from the motifs' log-odds log2(f'/0.25) with
 *  pseudocount `pseudo` (pwm_build's f'), centred in the width; the columns
 *  outside a narrower motif, the other filters and the biases are left as
 *  they are.  Every bank of a local layer gets the same filters.
 *  @return TS_OK, TS_EUSAGE (more motifs than K, or a motif wider than W),
 *  TS_ENOMEM. */
int net_init_motifs(net_t *n, const motif_set_t *set, double pseudo, char *err);

/** TS_OK if a sequence of length len can be scored, else TS_EDATA with the
 *  reason in err (shorter than W; local layer: not the model's length). */
int net_check_len(const net_t *n, int len, char *err);

/** Scratch for sequences up to max_len.  TS_OK or TS_ENOMEM. */
int net_work_init(net_work_t *w, const net_t *n, int max_len);
void net_work_free(net_work_t *w);

/** The filter layer alone (pre-activations) on one strand:
 *  z[p·K + k] for p = 0..len−W, k = 0..K−1 (formula above). */
void net_conv(const net_t *n, const uint8_t *x, int len, int strand, double *z);

/** Class probabilities of x (nt4 codes, len checked by net_check_len);
 *  they are in w->prob[0..n_class) and stay there for net_backward. */
void net_forward(const net_t *n, const uint8_t *x, int len, net_work_t *w);

/** After net_forward on the same x: add ∂loss/∂param of −log P(label) to
 *  grad (n_param doubles) and return the loss. */
double net_backward(const net_t *n, const uint8_t *x, int len, int label, net_work_t *w, double *grad);

/** After net_forward: sal[i] = gradient × input at base i of the score of
 *  class c — the output o_c (softmax), o (sigmoid, c = 1) or −o (c = 0) —
 *  0 at non-ACGT bases. */
void net_saliency(const net_t *n, const uint8_t *x, int len, int c, net_work_t *w, double *sal);

/** Index of the most probable class in w->prob after net_forward. */
int net_argmax(const net_t *n, const net_work_t *w);

#endif
