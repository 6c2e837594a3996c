/* test_dp_simd: the float anti-diagonal forward kernels (plain-C twin, AVX2,
 * AVX-512) against the double row-scaled phmm_forward.
 *
 * Random pairs of 0..300 × 0..300 (related or not, N and IUPAC codes, random
 * parameters) agree to 10^-6 relative in float; 20 kb of mismatching
 * sequence stays in float and agrees too (the per-diagonal exponent keeps it
 * from underflowing); pairs the criterion of dp_simd.h sends back to double
 * (parameters below float range, ln P tiny per base, probability 0) are
 * reported as PHMM_REDO by the kernel and equal phmm_forward to 10^-12
 * through phmm_forward_fast; banded and glocal pairs go to phmm_forward.
 * Kernels the CPU lacks are skipped. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "io/pairs.h"
#include "pairhmm/dp_impl.h"
#include "pairhmm/dp_simd.h"
#include "pairhmm/dp_simd_impl.h"
#include "pairhmm/json.h"
#include "pairhmm/pairset.h"
#include "util/log.h"

#ifdef TS_SANITIZE
#define LONG_N 4000  /* instrumented code is ~10x slower */
#else
#define LONG_N 20000
#endif

static void random_params(phmm_params_t *p, gsl_rng *r)
{
	double s = 0;
	int a, b;
	p->tau = 0.001 + 0.1 * gsl_rng_uniform(r);
	p->dX = 0.005 + 0.2 * gsl_rng_uniform(r);
	p->dY = 0.005 + 0.2 * gsl_rng_uniform(r);
	p->eX = 0.05 + 0.7 * gsl_rng_uniform(r);
	p->eY = 0.05 + 0.7 * gsl_rng_uniform(r);
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) s += p->p[a][b] = 0.01 + gsl_rng_uniform(r) + 3 * (a == b);
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) p->p[a][b] /= s;
	for (s = 0, a = 0; a < 4; a++) s += p->qX[a] = 0.2 + gsl_rng_uniform(r);
	for (a = 0; a < 4; a++) p->qX[a] /= s;
	for (s = 0, a = 0; a < 4; a++) s += p->qY[a] = 0.2 + gsl_rng_uniform(r);
	for (a = 0; a < 4; a++) p->qY[a] /= s;
}

static double ambiguous = 0.25;  /* fraction of N and IUPAC codes */

static uint8_t random_code(gsl_rng *r)
{
	static const uint8_t iupac[] = {15, 15, 5, 10, 3, 12};
	if (gsl_rng_uniform(r) < ambiguous) return iupac[gsl_rng_uniform_int(r, sizeof iupac)];
	return (uint8_t)(1 << gsl_rng_uniform_int(r, 4));
}

/* x random; y unrelated (m residues), or x with substitutions, insertions
 * (rate ins) and deletions (rate del), stopping when x is used up or y has
 * m residues.  Returns the length of y. */
static int64_t random_pair(uint8_t *x, int64_t n, uint8_t *y, int64_t m, int related, double ins, double del, gsl_rng *r)
{
	int64_t i, j = 0;
	for (i = 0; i < n; i++) x[i] = random_code(r);
	for (i = 0; j < m && (!related || i < n); j++) {
		double u = gsl_rng_uniform(r);
		if (!related || u < ins) y[j] = random_code(r);
		else if (u < ins + del) i++, j--;  /* x_i deleted from y */
		else y[j] = u < ins + del + 0.1 ? random_code(r) : x[i++];
	}
	return j;
}

/* x random (m ≥ n + 8 room in y); y is x with 8% substitutions and 3%
 * insertions and 3% deletions kept within 8 of each other.  Returns y's length. */
static int64_t balanced_pair(uint8_t *x, int64_t n, uint8_t *y, gsl_rng *r)
{
	int64_t i, j = 0, bal = 0;
	for (i = 0; i < n; i++) x[i] = random_code(r);
	for (i = 0; i < n;) {
		double u = gsl_rng_uniform(r);
		if (u < 0.03 && bal < 8) y[j++] = random_code(r), bal++;
		else if (u < 0.06 && bal > -8) i++, bal--;
		else y[j++] = u < 0.14 ? random_code(r) : x[i], i++;
	}
	return j;
}

static int close_rel(double a, double b, double rel) { return fabs(a - b) <= rel * fabs(b); }

static void require(phmm_kernel_t k)
{
	if (!phmm_kernel_supported(k)) cr_skip_test("this CPU lacks %s", phmm_kernel_label(k));
}

static void random_pairs_agree(phmm_kernel_t k)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t x[320], y[320];  /* lengths up to 312 */
	int rep, skipped = 0, redo = 0, st;
	require(k);
	gsl_rng_set(r, 31);
	for (rep = 0; rep < 600; rep++) {
		phmm_params_t p;
		phmm_tables_t t;
		/* every length 1..300 on one side; the other within ±12 of it, or
		 * (one in 4) anything in 0..300, which the float kernels often
		 * leave to double (criterion f) */
		int64_t n = rep % 300 + 1, m = rep % 4 == 0 ? (int64_t)gsl_rng_uniform_int(r, 301)
							 : n - 12 + (int64_t)gsl_rng_uniform_int(r, 25);
		if (m < 0) m = 0;
		phmm_pair_t pr = {.x = x, .n = rep & 1 ? n : m, .y = y, .m = rep & 1 ? m : n};
		double f, s;
		random_params(&p, r);
		phmm_tables(&p, &t);
		pr.m = random_pair(x, pr.n, y, pr.m, rep % 3 != 0, 0.05, 0.05, r);
		/* the double code's rows underflow when one row spans more than
		 * e^-745 (very unequal lengths): no oracle for those */
		if (phmm_forward(&t, &pr, &s) != TS_OK) {
			skipped++;
			continue;
		}
		st = phmm_forward_kernel(k, &t, &pr, &f);
		cr_assert(st == TS_OK || st == PHMM_REDO, "%s: status %d", phmm_kernel_label(k), st);
		if (st == PHMM_REDO) {  /* refused: phmm_forward_fast gives the double answer */
			redo++;
			cr_assert_eq(phmm_forward_fast(&t, &pr, &f), TS_OK);
			cr_assert(fabs(f - s) <= 1e-12 * fabs(s));
			continue;
		}
		cr_assert(close_rel(f, s, 1e-6), "%s, %ld x %ld: %.12g, double %.12g", phmm_kernel_label(k), (long)pr.n,
			  (long)pr.m, f, s);
	}
	cr_log_info("%s: %d of 600 pairs kept in float, %d redone in double, %d without a double answer",
		    phmm_kernel_label(k), 600 - redo - skipped, redo, skipped);
	cr_assert_gt(600 - redo - skipped, 400, "%s kept only %d of 600 pairs in float", phmm_kernel_label(k), 600 - redo - skipped);
	cr_assert_lt(skipped, 60, "%d of 600 pairs without a double answer", skipped);
	gsl_rng_free(r);
}

/* The AVX-512 stripe pass alone, for every n from 1 (below
 * PHMM_STRIPE_MIN_N too, where lanes idle), on related pairs whose lengths
 * differ by ≤ 12, and on unrelated ones whose values fall by ~2 bits a
 * diagonal, so that blocks rescale: one pass agrees with double to 10^-6. */
Test(dp_simd, stripe_pass_equals_double)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t x[320], y[320];
	int rep, kept = 0;
	require(PHMM_KERNEL_AVX512);
	gsl_rng_set(r, 47);
	for (rep = 0; rep < 400; rep++) {
		phmm_params_t p;
		phmm_tables_t t;
		int64_t n = rep % 200 + 1, m = n - 12 + (int64_t)gsl_rng_uniform_int(r, 25);
		phmm_pair_t pr = {.x = x, .n = n, .y = y, .m = m < 1 ? 1 : m};
		double f, s;
		random_params(&p, r);
		phmm_tables(&p, &t);
		pr.m = random_pair(x, pr.n, y, pr.m, rep % 4 != 0, 0.05, 0.05, r);
		if (pr.m < 1 || phmm_forward(&t, &pr, &s) != TS_OK) continue;
		cr_assert_eq(phmm_forward_stripe_pass(&t, &pr, &f), TS_OK, "%ld x %ld", (long)pr.n, (long)pr.m);
		cr_assert(close_rel(f, s, 1e-6), "stripes, %ld x %ld: %.12g, double %.12g", (long)pr.n, (long)pr.m, f, s);
		kept++;
	}
	cr_assert_gt(kept, 350);
	gsl_rng_free(r);
}

/* The stripe forward with the redo criteria from both ends: kept pairs
 * agree with double to 10^-6, refused ones are the unbalanced few. */
