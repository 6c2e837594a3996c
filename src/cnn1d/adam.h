/* adam: the AdamW optimiser (Loshchilov & Hutter) over a network's parameter
 * vector.  With gradient g at step t (bias-corrected moments):
 *     m ← β₁m + (1−β₁)g        v ← β₂v + (1−β₂)g²
 *     θ ← θ − lr·( m/(1−β₁ᵗ) / (sqrt(v/(1−β₂ᵗ)) + ε) + λ·θ )
 * The decay λθ is decoupled from the gradient and applied to the weight
 * tensors (filters, dense) only, once per step and per parameter: a shared
 * filter is one tensor however many positions use it, so it is decayed once,
 * not once per position.  Biases are not decayed. */
#ifndef TS_ADAM_H
#define TS_ADAM_H

#include "cnn1d/net.h"

typedef struct {
	double lr, beta1, beta2, eps, decay;
	long t;
	double *m, *v;  /* n_param moments, owned */
} adam_t;

/** Moments for net's parameters, zero; β₁ 0.9, β₂ 0.999, ε 1e-8.
 *  @return TS_OK or TS_ENOMEM.  Free with adam_free(). */
int adam_init(adam_t *a, const net_t *net, double lr, double decay);
void adam_free(adam_t *a);

/** One step with gradient scale·grad (scale = 1/batch size for a mean loss). */
void adam_step(adam_t *a, net_t *net, const double *grad, double scale);

#endif
