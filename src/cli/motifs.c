/* motifs: `tessera motifs convert|summary|logo` — check a motif file,
 * convert it to MEME, describe it, or draw its logos; `extract` is in
 * motifs_extract.c.  Reading is done by io/motif, drawing by io/logo; this
 * file only parses options and prints. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "io/logo.h"
#include "io/motif.h"
#include "util/log.h"
#include "util/outfile.h"
#include "util/paths.h"

#define N_FIRST_IDS 5

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: tessera motifs <convert|summary|logo> [options] [FILE]\n"
		"       tessera motifs extract -M MODEL.json --from SEQS -o LEARNED.meme [options]\n\n"
		"Read a MEME, JASPAR or TRANSFAC motif file (detected from its content,\n"
		"gzip allowed, '-' for stdin) and check every matrix.  Without FILE, the\n"
		"bundled JASPAR 2024 CORE vertebrates non-redundant collection.\n\n"
		"Subcommands:\n"
		"  convert [FILE] [-o OUT] write the motifs in MEME minimal format (version 4)\n"
		"  summary [FILE]          print the format, number of motifs, widths and background\n"
		"  logo [FILE] -o DIR      one SVG sequence logo per motif in DIR (created if missing),\n"
		"                          named after the motif id\n"
		"  extract                 motifs from a trained model's filters ('tessera motifs extract --help')\n\n"
		"Options:\n"
		"  -o, --output FILE  convert: output file, written atomically [- = stdout]; logo: directory\n"
		CLI_COMMON_HELP
		"\nExit status: 0 ok, 1 usage error, 2 malformed motif file, 3 I/O failure.\n");
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;
	return (x > y) - (x < y);
}

static int summary(const char *path, const motif_set_t *set)
{
	int i, *w = malloc((set->n > 0 ? set->n : 1) * sizeof *w);
	long total = 0;
	double median;
	if (w == NULL) {
		ts_log(TS_LOG_ERROR, "motifs", "out of memory");
		return 3;
	}
	for (i = 0; i < set->n; i++) w[i] = set->a[i].w, total += w[i];
	qsort(w, set->n, sizeof *w, cmp_int);
	median = set->n % 2 ? w[set->n / 2] : (w[set->n / 2 - 1] + w[set->n / 2]) / 2.0;
	printf("%-12s %s\n", "file", path);
	printf("%-12s %s\n", "format", motif_format_name(set->format));
	printf("%-12s %d\n", "motifs", set->n);
	printf("%-12s min %d, median %g, max %d\n", "width", w[0], median, w[set->n - 1]);
	printf("%-12s %ld\n", "positions", total);
	printf("%-12s %s\n", "strands", set->strands == 1 ? "+" : "+ -");
	if (set->has_bg)
		printf("%-12s A %.6f C %.6f G %.6f T %.6f\n", "background", set->bg[0], set->bg[1], set->bg[2], set->bg[3]);
	else
		printf("%-12s none given (uniform)\n", "background");
	printf("%-12s", "first ids");
	for (i = 0; i < set->n && i < N_FIRST_IDS; i++)
		printf("%s %s%s%s%s", i ? "," : "", set->a[i].id, set->a[i].alt ? " (" : "", set->a[i].alt ? set->a[i].alt : "",
			set->a[i].alt ? ")" : "");
	printf("%s\n", set->n > N_FIRST_IDS ? ", ..." : "");
	free(w);
	return 0;
}

static int logo(const motif_set_t *set, const char *dir)
{
	char err[TS_ERRLEN];
	int st;
	if ((st = logo_write_dir(dir, set, NULL, err)) < 0) {
		ts_log(TS_LOG_ERROR, "motifs", "%s", err);
		return ts_exit_code(st);
	}
	ts_log(TS_LOG_INFO, "motifs", "%d logos in %s", set->n, dir);
	return 0;
}

static int convert(const motif_set_t *set, const char *out)
{
	ts_outfile_t of;
	char err[TS_ERRLEN];
	int st;
	if ((st = ts_outfile_open(&of, out, err)) < 0) {
		ts_log(TS_LOG_ERROR, "motifs", "%s", err);
		return ts_exit_code(st);
	}
	if (motif_write_meme(of.fp, set) < 0) {
		ts_log(TS_LOG_ERROR, "motifs", "%s: write failed: %s", out && strcmp(out, "-") != 0 ? out : "standard output",
		       strerror(errno));
		ts_outfile_abort(&of);
		return 3;
	}
	if ((st = ts_outfile_commit(&of, err)) < 0) {
		ts_log(TS_LOG_ERROR, "motifs", "%s", err);
		return ts_exit_code(st);
	}
	return 0;
}

int cmd_motifs(int argc, char **argv)
{
	static const struct option lopts[] = {
		{"output", required_argument, NULL, 'o'},
		CLI_COMMON_LONGOPTS,
		{NULL, 0, NULL, 0}
	};
	const char *sub, *out = NULL;
	char err[TS_ERRLEN], *path;
	motif_set_t *set;
	int c, st, ret;
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	sub = argv[1];
	if (strcmp(sub, "-h") == 0 || strcmp(sub, "--help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(sub, "extract") == 0) return cmd_motifs_extract(argc - 1, argv + 1);
	if (strcmp(sub, "convert") != 0 && strcmp(sub, "summary") != 0 && strcmp(sub, "logo") != 0) {
		fprintf(stderr, "[E::motifs] unknown subcommand '%s'\n\n", sub);
		usage(stderr);
		return 1;
	}
	optind = 1;
	while ((c = getopt_long(argc - 1, argv + 1, "o:h", lopts, NULL)) >= 0) {
		if (cli_common_opt(c)) continue;
		switch (c) {
		case 'o':
			if (strcmp(sub, "summary") == 0) return cli_usage_error("motifs", "-o is an option of 'convert' and 'logo' only");
			out = optarg;
			break;
		case 'h': usage(stdout); return 0;
		default:
			usage(stderr);
			return 1;
		}
	}
	if (argc - 1 - optind > 1) return cli_usage_error("motifs", "%s takes at most one FILE", sub);
	if (strcmp(sub, "logo") == 0 && out == NULL) return cli_usage_error("motifs", "logo: no directory given (-o DIR)");
	if (argc - 1 - optind == 1) {
		path = strdup(argv[1 + optind]);
	} else if ((path = ts_data_path(TS_DEFAULT_MOTIFS)) == NULL) {
		ts_log(TS_LOG_ERROR, "motifs", "the bundled motif database (%s) is not installed; give a FILE or set TESSERA_DATA",
		       TS_DEFAULT_MOTIFS);
		return 3;
	}
	if (path == NULL) return 3;
	if ((st = motif_read(path, &set, err)) < 0) {
		ts_log(TS_LOG_ERROR, "motifs", "%s", err);
		free(path);
		return ts_exit_code(st);
	}
	ts_log(TS_LOG_INFO, "motifs", "%d motifs in %s format from %s", set->n, motif_format_name(set->format), path);
	ret = strcmp(sub, "convert") == 0 ? convert(set, out) : strcmp(sub, "logo") == 0 ? logo(set, out) : summary(path, set);
	motif_set_free(set);
	free(path);
	return ret;
}