Test(dp_simd, stripes_equal_double)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t x[320], y[320];
	int rep, kept = 0, st;
	require(PHMM_KERNEL_AVX512);
	gsl_rng_set(r, 48);
	for (rep = 0; rep < 300; rep++) {
		phmm_params_t p;
		phmm_tables_t t;
		int64_t n = 16 + rep % 285, m = rep % 4 == 0 ? 1 + (int64_t)gsl_rng_uniform_int(r, 300)
							 : n - 12 + (int64_t)gsl_rng_uniform_int(r, 25);
		phmm_pair_t pr = {.x = x, .n = n, .y = y, .m = m};
		double f, s;
		random_params(&p, r);
		phmm_tables(&p, &t);
		pr.m = random_pair(x, pr.n, y, pr.m, rep % 3 != 0, 0.05, 0.05, r);
		if (pr.m < 1 || phmm_forward(&t, &pr, &s) != TS_OK) continue;
		st = phmm_forward_stripes(&t, &pr, &f);
		cr_assert(st == TS_OK || st == PHMM_REDO, "status %d", st);
		if (st == PHMM_REDO) continue;
		cr_assert(close_rel(f, s, 1e-6), "stripes, %ld x %ld: %.12g, double %.12g", (long)pr.n, (long)pr.m, f, s);
		kept++;
	}
	cr_assert_gt(kept, 220, "stripes kept only %d of 300", kept);
	gsl_rng_free(r);
}

Test(dp_simd, f32c_equals_double) { random_pairs_agree(PHMM_KERNEL_F32_C); }
Test(dp_simd, avx2_equals_double) { random_pairs_agree(PHMM_KERNEL_AVX2); }
Test(dp_simd, avx512_equals_double) { random_pairs_agree(PHMM_KERNEL_AVX512); }

/* The double pass (phmm_forward_fast64, the EM's final ln L) against the
 * long double row-scaled forward on the same random pairs: 10^-11 relative
 * when kept, and a refused pair gives phmm_forward's answer exactly.  (Not
 * against phmm_forward itself: its double rows lose mass silently on very
 * unequal lengths — 17 x 241 here: ln P off by 0.0028 — where the per-
 * diagonal exponent of the sum form and its lost-mass bound do not.) */
static void random_pairs_agree64(phmm_kernel_t k)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t x[320], y[320];
	int rep, kept = 0, st;
	require(k);
	gsl_rng_set(r, 32);
	for (rep = 0; rep < 600; rep++) {
		phmm_params_t p;
		phmm_tables_t t;
		int64_t n = rep % 300 + 1, m = rep % 4 == 0 ? (int64_t)gsl_rng_uniform_int(r, 301)
							 : n - 12 + (int64_t)gsl_rng_uniform_int(r, 25);
		phmm_pair_t pr = {.x = x, .n = rep & 1 ? n : (m < 0 ? 0 : m), .y = y, .m = rep & 1 ? (m < 0 ? 0 : m) : n};
		double f, s, ld;
		random_params(&p, r);
		phmm_tables(&p, &t);
		pr.m = random_pair(x, pr.n, y, pr.m, rep % 3 != 0, 0.05, 0.05, r);
		if (phmm_forward(&t, &pr, &s) != TS_OK || phmm_forward_ld(&t, &pr, &ld) != TS_OK) continue;
		st = phmm_forward_kernel64(k, &t, &pr, &f);
		cr_assert(st == TS_OK || st == PHMM_REDO, "%s: status %d", phmm_kernel_label(k), st);
		if (st == PHMM_REDO) {
			cr_assert_eq(phmm_forward_fast64(&t, &pr, &f), TS_OK);
			cr_assert_eq(f, s);
			continue;
		}
		kept++;
		cr_assert(close_rel(f, ld, 1e-11), "%s double, %ld x %ld: %.15g, long double %.15g", phmm_kernel_label(k),
			  (long)pr.n, (long)pr.m, f, ld);
	}
	cr_log_info("%s double: %d of 600 pairs kept", phmm_kernel_label(k), kept);
	cr_assert_gt(kept, 500, "%s double kept only %d of 600 pairs", phmm_kernel_label(k), kept);
	gsl_rng_free(r);
}

Test(dp_simd, f64c_equals_double) { random_pairs_agree64(PHMM_KERNEL_F32_C); }
Test(dp_simd, avx512_f64_equals_double) { random_pairs_agree64(PHMM_KERNEL_AVX512); }

/* A long related pair (indels balanced: every diagonal fits float's range)
 * against the double code. */
static void long_related_agrees(phmm_kernel_t k, int64_t n)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t *x = malloc(n), *y = malloc(n + 16);
	phmm_params_t p;
	phmm_tables_t t;
	phmm_pair_t pr = {.x = x, .n = n, .y = y};
	double f, s;
	require(k);
	gsl_rng_set(r, 44);
	ambiguous = 0.02;
	phmm_params_default(&p);
	phmm_tables(&p, &t);
	pr.m = balanced_pair(x, n, y, r);
	cr_assert_eq(phmm_forward(&t, &pr, &s), TS_OK);
	cr_assert_eq(phmm_forward_kernel(k, &t, &pr, &f), TS_OK);
	cr_assert(isfinite(s) && s < -1000);
	cr_assert(close_rel(f, s, 1e-6), "%s, %ld x %ld: %.12g, double %.12g", phmm_kernel_label(k), (long)n, (long)pr.m, f, s);
	free(x);
	free(y);
	gsl_rng_free(r);
}

/* n kb of mismatching (unrelated) sequence: ln P ≈ −1.5 per residue.  The
 * per-diagonal exponent keeps it in float; phmm_forward's row scaling
 * underflows here (TS_EDATA from about 2 kb), so the SIMD kernel is checked
 * against its plain-C twin instead. */
static void long_unrelated_agrees(phmm_kernel_t k, int64_t n)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t *x = malloc(n), *y = malloc(n);
	phmm_params_t p;
	phmm_tables_t t;
	phmm_pair_t pr = {.x = x, .n = n, .y = y, .m = n};
	double f, c;
	require(k);
	gsl_rng_set(r, 45);
	ambiguous = 0.02;
	phmm_params_default(&p);
	phmm_tables(&p, &t);
	random_pair(x, n, y, n, 0, 0, 0, r);
	cr_assert_eq(phmm_forward_kernel(k, &t, &pr, &f), TS_OK);
	cr_assert_eq(phmm_forward_kernel(PHMM_KERNEL_F32_C, &t, &pr, &c), TS_OK);
	cr_assert(isfinite(f) && f < -2.0 * n && f > -4.0 * n, "ln P %.12g for %ld x %ld", f, (long)n, (long)n);
	cr_assert(close_rel(f, c, 1e-6), "%s %.12g, C twin %.12g", phmm_kernel_label(k), f, c);
	free(x);
	free(y);
	gsl_rng_free(r);
}

Test(dp_simd, long_pairs_f32c, .timeout = 300) { long_related_agrees(PHMM_KERNEL_F32_C, LONG_N / 4); }

Test(dp_simd, long_pairs_avx2, .timeout = 300)
{
	long_related_agrees(PHMM_KERNEL_AVX2, LONG_N / 2);
	long_unrelated_agrees(PHMM_KERNEL_AVX2, LONG_N);
}

Test(dp_simd, long_pairs_avx512, .timeout = 300)
{
	long_related_agrees(PHMM_KERNEL_AVX512, LONG_N / 2);
	long_unrelated_agrees(PHMM_KERNEL_AVX512, LONG_N);
}

/* Every kernel says PHMM_REDO, and phmm_forward_fast gives phmm_forward's
 * answer (and status), on pairs the criterion sends back to double. */
static void redone(const phmm_tables_t *t, const phmm_pair_t *pr, int status, const char *what)
{
	int k;
	double s = 0, f = 0;
	cr_assert_eq(phmm_forward(t, pr, &s), status, "%s: phmm_forward", what);
	for (k = PHMM_KERNEL_F32_C; k < PHMM_KERNEL_COUNT; k++) {
		double g;
		if (!phmm_kernel_supported((phmm_kernel_t)k)) continue;
		cr_assert_eq(phmm_forward_kernel((phmm_kernel_t)k, t, pr, &g), PHMM_REDO, "%s: %s kept its float result", what,
			     phmm_kernel_label((phmm_kernel_t)k));
	}
	cr_assert_eq(phmm_forward_fast(t, pr, &f), status, "%s: phmm_forward_fast", what);
	if (status == TS_OK) cr_assert(fabs(f - s) <= 1e-12 * fabs(s), "%s: %.15g, double %.15g", what, f, s);
}

Test(dp_simd, redo_in_double)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	static uint8_t x[3000], y[3000];
	phmm_params_t p;
	phmm_tables_t t;
	phmm_pair_t pr = {.x = x, .n = 3000, .y = y, .m = 3000};
	int a, b;
	gsl_rng_set(r, 8);
	phmm_params_default(&p);
	/* (a) mismatches at 1e-30 of a match: below float's reach per diagonal */
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) p.p[a][b] = a == b ? 0.25 : 1e-30;
	phmm_tables(&p, &t);
	pr.n = pr.m = 300;
	random_pair(x, 300, y, 300, 0, 0, 0, r);
	redone(&t, &pr, TS_OK, "mismatches at 1e-30");
	pr.n = pr.m = 3000;
	/* (d) runs of N under near-1 transitions: ln P ≈ −0.002 per base */
	phmm_params_default(&p);
	p.dX = p.dY = 0.0005;
	p.tau = 0.0005;
	phmm_tables(&p, &t);
	memset(x, 15, sizeof x);
	memset(y, 15, sizeof y);
	redone(&t, &pr, TS_OK, "N runs");
	/* (b, c) probability 0: code 0 emits nothing */
	pr.m = random_pair(x, 3000, y, 3000, 1, 0.05, 0.05, r);
	x[1500] = 0;
	phmm_params_default(&p);
	phmm_tables(&p, &t);
	redone(&t, &pr, TS_EDATA, "code 0");
	gsl_rng_free(r);
}

