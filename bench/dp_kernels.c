/* dp_kernels: speed of the pair-HMM kernels of dp_simd.h in GCUPS — cells
 * (n+1)(m+1) per CPU second on one core — on random related pairs: y is x
 * with 8% substitutions and the m − n extra residues inserted at uniformly
 * random places (both ends aligned); default parameters.  Rows:
 *   expect (double)       forward + backward + counts, phmm_expect (the oracle)
 *   expect <kernel>       the float forward–backward with counts of
 *                         dp_simd_fb.c with that kernel, alone (no redo)
 *   expect stripes        the AVX-512 stripe forward–backward of
 *                         dp_stripe.c alone (past 16 MB of kept forward,
 *                         in segments of stripes)
 *   expect_fast           as the EM runs it (float, or the double redo)
 *   forward_fast          phmm_forward_fast (two float passes, or double)
 *   forward_fast64        phmm_forward_fast64 (two double passes, or double):
 *                         the EM's final ln L
 *   scalar (double)       phmm_forward
 *   <kernel> pass         one float forward pass alone (along diagonals)
 *   avx512 stripes        one float forward pass by stripes of 16 rows
 *   expect batch16        forward + backward + counts of 16 pairs of the
 *                         size at once, a pair per AVX-512 lane (dp_batch.c,
 *                         as the EM runs short unbanded pairs), cells of all 16
 *   batch16 pass          one float forward pass of those 16 pairs
 * each with ln P against the double one.  Size "NxM+R" appends R random
 * residues to y only (a ragged end: the alignment ends in a long gap),
 * where float runs out of range and the double redo shows.
 *
 * Size "NxM/W" bands the pair to W cells either side of the line from (0,0)
 * to (n,m), as a read against its reference, and counts the band's cells.
 *
 * Usage: dp_kernels [SIZE]...  (default 150x200 1000x1200 10000x12000). */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "pairhmm/dp_simd.h"
#include "util/log.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

static uint8_t base(gsl_rng *r) { return (uint8_t)(1 << gsl_rng_uniform_int(r, 4)); }

/* x random; y is x with 8% substitutions and, when m > n, m − n random
 * residues inserted at uniform places (m < n: x is cut to m first); then
 * `ragged` random residues appended to y. */
static void related_pair(uint8_t *x, int64_t n, uint8_t *y, int64_t m, int64_t ragged, gsl_rng *r)
{
	int64_t i, j = 0, extra = m > n ? m - n : 0, core = m < n ? m : n;
	for (i = 0; i < n; i++) x[i] = base(r);
	for (i = 0; i < core; i++) {
		while (extra > 0 && gsl_rng_uniform(r) < (double)extra / (double)(core - i + extra)) y[j++] = base(r), extra--;
		y[j++] = gsl_rng_uniform(r) < 0.08 ? base(r) : x[i];
	}
	while (extra-- > 0) y[j++] = base(r);
	for (i = 0; i < ragged; i++) y[j++] = base(r);
}

typedef struct {
	const phmm_tables_t *t;
	const phmm_pair_t *pr;
	double cells;  /* (n+1)(m+1), or the band's */
	const phmm_pair_t *batch[PHMM_BATCH];  /* pr and 15 more of its size */
	phmm_batch_ws_t *ws;
} job_t;

/* the rows, in order (see above) */
enum { EXPECT_DOUBLE, EXPECT_F32C, EXPECT_AVX2, EXPECT_AVX512, EXPECT_STRIPES, EXPECT_BATCH, EXPECT_FAST, FORWARD_FAST, FORWARD_FAST64, FORWARD_DOUBLE, PASS_F32C, PASS_AVX2, PASS_AVX512, PASS_STRIPES, PASS_BATCH, NROWS };
static const phmm_kernel_t row_kernel[NROWS] = {PHMM_KERNEL_SCALAR, PHMM_KERNEL_F32_C, PHMM_KERNEL_AVX2, PHMM_KERNEL_AVX512, PHMM_KERNEL_AVX512, PHMM_KERNEL_AVX512,
						 PHMM_KERNEL_SCALAR, PHMM_KERNEL_SCALAR, PHMM_KERNEL_SCALAR, PHMM_KERNEL_SCALAR, PHMM_KERNEL_F32_C,
						 PHMM_KERNEL_AVX2, PHMM_KERNEL_AVX512, PHMM_KERNEL_AVX512, PHMM_KERNEL_AVX512};

