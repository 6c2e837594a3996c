/* varscan: the windows of a sequence variant and the best motif match
 * overlapping it, in the reference and the alternate allele — the Siamese
 * form of the shared-filter scan (the same filter, the same weights, on both
 * alleles).
 *
 * Alleles.  REF and ALT are trimmed of their common prefix, then of their
 * common suffix (VCF's padding base and any repeat the caller kept), leaving
 * the changed part: REF[a, b) in the reference, ALT[a, b') in the alternate.
 * Each allele window is flank bases of reference before the change, the
 * changed part, and flank bases after it; with flank = W − 1 (W the widest
 * motif) every window of any motif that touches the change fits.
 *
 * Overlap.  A window [s, s + w) overlaps a non-empty change [a, b) when
 * s ≤ b − 1 and s + w − 1 ≥ a.  An empty change (the reference side of an
 * insertion, the alternate side of a deletion) is the junction between
 * bases a − 1 and a: a window overlaps it when it holds both, s ≤ a − 1 and
 * s + w − 1 ≥ a.  Windows holding a non-ACGT base are not scored (as in the
 * scan).  The best window has the highest integer score (pwm.h), the
 * leftmost and + strand first among equals, so its p-value is exact. */
#ifndef TS_VARSCAN_H
#define TS_VARSCAN_H

#include <stdint.h>
#include "cnn1d/pwm.h"

typedef struct {
	uint8_t *nt4[2];   /* the windows, nt4 codes (4 = not ACGT); [0] ref, [1] alt */
	int64_t n[2];      /* their lengths */
	int64_t a[2], b[2];  /* the changed part of each: [a, b) */
	int64_t ref_beg;   /* 0-based reference position of window base 0 */
	int64_t trim;      /* bases trimmed from the front of REF and ALT */
} vs_alleles_t;

/** Build the two windows of REF → ALT at 0-based reference position pos
 *  (REF's first base).  left: the `flank` reference bases before the changed
 *  part (fewer at a sequence start: nleft), right: up to `flank` after it
 *  (nright), both as text; `ref`, `alt` as in the VCF (A, C, G, T, N, any
 *  case).  Caller frees with vs_alleles_free().  0 or TS_ENOMEM. */
int vs_alleles(const char *ref, const char *alt, int64_t pos, const char *left, int64_t nleft, const char *right,
	       int64_t nright, vs_alleles_t *v);

void vs_alleles_free(vs_alleles_t *v);

/** The reference range [beg, end) whose text vs_alleles() needs as left and
 *  right for this variant: the changed part ± flank (clipped at 0). */
void vs_flank_range(const char *ref, const char *alt, int64_t pos, int flank, int64_t *left_beg, int64_t *change_beg,
		    int64_t *change_end, int64_t *right_end);

typedef struct {
	int32_t q;        /* integer score, −1 when no window can be scored */
	int64_t s;        /* window start in the allele window */
	char strand;      /* '+' or '-' */
	double score;     /* exact log-odds, bits */
} vs_best_t;

/** Best window of p over the windows of allele k (0 ref, 1 alt) that
 *  overlap its change, both strands (only + when !both). */
void vs_best(const pwm_t *p, const vs_alleles_t *v, int k, int both, vs_best_t *best);

/** Does the window [s, s + w) of allele k overlap its change? */
int vs_overlaps(const vs_alleles_t *v, int k, int64_t s, int w);

#endif
