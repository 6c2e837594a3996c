/* em: Baum–Welch over a set of pairs, counts pooled by the tying spec.
 *
 * One iteration: the E-step sums every pair's expected counts (dp_simd.h), the
 * M-step maximises in closed form (model.h).  Each iteration cannot lower
 * lnL (beyond the float E-step's rounding, ~10^-9 relative); the fit stops
 * when the relative change |ΔlnL|/|lnL| < tol or after max_iter iterations,
 * and its lnL is then recomputed in double.  Pairs are split over threads but their counts and
 * lnL are summed in pair order, so the fit is identical for any thread count. */
#ifndef TS_PHMM_EM_H
#define TS_PHMM_EM_H

#include <stdint.h>
#include "pairhmm/dp.h"
#include "pairhmm/model.h"

typedef struct {
	double tol;         /* relative lnL change [1e-8] */
	int max_iter;       /* [1000] */
	int threads;        /* [1] */
	/* called after each E-step with the lnL of the parameters of iteration
	 * `iter` (0 = the start); may be NULL */
	void (*on_iter)(int iter, double lnL, void *arg);
	void *arg;
} phmm_em_opts_t;

typedef struct {
	phmm_params_t params;
	unsigned spec;      /* tying spec fitted */
	int np;             /* free parameters */
	double lnL;         /* at params, in double precision */
	int iterations;
	int converged;
	phmm_counts_t counts;  /* expected counts at params */
	int64_t bad_pair;   /* when the fit failed on a pair: its index, else −1 */
} phmm_fit_t;

void phmm_em_opts_init(phmm_em_opts_t *o);

/** Fit `spec` by EM starting from `start` (projected onto the spec).
 *  @return 0; TS_ENOMEM; TS_EDATA if a pair has probability 0 (err names it). */
int phmm_em_fit(const phmm_pair_t *pairs, int64_t n_pairs, unsigned spec, const phmm_params_t *start,
		const phmm_em_opts_t *o, phmm_fit_t *fit, char *err);

/** lnL and expected counts of all pairs at fixed parameters (one E-step,
 *  counts by the float forward–backward where it can be trusted, lnL to
 *  ~10^-9 relative per pair); with counts NULL, lnL alone by the double
 *  forward (exact to rounding). */
int phmm_estep(const phmm_pair_t *pairs, int64_t n_pairs, const phmm_params_t *p, int threads,
	       phmm_counts_t *counts, double *lnL, char *err);

#endif
