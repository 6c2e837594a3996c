/* net_init: starting weights of a network — random (He / LeCun / Glorot by
 * fan-in, see net.h) or filters taken from motif log-odds
 * lo[j][b] = log2(f'[j][b] / 0.25), f' the pseudocounted frequencies of
 * pwm_build against a uniform background. */
#include <math.h>
#include <gsl/gsl_randist.h>
#include "cnn1d/net.h"
#include "cnn1d/pwm.h"
#include "util/log.h"

void net_randomize(net_t *n, gsl_rng *rng)
{
	double fan_in = 4.0 * n->a.W;  /* per bank: positions never enter */
	double sd = sqrt((n->a.act == NET_RELU ? 2.0 : 1.0) / fan_in);
	double lim = sqrt(6.0 / (n->n_feat + n->n_out));
	size_t i;
	for (i = 0; i < n->off_conv_b; i++) n->param[i] = gsl_ran_gaussian(rng, sd);
	for (i = n->off_conv_b; i < n->off_dense_w; i++) n->param[i] = 0;
	for (i = n->off_dense_w; i < n->off_dense_b; i++) n->param[i] = lim * (2 * gsl_rng_uniform(rng) - 1);
	for (i = n->off_dense_b; i < n->n_param; i++) n->param[i] = 0;
}

int net_init_motifs(net_t *n, const motif_set_t *set, double pseudo, char *err)
{
	static const double uniform[4] = {0.25, 0.25, 0.25, 0.25};
	int K = n->a.K, W = n->a.W, k, g, j, b;
	if (set->n > K) return ts_fail(err, TS_EUSAGE, "%d motifs but only %d filters (-K)", set->n, K);
	for (k = 0; k < set->n; k++)
		if (set->a[k].w > W)
			return ts_fail(err, TS_EUSAGE, "motif %s is %d wide, wider than the filters (-W %d)", set->a[k].id, set->a[k].w, W);
	for (k = 0; k < set->n; k++) {
		const motif_t *m = &set->a[k];
		int off = (W - m->w) / 2;
		pwm_t p;
		if (pwm_build(&p, m, uniform, pseudo) < 0) return ts_fail(err, TS_ENOMEM, "out of memory");
		for (g = 0; g < n->n_bank; g++)
			for (j = 0; j < m->w; j++)
				for (b = 0; b < 4; b++) n->conv_w[(((size_t)g * W + off + j) * 4 + b) * K + k] = p.lo[4 * j + b];
		pwm_free(&p);
	}
	return TS_OK;
}
