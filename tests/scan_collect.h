/* scan_collect: the tests' way to hold a scan's whole result at once (the
 * scanner streams it): every hit and its matched text, in order. */
#ifndef TS_TEST_SCAN_COLLECT_H
#define TS_TEST_SCAN_COLLECT_H

#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>
#include "cnn1d/scan.h"

typedef struct {
	scan_hit_t *a;
	char **text;      /* text[i]: hit i's matched sequence, NUL-terminated */
	int64_t n;
} collected_t;

static inline collected_t scan_collect(scan_t *s, const motif_set_t *set)
{
	collected_t c = {NULL, NULL, 0};
	int64_t cap = 0;
	scan_hit_t h;
	const char *t;
	int r;
	while ((r = scan_next_hit(s, &h, &t)) == 1) {
		int w = set->a[h.motif].w;
		if (c.n == cap) {
			cap = cap ? 2 * cap : 1024;
			c.a = realloc(c.a, cap * sizeof *c.a);
			c.text = realloc(c.text, cap * sizeof *c.text);
			cr_assert(c.a && c.text);
		}
		c.a[c.n] = h;
		c.text[c.n] = strndup(t, w);
		c.n++;
	}
	cr_assert_eq(r, 0, "scan_next_hit failed: %d", r);
	return c;
}

static inline void collected_free(collected_t *c)
{
	int64_t i;
	for (i = 0; i < c->n; i++) free(c->text[i]);
	free(c->text);
	free(c->a);
}

#endif
