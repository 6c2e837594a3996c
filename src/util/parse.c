/* parse: strict strtol/strtod wrappers (see parse.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include "util/parse.h"

int ts_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out)
{
	char *end;
	long long v;
	if (s == NULL || *s == '\0') return -1;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end != '\0' || v < min || v > max) return -1;
	*out = v;
	return 0;
}

int ts_parse_int(const char *s, int min, int max, int *out)
{
	int64_t v;
	if (ts_parse_int64(s, min, max, &v) < 0) return -1;
	*out = (int)v;
	return 0;
}

int ts_parse_double(const char *s, double *out)
{
	char *end;
	double v;
	if (s == NULL || *s == '\0') return -1;
	errno = 0;
	v = strtod(s, &end);
	if (errno == ERANGE && fabs(v) > 1.0) return -1;  /* overflow; underflow to ~0 is fine */
	if (*end != '\0' || !isfinite(v)) return -1;
	*out = v;
	return 0;
}

int ts_parse_flag(const char *s, int *out)
{
	char *end;
	long v;
	if (s == NULL || *s == '\0') return -1;
	errno = 0;
	v = strtol(s, &end, 0);
	if (errno || *end != '\0' || v < 0 || v > 0xffff) return -1;
	*out = (int)v;
	return 0;
}
