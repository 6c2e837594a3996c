/* fmt: number formatting for the hot output paths, byte-identical to printf.
 *
 * printf's %g is exact (it rounds the binary value's full decimal expansion)
 * and slow.  ts_fmt_g scales |x| by an exact power of ten (10^k, |k| <= 22),
 *     m = |x| · 10^(prec−1−e),  e = floor(log10 |x|),  10^(prec−1) <= m < 10^prec,
 * with one rounding (relative error <= 2^−53), and rounds m to an integer.
 * When m is within FMT_TIE of a half-integer the result could depend on that
 * rounding, so printf is asked instead; otherwise the digits are printf's. */
#ifndef TS_FMT_H
#define TS_FMT_H

#include <stdint.h>

#define TS_FMT_MAX 32   /* bytes a buffer needs for either function */

/** printf("%.*g", prec, x) into buf (NUL-terminated); returns its length. */
int ts_fmt_g(char *buf, double x, int prec);

/** printf("%lld", v) into buf (NUL-terminated); returns its length. */
int ts_fmt_i64(char *buf, int64_t v);

#endif
