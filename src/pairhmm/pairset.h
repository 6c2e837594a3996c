/* pairset: the engine's view (phmm_pair_t) of pairs read by io/pairs, and the
 * DP band around a read's own alignment path.  Here rather than in io because
 * io knows no engine (DESIGN.md floors). */
#ifndef TS_PHMM_PAIRSET_H
#define TS_PHMM_PAIRSET_H

#include <stdlib.h>
#include "io/pairs.h"
#include "pairhmm/dp.h"

/** Band of half-width w around a path through an n × m matrix that visits
 *  columns [path_lo[i], path_hi[i]] of row i: row i keeps columns
 *  [path_lo[i] − w, path_hi[i] + w].  With global ends row 0 also reaches
 *  column 0 and row n column m, so the band holds a complete path. */
static inline void phmm_band_around(const int32_t *path_lo, const int32_t *path_hi, int64_t n, int64_t m, int64_t w, int glocal,
				    int32_t *lo, int32_t *hi)
{
	int64_t i;
	for (i = 0; i <= n; i++) {
		const int64_t a = path_lo[i] - w, b = path_hi[i] + w;
		lo[i] = (int32_t)(a > 0 ? a : 0);
		hi[i] = (int32_t)(b < m ? b : m);
	}
	if (!glocal) lo[0] = 0, hi[n] = (int32_t)m;
}

/** phmm_band_around() each pair's CIGAR path; pairs without a path (FASTA
 *  pairs) stay unbanded.  0 ok, TS_ENOMEM. */
static inline int phmm_pairs_band(pair_set_t *s, int64_t w, int glocal)
{
	int64_t k;
	for (k = 0; k < s->n; k++) {
		pair_rec_t *p = &s->a[k];
		if (p->path_lo == NULL) continue;
		if ((p->band_lo = malloc((p->n + 1) * sizeof *p->band_lo)) == NULL ||
		    (p->band_hi = malloc((p->n + 1) * sizeof *p->band_hi)) == NULL)
			return -5;
		phmm_band_around(p->path_lo, p->path_hi, p->n, p->m, w, glocal, p->band_lo, p->band_hi);
	}
	return 0;
}

/** An array of s->n views pointing into `s` (valid while `s` is), banded
 *  where phmm_pairs_band() made bands.  Caller frees the array with free();
 *  NULL when out of memory. */
static inline phmm_pair_t *phmm_pairs_view(const pair_set_t *s, int glocal)
{
	phmm_pair_t *v = malloc((s->n ? s->n : 1) * sizeof *v);
	int64_t i;
	if (v == NULL) return NULL;
	for (i = 0; i < s->n; i++) {
		v[i].x = s->a[i].x;
		v[i].n = s->a[i].n;
		v[i].y = s->a[i].y;
		v[i].m = s->a[i].m;
		v[i].lo = s->a[i].band_lo;
		v[i].hi = s->a[i].band_hi;
		v[i].glocal = glocal;
	}
	return v;
}

#endif
