/* pwm: a motif as a frozen convolution filter, with exact score statistics.
 *
 * Log-odds in bits, as FIMO reports them.  With background b and the motif's
 * frequencies f (built from nsites sites), a pseudocount a is mixed in as
 *     f'[i][x] = (a·b[x] + nsites·f[i][x]) / (nsites + a)
 * (nsites truncated to an integer, as FIMO stores it)
 *     lo[i][x] = log2(f'[i][x] / b[x])
 * and the score of a window s_0..s_{w-1} is Σ_i lo[i][s_i].
 *
 * Integer scaling (FIMO's, so p-values agree with FIMO's): with lo_min and
 * lo_max the extreme entries, offset = floor(lo_min) and
 * scale = floor(R / (lo_max − offset)) with R = 1000, and each entry becomes
 *     q[i][x] = round((lo[i][x] − offset) · scale) ∈ [0, R].
 * A window's integer score Q = Σ q is exact integer arithmetic; its null
 * distribution under a 0-order background is a convolution over i, computed
 * by dynamic programming over the w·R+1 possible values, giving
 *     pv[Q] = P(Q_random ≥ Q)
 * exactly (to double rounding) for every integer score.  Each entry is
 * rounded by at most 1/(2·scale) bits, so Q/scale + w·offset is within
 * b = w/(2·scale) bits of the real log-odds score (b is 0.021–0.22 bits for
 * the bundled JASPAR motifs, uniform background).  Both the window and every
 * word it is compared with carry such an error, so the p-value reported for
 * a window of real score x lies between the exact tail probabilities
 * P(S ≥ x + 2b) and P(S ≥ x − 2b): that is the worst-case error of the
 * p-values, which FIMO's have too (same scaling).
 *
 * The reverse strand is scored with the reverse-complement filter
 * rc[i][x] = lo[w−1−i][3−x].  Under a strand-symmetric background (the
 * default when both strands are scanned) both filters have the same null
 * distribution, so one pv table serves both. */
#ifndef TS_PWM_H
#define TS_PWM_H

#include <stdint.h>
#include "io/motif.h"

#define PWM_RANGE 1000  /* integer range of one column, as FIMO's PSSM_RANGE */

typedef struct {
	int w;
	double *lo;        /* w*4 log2-odds, forward strand */
	int *q;            /* w*4 scaled integer scores, forward strand */
	double scale, offset;
	int max_q;         /* best possible integer score, Σ_i max_x q[i][x] */
	double *pv;        /* pv[Q − pv_base] = P(score >= Q) for Q in pv_base..max_q */
	int pv_base;       /* 0 unless pwm_pv_trim() dropped the low levels */
	double bg[4];      /* background the table was computed for */
} pwm_t;

/** Log-odds filter and its score distribution for motif m.
 *  @param bg      background A,C,G,T, each > 0, summing to 1
 *  @param pseudo  pseudocount a >= 0 (FIMO's --motif-pseudo, default 0.1)
 *  @return 0, or TS_ENOMEM.  Free with pwm_free(). */
int pwm_build(pwm_t *p, const motif_t *m, const double bg[4], double pseudo);

/** The filter with only the p-values a scan at p < thresh needs: exact for
 *  every level from pv_base on, where pv_base is 0 or a level whose p-value
 *  is >= thresh (so pwm_threshold() finds the same level as with the full
 *  table).  0, or TS_ENOMEM. */
int pwm_build_tail(pwm_t *p, const motif_t *m, const double bg[4], double pseudo, double thresh);

void pwm_free(pwm_t *p);

/** p-value of integer score Q (Q >= pv_base). */
static inline double pwm_pvalue(const pwm_t *p, int Q) { return p->pv[Q - p->pv_base]; }

/** Keep only levels >= from (a scan needs the p-values of hits alone; the
 *  full table of a long motif is w·1000 doubles).  0 ok, TS_ENOMEM. */
int pwm_pv_trim(pwm_t *p, int from);

/** Recompute the full table (pv_base 0) after a trim.  0 ok, TS_ENOMEM. */
int pwm_pv_full(pwm_t *p);

/** Compute the table of levels >= from only (pv_base = from), each value
 *  bit-identical to the full table's.  0 ok, TS_ENOMEM. */
int pwm_pv_from(pwm_t *p, int from);

/** Smallest integer score whose p-value is < thresh; max_q + 1 if none. */
int pwm_threshold(const pwm_t *p, double thresh);

/** Integer threshold equivalent to a real score S, conservative by the
 *  rounding bound: every window with log-odds ≥ S has Q ≥ the result. */
int pwm_threshold_score(const pwm_t *p, double min_score);

/** Exact log-odds (bits) of a window of nt4 codes (0..3) on either strand. */
double pwm_score(const pwm_t *p, const uint8_t *nt4, int reverse);

/** Background helpers: average with the reverse complement (A=T, C=G), and
 *  read a MEME background file (fasta-get-markov format: "A 0.29" lines, '#'
 *  comments; only 0-order entries are used).  Frequencies are normalised. */
void pwm_bg_symmetrize(double bg[4]);
int pwm_bg_read(const char *path, double bg[4], char *err);

#endif
