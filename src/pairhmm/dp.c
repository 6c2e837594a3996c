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

/* Share a posterior w of emitting code c over the bases of c (∝ q[a]). */
static void share_insert(double *cnt, const double *q16, uint8_t c, double w)
{
	int a;
	double tot = q16[c];
	if (tot <= 0) return;
	for (a = 0; a < 4; a++)
		if (c >> a & 1) cnt[a] += w * q16[1 << a] / tot;
}

static void share_match(double cnt[4][4], const phmm_tables_t *t, uint8_t c1, uint8_t c2, double w)
{
	int a, b;
	double tot = t->pm[c1][c2];
	if (tot <= 0) return;
	if (c1 == (c1 & -c1) && c2 == (c2 & -c2)) {  /* two plain bases: the common case */
		cnt[__builtin_ctz(c1)][__builtin_ctz(c2)] += w;
		return;
	}
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++)
			if ((c1 >> a & 1) && (c2 >> b & 1)) cnt[a][b] += w * t->pm[1 << a][1 << b] / tot;
}

void phmm_code_counts_share(const phmm_tables_t *t, const phmm_code_counts_t *cc, phmm_counts_t *c)
{
	int k, a, b;
	for (k = 0; k < PH_NTRANS; k++) c->t[k] += cc->t[k];
	for (a = 0; a < 16; a++) {
		for (b = 0; b < 16; b++)
			if (cc->m[a][b] > 0) share_match(c->m, t, (uint8_t)a, (uint8_t)b, cc->m[a][b]);
		if (cc->x[a] > 0) share_insert(c->x, t->qx, (uint8_t)a, cc->x[a]);
		if (cc->y[a] > 0) share_insert(c->y, t->qy, (uint8_t)a, cc->y[a]);
	}
}

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
