/* shuffle: the Altschul–Erickson dinucleotide shuffle (method in shuffle.h). */
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "cnn1d/shuffle.h"
#include "util/log.h"

enum { N_LETTER = 5 };

int shuffle_dinuc(const uint8_t *x, int n, uint8_t *out, gsl_rng *rng)
{
	int cnt[N_LETTER] = {0}, start[N_LETTER], fill[N_LETTER], used[N_LETTER] = {0};
	int last[N_LETTER], next[N_LETTER], in_tree[N_LETTER] = {0}, root, v, u, i;
	uint8_t *to;
	if (n < 3) {
		memcpy(out, x, n);
		return TS_OK;
	}
	if ((to = malloc(n - 1)) == NULL) return TS_ENOMEM;
	/* exits of each letter, grouped by letter: to[start[v] .. start[v] + cnt[v]) */
	for (i = 0; i < n - 1; i++) cnt[x[i]]++;
	for (v = 0, i = 0; v < N_LETTER; i += cnt[v], v++) start[v] = fill[v] = i;
	for (i = 0; i < n - 1; i++) to[fill[x[i]]++] = x[i + 1];
	/* (1) Wilson: walk from each letter until the tree, then keep the
	 * loop-erased path (next[] was overwritten on every revisit) */
	root = x[n - 1];
	in_tree[root] = 1;
	for (v = 0; v < N_LETTER; v++) {
		if (cnt[v] == 0 || in_tree[v]) continue;
		for (u = v; !in_tree[u]; u = next[u]) {
			last[u] = (int)gsl_rng_uniform_int(rng, cnt[u]);
			next[u] = to[start[u] + last[u]];
		}
		for (u = v; !in_tree[u]; u = next[u]) in_tree[u] = 1;
	}
	/* (2) the last exit at the end, the others in random order */
	for (v = 0; v < N_LETTER; v++) {
		int m = cnt[v];
		uint8_t *e = to + start[v], t;
		if (m == 0) continue;
		if (v != root) {
			t = e[last[v]], e[last[v]] = e[m - 1], e[m - 1] = t;
			m--;
		}
		if (m > 1) gsl_ran_shuffle(rng, e, m, 1);
	}
	/* (3) the Eulerian walk */
	out[0] = x[0];
	for (i = 1, u = x[0]; i < n; i++) u = out[i] = to[start[u] + used[u]++];
	free(to);
	return TS_OK;
}