static int run_once(int row, const job_t *j, double *lnL)
{
	phmm_counts_t c;
	phmm_counts_zero(&c);
	switch (row) {
	case EXPECT_DOUBLE: return phmm_expect(j->t, j->pr, &c, lnL);
	case EXPECT_F32C:
	case EXPECT_AVX2:
	case EXPECT_AVX512: return phmm_expect_kernel(row_kernel[row], j->t, j->pr, &c, lnL);
	case EXPECT_STRIPES: return phmm_expect_stripes(j->t, j->pr, &c, lnL);
	case EXPECT_BATCH:
	case PASS_BATCH: {  /* lane 0's status and ln P: lane 0 is pr */
		phmm_counts_t cb[PHMM_BATCH];
		double lb[PHMM_BATCH];
		int st[PHMM_BATCH], k, r;
		for (k = 0; k < PHMM_BATCH; k++) phmm_counts_zero(&cb[k]);
		r = row == PASS_BATCH ? phmm_forward_batch_pass(j->ws, j->t, j->batch, PHMM_BATCH, lb)
				      : phmm_expect_batch(j->ws, j->t, j->batch, PHMM_BATCH, cb, lb, st);
		*lnL = lb[0];
		if (r == TS_OK && row == PASS_BATCH) return isfinite(lb[0]) ? TS_OK : PHMM_REDO;  /* as the other passes' criterion (c) */
		return r != TS_OK ? r : st[0];
	}
	case EXPECT_FAST: return phmm_expect_fast(j->t, j->pr, &c, lnL);
	case FORWARD_FAST: return phmm_forward_fast(j->t, j->pr, lnL);
	case FORWARD_FAST64: return phmm_forward_fast64(j->t, j->pr, lnL);
	case FORWARD_DOUBLE: return phmm_forward(j->t, j->pr, lnL);
	case PASS_STRIPES: return phmm_forward_stripe_pass(j->t, j->pr, lnL);
	default: return phmm_forward_kernel_pass(row_kernel[row], j->t, j->pr, lnL);
	}
}

/* Repeat one row for about `secs` CPU seconds, in 5 rounds; the best
 * round's GCUPS (the host may be shared: a round another tenant slowed
 * counts its CPU time too), with status and ln P. */
static double run(int row, const job_t *j, double secs, int *status, double *lnL)
{
	double best = 0, cells = j->cells * (row == EXPECT_BATCH || row == PASS_BATCH ? PHMM_BATCH : 1);
	int round;
	for (round = 0; round < 5; round++) {
		double t0 = now(), t1;
		long reps = 0;
		do {
			*status = run_once(row, j, lnL);
			reps++;
			t1 = now();
		} while (t1 - t0 < secs / 5);
		if (cells * reps / (t1 - t0) / 1e9 > best) best = cells * reps / (t1 - t0) / 1e9;
	}
	return best;
}

