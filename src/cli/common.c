/* common: options and usage errors shared by every subcommand. */
#include <stdarg.h>
#include <stdio.h>
#include "cli/cli.h"
#include "util/log.h"

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