/* Balanced lengths but a 150-residue insertion at the start of y and the
 * matching deletion at its end: the forward maximum runs far from the paths
 * that reach (n, m), the case criterion (f) is for.  Whatever the kernel
 * decides, phmm_forward_fast must give phmm_forward's answer. */
Test(dp_simd, shifted_pair_redone_or_equal)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	static uint8_t x[4000], y[4000];
	phmm_params_t p;
	phmm_tables_t t;
	phmm_pair_t pr = {.x = x, .n = 4000, .y = y, .m = 4000};
	double f, s;
	int64_t i;
	gsl_rng_set(r, 12);
	ambiguous = 0;
	phmm_params_default(&p);
	phmm_tables(&p, &t);
	for (i = 0; i < 4000; i++) x[i] = random_code(r);
	for (i = 0; i < 150; i++) y[i] = random_code(r);
	for (; i < 4000; i++) y[i] = gsl_rng_uniform(r) < 0.9 ? x[i - 150] : random_code(r);
	cr_assert_eq(phmm_forward(&t, &pr, &s), TS_OK);
	cr_assert_eq(phmm_forward_fast(&t, &pr, &f), TS_OK);
	cr_assert(close_rel(f, s, 1e-6), "%s: %.12g, double %.12g", phmm_kernel_name(), f, s);
	gsl_rng_free(r);
}

/* A related pair of 1..400 residues (y up to 20 longer) with random
 * parameters in t, banded with half-width 3..40 around the line from (0,0)
 * to (n,m), as around a read's CIGAR path.  0 if y came out empty. */
static int banded_pair(gsl_rng *r, uint8_t *x, uint8_t *y, int32_t *lo, int32_t *hi, phmm_tables_t *t, phmm_pair_t *pr)
{
	phmm_params_t p;
	int64_t n = 1 + (int64_t)gsl_rng_uniform_int(r, 400), i, w = 3 + (int64_t)gsl_rng_uniform_int(r, 38);
	*pr = (phmm_pair_t){.x = x, .n = n, .y = y};
	random_params(&p, r);
	phmm_tables(&p, t);
	pr->m = random_pair(x, n, y, n + 20, 1, 0.04, 0.04, r);
	if (pr->m == 0) return 0;
	for (i = 0; i <= n; i++) {
		int64_t c = i * pr->m / n;
		lo[i] = (int32_t)(c - w), hi[i] = (int32_t)(c + w);
	}
	lo[0] = 0, hi[n] = (int32_t)pr->m;
	pr->lo = lo, pr->hi = hi;
	return 1;
}

/* Glocal pairs go to phmm_forward.  Banded pairs run on the band's cells:
 * bands of half-width 3..40 around the line from (0,0) to (n,m), as around a
 * read's CIGAR path; the float kernels against banded phmm_forward (10^-6,
 * or refused and then exactly phmm_forward), the double pass against the
 * banded long double forward (10^-11). */
Test(dp_simd, banded_kernels_and_glocal_double)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t x[420], y[420];
	int32_t lo[421], hi[421];
	phmm_params_t p;
	phmm_tables_t t;
	phmm_pair_t pr = {.x = x, .n = 200, .y = y, .m = 260, .glocal = 1};
	double f, s, ld;
	int rep, k, kept = 0, kept64 = 0, st;
	gsl_rng_set(r, 3);
	random_params(&p, r);
	phmm_tables(&p, &t);
	pr.m = random_pair(x, 200, y, 260, 1, 0.05, 0.05, r);
	cr_assert_eq(phmm_forward(&t, &pr, &s), TS_OK);
	cr_assert_eq(phmm_forward_fast(&t, &pr, &f), TS_OK);
	cr_assert_eq(f, s);
	cr_assert_eq(phmm_forward_fast64(&t, &pr, &f), TS_OK);
	cr_assert_eq(f, s);
	ambiguous = 0.05;
	for (rep = 0; rep < 120; rep++) {
		if (!banded_pair(r, x, y, lo, hi, &t, &pr)) continue;
		if (phmm_forward(&t, &pr, &s) != TS_OK || phmm_forward_ld(&t, &pr, &ld) != TS_OK) continue;
		for (k = PHMM_KERNEL_F32_C; k < PHMM_KERNEL_COUNT; k++) {
			if (!phmm_kernel_supported((phmm_kernel_t)k)) continue;
			st = phmm_forward_kernel((phmm_kernel_t)k, &t, &pr, &f);
			cr_assert(st == TS_OK || st == PHMM_REDO);
			if (st == TS_OK) {
				kept++;
				cr_assert(close_rel(f, s, 1e-6), "%s banded %ld x %ld: %.12g, double %.12g",
					  phmm_kernel_label((phmm_kernel_t)k), (long)pr.n, (long)pr.m, f, s);
			}
			st = phmm_forward_kernel64((phmm_kernel_t)k, &t, &pr, &f);
			cr_assert(st == TS_OK || st == PHMM_REDO);
			if (st == TS_OK) {
				kept64++;
				cr_assert(close_rel(f, ld, 1e-11), "%s double banded %ld x %ld: %.15g, long double %.15g",
					  phmm_kernel_label((phmm_kernel_t)k), (long)pr.n, (long)pr.m, f, ld);
			}
		}
		cr_assert_eq(phmm_forward_fast(&t, &pr, &f), TS_OK);
		cr_assert(close_rel(f, s, 1e-6));
	}
	cr_log_info("banded: %d float and %d double kernel runs kept", kept, kept64);
	cr_assert_gt(kept, 150, "only %d banded float runs kept", kept);
	cr_assert_gt(kept64, 200, "only %d banded double runs kept", kept64);
	gsl_rng_free(r);
}

/* The default is the widest kernel the CPU has; TESSERA_KERNEL overrides it
 * (Criterion runs each test in its own process, so the cached choice is
 * fresh here). */
Test(dp_simd, dispatch_default)
{
	const char *want = phmm_kernel_supported(PHMM_KERNEL_AVX512) ? "avx512"
			   : phmm_kernel_supported(PHMM_KERNEL_AVX2) ? "avx2" : "scalar";
	unsetenv("TESSERA_KERNEL");
	cr_assert_str_eq(phmm_kernel_name(), want);
}

Test(dp_simd, dispatch_forced)
{
	setenv("TESSERA_KERNEL", "f32c", 1);
	cr_assert_str_eq(phmm_kernel_name(), "f32c");
}

/* ------------------------------------------- forward–backward and counts */

/* Counts of the float forward–backward against phmm_expect: each within
 * 10^-5 of its value plus 10^-6 of the pair's length (a count's error is
 * rounding of float posteriors summed over ~n·m cells). */
static void counts_close(const phmm_counts_t *f, const phmm_counts_t *d, double len, const char *what)
{
	const double *a = (const double *)f, *b = (const double *)d;
	size_t k;
	for (k = 0; k < sizeof *f / sizeof(double); k++)
		cr_assert(fabs(a[k] - b[k]) <= 1e-5 * fabs(b[k]) + 1e-6 * len, "%s: count %zu is %.10g, double %.10g", what, k,
			  a[k], b[k]);
}

/* One pair through kernel k: kept in float and close to double, or refused
 * and then phmm_expect_fast's answer is phmm_expect's, bit for bit.
 * Returns 1 if kept in float, 0 if refused, −1 without a double answer. */
static int fb_agrees_how(phmm_kernel_t k, int stripes, const phmm_tables_t *t, const phmm_pair_t *pr)
{
	phmm_counts_t cf, cd, cz;
	double lf, ld;
	char what[96];
	int st;
	phmm_counts_zero(&cf), phmm_counts_zero(&cd), phmm_counts_zero(&cz);
	if (phmm_expect(t, pr, &cd, &ld) != TS_OK) return -1;
	snprintf(what, sizeof what, "%s, %ld x %ld%s%s", stripes ? "stripes" : phmm_kernel_label(k), (long)pr->n, (long)pr->m,
		 pr->lo ? " banded" : "", pr->glocal ? " glocal" : "");
	st = stripes ? phmm_expect_stripes(t, pr, &cf, &lf) : phmm_expect_kernel(k, t, pr, &cf, &lf);
	cr_assert(st == TS_OK || st == PHMM_REDO, "%s: status %d", what, st);
	if (st == PHMM_REDO) {
		cr_assert_eq(memcmp(&cf, &cz, sizeof cf), 0, "%s: refused but counts were added", what);
		if (stripes) return 0;  /* phmm_expect_fast then tries the diagonals */
		cr_assert_eq(phmm_expect_fast(t, pr, &cf, &lf), TS_OK);
		cr_assert_eq(memcmp(&cf, &cd, sizeof cf), 0, "%s: redone counts differ from phmm_expect", what);
		cr_assert_eq(lf, ld);
		return 0;
	}
	cr_assert(close_rel(lf, ld, 1e-6), "%s: ln P %.12g, double %.12g", what, lf, ld);
	counts_close(&cf, &cd, (double)(pr->n + pr->m), what);
	return 1;
}

