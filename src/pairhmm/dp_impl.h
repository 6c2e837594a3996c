/* dp_impl: the two compilations of dp_core.h — double (_d) and long double
 * (_ld) — behind the public functions of dp.h.  Private to src/pairhmm. */
#ifndef TS_PHMM_DP_IMPL_H
#define TS_PHMM_DP_IMPL_H

#include "pairhmm/dp.h"

#define DP_DECLARE(sfx) \
	int phmm_forward##sfx(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL); \
	int phmm_backward##sfx(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL); \
	int phmm_expect##sfx(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_counts_t *c, double *lnL); \
	int phmm_viterbi##sfx(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_aln_t *aln); \
	int phmm_mea##sfx(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_aln_t *aln);
DP_DECLARE(_d)
DP_DECLARE(_ld)
#undef DP_DECLARE

/* Expected counts by emitted nt16 code (one add per cell while a DP runs),
 * shared out among the bases of each ambiguity code by
 * phmm_code_counts_share(), which adds them to c. */
typedef struct {
	double t[PH_NTRANS];
	double m[16][16], x[16], y[16];
} phmm_code_counts_t;

void phmm_code_counts_share(const phmm_tables_t *t, const phmm_code_counts_t *cc, phmm_counts_t *c);

#endif
