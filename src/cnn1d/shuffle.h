/* shuffle: dinucleotide-preserving shuffles (Altschul & Erickson 1985), the
 * negatives DeepBind trains against.
 *
 * A sequence x_0..x_{n−1} is an Eulerian path in the multigraph with one
 * edge x_i → x_{i+1} per dinucleotide.  Every Eulerian path from x_0 gives a
 * sequence with exactly the same dinucleotide counts (and the same first and
 * last letter).  One is drawn by (1) a random arborescence of "last exits"
 * towards the final letter, by Wilson's loop-erased random walks over
 * uniformly chosen edges; (2) a random order of each letter's other exits,
 * the last exit placed at the end; (3) walking from x_0, always taking the
 * next unused exit.  Letters are nt4 codes 0..4 (4: any non-ACGT base, kept
 * as a letter of its own, so N-runs keep their dinucleotides too). */
#ifndef TS_SHUFFLE_H
#define TS_SHUFFLE_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

/** Write to out (n codes) a dinucleotide shuffle of x (n codes in 0..4);
 *  out and x must not overlap.  @return TS_OK or TS_ENOMEM. */
int shuffle_dinuc(const uint8_t *x, int n, uint8_t *out, gsl_rng *rng);

#endif