static int fb_agrees(phmm_kernel_t k, const phmm_tables_t *t, const phmm_pair_t *pr) { return fb_agrees_how(k, 0, t, pr); }

/* Random pairs through kernel k, or the stripes: for the stripes x has
 * ≥ 16 residues and codes are rarely ambiguous (they take ≤ 4 distinct
 * codes in y). */
static void fb_random_pairs(phmm_kernel_t k, int stripes)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t x[320], y[320];
	const int reps = stripes ? 300 : 400, nmin = stripes ? 16 : 1;
	int rep, kept = 0, none = 0, v;
	require(k);
	gsl_rng_set(r, stripes ? 78 : 77);
	ambiguous = stripes ? 0.001 : 0.1;
	for (rep = 0; rep < reps; rep++) {
		phmm_params_t p;
		phmm_tables_t t;
		int64_t n = nmin + rep % (301 - nmin), m = rep % 4 == 0 ? 1 + (int64_t)gsl_rng_uniform_int(r, 300)
								       : n - 12 + (int64_t)gsl_rng_uniform_int(r, 25);
		phmm_pair_t pr = {.x = x, .n = n, .y = y, .m = m < 1 ? 1 : m};
		random_params(&p, r);
		phmm_tables(&p, &t);
		pr.m = random_pair(x, pr.n, y, pr.m, rep % 3 != 0, 0.05, 0.05, r);
		if (pr.m == 0) continue;
		v = fb_agrees_how(k, stripes, &t, &pr);
		kept += v == 1, none += v < 0;
	}
	cr_log_info("%s forward-backward: %d of %d pairs kept in float, %d without a double answer",
		    stripes ? "stripes" : phmm_kernel_label(k), kept, reps, none);
	cr_assert_gt(kept, reps * 3 / 4, "%s kept only %d of %d pairs in float", stripes ? "stripes" : phmm_kernel_label(k), kept, reps);
	gsl_rng_free(r);
}

/* The stripe forward–backward (AVX-512): counts as double's. */
Test(dp_simd, fb_stripes_equal_double) { fb_random_pairs(PHMM_KERNEL_AVX512, 1); }

/* The same with N and IUPAC codes in x (5 to 7 codes: the two-table
 * lookup), and at the edges: 16 rows, one column, x much longer than y. */
Test(dp_simd, fb_stripes_codes_and_edges)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	static const int64_t edge[][2] = {{16, 1}, {16, 16}, {17, 3}, {31, 40}, {32, 1}, {200, 30}, {48, 200}};
	uint8_t x[320], y[320];
	int rep, kept = 0, v;
	int64_t i, k;
	require(PHMM_KERNEL_AVX512);
	gsl_rng_set(r, 79);
	for (rep = 0; rep < 60; rep++) {
		phmm_params_t p;
		phmm_tables_t t;
		int64_t n = 16 + (int64_t)gsl_rng_uniform_int(r, 200);
		phmm_pair_t pr = {.x = x, .n = n, .y = y, .m = n};
		random_params(&p, r);
		phmm_tables(&p, &t);
		ambiguous = 0;
		pr.m = random_pair(x, pr.n, y, pr.m, 1, 0.05, 0.05, r);
		for (i = 0; i < n; i++)  /* x only: y keeps its 4 codes */
			if (gsl_rng_uniform(r) < 0.1) x[i] = (uint8_t)(rep % 2 ? 15 : 5 * (1 + gsl_rng_uniform_int(r, 3)));  /* N; R, Y, N */
		if (pr.m == 0) continue;
		v = fb_agrees_how(PHMM_KERNEL_AVX512, 1, &t, &pr);
		kept += v == 1;
	}
	cr_assert_gt(kept, 45, "stripes kept only %d of 60 pairs with ambiguity codes in x", kept);
	for (k = 0; k < (int64_t)(sizeof edge / sizeof edge[0]); k++) {
		phmm_params_t p;
		phmm_tables_t t;
		phmm_pair_t pr = {.x = x, .n = edge[k][0], .y = y, .m = edge[k][1]};
		phmm_params_default(&p);
		phmm_tables(&p, &t);
		for (i = 0; i < pr.n; i++) x[i] = (uint8_t)(1 << gsl_rng_uniform_int(r, 4));
		for (i = 0; i < pr.m; i++) y[i] = i < pr.n && gsl_rng_uniform(r) < 0.9 ? x[i] : (uint8_t)(1 << gsl_rng_uniform_int(r, 4));
		fb_agrees_how(PHMM_KERNEL_AVX512, 1, &t, &pr);  /* kept and close to double, or refused untouched */
	}
	gsl_rng_free(r);
}

Test(dp_simd, fb_f32c_equals_double) { fb_random_pairs(PHMM_KERNEL_F32_C, 0); }
Test(dp_simd, fb_avx2_equals_double) { fb_random_pairs(PHMM_KERNEL_AVX2, 0); }
Test(dp_simd, fb_avx512_equals_double) { fb_random_pairs(PHMM_KERNEL_AVX512, 0); }

/* Very unequal lengths (17 x 241, unrelated, random parameters): find pairs
 * where the row-scaled double forward loses mass silently (ln P off from
 * long double by > 10^-6 relative); phmm_expect must detect it (a row's
 * residue not emitted exactly once) and give the long double counts, not
 * the double ones. */
Test(dp_simd, expect_redoes_rows_that_lose_mass)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t x[17], y[241];
	int rep, found = 0;
	gsl_rng_set(r, 240);
	ambiguous = 0;
	for (rep = 0; rep < 400 && found < 5; rep++) {
		phmm_params_t p;
		phmm_tables_t t;
		phmm_pair_t pr = {.x = x, .n = 17, .y = y, .m = 241};
		phmm_counts_t cd, cl;
		double d, ld, le;
		random_params(&p, r);
		phmm_tables(&p, &t);
		random_pair(x, 17, y, 241, 0, 0, 0, r);
		if (phmm_forward_d(&t, &pr, &d) != TS_OK || phmm_forward_ld(&t, &pr, &ld) != TS_OK || close_rel(d, ld, 1e-6)) continue;
		found++;
		phmm_counts_zero(&cd), phmm_counts_zero(&cl);
		cr_assert_eq(phmm_expect(&t, &pr, &cd, &le), TS_OK);
		cr_assert_eq(phmm_expect_ld(&t, &pr, &cl, &ld), TS_OK);
		cr_assert_eq(le, ld, "ln P %.12g, long double %.12g (row-scaled double %.12g)", le, ld, d);
		cr_assert_eq(memcmp(&cd, &cl, sizeof cd), 0, "counts differ from the long double ones");
	}
	cr_log_info("%d of %d pairs lost mass in double rows", found, rep);
	cr_assert_gt(found, 0, "no pair of 400 exercised the loss");
	gsl_rng_free(r);
}

/* Bands of half-width 3..40 around the line from (0,0) to (n,m), as around a
 * read's CIGAR path, against banded phmm_expect; and pairs of length 1. */
/* The stripes on banded pairs (half-width 3..40 around the line from (0,0)
 * to (n,m), as around a read's CIGAR path): counts as banded double's. */
Test(dp_simd, fb_stripes_banded)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t x[420], y[420];
	int32_t lo[421], hi[421];
	int rep, kept = 0, tried = 0;
	require(PHMM_KERNEL_AVX512);
	gsl_rng_set(r, 80);
	ambiguous = 0.001;
	for (rep = 0; rep < 200; rep++) {
		phmm_tables_t t;
		phmm_pair_t pr;
		if (!banded_pair(r, x, y, lo, hi, &t, &pr) || pr.n < PHMM_STRIPE_MIN_N) continue;
		tried++;
		kept += fb_agrees_how(PHMM_KERNEL_AVX512, 1, &t, &pr) == 1;
	}
	cr_log_info("stripes: %d of %d banded pairs kept in float", kept, tried);
	cr_assert_gt(kept, tried * 3 / 4, "stripes kept only %d of %d banded pairs", kept, tried);
	gsl_rng_free(r);
}

/* x and a window of y around a related copy of it: left random residues,
 * the copy (random_pair; core is scratch for it), right random residues, as
 * a read against its reference with padding.  Returns m, 0 if the copy came
 * out empty. */
static int64_t window_pair(uint8_t *x, int64_t n, uint8_t *y, uint8_t *core, int64_t left, int64_t right, gsl_rng *r)
{
	const int64_t c = random_pair(x, n, core, n + 20, 1, 0.04, 0.04, r);
	int64_t i;
	if (c == 0) return 0;
	for (i = 0; i < left; i++) y[i] = random_code(r);
	memcpy(y + left, core, c);
	for (i = 0; i < right; i++) y[left + c + i] = random_code(r);
	return left + c + right;
}

/* Glocal pairs (the ends of y hang free): x against a window of y with
 * 0..40 random residues either side, unbanded or banded (half-width 3..40
 * around the line through the window, neither end forced to y's ends).
 * The stripes then find E at every cell of row n and B at every cell of
 * row 0, and the Y emissions from where B and E lie: counts as double's. */
