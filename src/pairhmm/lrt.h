/* lrt: comparing two nested tying specs.
 *
 * D = 2(lnL_alt − lnL_null) ~ χ²_df under the null, df = np_alt − np_null,
 * p = P(χ²_df > D) (GSL's upper-tail χ² CDF).  AIC = 2·np − 2·lnL and
 * BIC = np·ln(n) − 2·lnL with n the number of residues in all pairs.  The
 * effect sizes compare the two sides: dX/dY, eX/eY and the mean gap lengths
 * 1/(1−eX), 1/(1−eY) of the alternative fit. */
#ifndef TS_PHMM_LRT_H
#define TS_PHMM_LRT_H

#include <stdint.h>
#include "pairhmm/em.h"

typedef struct {
	double D;
	int df;
	double p;
	double aic_null, aic_alt, bic_null, bic_alt;
	double open_ratio, extend_ratio;     /* dX/dY, eX/eY (alternative fit) */
	double mean_gap_x, mean_gap_y;       /* 1/(1−eX), 1/(1−eY) */
} phmm_lrt_t;

/** 1 if spec `null` is nested in `alt` (null ties every group alt ties). */
int phmm_nested(unsigned null, unsigned alt);

/** The test; n_residues is Σ over pairs of len(x) + len(y). */
void phmm_lrt(const phmm_fit_t *null, const phmm_fit_t *alt, int64_t n_residues, phmm_lrt_t *out);

#endif
