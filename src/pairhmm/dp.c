/* dp: the public pair-HMM DP functions (dp.h).  Each runs the double
 * compilation of dp_core.h first; when it reports probability 0 — which with
 * row scaling can also mean that one row spans more than double's range
 * (unrelated sequences, lengths differing by hundreds of bases) — the pair is
 * redone in long double (10^±4932), so only a truly impossible pair fails. */
#include <stdlib.h>
#include <string.h>
#include "pairhmm/dp.h"
#include "pairhmm/dp_impl.h"
#include "util/log.h"

int phmm_forward(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	int r = phmm_forward_d(t, pr, lnL);
	return r == TS_EDATA ? phmm_forward_ld(t, pr, lnL) : r;
}

int phmm_backward(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL)
{
	int r = phmm_backward_d(t, pr, lnL);
	return r == TS_EDATA ? phmm_backward_ld(t, pr, lnL) : r;
}

int phmm_expect(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_counts_t *c, double *lnL)
{
	/* counts are only added on success, so a failed double pass leaves c as it was */
	int r = phmm_expect_d(t, pr, c, lnL);
	return r == TS_EDATA ? phmm_expect_ld(t, pr, c, lnL) : r;
}

int phmm_viterbi(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_aln_t *aln)
{
	int r = phmm_viterbi_d(t, pr, aln);
	return r == TS_EDATA ? phmm_viterbi_ld(t, pr, aln) : r;
}

int phmm_mea(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_aln_t *aln)
{
	int r = phmm_mea_d(t, pr, aln);
	return r == TS_EDATA ? phmm_mea_ld(t, pr, aln) : r;
}

void phmm_aln_free(phmm_aln_t *a)
{
	free(a->ax);
	free(a->ay);
	free(a->state);
	free(a->post);
	memset(a, 0, sizeof *a);
}
