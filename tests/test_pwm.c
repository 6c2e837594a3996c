/* test_pwm: the p-value DP against exhaustive enumeration of every word.
 *
 * For each bundled JASPAR motif short enough to enumerate (4^W words), the
 * distribution of the integer score over all words, weighted by the
 * background, must equal the DP's table; and the p-value of each word's real
 * log-odds score must lie within the documented scaling bound. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cnn1d/pwm.h"
#include "io/motif.h"
#include "util/log.h"

#define JASPAR "data/motifs/JASPAR2024_CORE_vertebrates_non-redundant_pfms_transfac.txt"

static motif_set_t *jaspar(void)
{
	motif_set_t *set;
	char err[TS_ERRLEN];
	cr_assert_eq(motif_read(JASPAR, &set, err), TS_OK, "%s", err);
	return set;
}

/* dist[Q] += P(word) over all 4^w words, by recursion over positions. */
static void enumerate(const pwm_t *p, const double bg[4], int i, int q, double prob, double *dist)
{
	int x;
	if (i == p->w) {
		dist[q] += prob;
		return;
	}
	for (x = 0; x < 4; x++) enumerate(p, bg, i + 1, q + p->q[4 * i + x], prob * bg[x], dist);
}

static int check_dp_against_enumeration(const motif_t *m, const double bg[4])
{
	pwm_t p;
	int q;
	double tail = 0;
	cr_assert_eq(pwm_build(&p, m, bg, 0.1), TS_OK);
	double *dist = calloc(p.max_q + 1, sizeof *dist);
	enumerate(&p, bg, 0, 0, 1.0, dist);
	for (q = p.max_q; q >= 0; q--) {
		tail += dist[q];
		cr_assert(fabs(p.pv[q] - tail) <= 1e-12 + 1e-9 * tail, "%s: pv[%d] = %.17g, enumeration %.17g", m->id, q, p.pv[q], tail);
	}
	cr_assert(fabs(p.pv[0] - 1) < 1e-12);
	free(dist);
	pwm_free(&p);
	return 1;
}

Test(pwm, dp_equals_enumeration_uniform, .timeout = 300)
{
	motif_set_t *set = jaspar();
	const double uniform[4] = {0.25, 0.25, 0.25, 0.25};
	int k, n = 0;
	for (k = 0; k < set->n; k++)
		if (set->a[k].w <= 10) n += check_dp_against_enumeration(&set->a[k], uniform);
	cr_assert_gt(n, 100, "only %d motifs of width <= 10", n);
	motif_set_free(set);
}

Test(pwm, dp_equals_enumeration_skewed, .timeout = 300)
{
	motif_set_t *set = jaspar();
	const double skewed[4] = {0.4, 0.1, 0.15, 0.35};  /* not even strand-symmetric */
	int k, n = 0;
	for (k = 0; k < set->n; k++)
		if (set->a[k].w <= 9) n += check_dp_against_enumeration(&set->a[k], skewed);
	cr_assert_gt(n, 50);
	motif_set_free(set);
}

typedef struct {
	double score, prob;
	int q;
} word_t;

static int cmp_word_desc(const void *a, const void *b)
{
	double x = ((const word_t *)a)->score, y = ((const word_t *)b)->score;
	return x < y ? 1 : x > y ? -1 : 0;
}

/* P(real score >= s) from words sorted by descending score. */
static double real_tail(const word_t *words, const double *cum, int n, double s)
{
	int lo = 0, hi = n;  /* first index with score < s */
	while (lo < hi) {
		int mid = (lo + hi) / 2;
		if (words[mid].score >= s) lo = mid + 1;
		else hi = mid;
	}
	return lo ? cum[lo - 1] : 0;
}

Test(pwm, pvalues_within_scaling_bound, .timeout = 300)
{
	motif_set_t *set = jaspar();
	const double bg[4] = {0.3, 0.2, 0.2, 0.3};
	int k, checked = 0;
	for (k = 0; k < set->n; k++) {
		const motif_t *m = &set->a[k];
		pwm_t p;
		int n = 1, i, j;
		if (m->w > 8) continue;
		cr_assert_eq(pwm_build(&p, m, bg, 0.1), TS_OK);
		for (i = 0; i < m->w; i++) n *= 4;
		word_t *words = malloc(n * sizeof *words);
		double *cum = malloc(n * sizeof *cum);
		uint8_t nt4[16];
		for (i = 0; i < n; i++) {
			words[i].prob = 1;
			words[i].q = 0;
			for (j = 0; j < m->w; j++) {
				nt4[j] = (i >> (2 * j)) & 3;
				words[i].prob *= bg[nt4[j]];
				words[i].q += p.q[4 * j + nt4[j]];
			}
			words[i].score = pwm_score(&p, nt4, 0);
		}
		qsort(words, n, sizeof *words, cmp_word_desc);
		for (i = 0; i < n; i++) cum[i] = (i ? cum[i - 1] : 0) + words[i].prob;
		/* documented: Q/scale + w·offset is within b = w/(2·scale) bits of
		 * the real score, so pv[Q] lies between the real tails at s ± 2b */
		double b = m->w / (2 * p.scale) + 1e-9, bound = 2 * b;
		for (i = 0; i < n; i++) {
			double pv = p.pv[words[i].q];
			double hi = real_tail(words, cum, n, words[i].score - bound), lo = real_tail(words, cum, n, words[i].score + bound);
			cr_assert(pv <= hi + 1e-9 && pv >= lo - 1e-9, "%s word %d: pv %g outside [%g, %g]", m->id, i, pv, lo, hi);
			cr_assert(fabs(words[i].q / p.scale + m->w * p.offset - words[i].score) <= b);
		}
		checked++;
		free(words);
		free(cum);
		pwm_free(&p);
	}
	cr_assert_gt(checked, 50);
	motif_set_free(set);
}

