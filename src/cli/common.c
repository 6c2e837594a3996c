/* common: options and usage errors shared by every subcommand. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "util/log.h"
#include "util/parse.h"

int cli_common_opt(int c)
{
	switch (c) {
	case CLI_OPT_QUIET: ts_set_verbosity(TS_LOG_ERROR); return 1;
	case CLI_OPT_VERBOSE: ts_set_verbosity(TS_LOG_DEBUG); return 1;
	default: return 0;
	}
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "[E::%s] ", cmd);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'tessera %s --help' for usage.\n", cmd);
	return 1;
}

int cli_input_opt(const char *cmd, int c, char *arg, sio_opts_t *o)
{
	switch (c) {
	case 'r': {
		char **r = realloc(o->regions, (o->n_regions + 1) * sizeof *r);
		if (r == NULL) return CLI_NOMEM;
		o->regions = r;
		o->regions[o->n_regions++] = arg;
		return 1;
	}
	case 'T': o->reference = arg; return 1;
	case 'f':
		if (ts_parse_flag(arg, &o->flag_require) < 0) return cli_usage_error(cmd, "-f: '%s' is not a flag value", arg), CLI_BAD_OPT;
		return 1;
	case 'F':
		if (ts_parse_flag(arg, &o->flag_exclude) < 0) return cli_usage_error(cmd, "-F: '%s' is not a flag value", arg), CLI_BAD_OPT;
		return 1;
	case 'q':
		if (ts_parse_int(arg, 0, 255, &o->min_mapq) < 0) return cli_usage_error(cmd, "-q: '%s' is not an integer in 0..255", arg), CLI_BAD_OPT;
		return 1;
	default: return 0;
	}
}

void cli_sample_name(const char *given, const char *path, char *buf, size_t size)
{
	const char *base = strrchr(path, '/');
	char *dot;
	snprintf(buf, size, "%s", given ? given : base ? base + 1 : path);
	while (!given && (dot = strrchr(buf, '.')) != NULL && dot != buf) *dot = '\0';
}
