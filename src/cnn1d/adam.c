/* adam: AdamW steps (formulas in adam.h). */
#include <math.h>
#include <stdlib.h>
#include "cnn1d/adam.h"
#include "util/log.h"

int adam_init(adam_t *a, const net_t *net, double lr, double decay)
{
	a->lr = lr;
	a->decay = decay;
	a->beta1 = 0.9;
	a->beta2 = 0.999;
	a->eps = 1e-8;
	a->t = 0;
	a->m = calloc(net->n_param, sizeof *a->m);
	a->v = calloc(net->n_param, sizeof *a->v);
	if (a->m == NULL || a->v == NULL) {
		adam_free(a);
		return TS_ENOMEM;
	}
	return TS_OK;
}

void adam_free(adam_t *a)
{
	free(a->m);
	free(a->v);
	a->m = a->v = NULL;
}

void adam_step(adam_t *a, net_t *net, const double *grad, double scale)
{
	double bc1, bc2;
	size_t i;
	a->t++;
	bc1 = 1 - pow(a->beta1, a->t);
	bc2 = 1 - pow(a->beta2, a->t);
	for (i = 0; i < net->n_param; i++) {
		double g = grad[i] * scale, *th = &net->param[i];
		int is_weight = i < net->off_conv_b || (i >= net->off_dense_w && i < net->off_dense_b);
		a->m[i] = a->beta1 * a->m[i] + (1 - a->beta1) * g;
		a->v[i] = a->beta2 * a->v[i] + (1 - a->beta2) * g * g;
		*th -= a->lr * ((a->m[i] / bc1) / (sqrt(a->v[i] / bc2) + a->eps) + (is_weight ? a->decay * *th : 0));
	}
}
