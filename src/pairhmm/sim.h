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

#endif
