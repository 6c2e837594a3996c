/* log: htslib-style stderr diagnostics and status → exit code mapping. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <htslib/hts_log.h>
#include "util/log.h"

int ts_verbosity = TS_LOG_WARN;

void ts_set_verbosity(int level)
{
	static const enum htsLogLevel hts_level[] = {HTS_LOG_OFF, HTS_LOG_ERROR, HTS_LOG_WARNING, HTS_LOG_WARNING, HTS_LOG_DEBUG};
	if (level < TS_LOG_QUIET) level = TS_LOG_QUIET;
	if (level > TS_LOG_DEBUG) level = TS_LOG_DEBUG;
	ts_verbosity = level;
	hts_set_log_level(hts_level[level]);
}

void ts_log(int level, const char *func, const char *fmt, ...)
{
	static const char tag[] = "?EWMD";
	va_list ap;
	if (level > ts_verbosity) return;
	fprintf(stderr, "[%c::%s] ", tag[level], func);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int ts_fail(char *err, int status, const char *fmt, ...)
{
	va_list ap;
	if (err) {
		va_start(ap, fmt);
		vsnprintf(err, TS_ERRLEN, fmt, ap);
		va_end(ap);
	}
	return status;
}

int ts_fail_in(char *err, int status, const char *where)
{
	if (err) {  /* shift the message right, cut at TS_ERRLEN */
		size_t w = strnlen(where, TS_ERRLEN / 4), m = strnlen(err, TS_ERRLEN - 1);
		if (w + 2 + m > TS_ERRLEN - 1) m = TS_ERRLEN - 1 - w - 2;
		memmove(err + w + 2, err, m);
		memcpy(err, where, w);
		err[w] = ':', err[w + 1] = ' ', err[w + 2 + m] = '\0';
	}
	return status;
}

int ts_exit_code(int status)
{
	switch (status) {
	case TS_OK: case TS_EOF: return 0;
	case TS_EUSAGE: return 1;
	case TS_EDATA: return 2;
	default: return 3;
	}
}