Test(pwm, thresholds)
{
	motif_set_t *set = jaspar();
	const double bg[4] = {0.25, 0.25, 0.25, 0.25};
	int k;
	for (k = 0; k < set->n; k += 7) {
		pwm_t p;
		cr_assert_eq(pwm_build(&p, &set->a[k], bg, 0.1), TS_OK);
		int t = pwm_threshold(&p, 1e-4);
		if (t <= p.max_q) cr_assert_lt(p.pv[t], 1e-4);
		if (t > 0) cr_assert_geq(p.pv[t - 1], 1e-4);
		/* the min-score bound is conservative: Q >= T for every real score >= S */
		double S = 8.0;
		int T = pwm_threshold_score(&p, S);
		cr_assert_leq((T - 0.5 * p.w) / p.scale + p.w * p.offset, S + 1e-9);
		pwm_free(&p);
	}
	motif_set_free(set);
}

/* The banded DP of a scan (pwm_build_tail, pwm_pv_from) gives every level
 * it keeps bit-identical to the full table, and the same threshold. */
Test(pwm, tail_table_equals_full_table)
{
	motif_set_t *set = jaspar();
	const double bg[4] = {0.3, 0.2, 0.2, 0.3}, th[3] = {1e-2, 1e-4, 1e-8};
	int k, i, q;
	for (k = 0; k < set->n; k += 3) {
		pwm_t full, tail;
		cr_assert_eq(pwm_build(&full, &set->a[k], bg, 0.1), TS_OK);
		for (i = 0; i < 3; i++) {
			cr_assert_eq(pwm_build_tail(&tail, &set->a[k], bg, 0.1, th[i]), TS_OK);
			cr_assert(tail.pv_base == 0 || pwm_pvalue(&tail, tail.pv_base) >= th[i]);
			cr_assert_eq(pwm_threshold(&tail, th[i]), pwm_threshold(&full, th[i]), "%s at %g", set->a[k].id, th[i]);
			for (q = tail.pv_base; q <= full.max_q + 1; q++) cr_assert(pwm_pvalue(&tail, q) == full.pv[q], "%s: level %d", set->a[k].id, q);
			cr_assert_eq(pwm_pv_from(&tail, full.max_q / 2), TS_OK);
			for (q = full.max_q / 2; q <= full.max_q + 1; q++) cr_assert(pwm_pvalue(&tail, q) == full.pv[q]);
			pwm_free(&tail);
		}
		pwm_free(&full);
	}
	motif_set_free(set);
}

/* The DP's twin: the full table by the recurrence's plain scalar loops
 * (terms added in the order pwm.c documents: q descending, then x). */
static double *pv_plain(const pwm_t *p)
{
	int i, x, s, top = 0;
	double *pdf = calloc(p->max_q + 1, sizeof *pdf), *next = calloc(p->max_q + 1, sizeof *next), *pv = calloc(p->max_q + 2, sizeof *pv);
	pdf[0] = 1;
	for (i = 0; i < p->w; i++) {
		const int *q = &p->q[4 * i];
		int col_max = 0, order[4] = {0, 1, 2, 3}, a, b;
		for (x = 0; x < 4; x++)
			if (q[x] > col_max) col_max = q[x];
		for (a = 1; a < 4; a++)
			for (b = a; b > 0 && q[order[b - 1]] < q[order[b]]; b--) {
				int t = order[b];
				order[b] = order[b - 1];
				order[b - 1] = t;
			}
		memset(next, 0, (p->max_q + 1) * sizeof *next);
		for (a = 0; a < 4; a++)
			for (s = 0; s <= top; s++) next[s + q[order[a]]] += pdf[s] * p->bg[order[a]];
		top += col_max;
		memcpy(pdf, next, (p->max_q + 1) * sizeof *pdf);
	}
	for (s = p->max_q; s >= 0; s--) pv[s] = pv[s + 1] + pdf[s];
	free(pdf);
	free(next);
	return pv;
}

/* The vectorised DP (any vector width the CPU has) gives the plain loops'
 * bits, for every bundled motif, in full and in bands. */