Test(dp_simd, fb_stripes_glocal)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t x[320], y[420], core[340];
	int32_t lo[321], hi[321];
	int rep, kept = 0, tried = 0;
	require(PHMM_KERNEL_AVX512);
	gsl_rng_set(r, 81);
	ambiguous = 0.001;
	for (rep = 0; rep < 200; rep++) {
		phmm_params_t p;
		phmm_tables_t t;
		const int64_t n = 16 + (int64_t)gsl_rng_uniform_int(r, 285), left = (int64_t)gsl_rng_uniform_int(r, 41);
		const int64_t right = (int64_t)gsl_rng_uniform_int(r, 41), w = 3 + (int64_t)gsl_rng_uniform_int(r, 38);
		int64_t c, i;
		phmm_pair_t pr = {.x = x, .n = n, .y = y, .glocal = 1};
		random_params(&p, r);
		phmm_tables(&p, &t);
		if ((pr.m = window_pair(x, n, y, core, left, right, r)) == 0) continue;
		c = pr.m - left - right;
		if (rep % 2) {
			for (i = 0; i <= n; i++) {
				const int64_t at = left + i * c / n;
				lo[i] = (int32_t)(at - w < 0 ? 0 : at - w), hi[i] = (int32_t)(at + w > pr.m ? pr.m : at + w);
			}
			pr.lo = lo, pr.hi = hi;
		}
		tried++;
		kept += fb_agrees_how(PHMM_KERNEL_AVX512, 1, &t, &pr) == 1;
	}
	cr_log_info("stripes: %d of %d glocal pairs kept in float", kept, tried);
	cr_assert_gt(kept, tried * 3 / 4, "stripes kept only %d of %d glocal pairs", kept, tried);
	gsl_rng_free(r);
}

/* Short reads in long windows (16..64 residues, flanks of 100..1,500, default
 * parameters): ln P scales with the read, not the window, so criterion (d)
 * counts the residues of y on a path, not m (with m it refused 73 of 80 such
 * pairs, which then ran in double, all of them right in float). */
Test(dp_simd, fb_stripes_glocal_short_in_long)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t x[64], y[3100], core[90];
	int rep, kept = 0;
	require(PHMM_KERNEL_AVX512);
	gsl_rng_set(r, 82);
	ambiguous = 0;
	for (rep = 0; rep < 40; rep++) {
		phmm_params_t p;
		phmm_tables_t t;
		const int64_t n = 16 + (int64_t)gsl_rng_uniform_int(r, 49), left = 100 + (int64_t)gsl_rng_uniform_int(r, 1401);
		const int64_t right = 100 + (int64_t)gsl_rng_uniform_int(r, 1401);
		phmm_pair_t pr = {.x = x, .n = n, .y = y, .glocal = 1};
		phmm_params_default(&p);
		phmm_tables(&p, &t);
		if ((pr.m = window_pair(x, n, y, core, left, right, r)) == 0) continue;
		kept += fb_agrees_how(PHMM_KERNEL_AVX512, 1, &t, &pr) == 1;
	}
	cr_assert_geq(kept, 36, "stripes kept only %d of 40 short reads in long windows", kept);
	gsl_rng_free(r);
}

/* Pairs past phmm_stripe_keep_bytes run in segments of stripes (a first
 * forward keeps the rows between them; each segment's forward is run again
 * before its backward).  Lowered so that pairs of 16..400 residues split
 * into segments of 1 to ~8 stripes, odd and even: the counts and ln P equal
 * the unsegmented run's bit for bit (then fb_agrees_how: double's).
 * Returns the segmented runs kept. */
static int segments_agree(const phmm_tables_t *t, const phmm_pair_t *pr)
{
	static const int64_t keep[] = {1, 3072 * 25, 3072 * 50, 3072 * 130};
	const int64_t keep0 = phmm_stripe_keep_bytes;
	phmm_counts_t c0, c1;
	double l0, l1;
	int s0, s1, equal = 0;
	size_t k;
	phmm_counts_zero(&c0);
	s0 = phmm_expect_stripes(t, pr, &c0, &l0);
	for (k = 0; k < sizeof keep / sizeof keep[0]; k++) {
		phmm_stripe_keep_bytes = keep[k];
		phmm_counts_zero(&c1);
		s1 = phmm_expect_stripes(t, pr, &c1, &l1);
		phmm_stripe_keep_bytes = keep0;
		cr_assert_eq(s1, s0, "%ld x %ld%s%s, keep %ld: status %d, unsegmented %d", (long)pr->n, (long)pr->m, pr->lo ? " banded" : "",
			     pr->glocal ? " glocal" : "", (long)keep[k], s1, s0);
		if (s0 != TS_OK) continue;
		cr_assert_eq(memcmp(&c1, &c0, sizeof c1), 0, "%ld x %ld%s%s, keep %ld: counts differ from the unsegmented run's", (long)pr->n,
			     (long)pr->m, pr->lo ? " banded" : "", pr->glocal ? " glocal" : "", (long)keep[k]);
		cr_assert_eq(l1, l0, "%ld x %ld, keep %ld: ln P %.17g, unsegmented %.17g", (long)pr->n, (long)pr->m, (long)keep[k], l1, l0);
		equal++;
	}
	return equal;
}

/* Unbanded, banded and glocal pairs (banded or not) in segments. */
Test(dp_simd, fb_stripes_segments)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t x[420], y[420], core[420];
	int32_t lo[421], hi[421];
	int rep, kept = 0, equal = 0, tried = 0;
	require(PHMM_KERNEL_AVX512);
	gsl_rng_set(r, 83);
	ambiguous = 0.001;
	for (rep = 0; rep < 300; rep++) {
		phmm_params_t p;
		phmm_tables_t t;
		int64_t n = 16 + (int64_t)gsl_rng_uniform_int(r, 285), left, right, w, c, i;
		phmm_pair_t pr = {.x = x, .n = n, .y = y, .m = n - 12 + (int64_t)gsl_rng_uniform_int(r, 25)};
		random_params(&p, r);
		phmm_tables(&p, &t);
		if (rep % 3 == 0) {  /* global, unbanded */
			pr.m = random_pair(x, pr.n, y, pr.m, rep % 4 != 0, 0.05, 0.05, r);
		} else if (rep % 3 == 1) {  /* global, banded */
			if (!banded_pair(r, x, y, lo, hi, &t, &pr) || pr.n < PHMM_STRIPE_MIN_N) continue;
		} else {  /* glocal, half of them banded */
			left = (int64_t)gsl_rng_uniform_int(r, 41), right = (int64_t)gsl_rng_uniform_int(r, 41), w = 3 + (int64_t)gsl_rng_uniform_int(r, 38);
			pr.glocal = 1;
			if ((pr.m = window_pair(x, n, y, core, left, right, r)) == 0) continue;
			c = pr.m - left - right;
			if (rep % 4 == 1) {
				for (i = 0; i <= n; i++) {
					const int64_t at = left + i * c / n;
					lo[i] = (int32_t)(at - w < 0 ? 0 : at - w), hi[i] = (int32_t)(at + w > pr.m ? pr.m : at + w);
				}
				pr.lo = lo, pr.hi = hi;
			}
		}
		if (pr.m == 0) continue;
		tried++;
		equal += segments_agree(&t, &pr);
		{  /* in segments of 1 stripe, against double */
			const int64_t keep0 = phmm_stripe_keep_bytes;
			phmm_stripe_keep_bytes = 1;
			kept += fb_agrees_how(PHMM_KERNEL_AVX512, 1, &t, &pr) == 1;
			phmm_stripe_keep_bytes = keep0;
		}
	}
	cr_log_info("segmented stripes: %d of %d pairs kept, %d segmented runs equal", kept, tried, equal);
	cr_assert_gt(kept, tried * 3 / 4, "segmented stripes kept only %d of %d pairs", kept, tried);
	gsl_rng_free(r);
}

/* nt16 codes from hex digits */
/* A pair a review's differential stress found (data/fixtures/pairhmm/
 * stripe_first_block_zero.*, 2965 × 2933): a stripe whose first blocks are
 * all 0 keeps the exponent it starts with, and a later block's shift from
 * it passed phmm_pow2's range, so the pair was refused (a NaN) — by the
 * segments, whose first pass starts stripes from other exponents, and on
 * other pairs without them.  It is kept, in segments or not, as double. */
Test(dp_simd, fb_stripes_first_block_zero)
{
	const int64_t keep0 = phmm_stripe_keep_bytes;
	char err[TS_ERRLEN];
	pair_set_t *s = NULL;
	phmm_pair_t *v;
	phmm_params_t p;
	phmm_tables_t t;
	require(PHMM_KERNEL_AVX512);
	cr_assert_eq(pairs_read("data/fixtures/pairhmm/stripe_first_block_zero.fa", NULL, &s, err), TS_OK, "%s", err);
	cr_assert_eq(phmm_params_read("data/fixtures/pairhmm/stripe_first_block_zero.json", &p, err), TS_OK, "%s", err);
	phmm_tables(&p, &t);
	cr_assert_not_null(v = phmm_pairs_view(s, 0));
	cr_assert_eq(fb_agrees_how(PHMM_KERNEL_AVX512, 1, &t, &v[0]), 1, "the stripes refused the pair (in segments past 16 MB)");
	phmm_stripe_keep_bytes = (int64_t)1 << 40;
	cr_assert_eq(fb_agrees_how(PHMM_KERNEL_AVX512, 1, &t, &v[0]), 1, "the stripes refused the pair kept whole");
	phmm_stripe_keep_bytes = keep0;
	free(v);
	pairs_free(s);
}

