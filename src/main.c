/* main: the `tessera` command — a table of subcommands and nothing else.
 *
 * `tessera CMD ARGS…` runs CMD; `tessera help CMD` is `tessera CMD --help`
 * (the samtools convention).  After the command, stdout is flushed and closed
 * and checked, so a full disk is an error rather than a silent truncation. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_version.h>
#include <htslib/hts.h>
#include <zlib.h>
#include "cli/cli.h"
#include "util/log.h"
#include "version.h"

typedef struct {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
} command_t;

static const command_t commands[] = {
	{"scan", cmd_scan, "scan sequences for motif occurrences (exact p-values, FIMO output)"},
	{"train", cmd_train, "learn motifs: train a shared-filter CNN on labelled sequences"},
	{"predict", cmd_predict, "class probabilities (and saliency) of sequences under a trained model"},
	{"simulate", cmd_simulate, "simulated training data: sequences with a planted motif (simulate motif)"},
	{"view", cmd_view, "print sequences from FASTA/FASTQ/SAM/BAM/CRAM, regions or BED"},
	{"motifs", cmd_motifs, "read, check, summarise, convert and draw motif files; extract learned motifs"},
	{"pairhmm", cmd_pairhmm, "pair-HMM alignment, EM fits of tied/untied gap models, LRT of symmetry"},
	{"report", cmd_report, "one self-contained HTML page from scan hits, pair-HMM tests and training runs"},
};
#define N_COMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *fp)
{
	size_t i;
	fprintf(fp,
		"tessera %s — motif scanning and pair-HMM statistics with tied parameters\n\n"
		"Usage: tessera <command> [options]\n\n"
		"Commands:\n", TESSERA_VERSION);
	for (i = 0; i < N_COMMANDS; i++)
		fprintf(fp, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fprintf(fp,
		"\n"
		"  tessera help <command>   or   tessera <command> --help\n"
		"  tessera --version\n\n"
		"Exit status: 0 ok, 1 usage error, 2 bad input data, 3 I/O or resource failure.\n");
}

static void version(void)
{
	printf("tessera %s\n", TESSERA_VERSION);
	printf("Using htslib %s\n", hts_version());
	printf("Using GSL %s\n", gsl_version);
	printf("Using zlib %s\n", zlibVersion());
	printf("Copyright (C) 2026 the tessera authors. License GPL-3.0-or-later.\n");
}

static const command_t *find_command(const char *name)
{
	size_t i;
	for (i = 0; i < N_COMMANDS; i++)
		if (strcmp(commands[i].name, name) == 0) return &commands[i];
	return NULL;
}

/* Close stdout and report a delayed write error (ENOSPC, EPIPE…). */
static int close_stdout(int ret)
{
	if (fflush(stdout) != 0 || ferror(stdout) || (fclose(stdout) != 0 && errno != EBADF)) {
		fprintf(stderr, "[E::main] writing to standard output failed: %s\n", strerror(errno));
		return ret ? ret : 3;
	}
	return ret;
}

int main(int argc, char **argv)
{
	const command_t *cmd;
	ts_set_verbosity(TS_LOG_WARN);
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (strcmp(argv[1], "--version") == 0 || strcmp(argv[1], "-V") == 0) {
		version();
		return close_stdout(0);
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return close_stdout(0);
	}
	if (strcmp(argv[1], "help") == 0) {
		static char help_opt[] = "--help";
		char *sub_argv[3];
		if (argc < 3) {
			usage(stdout);
			return close_stdout(0);
		}
		if ((cmd = find_command(argv[2])) == NULL) {
			fprintf(stderr, "[E::main] unknown command '%s'\n\n", argv[2]);
			usage(stderr);
			return 1;
		}
		sub_argv[0] = argv[2];
		sub_argv[1] = help_opt;
		sub_argv[2] = NULL;
		return close_stdout(cmd->run(2, sub_argv));
	}
	if ((cmd = find_command(argv[1])) == NULL) {
		fprintf(stderr, "[E::main] unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return 1;
	}
	return close_stdout(cmd->run(argc - 1, argv + 1));
}
