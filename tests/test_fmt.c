/* test_fmt: ts_fmt_g and ts_fmt_i64 print exactly what printf prints. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "util/fmt.h"

static void check_g(double x, int prec)
{
	char want[64], got[TS_FMT_MAX];
	snprintf(want, sizeof want, "%.*g", prec, x);
	ts_fmt_g(got, x, prec);
	cr_assert_str_eq(got, want, "%.17g with precision %d", x, prec);
}

Test(fmt, g_matches_printf)
{
	static const double edge[] = {0, -0.0, 1, -1, 0.5, 2.5, 1.25e-5, 9.9995e-5, 9.99949e-5, 0.0001, 0.00001, 99999.95,
				      999999.5, 1e6, 123456.5, 1e-300, 5e-324, 1e300, INFINITY, -INFINITY, NAN, 12.0603, 2.73e-05};
	int prec, i;
	for (prec = 1; prec <= 9; prec++)
		for (i = 0; i < (int)(sizeof edge / sizeof *edge); i++) check_g(edge[i], prec);
	srand(11);
	for (i = 0; i < 300000; i++) {
		/* random mantissas and exponents, and short decimals (ties in decimal) */
		double x = ldexp((double)rand() / RAND_MAX + 0.5, rand() % 120 - 80) * (rand() & 1 ? 1 : -1);
		double y = (rand() % 200000 - 100000) / pow(10, rand() % 12);
		check_g(x, 3);
		check_g(x, 6);
		check_g(y, 3);
		check_g(y, 6);
		check_g(x, 1 + rand() % 9);
	}
}

Test(fmt, i64_matches_printf)
{
	static const int64_t v[] = {0, 1, -1, 9, 10, 4641652, -4641652, INT64_MAX, INT64_MIN};
	char want[32], got[TS_FMT_MAX];
	for (int i = 0; i < (int)(sizeof v / sizeof *v); i++) {
		snprintf(want, sizeof want, "%lld", (long long)v[i]);
		cr_assert_eq(ts_fmt_i64(got, v[i]), (int)strlen(want));
		cr_assert_str_eq(got, want);
	}
	srand(3);
	for (int i = 0; i < 200000; i++) {  /* every length, both signs, powers of ten and their neighbours */
		int64_t x = (int64_t)(((uint64_t)rand() << 42) ^ ((uint64_t)rand() << 21) ^ (uint64_t)rand()) >> (rand() % 63);
		if (i % 4 == 0) x = (int64_t)pow(10, rand() % 19) + rand() % 3 - 1;
		if (i & 1) x = -x;
		snprintf(want, sizeof want, "%lld", (long long)x);
		cr_assert_eq(ts_fmt_i64(got, x), (int)strlen(want));
		cr_assert_str_eq(got, want);
	}
}
