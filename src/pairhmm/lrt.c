/* lrt: likelihood-ratio test of nested tying specs (see lrt.h). */
#include <math.h>
#include <gsl/gsl_cdf.h>
#include "pairhmm/lrt.h"

int phmm_nested(unsigned null, unsigned alt)
{
	return (null & alt) == alt && null != alt;
}

void phmm_lrt(const phmm_fit_t *null, const phmm_fit_t *alt, int64_t n_residues, phmm_lrt_t *out)
{
	const phmm_params_t *a = &alt->params;
	double ln_n = log(n_residues > 0 ? (double)n_residues : 1.0);
	out->D = 2 * (alt->lnL - null->lnL);
	if (out->D < 0) out->D = 0;  /* EM from the null optimum cannot lose; rounding can */
	out->df = alt->np - null->np;
	out->p = out->df > 0 ? gsl_cdf_chisq_Q(out->D, out->df) : 1.0;
	out->aic_null = 2 * null->np - 2 * null->lnL;
	out->aic_alt = 2 * alt->np - 2 * alt->lnL;
	out->bic_null = null->np * ln_n - 2 * null->lnL;
	out->bic_alt = alt->np * ln_n - 2 * alt->lnL;
	out->open_ratio = a->dY > 0 ? a->dX / a->dY : INFINITY;
	out->extend_ratio = a->eY > 0 ? a->eX / a->eY : INFINITY;
	out->mean_gap_x = 1 / (1 - a->eX);
	out->mean_gap_y = 1 / (1 - a->eY);
}
