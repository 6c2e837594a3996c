/* cli: one entry point per subcommand, plus the options every command shares.
 *
 * Each cmd_* takes argc/argv starting at the subcommand name and returns a
 * process exit code: 0 ok, 1 usage, 2 bad input data, 3 I/O or resource.
 * This is the only floor that prints to stdout. */
#ifndef TS_CLI_H
#define TS_CLI_H

#include <getopt.h>
#include <stdio.h>
#include "io/seqio.h"

int cmd_view(int argc, char **argv);
int cmd_motifs(int argc, char **argv);
int cmd_motifs_extract(int argc, char **argv);  /* `motifs extract`, argv[0] = "extract" */
int cmd_scan(int argc, char **argv);
int cmd_pairhmm(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_train(int argc, char **argv);
int cmd_predict(int argc, char **argv);
int cmd_simulate(int argc, char **argv);

/* Long-only option ids shared by every command; commands number their own
 * long-only options from CLI_OPT_CMD upwards. */
enum { CLI_OPT_QUIET = 256, CLI_OPT_VERBOSE, CLI_OPT_HELP, CLI_OPT_CMD = 300 };

#define CLI_COMMON_LONGOPTS \
	{"quiet", no_argument, NULL, CLI_OPT_QUIET}, \
	{"verbose", no_argument, NULL, CLI_OPT_VERBOSE}, \
	{"help", no_argument, NULL, 'h'}

/* Text for the common options, appended to every command's usage. */
#define CLI_COMMON_HELP \
	"  -h, --help        print this help and exit\n" \
	"      --quiet       print errors only\n" \
	"      --verbose     print debugging messages\n"

/** Handle a common option; returns 1 if `c` was one. */
int cli_common_opt(int c);

/** The input options view and scan share: -r REG (appended to o->regions,
 *  which the caller frees), -T FILE, -f/-F FLAGS, -q MAPQ.
 *  @return 0 if c is none of them, 1 if handled, CLI_BAD_OPT after printing
 *  a usage error (exit 1), CLI_NOMEM when out of memory (exit 3). */
enum { CLI_BAD_OPT = -1, CLI_NOMEM = -3 };
int cli_input_opt(const char *cmd, int c, char *arg, sio_opts_t *o);

/** The sample name of --mqc: `given` (--sample) as it is, else the file
 *  name of `path` without directories and extensions (".bam", ".fa.gz"). */
void cli_sample_name(const char *given, const char *path, char *buf, size_t size);

/** Report a usage error as "[E::cmd] message", point at --help, return 1. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