int main(int argc, char **argv)
{
	static const char *dflt[] = {"150x200", "1000x1200", "10000x12000"};
	static const char *label[NROWS] = {"expect (double)", "expect f32c", "expect avx2", "expect avx512", "expect stripes", "expect batch16",
					   "expect_fast", "forward_fast", "forward_fast64", "scalar (double)", "f32c pass", "avx2 pass",
					   "avx512 pass", "avx512 stripes", "batch16 pass"};
	int nsz = argc > 1 ? argc - 1 : 3, s, row;
	double secs = 1.0;
	phmm_params_t p;
	phmm_tables_t t;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	phmm_batch_ws_t *ws = phmm_batch_ws_init();
	if (!ws) return 1;
	gsl_rng_set(r, 1);
	phmm_params_default(&p);
	phmm_tables(&p, &t);
	printf("kernel chosen here: %s\n", phmm_kernel_name());
	printf("%-16s %-18s %8s %18s %s\n", "size", "kernel", "GCUPS", "ln P", "");
	for (s = 0; s < nsz; s++) {
		const char *sz = argc > 1 ? argv[1 + s] : dflt[s];
		long long n = 0, m = 0, ragged = 0, w = -1, i;
		char *slash = strchr(sz, '/');
		if (sscanf(sz, "%lldx%lld+%lld", &n, &m, &ragged) < 2 || n < 1 || m < 1 || ragged < 0 ||
		    (slash && (sscanf(slash + 1, "%lld", &w) != 1 || w < 1))) {
			fprintf(stderr, "dp_kernels: size '%s' is not NxM, NxM+R or NxM/W\n", sz);
			return 1;
		}
		uint8_t *x = malloc(n * PHMM_BATCH), *y = malloc((m + ragged) * PHMM_BATCH);
		int32_t *lo = malloc((n + 1) * sizeof *lo), *hi = malloc((n + 1) * sizeof *hi);
		phmm_pair_t pr = {.x = x, .n = n, .y = y, .m = m + ragged}, more[PHMM_BATCH];
		job_t j = {&t, &pr, (double)(n + 1) * (double)(m + ragged + 1), {NULL}, ws};
		double ref = 0, lnL, g;
		int st, ref_ok = 0, k;
		related_pair(x, n, y, m, ragged, r);
		for (j.batch[0] = &pr, k = 1; k < PHMM_BATCH; k++) {
			more[k] = (phmm_pair_t){.x = x + k * n, .n = n, .y = y + k * (m + ragged), .m = m + ragged};
			related_pair(x + k * n, n, y + k * (m + ragged), m, ragged, r);
			j.batch[k] = &more[k];
		}
		if (w > 0) {  /* a band of half-width w around the line (0,0)–(n,m), as a read's */
			for (j.cells = 0, i = 0; i <= n; i++) {
				long long c = i * pr.m / n;
				lo[i] = (int32_t)(c - w < 0 ? 0 : c - w), hi[i] = (int32_t)(c + w > pr.m ? pr.m : c + w);
				j.cells += hi[i] - lo[i] + 1;
			}
			lo[0] = 0, hi[n] = (int32_t)pr.m;
			pr.lo = lo, pr.hi = hi;
		}
		for (row = 0; row < NROWS; row++) {
			const char *note = "";
			if (!phmm_kernel_supported(row_kernel[row])) {
				printf("%-16s %-18s %8s\n", sz, label[row], "n/a");
				continue;
			}
			g = run(row, &j, secs, &st, &lnL);
			if (row == EXPECT_DOUBLE) ref = lnL, ref_ok = st == TS_OK;
			if (st == PHMM_REDO && row == EXPECT_STRIPES) note = "refused: the diagonals run it";
			else if (st == PHMM_REDO && (row == EXPECT_BATCH || row == PASS_BATCH))
				note = "not taken (a band, or kept forward > 16 MB) or refused: the EM runs it alone";
			else if (st == PHMM_REDO && row == PASS_STRIPES) note = "not taken (stripes run the forward alone without a band)";
			else if (st == PHMM_REDO) note = "refused (float out of range): the EM redoes it in double";
			else if (st != TS_OK) note = "error (probability 0)";
			else if (row > EXPECT_DOUBLE && ref_ok) note = fabs(lnL - ref) <= 1e-6 * fabs(ref) ? "= double to 1e-6" : "DIFFERS from double";
			if (st == PHMM_REDO && (row == EXPECT_STRIPES || row == PASS_STRIPES || row == EXPECT_BATCH || row == PASS_BATCH)) printf("%-16s %-18s %8s %18s %s\n", sz, label[row], "-", "", note);
			else printf("%-16s %-18s %8.3f %18.8f %s\n", sz, label[row], g, st == TS_OK ? lnL : NAN, note);
		}
		fflush(stdout);
		free(x);
		free(y);
		free(lo);
		free(hi);
	}
	gsl_rng_free(r);
	phmm_batch_ws_destroy(ws);
	return 0;
}
