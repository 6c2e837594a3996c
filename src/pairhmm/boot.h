/* boot: resampling for the pair HMM's test of symmetry.
 *
 * Parametric bootstrap of the LRT: B datasets are simulated under the fitted
 * null, each pair with the observed total length n + m: an alignment path is
 * drawn from the null's transitions conditioned on emitting exactly n + m
 * residues — backward weights W_S(r) = Σ over path suffixes with r residues
 * left of the product of transitions (position-free, so a vector), then each
 * step chosen in proportion to t·W — and residues from each column's
 * emissions.  Conditioning on the total, not on n and m apart, keeps the
 * null's symmetry: the observed difference m − n is itself evidence of
 * asymmetry, and fixing it would put that evidence into every replicate.
 * Both models are refitted and p = (1 + #{D* ≥ D})/(B + 1).  It assumes the
 * fitted null generated the data with independent pairs, and simulates global
 * alignments even for glocal input.
 *
 * Confidence intervals: pairs are resampled with replacement B times and the
 * alternative refitted; 95% percentile intervals.  This keeps whatever
 * dependence lies within a pair but assumes pairs independent (reads from one
 * genome are not quite).
 *
 * Replicate r uses a GSL MT19937 generator seeded with seed + r, so results
 * depend on the seed, never on threads. */
#ifndef TS_PHMM_BOOT_H
#define TS_PHMM_BOOT_H

#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "pairhmm/em.h"
#include "pairhmm/sim.h"

/** One pair with n + m = total drawn from p conditioned on that total.
 *  Free with phmm_sim_free().  0, TS_ENOMEM, or TS_EDATA if no path of the
 *  model emits `total` residues. */
int phmm_simulate_total(const phmm_params_t *p, int64_t total, gsl_rng *rng, phmm_sim_t *out);

typedef struct {
	int B, n_ge;          /* replicates, replicates with D* >= D */
	double p;             /* (1 + n_ge)/(B + 1) */
} phmm_boot_t;

/** Parametric bootstrap p-value of D for null_spec within alt_spec.  band >
 *  0: each simulated pair is banded to `band` cells either side of its true
 *  path, as reads are around their CIGAR paths (a read's replicate would
 *  otherwise run its full matrix: 10–20× the cells). */
int phmm_boot_lrt(const phmm_pair_t *pairs, int64_t n_pairs, const phmm_fit_t *null, unsigned alt_spec, double D, int B,
		  unsigned long seed, int64_t band, const phmm_em_opts_t *o, phmm_boot_t *out, char *err);

enum { CI_DX, CI_DY, CI_EX, CI_EY, CI_TAU, CI_OPEN_RATIO, CI_EXTEND_RATIO, CI_N };
extern const char *const phmm_ci_names[CI_N];

typedef struct {
	int B;
	double lo[CI_N], hi[CI_N];  /* 2.5% and 97.5% percentiles */
} phmm_ci_t;

/** 95% intervals by resampling pairs, refitting `spec` from `start`. */
int phmm_boot_ci(const phmm_pair_t *pairs, int64_t n_pairs, unsigned spec, const phmm_params_t *start, int B,
		 unsigned long seed, const phmm_em_opts_t *o, phmm_ci_t *out, char *err);

#endif
