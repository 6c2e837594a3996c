/* test_hits: a TSV line composed without printf is printf's line, whole or
 * as its motif part followed by its site part. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "io/hits.h"

static void check_line(const hit_t *h)
{
	char want[1024], got[1024], parts[1024];
	size_t n, m;
	int k = snprintf(want, sizeof want, "%s\t%s\t%s\t%lld\t%lld\t%c\t%g\t%.3g\t", h->motif_id, h->motif_alt ? h->motif_alt : "",
			 h->seq_name, (long long)h->start + 1, (long long)(h->start + h->w), h->strand, h->score, h->pvalue);
	if (!isnan(h->qvalue)) k += snprintf(want + k, sizeof want - k, "%.3g", h->qvalue);
	snprintf(want + k, sizeof want - k, "\t%s\n", h->matched ? h->matched : "");
	n = hits_tsv_line(got, sizeof got, h);
	cr_assert_eq(n, strlen(want));
	cr_assert(memcmp(got, want, n) == 0, "%.*s differs from %s", (int)n, got, want);
	n = hits_tsv_motif(parts, sizeof parts, h);
	m = hits_tsv_site(parts + n, sizeof parts - n, h);
	cr_assert(n > 0 && m > 0 && n + m == strlen(want) && memcmp(parts, want, n + m) == 0);
	cr_assert_eq(hits_tsv_line(got, n + m - 1, h), 0, "a line too long for the buffer is not written");
}

Test(hits, tsv_line_is_printfs)
{
	static const char *const seqs[] = {"ACGTACGTAC", "acgtNNACGT", "TTTTTTTTTT"};
	hit_t h = {.motif_id = "MA0139.2", .motif_alt = "CTCF", .seq_name = "NC_000913.3", .w = 10, .qvalue = NAN};
	int i;
	srand(5);
	for (i = 0; i < 3000; i++) {
		h.motif_alt = i % 3 == 0 ? NULL : i % 3 == 1 ? "" : "CTCF";
		h.start = rand() % 5000000;
		h.strand = i & 1 ? '-' : '+';
		h.score = (rand() % 4000000 - 500000) / 1e5;
		h.pvalue = ldexp((double)rand() / RAND_MAX + 0.5, -(rand() % 40));
		h.qvalue = i % 4 ? NAN : (double)rand() / RAND_MAX;
		h.matched = i % 5 ? seqs[i % 3] : NULL;
		check_line(&h);
	}
}
