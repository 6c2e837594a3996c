/* pairset: the engine's view (phmm_pair_t) of pairs read by io/pairs.
 * Here rather than in io because io knows no engine (DESIGN.md floors). */
#ifndef TS_PHMM_PAIRSET_H
#define TS_PHMM_PAIRSET_H

#include <stdlib.h>
#include "io/pairs.h"
#include "pairhmm/dp.h"

/** An array of s->n views pointing into `s` (valid while `s` is).
 *  Caller frees the array with free(); NULL when out of memory. */
static inline phmm_pair_t *phmm_pairs_view(const pair_set_t *s)
{
	phmm_pair_t *v = malloc((s->n ? s->n : 1) * sizeof *v);
	int64_t i;
	if (v == NULL) return NULL;
	for (i = 0; i < s->n; i++) {
		v[i].x = s->a[i].x;
		v[i].n = s->a[i].n;
		v[i].y = s->a[i].y;
		v[i].m = s->a[i].m;
	}
	return v;
}

#endif
