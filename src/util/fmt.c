/* fmt: fast %g and %lld, exact or delegated to printf (see fmt.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "util/fmt.h"

#define FMT_TIE 1e-6   /* > m · 2^−53 for m < 10^9 (prec <= 9) */

static const double p10[23] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,  1e8,  1e9,  1e10, 1e11,
			       1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};

/* "00" "01" … "99": two digits per division by 100 halve the chain of
 * dependent divisions (two per hit line: its start and stop) */
static const char digit_pairs[201] = "00010203040506070809101112131415161718192021222324252627282930313233343536373839"
				     "40414243444546474849505152535455565758596061626364656667686970717273747576777879"
				     "8081828384858687888990919293949596979899";

int ts_fmt_i64(char *buf, int64_t v)
{
	static const uint64_t ten[20] = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000, 1000000000, 10000000000u,
					 100000000000u, 1000000000000u, 10000000000000u, 100000000000000u, 1000000000000000u,
					 10000000000000000u, 100000000000000000u, 1000000000000000000u, 10000000000000000000u};
	uint64_t u = v < 0 ? 0 - (uint64_t)v : (uint64_t)v;
	int n = 1;
	char *p;
	/* the digits are written in place, from the last: count them first
	 * (a copy of a variable length was a call to memcpy per number) */
	while (n < 20 && u >= ten[n]) n++;
	p = buf + (v < 0) + n;
	*p = '\0';
	if (v < 0) buf[0] = '-';
	for (; u >= 100; u /= 100) memcpy(p -= 2, digit_pairs + 2 * (u % 100), 2);
	if (u >= 10) memcpy(p - 2, digit_pairs + 2 * u, 2);
	else p[-1] = (char)('0' + u);
	return (v < 0) + n;
}

/* m = a · 10^k, k in [−22, 22] so that 10^|k| is exact */
static int scaled(double a, int k, double *m)
{
	if (k > 22 || k < -22) return -1;
	*m = k >= 0 ? a * p10[k] : a / p10[-k];
	return 0;
}

/* floor(log10 a) or one less, for normal a > 0, without log10: with
 * a = (1 + f)·2^b, f in [0, 1), log2 a ≥ b + f (the chord of log2 on
 * [1, 2]) and log2 a − (b + f) < 0.09, so (b + f)·log10 2 is at most 0.03
 * below log10 a; the caller corrects the estimate by one when the scaled
 * mantissa falls outside [10^(prec−1), 10^prec). */
static int floor10_estimate(double a)
{
	uint64_t bits;
	memcpy(&bits, &a, sizeof bits);
	double b = (double)((int)(bits >> 52 & 0x7ff) - 1023) + (double)(bits & ((1ull << 52) - 1)) * 0x1p-52;
	double l = b * 0.30102999566398120;
	int e = (int)l;  /* truncation: floor below 0 is one less */
	return e - (l < e);
}

int ts_fmt_g(char *buf, double x, int prec)
{
	double a = fabs(x), m, r;
	char dig[16];
	int e, k, nd, len = 0, i;
	uint64_t d;
	if (!(a >= 1e-300 && a < 1e300) || prec < 1 || prec > 9) return snprintf(buf, TS_FMT_MAX, "%.*g", prec, x);
	e = floor10_estimate(a);
	k = prec - 1 - e;
	if (scaled(a, k, &m) < 0) return snprintf(buf, TS_FMT_MAX, "%.*g", prec, x);
	if (m >= p10[prec] || m < p10[prec - 1]) {  /* log10 rounded across a power of ten */
		e += m >= p10[prec] ? 1 : -1;
		k = prec - 1 - e;
		if (scaled(a, k, &m) < 0 || m >= p10[prec] || m < p10[prec - 1]) return snprintf(buf, TS_FMT_MAX, "%.*g", prec, x);
	}
	r = (double)(uint64_t)m;  /* floor: 1 <= m < 10^9 */
	if (fabs(m - r - 0.5) < FMT_TIE) return snprintf(buf, TS_FMT_MAX, "%.*g", prec, x);
	d = (uint64_t)r + (m - r > 0.5);
	if (d == (uint64_t)p10[prec]) {  /* 9.99…5 rounded up to 10.0… */
		d /= 10;
		e++;
	}
	for (i = prec - 1; i >= 0; i--, d /= 10) dig[i] = (char)('0' + d % 10);
	for (nd = prec; nd > 1 && dig[nd - 1] == '0'; nd--) continue;  /* %g drops trailing zeros */
	if (x < 0) buf[len++] = '-';
	if (e < -4 || e >= prec) {
		buf[len++] = dig[0];
		if (nd > 1) buf[len++] = '.';
		for (i = 1; i < nd; i++) buf[len++] = dig[i];
		buf[len++] = 'e';
		buf[len++] = e < 0 ? '-' : '+';
		if (e < 0) e = -e;
		if (e >= 100) buf[len++] = (char)('0' + e / 100);
		buf[len++] = (char)('0' + e / 10 % 10);
		buf[len++] = (char)('0' + e % 10);
	} else if (e >= 0) {
		for (i = 0; i <= e; i++) buf[len++] = dig[i];
		if (nd > e + 1) buf[len++] = '.';
		for (i = e + 1; i < nd; i++) buf[len++] = dig[i];
	} else {
		buf[len++] = '0';
		buf[len++] = '.';
		for (i = 0; i < -e - 1; i++) buf[len++] = '0';
		for (i = 0; i < nd; i++) buf[len++] = dig[i];
	}
	buf[len] = '\0';
	return len;
}