static int64_t hex_codes(const char *s, uint8_t *out)
{
	int64_t i;
	for (i = 0; s[i]; i++) out[i] = (uint8_t)(s[i] <= '9' ? s[i] - '0' : s[i] - 'a' + 10);
	return i;
}

/* Pairs a review found wrong in the stripes: (a) 16 residues against 700
 * and 900 unrelated ones, where row 0's Y posteriors near 1 came out of
 * doubles below 2^-1100 and were dropped (YY 668.96 against 672.79); (b) a
 * read-like band (half-width 3) whose window starts at column 384, where
 * stale exponents of unwritten columns refused every pair; both must now
 * be kept and agree.  (c) Two unbalanced pairs (random parameters) whose
 * forward flushed mass within a block that the rows' M + X check missed
 * (YY 385.446 against 385.424; XM 1.95 tolerances off): refused or right. */
Test(dp_simd, fb_stripes_hard_pairs)
{
	static const phmm_params_t p16 = {.dX=0.14249938840046525,.dY=0.087709297584369794,.eX=0.3794209222309291,.eY=0.22250365354120732,.tau=0.095947404856793594,.p={{0.19430030627696102,0.0073929487814989175,0.031442731443443561,0.02119899349237574},{0.043416095317753825,0.1725122125467618,0.030384073536264204,0.0018468127405077642},{0.0069939381299221745,0.022096128635634048,0.17977007115781474,0.041335416469940274},{0.034149927905688215,0.013555380546383444,0.022789399840016388,0.17681556317903405}},.qX={0.18608926038621554,0.12402769635604853,0.252389737643961,0.43749330561377497},.qY={0.2763641825707589,0.16383480138088835,0.22221905796015784,0.33758195808819497}};
	static const char *x16 = "2f14282121488421";
	static const char *y16 = "448488444182441448182114811882422212418822128122881888488148128812811184284142181821822418128141422411842112288144214824281241188482124244114184418148428481822141148412811821481148212848448884181481411844441148822844412188822421148481828114222811224142128828122814142411888412282811882188828118281128828844282441411184448284144248481888128141442884811882288221842812112441422481818118814882421111184484241414281181114";
	static const phmm_params_t p230 = {.dX=0.18603971229866148,.dY=0.074424085970968015,.eX=0.092699996894225478,.eY=0.13648967016488311,.tau=0.05218850085418672,.p={{0.16097878174292338,0.036433883796751887,0.035947182399990764,0.030844072523693315},{0.037039643728192059,0.16543376628363923,0.037903972966878467,0.022641397258827915},{0.028060392567005727,0.034738594103350624,0.14905752594468796,0.021551877227763337},{0.020855302806394495,0.042288446404917066,0.012276315038786531,0.16394884520619701}},.qX={0.29315661583406716,0.14573327751899029,0.20446763439742396,0.35664247224951867},.qY={0.21193790923499589,0.25472311186765195,0.25131844201746689,0.28202053687988526}};
	static const char *x230 = "54528821841581145411422481242241824182218281218812122818812428848241185411482848525112428818458841142414484818288181418841282848812255815441121848554511224284218828121124481441148182214541481251415811225551481418284541812281224885";
	static const char *y230 = "24448128882184188112424114";
	static uint8_t x[512], y[1024];
	static int32_t lo[512], hi[512];
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	phmm_params_t p;
	phmm_tables_t t;
	int64_t i, m;
	require(PHMM_KERNEL_AVX512);
	phmm_params_default(&p);
	phmm_tables(&p, &t);
	for (m = 700; m <= 900; m += 200) {  /* (a) */
		phmm_pair_t pr = {.x = x, .n = 16, .y = y, .m = m};
		gsl_rng_set(r, 7);
		for (i = 0; i < pr.n; i++) x[i] = (uint8_t)(1 << gsl_rng_uniform_int(r, 4));
		for (i = 0; i < m; i++) y[i] = (uint8_t)(1 << gsl_rng_uniform_int(r, 4));
		cr_assert_eq(fb_agrees_how(PHMM_KERNEL_AVX512, 1, &t, &pr), 1, "16 x %ld refused", (long)m);
	}
	{	/* (b): y is 400 random residues then x with 5% substitutions */
		phmm_pair_t pr = {.x = x, .n = 100, .y = y, .m = 500, .lo = lo, .hi = hi};
		gsl_rng_set(r, 7);
		for (i = 0; i < 100; i++) x[i] = (uint8_t)(1 << gsl_rng_uniform_int(r, 4));
		for (i = 0; i < 400; i++) y[i] = (uint8_t)(1 << gsl_rng_uniform_int(r, 4));
		for (i = 0; i < 100; i++) y[400 + i] = gsl_rng_uniform(r) < 0.05 ? (uint8_t)(1 << gsl_rng_uniform_int(r, 4)) : x[i];
		for (i = 0; i <= 100; i++) lo[i] = (int32_t)(400 + i - 3), hi[i] = (int32_t)(400 + i + 3);
		lo[0] = 0, hi[100] = 500;
		cr_assert_eq(fb_agrees_how(PHMM_KERNEL_AVX512, 1, &t, &pr), 1, "far-right band refused");
	}
	{	/* (c) */
		phmm_pair_t pr = {.x = x, .y = y};
		phmm_tables(&p16, &t);
		pr.n = hex_codes(x16, x), pr.m = hex_codes(y16, y);
		fb_agrees_how(PHMM_KERNEL_AVX512, 1, &t, &pr);
		phmm_tables(&p230, &t);
		pr.n = hex_codes(x230, x), pr.m = hex_codes(y230, y);
		fb_agrees_how(PHMM_KERNEL_AVX512, 1, &t, &pr);
	}
	gsl_rng_free(r);
}

/* The double oracle itself: on this 139 x 432 pair (random parameters) a
 * row's next scale overflowed and phmm_expect returned MM and MX as NaN
 * with status 0; every count must be finite and equal long double's. */
Test(dp_simd, expect_double_counts_finite)
{
	static const phmm_params_t p = {.dX=0.18601654904894532,.dY=0.17224897106178105,.eX=0.51831400417722762,.eY=0.36617811040487136,.tau=0.067007394855841992,.p={{0.17191431938947585,0.043356299036882602,0.039401181779044024,0.020124703809336036},{0.034327165493335039,0.16778937820369319,0.018807111625969378,0.026453923738476066},{0.037599524014013508,0.021171318537871381,0.15701825399385946,0.014318394481854936},{0.035494885364389904,0.042814872853648371,0.028766914575727099,0.14064175310242294}},.qX={0.30999705459469845,0.16932458538149051,0.22907660671626365,0.2916017533075474},.qY={0.30715511002751883,0.170176941980406,0.083103180712430516,0.43956476727964466}};
	static const char *xs = "2488181122884282451121244512125144121821158852141428188442211828848442441258182121815118881122484888148121282424251154184818548884424828241";
	static const char *ys = "422844124182282121221821142412124188114228821814421444842818124148482118142114884442824418241218241184182182228482241488121848218148112882111228241141281421414282248818288812412812428142212184488418818288484428441818848181412842488224824111182211811424248241888218121848284428818228188282811812244222248884818121241822811824881444884848148228181248448428124418811184482841111822124284424184418414814812828844124481418282184224224288";
	static uint8_t x[256], y[512];
	phmm_tables_t t;
	phmm_counts_t cd, cl;
	phmm_pair_t pr = {.x = x, .y = y};
	double ld, ll;
	const double *a = (const double *)&cd, *b = (const double *)&cl;
	size_t k;
	pr.n = hex_codes(xs, x), pr.m = hex_codes(ys, y);
	phmm_tables(&p, &t);
	phmm_counts_zero(&cd), phmm_counts_zero(&cl);
	cr_assert_eq(phmm_expect(&t, &pr, &cd, &ld), TS_OK);
	cr_assert_eq(phmm_expect_ld(&t, &pr, &cl, &ll), TS_OK);
	for (k = 0; k < sizeof cd / sizeof(double); k++)
		cr_assert(isfinite(a[k]) && fabs(a[k] - b[k]) <= 1e-9 * (fabs(b[k]) + 1), "count %zu: %.12g, long double %.12g", k, a[k], b[k]);
}

