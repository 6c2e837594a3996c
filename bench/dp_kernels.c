/* dp_kernels: speed of the forward kernels of dp_simd.h in GCUPS — cells
 * (n+1)(m+1) per second on one core — on random related pairs: y is x with
 * 8% substitutions, indels, and enough extra insertions to reach m; default
 * parameters (phmm_params_default).  Rows: forward + backward + expected
 * counts (phmm_expect, double) for reference; phmm_forward_fast as a caller
 * sees it (float, or the double redo); phmm_forward (double); and each float
 * kernel's pass alone (phmm_forward_kernel_pass), its ln P against the
 * double one, and whether the redo criteria of dp_simd.h would refuse it.
 *
 * Usage: dp_kernels [N M [SECONDS]]... (default 150 200, 1000 1200, 10000 12000). */
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include "pairhmm/dp_simd.h"
#include "util/log.h"

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return ts.tv_sec + 1e-9 * ts.tv_nsec;
}

/* x random; y from x: insertions at the rate that makes y about m long */
static void related_pair(uint8_t *x, int64_t n, uint8_t *y, int64_t m, gsl_rng *r)
{
	double ins = m > n ? 0.02 + (double)(m - n) / m : 0.02, del = 0.02;
	int64_t i = 0, j;
	for (i = 0; i < n; i++) x[i] = (uint8_t)(1 << gsl_rng_uniform_int(r, 4));
	for (i = 0, j = 0; j < m; j++) {
		double u = gsl_rng_uniform(r);
		if (i >= n || u < ins) y[j] = (uint8_t)(1 << gsl_rng_uniform_int(r, 4));
		else if (u < ins + del) i++, j--;
		else y[j] = u < ins + del + 0.08 ? (uint8_t)(1 << gsl_rng_uniform_int(r, 4)) : x[i++];
	}
}

typedef struct {
	const phmm_tables_t *t;
	const phmm_pair_t *pr;
} job_t;

enum { EXPECT = -2, FAST = -1 };

/* Repeat one kernel's float pass (or phmm_expect, or phmm_forward_fast) for
 * about `secs` CPU seconds; returns GCUPS, with its status and ln P. */
static double run(int k, const job_t *j, double secs, int *status, double *lnL)
{
	double t0 = now(), t1, cells = (double)(j->pr->n + 1) * (j->pr->m + 1);
	long reps = 0;
	do {
		if (k == EXPECT) {
			phmm_counts_t c;
			phmm_counts_zero(&c);
			*status = phmm_expect(j->t, j->pr, &c, lnL);
		} else if (k == FAST) {
			*status = phmm_forward_fast(j->t, j->pr, lnL);
		} else {
			*status = phmm_forward_kernel_pass((phmm_kernel_t)k, j->t, j->pr, lnL);
		}
		reps++;
		t1 = now();
	} while (t1 - t0 < secs);
	return cells * reps / (t1 - t0) / 1e9;
}

int main(int argc, char **argv)
{
	static const int64_t dflt[3][2] = {{150, 200}, {1000, 1200}, {10000, 12000}};
	int nsz = argc >= 3 ? (argc - 1) / 2 : 3, s, k;
	double secs = 1.0;
	phmm_params_t p;
	phmm_tables_t t;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	gsl_rng_set(r, 1);
	phmm_params_default(&p);
	phmm_tables(&p, &t);
	printf("%-12s %-26s %8s %18s %s\n", "size", "kernel", "GCUPS", "ln P", "");
	for (s = 0; s < nsz; s++) {
		int64_t n = argc >= 3 ? atoll(argv[1 + 2 * s]) : dflt[s][0], m = argc >= 3 ? atoll(argv[2 + 2 * s]) : dflt[s][1];
		uint8_t *x = malloc(n), *y = malloc(m);
		phmm_pair_t pr = {.x = x, .n = n, .y = y, .m = m};
		job_t j = {&t, &pr};
		double ref = 0, lnL, g;
		int st, ref_ok = 0;
		char sz[32];
		related_pair(x, n, y, m, r);
		snprintf(sz, sizeof sz, "%ldx%ld", (long)n, (long)m);
		for (k = EXPECT; k < PHMM_KERNEL_COUNT; k++) {
			char name[64];
			double chk;
			const char *note = "";
			if (k == EXPECT) snprintf(name, sizeof name, "expect (fwd+bwd+counts)");
			else if (k == FAST) snprintf(name, sizeof name, "forward_fast (%s)", phmm_kernel_name());
			else snprintf(name, sizeof name, "%s%s", phmm_kernel_label((phmm_kernel_t)k), k ? " pass" : " (double)");
			if (k >= 0 && !phmm_kernel_supported((phmm_kernel_t)k)) {
				printf("%-12s %-26s %8s\n", sz, name, "n/a");
				continue;
			}
			g = run(k, &j, secs, &st, &lnL);
			if (k == PHMM_KERNEL_SCALAR) ref = lnL, ref_ok = st == TS_OK;
			if (st != TS_OK) note = "error (probability 0 or underflow)";
			else if (k > 0 && ref_ok) note = fabs(lnL - ref) <= 1e-6 * fabs(ref) ? "= double to 1e-6" : "DIFFERS from double";
			else if (k > 0) note = "(no double answer)";
			if (k > 0 && st == TS_OK && phmm_forward_kernel((phmm_kernel_t)k, &t, &pr, &chk) == PHMM_REDO)
				note = k > 0 && ref_ok && fabs(lnL - ref) <= 1e-6 * fabs(ref) ? "= double; but criteria say redo"
												 : "criteria say redo";
			printf("%-12s %-26s %8.3f %18.8f %s\n", sz, name, g, st == TS_OK ? lnL : NAN, note);
		}
		fflush(stdout);
		free(x);
		free(y);
	}
	gsl_rng_free(r);
	return 0;
}
