/* dp: forward, backward, expected counts, Viterbi and posterior decoding for
 * the pair HMM of model.h, in scaled probability space.
 *
 * Recursions (x: sequence 1 of length n, y: sequence 2 of length m; B is the
 * M cell (0,0) with value 1; t are the transitions of model.h):
 *   fM(i,j) = p[x_i,y_j] · (t_MM fM(i−1,j−1) + t_XM fX(i−1,j−1) + t_YM fY(i−1,j−1))
 *   fX(i,j) = qX[x_i]    · (t_MX fM(i−1,j)   + t_XX fX(i−1,j))
 *   fY(i,j) = qY[y_j]    · (t_MY fM(i,j−1)   + t_YY fY(i,j−1))
 *   P(x,y)  = τ · (fM(n,m) + fX(n,m) + fY(n,m))
 * Scaling: each row i of the forward matrix is divided by s_i (the row's
 * largest value) once computed, and ln P = Σ ln s_i + ln P̂.  Backward rows use
 * the same factors, so f̂·b̂/P̂ is the posterior directly.  Nothing underflows
 * on 20 kb pairs: a row's largest cell is 1.
 *
 * Memory.  Expected counts and posteriors use checkpointed forward–backward:
 * forward rows are kept every K ≈ √n rows and the rows of one block are
 * recomputed while the backward pass walks through it, so memory is
 * O((n/K + K)·3m) doubles (about 140 MiB for 20 kb × 20 kb) for twice the
 * forward time.  Viterbi and MEA keep one traceback byte per cell (n·m bytes). */
#ifndef TS_PHMM_DP_H
#define TS_PHMM_DP_H

#include <stdint.h>
#include "pairhmm/model.h"

/* Two sequences as seqio nt16 codes (A=1 C=2 G=4 T=8, N=15, IUPAC unions).
 *
 * Band: when lo/hi are set, row i only has cells lo[i] ≤ j ≤ hi[i]; the rest
 * are 0 (probability) and are never visited, so a band of width w costs
 * O(n·w).  The band must contain a path from start to end.
 * glocal: the ends of sequence 2 hang free — B may be at any (0, j) and E
 * follow any (n, j) — as when a read is aligned to a padded reference window.
 * The flanks are not modelled (probability 1 per base), so lnL is conditional
 * on them and parameter-free in them. */
typedef struct {
	const uint8_t *x;
	int64_t n;
	const uint8_t *y;
	int64_t m;
	const int32_t *lo, *hi;  /* per row 0..n; NULL: every column */
	int glocal;
} phmm_pair_t;

/** ln P(x, y) by the forward algorithm.  @return 0, TS_ENOMEM, or TS_EDATA
 *  when the pair has probability 0 under the parameters (lnL = −inf). */
int phmm_forward(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL);

/** ln P(x, y) by the backward algorithm (a check on the forward one). */
int phmm_backward(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL);

/** Expected transition and emission counts of one pair, added to `c`, and
 *  its ln P.  Checkpointed: bounded memory for long pairs. */
int phmm_expect(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_counts_t *c, double *lnL);

/* An alignment: columns of x[i]/y[j] characters or '-', 0-terminated, and
 * the posterior probability of each column (the state and cell it uses). */
typedef struct {
	int64_t len;
	char *ax, *ay;      /* aligned sequence 1 and 2 */
	char *state;        /* 'M', 'X' or 'Y' per column */
	double *post;       /* posterior of each column */
	double score;       /* Viterbi: ln P(x, y, path); MEA: expected accuracy */
	double lnL;         /* ln P(x, y) */
	int64_t y_beg, y_end;  /* the part of sequence 2 aligned ([0, m) unless glocal) */
} phmm_aln_t;

/** Viterbi alignment (most probable path) with per-column posteriors.
 *  `aln` is filled with malloc'd arrays: free with phmm_aln_free(). */
int phmm_viterbi(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_aln_t *aln);

/** Maximum expected accuracy alignment: the path maximising the sum of its
 *  columns' posterior probabilities.  With free ends, leading and trailing
 *  deletions of posterior < 0.5 are returned to the flanks (y_beg, y_end). */
int phmm_mea(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_aln_t *aln);

void phmm_aln_free(phmm_aln_t *aln);

#endif
