/* plant: simulated training data — random DNA with a motif site planted in
 * it, for measuring how well a network learns a known motif.
 *
 * Background bases are i.i.d., G and C each with probability gc/2, A and T
 * (1 − gc)/2.  A site is drawn column by column from the motif's
 * probabilities, placed at a uniformly random start 0..len−w, on a uniformly
 * random strand (on '−' the drawn site is reverse-complemented into the
 * sequence, so reading the '−' strand gives a draw from the motif). */
#ifndef TS_PLANT_H
#define TS_PLANT_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "io/motif.h"

/** len background bases (nt4 codes) into x. */
void plant_background(uint8_t *x, int len, double gc, gsl_rng *rng);

/** Overwrite a random window of x (len >= m->w) with a site drawn from m;
 *  its 0-based start and strand ('+' or '-') in *at and *strand. */
void plant_site(const motif_t *m, uint8_t *x, int len, gsl_rng *rng, int *at, char *strand);

#endif
