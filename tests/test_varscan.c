/* test_varscan: allele windows and best overlapping matches (varscan.h)
 * against a brute-force oracle that knows nothing of windows or trimming:
 * it substitutes ALT into the whole sequence, takes the changed interval
 * from the positions REF and ALT occupy after removing their common prefix
 * and suffix, and scores every window of the whole reference and alternate
 * sequences that overlaps it (or spans it, when empty), both strands.
 * Random SNVs, MNPs, insertions and deletions, at the sequence ends too,
 * with N in the sequence, over every motif of a bundled subset. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <string.h>
#include "cnn1d/varscan.h"
#include "io/motif.h"
#include "util/log.h"
#include "util/paths.h"

#define GLEN 600

static void oracle(const pwm_t *p, const char *seq, int64_t n, int64_t a, int64_t b, int32_t *best_q)
{
	int64_t s;
	int w = p->w, i, strand;
	*best_q = -1;
	for (s = 0; s + w <= n; s++) {
		int ok = 1, over = a == b ? s <= a - 1 && s + w - 1 >= a : s <= b - 1 && s + w - 1 >= a;
		for (i = 0; i < w && ok; i++) ok = strchr("ACGT", seq[s + i]) != NULL;
		if (!over || !ok) continue;
		for (strand = 0; strand < 2; strand++) {
			int32_t q = 0;
			for (i = 0; i < w; i++) {
				int x = (int)(strchr("ACGT", seq[s + i]) - "ACGT");
				q += strand ? p->q[4 * (w - 1 - i) + 3 - x] : p->q[4 * i + x];
			}
			if (q > *best_q) *best_q = q;
		}
	}
}

static char base(gsl_rng *r) { return "ACGT"[gsl_rng_uniform_int(r, 4)]; }

Test(varscan, best_windows_equal_brute_force)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	const char *path = "data/" TS_DEFAULT_MOTIFS;
	char err[TS_ERRLEN], seq[GLEN + 1], alt_seq[GLEN + 64], ref[16], alt[16];
	motif_set_t *set = NULL;
	const double bg[4] = {0.25, 0.25, 0.25, 0.25};
	pwm_t pw[40];
	int k, rep, flank = 0, checked = 0, nm;
	int64_t i;
	cr_assert_eq(motif_read(path, &set, err), TS_OK, "%s", err);
	nm = set->n < 40 ? set->n : 40;
	for (k = 0; k < nm; k++) {
		cr_assert_eq(pwm_build(&pw[k], &set->a[k * (set->n / nm)], bg, 0.1), TS_OK);
		if (pw[k].w - 1 > flank) flank = pw[k].w - 1;
	}
	gsl_rng_set(r, 5);
	for (i = 0; i < GLEN; i++) seq[i] = gsl_rng_uniform(r) < 0.01 ? 'N' : base(r);
	seq[GLEN] = '\0';
	for (rep = 0; rep < 300; rep++) {
		/* REF at pos (shared padding base kept, as VCF writes indels) */
		int kind = rep % 4, nr, na, j;
		int64_t pos = rep % 25 == 0 ? 0 : rep % 25 == 1 ? GLEN - 6 : (int64_t)gsl_rng_uniform_int(r, GLEN - 6);
		int64_t lb, cb, ce, re, pre, a0, b0, a1, b1, n_alt;
		vs_alleles_t v;
		nr = kind == 0 ? 1 : kind == 1 ? 1 + (int)gsl_rng_uniform_int(r, 3) : kind == 2 ? 1 : 2 + (int)gsl_rng_uniform_int(r, 4);
		memcpy(ref, seq + pos, nr);
		ref[nr] = '\0';
		if (kind == 0 || kind == 1) {  /* SNV, MNP: same length, every base changed */
			for (j = 0; j < nr; j++) do alt[j] = base(r); while (alt[j] == ref[j]);
			na = nr;
		} else if (kind == 2) {  /* insertion after the padding base */
			na = 2 + (int)gsl_rng_uniform_int(r, 5);
			alt[0] = ref[0];
			for (j = 1; j < na; j++) alt[j] = base(r);
		} else {  /* deletion after the padding base */
			na = 1;
			alt[0] = ref[0];
		}
		alt[na] = '\0';
		/* the oracle's changed interval: common prefix and suffix removed */
		pre = 0;
		while (pre < nr && pre < na && ref[pre] == alt[pre]) pre++;
		{
			int64_t suf = 0;
			while (suf < nr - pre && suf < na - pre && ref[nr - 1 - suf] == alt[na - 1 - suf]) suf++;
			a0 = pos + pre, b0 = pos + nr - suf;
			a1 = pos + pre, b1 = pos + na - suf;
		}
		memcpy(alt_seq, seq, pos);
		memcpy(alt_seq + pos, alt, na);
		memcpy(alt_seq + pos + na, seq + pos + nr, GLEN - pos - nr);
		n_alt = GLEN - nr + na;
		alt_seq[n_alt] = '\0';
		/* the windows as the CLI builds them */
		vs_flank_range(ref, alt, pos, flank, &lb, &cb, &ce, &re);
		if (re > GLEN) re = GLEN;
		cr_assert_eq(vs_alleles(ref, alt, pos, seq + lb, cb - lb, seq + ce, re - ce, &v), TS_OK);
		for (k = 0; k < nm; k++) {
			vs_best_t best[2];
			int32_t want[2];
			vs_best(&pw[k], &v, 0, 1, &best[0]);
			vs_best(&pw[k], &v, 1, 1, &best[1]);
			oracle(&pw[k], seq, GLEN, a0, b0, &want[0]);
			oracle(&pw[k], alt_seq, n_alt, a1, b1, &want[1]);
			cr_assert_eq(best[0].q, want[0], "rep %d %s>%s at %lld, motif %d: ref best %d, oracle %d", rep, ref, alt, (long long)pos,
				     k, best[0].q, want[0]);
			cr_assert_eq(best[1].q, want[1], "rep %d %s>%s at %lld, motif %d: alt best %d, oracle %d", rep, ref, alt, (long long)pos,
				     k, best[1].q, want[1]);
			checked += 2;
		}
		vs_alleles_free(&v);
	}
	cr_log_info("%d allele x motif bests checked", checked);
	for (k = 0; k < nm; k++) pwm_free(&pw[k]);
	motif_set_free(set);
	gsl_rng_free(r);
}

/* Overlap at the ends of a change and across the junction of an empty one. */
Test(varscan, overlap_rule)
{
	vs_alleles_t v;
	cr_assert_eq(vs_alleles("AC", "A", 10, "GGGG", 4, "TTTT", 4, &v), TS_OK);  /* deletion of C */
	cr_assert_eq(v.a[0], 4); cr_assert_eq(v.b[0], 5);  /* ref: the C */
	cr_assert_eq(v.a[1], 4); cr_assert_eq(v.b[1], 4);  /* alt: the junction G|T */
	cr_assert(vs_overlaps(&v, 0, 4, 1) && vs_overlaps(&v, 0, 2, 3) && !vs_overlaps(&v, 0, 5, 3) && !vs_overlaps(&v, 0, 1, 3));
	cr_assert(vs_overlaps(&v, 1, 3, 2) && !vs_overlaps(&v, 1, 4, 2) && !vs_overlaps(&v, 1, 2, 2) && vs_overlaps(&v, 1, 0, 8));
	cr_assert_eq(v.ref_beg, 10 + 1 - 4);
	vs_alleles_free(&v);
}