Test(pwm, dp_equals_plain_loops)
{
	motif_set_t *set = jaspar();
	const double bg[2][4] = {{0.25, 0.25, 0.25, 0.25}, {0.4, 0.1, 0.15, 0.35}};
	int k, b, q;
	for (k = 0; k < set->n; k++)
		for (b = 0; b < 2; b++) {
			pwm_t p;
			double *pv;
			cr_assert_eq(pwm_build(&p, &set->a[k], bg[b], 0.1), TS_OK);
			pv = pv_plain(&p);
			for (q = 0; q <= p.max_q + 1; q++) cr_assert(p.pv[q] == pv[q], "%s: level %d: %.17g, plain %.17g", set->a[k].id, q, p.pv[q], pv[q]);
			cr_assert_eq(pwm_pv_from(&p, p.max_q - 100 * (k % 20)), TS_OK);
			for (q = p.pv_base; q <= p.max_q + 1; q++) cr_assert(pwm_pvalue(&p, q) == pv[q], "%s: band from %d, level %d", set->a[k].id, p.pv_base, q);
			free(pv);
			pwm_free(&p);
		}
	motif_set_free(set);
}

Test(pwm, reverse_strand_is_reverse_complement)
{
	motif_set_t *set = jaspar();
	const double bg[4] = {0.25, 0.25, 0.25, 0.25};
	pwm_t p;
	uint8_t word[40], rc[40];
	int i, trial;
	const motif_t *m = &set->a[1];
	cr_assert_eq(pwm_build(&p, m, bg, 0.1), TS_OK);
	srand(7);
	for (trial = 0; trial < 100; trial++) {
		for (i = 0; i < m->w; i++) word[i] = rand() & 3;
		for (i = 0; i < m->w; i++) rc[i] = 3 - word[m->w - 1 - i];
		cr_assert(fabs(pwm_score(&p, word, 1) - pwm_score(&p, rc, 0)) < 1e-12);
	}
	pwm_free(&p);
	motif_set_free(set);
}

Test(pwm, log_odds_formula)
{
	/* one column, nsites 10, pseudocount 0.1, uniform background */
	double prob[4] = {0.5, 0.5, 0, 0};
	motif_t m = {.id = "x", .w = 1, .p = prob, .nsites = 10};
	const double bg[4] = {0.25, 0.25, 0.25, 0.25};
	pwm_t p;
	cr_assert_eq(pwm_build(&p, &m, bg, 0.1), TS_OK);
	cr_assert_float_eq(p.lo[0], log2(((0.1 * 0.25 + 10 * 0.5) / 10.1) / 0.25), 1e-12);
	cr_assert_float_eq(p.lo[2], log2(((0.1 * 0.25) / 10.1) / 0.25), 1e-12);
	cr_assert_float_eq(p.offset, floor(p.lo[2]), 0);
	cr_assert_float_eq(p.scale, floor(1000 / (p.lo[0] - p.offset)), 0);
	pwm_free(&p);
}

Test(pwm, background_files)
{
	double bg[4];
	char err[TS_ERRLEN];
	cr_assert_eq(pwm_bg_read("data/fixtures/pwm/markov1.bg", bg, err), TS_OK, "%s", err);
	cr_assert_float_eq(bg[0], 0.3, 1e-12);
	cr_assert_float_eq(bg[1], 0.2, 1e-12);
	cr_assert_float_eq(bg[3], 0.3, 1e-12);
	cr_assert_eq(pwm_bg_read("data/fixtures/pwm/missing_t.bg", bg, err), TS_EDATA);
	cr_assert_str_eq(err, "data/fixtures/pwm/missing_t.bg: no 0-order frequency for T");
	cr_assert_eq(pwm_bg_read("data/fixtures/pwm/bad_value.bg", bg, err), TS_EDATA);
	cr_assert_str_eq(err, "data/fixtures/pwm/bad_value.bg:3: frequency '0.2x' of G is not a number in (0, 1]");
	cr_assert_eq(pwm_bg_read("data/fixtures/pwm/nonexistent.bg", bg, err), TS_EIO);
}

/* A comment longer than any line buffer is one line, not two. */
Test(pwm, background_long_comment)
{
	double bg[4];
	char err[TS_ERRLEN];
	cr_assert_eq(pwm_bg_read("data/fixtures/bad/long_comment.bg", bg, err), TS_OK, "%s", err);
	cr_assert_float_eq(bg[0], 0.3, 1e-12);
	cr_assert_float_eq(bg[2], 0.2, 1e-12);
}

/* A letter given twice is an error at the second line, not a sum of 1.6. */
Test(pwm, background_duplicate_letter)
{
	double bg[4];
	char err[TS_ERRLEN];
	cr_assert_eq(pwm_bg_read("data/fixtures/bad/dup_letter.bg", bg, err), TS_EDATA);
	cr_assert_str_eq(err, "data/fixtures/bad/dup_letter.bg:5: second 0-order frequency for A (first at line 1)");
}