Test(dp_simd, fb_banded_and_short)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t x[420], y[420];
	int32_t lo[421], hi[421];
	int rep, kept = 0, k;
	gsl_rng_set(r, 78);
	ambiguous = 0.05;
	for (rep = 0; rep < 120; rep++) {
		phmm_tables_t t;
		phmm_pair_t pr;
		if (!banded_pair(r, x, y, lo, hi, &t, &pr)) continue;
		for (k = PHMM_KERNEL_F32_C; k < PHMM_KERNEL_COUNT; k++)
			if (phmm_kernel_supported((phmm_kernel_t)k)) kept += fb_agrees((phmm_kernel_t)k, &t, &pr) == 1;
	}
	cr_assert_gt(kept, 150, "only %d banded pairs kept in float", kept);
	/* 1 x 1 and 1 x 7, with N */
	{
		phmm_params_t p;
		phmm_tables_t t;
		phmm_pair_t pr = {.x = x, .n = 1, .y = y, .m = 1};
		phmm_params_default(&p);
		phmm_tables(&p, &t);
		x[0] = 15, y[0] = 1;
		cr_assert_eq(fb_agrees(PHMM_KERNEL_F32_C, &t, &pr), 1);
		memcpy(y, "\1\2\4\10\17\1\2", 7);
		pr.m = 7;
		cr_assert_eq(fb_agrees(PHMM_KERNEL_F32_C, &t, &pr), 1);
		if (phmm_kernel_supported(PHMM_KERNEL_AVX2)) cr_assert_eq(fb_agrees(PHMM_KERNEL_AVX2, &t, &pr), 1);
	}
	gsl_rng_free(r);
}

/* A pair long enough for the blocked (checkpointed) forward, C twin and
 * AVX2 against double; the diagonal kernels refuse glocal pairs, counts
 * untouched (the stripes take them: fb_stripes_glocal). */
Test(dp_simd, fb_long_and_glocal, .timeout = 300)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	const int64_t n = LONG_N / 8;
	uint8_t *x = malloc(n), *y = malloc(n + 16);
	phmm_params_t p;
	phmm_tables_t t;
	phmm_pair_t pr = {.x = x, .n = n, .y = y};
	int k;
	gsl_rng_set(r, 79);
	ambiguous = 0.02;
	phmm_params_default(&p);
	phmm_tables(&p, &t);
	pr.m = balanced_pair(x, n, y, r);
	for (k = PHMM_KERNEL_F32_C; k < PHMM_KERNEL_COUNT; k++)
		if (phmm_kernel_supported((phmm_kernel_t)k))
			cr_assert_eq(fb_agrees((phmm_kernel_t)k, &t, &pr), 1, "%s refused a balanced related pair",
				     phmm_kernel_label((phmm_kernel_t)k));
	if (phmm_kernel_supported(PHMM_KERNEL_AVX512)) {  /* 2.5 kb in segments of stripes (not under sanitizers: 500), ≤ 4 codes in y */
		ambiguous = 0;
		pr.m = balanced_pair(x, n, y, r);
		cr_assert_eq(fb_agrees_how(PHMM_KERNEL_AVX512, 1, &t, &pr), 1, "the stripes refused a balanced related pair");
	}
	pr.n = pr.m = 200;
	pr.glocal = 1;
	for (k = PHMM_KERNEL_F32_C; k < PHMM_KERNEL_COUNT; k++)
		if (phmm_kernel_supported((phmm_kernel_t)k)) {
			phmm_counts_t c, z;
			double l;
			phmm_counts_zero(&c), phmm_counts_zero(&z);
			cr_assert_eq(phmm_expect_kernel((phmm_kernel_t)k, &t, &pr, &c, &l), PHMM_REDO, "%s kept a glocal pair",
				     phmm_kernel_label((phmm_kernel_t)k));
			cr_assert_eq(memcmp(&c, &z, sizeof c), 0);
		}
	free(x);
	free(y);
	gsl_rng_free(r);
}

/* ------------------------------------------------ batches (dp_batch.c) */

/* A batch of np pairs (≤ PHMM_BATCH) with storage for lengths up to 300. */
typedef struct {
	uint8_t x[PHMM_BATCH][312], y[PHMM_BATCH][312];
	phmm_pair_t pr[PHMM_BATCH];
	const phmm_pair_t *pp[PHMM_BATCH];
	int np;
} test_batch_t;

/* np random pairs: n in 1..260, m near n or (one in 4) anything in 1..260
 * (so a batch keeps ≤ 16 MB), related or not; y with ≤ 4 distinct codes
 * (ACGT, or N in place of one). */
static void random_batch(test_batch_t *b, int np, gsl_rng *r)
{
	int k;
	b->np = np;
	for (k = 0; k < np; k++) {
		const int64_t n = 1 + (int64_t)gsl_rng_uniform_int(r, 260);
		int64_t m = k % 4 == 0 ? 1 + (int64_t)gsl_rng_uniform_int(r, 260) : n - 12 + (int64_t)gsl_rng_uniform_int(r, 25), j;
		if (m < 1) m = 1;
		ambiguous = 0.05;
		m = random_pair(b->x[k], n, b->y[k], m, k % 3 != 0, 0.04, 0.04, r);
		if (m < 1) b->y[k][0] = 1, m = 1;
		for (j = 0; j < m; j++)  /* y: A C G T, and N instead of C in odd lanes */
			if (b->y[k][j] != 1 && b->y[k][j] != 2 && b->y[k][j] != 4 && b->y[k][j] != 8) b->y[k][j] = k & 1 ? 15 : 2;
		for (j = 0; j < m; j++)
			if (k & 1 && b->y[k][j] == 2) b->y[k][j] = 15;
		b->pr[k] = (phmm_pair_t){.x = b->x[k], .n = n, .y = b->y[k], .m = m};
		b->pp[k] = &b->pr[k];
	}
}

/* Random batches of random sizes under random parameters: every pair the
 * batch keeps agrees with phmm_expect (ln P to 10^-6, counts as
 * counts_close), and a refused one has its counts untouched and then
 * equals phmm_expect_fast bit for bit through phmm_expect_fast_batch. */
Test(dp_simd, batch_equals_double)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	test_batch_t *b = malloc(sizeof *b);
	phmm_batch_ws_t *ws = phmm_batch_ws_init();
	int rep, k, kept = 0, total = 0;
	require(PHMM_KERNEL_AVX512);
	cr_assert(b && ws);
	gsl_rng_set(r, 161);
	for (rep = 0; rep < 40; rep++) {
		phmm_params_t p;
		phmm_tables_t t;
		phmm_counts_t c[PHMM_BATCH], z;
		double lnL[PHMM_BATCH];
		int st[PHMM_BATCH];
		if (rep % 4) random_params(&p, r);
		else phmm_params_default(&p);
		phmm_tables(&p, &t);
		random_batch(b, 1 + rep % PHMM_BATCH, r);
		for (k = 0; k < b->np; k++) phmm_counts_zero(&c[k]);
		phmm_counts_zero(&z);
		cr_assert_eq(phmm_expect_batch(rep & 1 ? ws : NULL, &t, b->pp, b->np, c, lnL, st), TS_OK);
		for (k = 0; k < b->np; k++) {
			char what[80];
			snprintf(what, sizeof what, "batch %d lane %d, %ld x %ld", rep, k, (long)b->pr[k].n, (long)b->pr[k].m);
			total++;
			if (st[k] == PHMM_REDO) {
				phmm_counts_t cf, cs;
				double lf, ls;
				int sf;
				cr_assert_eq(memcmp(&c[k], &z, sizeof z), 0, "%s: refused but counts were added", what);
				phmm_counts_zero(&cf), phmm_counts_zero(&cs);
				cr_assert_eq(phmm_expect_fast_batch(ws, &t, &b->pp[k], 1, &cf, &lf, &sf), TS_OK);
				if (sf == TS_OK) {  /* alone in a batch it may be kept: else phmm_expect_fast's */
					cr_assert_eq(phmm_expect_fast(&t, &b->pr[k], &cs, &ls), TS_OK);
					if (memcmp(&cf, &cs, sizeof cf) != 0) counts_close(&cf, &cs, (double)(b->pr[k].n + b->pr[k].m), what);
				}
				continue;
			}
			cr_assert_eq(st[k], TS_OK, "%s: status %d", what, st[k]);
			{
				phmm_counts_t cd;
				double ld;
				phmm_counts_zero(&cd);
				cr_assert_eq(phmm_expect(&t, &b->pr[k], &cd, &ld), TS_OK);
				cr_assert(close_rel(lnL[k], ld, 1e-6), "%s: ln P %.12g, double %.12g", what, lnL[k], ld);
				counts_close(&c[k], &cd, (double)(b->pr[k].n + b->pr[k].m), what);
			}
			kept++;
		}
	}
	cr_log_info("batches: %d of %d pairs kept in float", kept, total);
	cr_assert_gt(kept, total * 3 / 4, "batches kept only %d of %d pairs", kept, total);
	phmm_batch_ws_destroy(ws);
	free(b);
	gsl_rng_free(r);
}

/* A pair's result does not depend on its batch: the same 16 pairs (sizes
 * 1..300 by 1..300, so most are padded), run in another order and split
 * into batches of 5, 7 and 4, and each alone, give the same bits; and what
 * batches do not take refuses the whole batch. */
