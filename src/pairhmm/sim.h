/* sim: pairs drawn from the pair HMM, with their true alignments.
 *
 * A path starts in B (like M), draws each next state from the transition
 * row of the current one and each emission from its state's table, until E.
 * Randomness comes from a GSL generator the caller seeds (--seed). */
#ifndef TS_PHMM_SIM_H
#define TS_PHMM_SIM_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "pairhmm/model.h"

typedef struct {
	uint8_t *x, *y;      /* nt16 codes (A=1 C=2 G=4 T=8) */
	int64_t n, m;
	char *states;        /* true path: 'M', 'X', 'Y' per column, 0-terminated */
	int64_t len;
} phmm_sim_t;

/** Draw one pair.  Arrays are malloc'd: free with phmm_sim_free(). */
int phmm_simulate(const phmm_params_t *p, gsl_rng *rng, phmm_sim_t *out);

void phmm_sim_free(phmm_sim_t *s);

/** The DP band of half-width w around s's true path (phmm_band_around(),
 *  global ends) into lo and hi, s->n + 1 each.  0 or TS_ENOMEM. */
int phmm_sim_band(const phmm_sim_t *s, int64_t w, int32_t *lo, int32_t *hi);

/** Append one column in `state` (0 M, 1 X, 2 Y) with its residues drawn from
 *  the state's emissions; the arrays must have room. */
void phmm_sim_column(const phmm_params_t *p, gsl_rng *rng, int state, phmm_sim_t *s);

/** An index in 0..n−1 drawn with the given probabilities (summing to 1). */
int phmm_draw(gsl_rng *rng, const double *prob, int n);

#endif
