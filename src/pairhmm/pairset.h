/* pairset: the engine's view (phmm_pair_t) of pairs read by io/pairs, and the
 * DP band around a read's own alignment path.  Here rather than in io because
 * io knows no engine (DESIGN.md floors). */
#ifndef TS_PHMM_PAIRSET_H
#define TS_PHMM_PAIRSET_H

#include <stdlib.h>
#include "io/pairs.h"
#include "pairhmm/dp.h"

/** Band of half-width w around each pair's CIGAR path: row i keeps columns
 *  [path_lo[i] − w, path_hi[i] + w].  With global ends row 0 also reaches
 *  column 0 and row n column m, so the band holds a complete path.  Pairs
 *  without a path (FASTA pairs) stay unbanded.  0 ok, TS_ENOMEM. */
static inline int phmm_pairs_band(pair_set_t *s, int64_t w, int glocal)
{
	int64_t k, i;
	for (k = 0; k < s->n; k++) {
		pair_rec_t *p = &s->a[k];
		if (p->path_lo == NULL) continue;
		if ((p->band_lo = malloc((p->n + 1) * sizeof *p->band_lo)) == NULL ||
		    (p->band_hi = malloc((p->n + 1) * sizeof *p->band_hi)) == NULL)
			return -5;
		for (i = 0; i <= p->n; i++) {
			int64_t lo = p->path_lo[i] - w, hi = p->path_hi[i] + w;
			p->band_lo[i] = (int32_t)(lo > 0 ? lo : 0);
			p->band_hi[i] = (int32_t)(hi < p->m ? hi : p->m);
		}
		if (!glocal) {
			p->band_lo[0] = 0;
			p->band_hi[p->n] = (int32_t)p->m;
		}
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