Test(dp_simd, batch_lanes_independent)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	test_batch_t *b = malloc(sizeof *b);
	phmm_params_t p;
	phmm_tables_t t;
	phmm_counts_t c1[PHMM_BATCH], c2[PHMM_BATCH], z;
	const phmm_pair_t *perm[PHMM_BATCH];
	double l1[PHMM_BATCH], l2[PHMM_BATCH];
	int s1[PHMM_BATCH], s2[PHMM_BATCH], k, kept = 0, split[4] = {0, 5, 12, 16}, g;
	int32_t lo[400], hi[400];
	require(PHMM_KERNEL_AVX512);
	gsl_rng_set(r, 162);
	phmm_params_default(&p);
	phmm_tables(&p, &t);
	random_batch(b, PHMM_BATCH, r);
	/* x far longer than y next to a y of 300: the padding past y's end in
	 * lane 0 must not take its scale */
	b->pr[0].n = 200, b->pr[0].m = random_pair(b->x[0], 200, b->y[0], 12, 0, 0, 0, r);
	b->pr[1].n = 60, b->pr[1].m = random_pair(b->x[1], 60, b->y[1], 300, 0, 0, 0, r);
	for (k = 0; k < 2; k++)
		for (g = 0; g < b->pr[k].m; g++) b->y[k][g] = (uint8_t)(1 << (b->y[k][g] % 4));
	phmm_counts_zero(&z);
	for (k = 0; k < PHMM_BATCH; k++) phmm_counts_zero(&c1[k]), phmm_counts_zero(&c2[k]), perm[k] = b->pp[(k * 7 + 3) % PHMM_BATCH];
	cr_assert_eq(phmm_expect_batch(NULL, &t, b->pp, PHMM_BATCH, c1, l1, s1), TS_OK);
	for (g = 0; g < 3; g++)
		cr_assert_eq(phmm_expect_batch(NULL, &t, perm + split[g], split[g + 1] - split[g], c2 + split[g], l2 + split[g], s2 + split[g]), TS_OK);
	for (k = 0; k < PHMM_BATCH; k++) {
		const int j = (k * 7 + 3) % PHMM_BATCH;  /* perm[k] is pair j */
		cr_assert_eq(s1[j], s2[k], "pair %d: status %d alone, %d in another batch", j, s1[j], s2[k]);
		if (s1[j] != TS_OK) continue;
		kept++;
		cr_assert_eq(l1[j], l2[k], "pair %d: ln P %.17g, in another batch %.17g", j, l1[j], l2[k]);
		cr_assert_eq(memcmp(&c1[j], &c2[k], sizeof z), 0, "pair %d: counts differ between batches", j);
	}
	for (k = 0; k < PHMM_BATCH; k++) {  /* alone: no padding */
		phmm_counts_t c;
		double l;
		int st;
		phmm_counts_zero(&c);
		cr_assert_eq(phmm_expect_batch(NULL, &t, &b->pp[k], 1, &c, &l, &st), TS_OK);
		cr_assert_eq(st, s1[k], "pair %d, %ld x %ld: status %d alone, %d in the batch", k, (long)b->pr[k].n, (long)b->pr[k].m, st,
			     s1[k]);
		if (st == TS_OK) cr_assert(l == l1[k] && memcmp(&c, &c1[k], sizeof c) == 0, "pair %d: alone differs from in the batch", k);
	}
	cr_assert_gt(kept, PHMM_BATCH / 2);
	/* one banded, glocal or 5-code pair, or a 1 × 300 and a 300 × 1 pair
	 * (each fits, the batch padded to 300 × 300 keeps > 16 MB): every lane
	 * refused, counts untouched */
	for (g = 0; g < 4; g++) {
		phmm_pair_t keep = b->pr[2], keep3 = b->pr[3];
		for (k = 0; k < PHMM_BATCH; k++) phmm_counts_zero(&c1[k]);
		if (g == 0) {
			for (k = 0; k <= b->pr[2].n; k++) lo[k] = 0, hi[k] = (int32_t)b->pr[2].m;
			b->pr[2].lo = lo, b->pr[2].hi = hi;
		} else if (g == 1) {
			b->pr[2].glocal = 1;
		} else if (g == 2) {
			for (k = 0; k < 5 && k < b->pr[2].m; k++) b->y[2][k] = (uint8_t[]){1, 2, 4, 8, 15}[k];
			if (b->pr[2].m < 5) b->pr[2].m = 5;
		} else {
			for (k = 0; k < 300; k++) b->x[2][k] = b->y[2][k] = b->x[3][k] = b->y[3][k] = 1;
			b->pr[2].n = 1, b->pr[2].m = 300, b->pr[3].n = 300, b->pr[3].m = 1;
			cr_assert(phmm_batch_takes(&b->pr[2]) && phmm_batch_takes(&b->pr[3]));
		}
		cr_assert_eq(phmm_expect_batch(NULL, &t, b->pp, PHMM_BATCH, c1, l1, s1), TS_OK);
		for (k = 0; k < PHMM_BATCH; k++) {
			cr_assert_eq(s1[k], PHMM_REDO, "case %d, lane %d kept", g, k);
			cr_assert_eq(memcmp(&c1[k], &z, sizeof z), 0);
		}
		b->pr[2] = keep, b->pr[3] = keep3;
	}
	free(b);
	gsl_rng_free(r);
}

/* Each pair alone against in a batch of 16, bit for bit, over 150 batches
 * under random parameters, with x far longer than y in a quarter of the
 * pairs or in all of a batch: padding and other lanes' codes must not
 * reach a lane's scales. */
Test(dp_simd, batch_alone_equals_in_batch)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	test_batch_t *b = malloc(sizeof *b);
	phmm_batch_ws_t *ws = phmm_batch_ws_init();
	int rep, k, kept = 0;
	require(PHMM_KERNEL_AVX512);
	cr_assert(b && ws);
	gsl_rng_set(r, 164);
	for (rep = 0; rep < 150; rep++) {
		phmm_params_t p;
		phmm_tables_t t;
		phmm_counts_t c[PHMM_BATCH];
		double l[PHMM_BATCH];
		int st[PHMM_BATCH];
		random_params(&p, r);
		phmm_tables(&p, &t);
		random_batch(b, PHMM_BATCH, r);
		for (k = rep & 1; k < PHMM_BATCH; k += rep & 1 ? 4 : 1) {  /* x ≫ y, unrelated, plain bases: all of odd batches */
			int64_t j;
			b->pr[k].n = 100 + (int64_t)gsl_rng_uniform_int(r, 200);
			b->pr[k].m = random_pair(b->x[k], b->pr[k].n, b->y[k], 5 + (int64_t)gsl_rng_uniform_int(r, 55), 0, 0, 0, r);
			for (j = 0; j < b->pr[k].m; j++) b->y[k][j] = (uint8_t)(1 << (b->y[k][j] % 4));
		}
		for (k = 0; k < PHMM_BATCH; k++) phmm_counts_zero(&c[k]);
		cr_assert_eq(phmm_expect_batch(ws, &t, b->pp, PHMM_BATCH, c, l, st), TS_OK);
		for (k = 0; k < PHMM_BATCH; k++) {
			phmm_counts_t ca;
			double la;
			int sa;
			phmm_counts_zero(&ca);
			cr_assert_eq(phmm_expect_batch(ws, &t, &b->pp[k], 1, &ca, &la, &sa), TS_OK);
			cr_assert_eq(sa, st[k], "batch %d, pair %d (%ld x %ld): status %d alone, %d in the batch", rep, k, (long)b->pr[k].n,
				     (long)b->pr[k].m, sa, st[k]);
			if (sa != TS_OK) continue;
			kept++;
			cr_assert(la == l[k] && memcmp(&ca, &c[k], sizeof ca) == 0, "batch %d, pair %d (%ld x %ld): alone differs from in the batch",
				  rep, k, (long)b->pr[k].n, (long)b->pr[k].m);
		}
	}
	cr_assert_gt(kept, 150 * PHMM_BATCH / 2);
	phmm_batch_ws_destroy(ws);
	free(b);
	gsl_rng_free(r);
}

/* The batch forward pass alone on related pairs: ln P as phmm_forward's
 * to 10^-6. */
Test(dp_simd, batch_pass_equals_double)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	test_batch_t *b = malloc(sizeof *b);
	phmm_params_t p;
	phmm_tables_t t;
	double lnL[PHMM_BATCH], s;
	int k, rep;
	require(PHMM_KERNEL_AVX512);
	gsl_rng_set(r, 163);
	for (rep = 0; rep < 4; rep++) {
		random_params(&p, r);
		phmm_tables(&p, &t);
		ambiguous = 0;
		for (k = 0; k < PHMM_BATCH; k++) {
			b->pr[k] = (phmm_pair_t){.x = b->x[k], .y = b->y[k]};
			b->pr[k].m = balanced_pair(b->x[k], 20 + 17 * k, b->y[k], r);
			b->pr[k].n = 20 + 17 * k;
			b->pp[k] = &b->pr[k];
		}
		cr_assert_eq(phmm_forward_batch_pass(NULL, &t, b->pp, PHMM_BATCH, lnL), TS_OK);
		for (k = 0; k < PHMM_BATCH; k++) {
			cr_assert_eq(phmm_forward(&t, &b->pr[k], &s), TS_OK);
			cr_assert(close_rel(lnL[k], s, 1e-6), "lane %d, %ld x %ld: %.12g, double %.12g", k, (long)b->pr[k].n,
				  (long)b->pr[k].m, lnL[k], s);
		}
	}
	free(b);
	gsl_rng_free(r);
}
