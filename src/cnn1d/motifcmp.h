/* motifcmp: how alike two motifs are — column-wise Pearson correlation over
 * the best offset and strand — and a motif's information content.
 *
 * Columns are 4-vectors of probabilities (A, C, G, T).  The similarity of
 * columns u and v is their Pearson correlation
 *     r(u, v) = Σ_b (u_b − ū)(v_b − v̄) / sqrt(Σ_b (u_b − ū)² · Σ_b (v_b − v̄)²)
 * (ū = v̄ = 1/4 for probability columns); a constant (uniform) column has no
 * correlation: r = 1 if both are constant, else 0.
 * Motif a (query, width wa) against b (target, width wb) on strand '+' (b as
 * it is) or '-' (b reverse-complemented: column i is b's column wb−1−i with
 * A↔T, C↔G), at offset o (b's column 0 under a's column o; o may be
 * negative): the mean of r over the L overlapping columns,
 *     sim(o) = (1/L) Σ_{i = max(0,o)}^{min(wa, o+wb)−1} r(a_i, b'_{i−o}),
 * taken only where L >= min(5, wa, wb).  The best (o, strand) maximises it;
 * ties go to '+' before '-', then to the smaller offset.
 * Information content: IC = Σ_columns (2 + Σ_b p_b log2 p_b) bits
 * (0·log 0 = 0), against a uniform background. */
#ifndef TS_MOTIFCMP_H
#define TS_MOTIFCMP_H

#include "io/motif.h"

typedef struct {
	double sim;    /* best mean column correlation, in [−1, 1]; NAN if no offset qualifies */
	int offset;    /* o above */
	char strand;   /* '+' or '-' */
	int overlap;   /* L: columns compared at that offset */
	int target;    /* mcmp_best: index of the best motif of the set, −1 if none */
} mcmp_match_t;

/** Pearson correlation of two probability columns (rules above). */
double mcmp_column_r(const double *u, const double *v);

/** Best offset and strand of b against a (m.target is left −1). */
mcmp_match_t mcmp_compare(const motif_t *a, const motif_t *b);

/** The motif of db most similar to a (first of equals). */
mcmp_match_t mcmp_best(const motif_t *a, const motif_set_t *db);

/** Information content of m in bits (uniform background). */
double mcmp_ic(const motif_t *m);

/** Column ic of m: 2 + Σ_b p_b log2 p_b. */
double mcmp_column_ic(const double *p);

#endif
