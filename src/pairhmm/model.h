/* model: parameters of the pair HMM, their tying, and the EM M-step.
 *
 * Durbin et al. (1998), Biological Sequence Analysis, ch. 4, fig. 4.2, global
 * alignment.  States B, M, X, Y, E; no X↔Y transitions.  X emits a residue of
 * sequence 1 against a gap (an insertion in sequence 1), Y a residue of
 * sequence 2 against a gap.
 *
 *   from M (and B, which behaves like M):  M 1−dX−dY−τ   X dX   Y dY   E τ
 *   from X:                                M 1−eX−τ      X eX          E τ
 *   from Y:                                M 1−eY−τ      Y eY          E τ
 *
 * Emissions: p[a][b] (4×4, sums to 1) in M, qX[a] in X, qY[b] in Y.  N and the
 * other ambiguity codes are marginalised: p[c][b] = Σ_{a∈c} p[a][b] and
 * q[c] = Σ_{a∈c} q[a] (so q[N] = 1); their expected counts are shared out
 * among the bases of c in proportion to the parameters.
 *
 * Tying.  A spec is a set of groups shared between X and Y:
 *   gap-open (dX = dY), gap-extend (eX = eY), insert-emission (qX = qY), and
 *   match-symmetry (p[a][b] = p[b][a]).
 * Free parameters: match 15 (9 symmetric) + inserts 6 (3 tied) + τ 1 +
 * gap-open 2 (1) + gap-extend 2 (1).  TIED = {gap-open, gap-extend,
 * insert-emission}: 21; UNTIED = {insert-emission}: 23; df = 2.
 *
 * M-step.  With expected counts n, every maximiser is closed-form.  Given τ
 * the M row is a multinomial over {M, X, Y} scaled by (1−τ), and likewise the
 * X and Y rows over {X|Y, M}, so the profile likelihood of τ is
 * τ^nE (1−τ)^(N−nE) and τ = nE/N (N: all transitions).  Then
 *   dX = (1−τ)·nMX/nM·   (tied: dX = dY = (1−τ)(nMX+nMY)/(2·nM·))
 *   eX = (1−τ)·nXX/(nXX+nXM)   (tied: pooled over X and Y)
 * where nM· = nMM+nMX+nMY; emissions are normalised (pooled) counts. */
#ifndef TS_PHMM_MODEL_H
#define TS_PHMM_MODEL_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
	double dX, dY;      /* gap open */
	double eX, eY;      /* gap extend */
	double tau;         /* end */
	double p[4][4];     /* match emissions, A C G T × A C G T */
	double qX[4], qY[4];  /* insert emissions */
} phmm_params_t;

enum {
	PHMM_TIE_GAP_OPEN = 1,
	PHMM_TIE_GAP_EXTEND = 2,
	PHMM_TIE_INSERT_EMISSION = 4,
	PHMM_TIE_MATCH_SYMMETRY = 8
};
#define PHMM_SPEC_TIED (PHMM_TIE_GAP_OPEN | PHMM_TIE_GAP_EXTEND | PHMM_TIE_INSERT_EMISSION)
#define PHMM_SPEC_UNTIED (PHMM_TIE_INSERT_EMISSION)

/* Transitions as the DP uses them (B counts as M). */
enum { PH_MM, PH_MX, PH_MY, PH_ME, PH_XM, PH_XX, PH_XE, PH_YM, PH_YY, PH_YE, PH_NTRANS };

/* Expected (or observed) counts of one or more pairs. */
typedef struct {
	double t[PH_NTRANS];
	double m[4][4];     /* match emissions */
	double x[4], y[4];  /* X and Y emissions */
} phmm_counts_t;

/* Tables the DP reads: transitions and emissions over nt16 codes (0..15,
 * the seqio base codes; code 0 and any code with no base emit nothing). */
typedef struct {
	double t[PH_NTRANS];
	double pm[16][16];
	double qx[16], qy[16];
} phmm_tables_t;

/** Parse a tying spec: "tied", "untied", "none", or a comma-separated list of
 *  gap-open, gap-extend, insert-emission, match-symmetry.  0 ok, TS_EUSAGE. */
int phmm_tie_parse(const char *s, unsigned *spec, char *err);

/** "gap-open,gap-extend,insert-emission" (or "none"); buf of >= 80 bytes. */
void phmm_tie_format(unsigned spec, char *buf, size_t n);

/** Number of free parameters under a spec (23 untied, 21 tied). */
int phmm_free_params(unsigned spec);

/** A generic starting point: dX = dY = 0.02, eX = eY = 0.4, τ = 0.01,
 *  p = 0.85 identity spread evenly, q uniform. */
void phmm_params_default(phmm_params_t *p);

/** Check ranges: probabilities in [0,1], dX+dY+τ < 1, eX+τ < 1, eY+τ < 1,
 *  emission tables summing to 1 (±1e-6).  0 ok, TS_EDATA with err. */
int phmm_params_check(const phmm_params_t *p, char *err);

/** Project onto a spec: average each tied group (a start for a tied fit). */
void phmm_params_tie(phmm_params_t *p, unsigned spec);

/** Expand parameters into DP tables. */
void phmm_tables(const phmm_params_t *p, phmm_tables_t *t);

/** Maximise the expected complete-data likelihood given counts (closed form,
 *  tied groups pooled).  Groups with no counts keep their value in `out`;
 *  estimates below 2^−60 are set to 0 (model.c says why). */
void phmm_mstep(const phmm_counts_t *c, unsigned spec, phmm_params_t *out);

void phmm_counts_zero(phmm_counts_t *c);
void phmm_counts_add(phmm_counts_t *acc, const phmm_counts_t *c);

#endif
