/* test_log: status codes map to the documented exit codes; numbers parse strictly. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>
#include "util/log.h"
#include "util/parse.h"

Test(log, exit_codes)
{
	cr_assert_eq(ts_exit_code(TS_OK), 0);
	cr_assert_eq(ts_exit_code(TS_EUSAGE), 1);
	cr_assert_eq(ts_exit_code(TS_EDATA), 2);
	cr_assert_eq(ts_exit_code(TS_EIO), 3);
	cr_assert_eq(ts_exit_code(TS_ENOMEM), 3);
}

Test(log, fail_fills_buffer)
{
	char err[TS_ERRLEN];
	cr_assert_eq(ts_fail(err, TS_EDATA, "%s:%d: bad", "f.txt", 7), TS_EDATA);
	cr_assert_str_eq(err, "f.txt:7: bad");
}

Test(parse, integers_strict)
{
	int v;
	int64_t w;
	cr_assert_eq(ts_parse_int("42", 0, 100, &v), 0);
	cr_assert_eq(v, 42);
	cr_assert_eq(ts_parse_int("42x", 0, 100, &v), -1);
	cr_assert_eq(ts_parse_int("", 0, 100, &v), -1);
	cr_assert_eq(ts_parse_int("101", 0, 100, &v), -1);
	cr_assert_eq(ts_parse_int("-1", 0, 100, &v), -1);
	cr_assert_eq(ts_parse_int64("99999999999999999999", 0, INT64_MAX, &w), -1);
	cr_assert_eq(ts_parse_flag("0x900", &v), 0);
	cr_assert_eq(v, 0x900);
	cr_assert_eq(ts_parse_flag("2304", &v), 0);
	cr_assert_eq(v, 2304);
}

Test(parse, doubles_strict)
{
	double d;
	cr_assert_eq(ts_parse_double("1e-4", &d), 0);
	cr_assert_float_eq(d, 1e-4, 1e-18);
	cr_assert_eq(ts_parse_double("nan", &d), -1);
	cr_assert_eq(ts_parse_double("inf", &d), -1);
	cr_assert_eq(ts_parse_double("1e999", &d), -1);
	cr_assert_eq(ts_parse_double("0.5 ", &d), -1);
}

/* ts_fail_in prefixes the message in place, and cuts a long one at the
 * buffer's end: the result is what snprintf("%s: %s") would give. */
Test(log, fail_in_prefixes)
{
	char err[TS_ERRLEN], want[TS_ERRLEN], long_msg[TS_ERRLEN];
	cr_assert_eq(ts_fail(err, TS_EDATA, "sequence %s: too short", "s1"), TS_EDATA);
	cr_assert_eq(ts_fail_in(err, TS_EDATA, "in.fa"), TS_EDATA);
	cr_assert_str_eq(err, "in.fa: sequence s1: too short");
	memset(long_msg, 'x', sizeof long_msg - 1);
	long_msg[sizeof long_msg - 1] = '\0';
	ts_fail(err, TS_EDATA, "%s", long_msg);
	ts_fail_in(err, TS_EDATA, "dir/file.fa");
	snprintf(want, sizeof want, "dir/file.fa: %.*s", (int)(sizeof want - 14), long_msg);
	cr_assert_str_eq(err, want);
	cr_assert_eq(strlen(err), TS_ERRLEN - 1);
}
