/* motifs_extract: `tessera motifs extract` — a trained model's filters as
 * motifs (cnn1d/extract), each matched against a motif database
 * (cnn1d/motifcmp), written as MEME, a TSV of matches and SVG logos
 * (io/logo).  Options and wiring only. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cnn1d/data.h"
#include "cnn1d/extract.h"
#include "cnn1d/motifcmp.h"
#include "cnn1d/net_json.h"
#include "io/logo.h"
#include "io/motif.h"
#include "util/log.h"
#include "util/outfile.h"
#include "util/parse.h"
#include "util/paths.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: tessera motifs extract -M MODEL.json --from SEQS -o LEARNED.meme [options]\n\n"
		"Turn each filter of a model from 'tessera train' into a motif: the sub-sequences of SEQS\n"
		"(both strands with --rc-tie models) whose activation exceeds a fraction of the filter's\n"
		"largest activation over SEQS, aligned and counted (DeepBind/Basset).  Each motif is\n"
		"matched against a motif database by column-wise Pearson correlation over the best\n"
		"offset and strand; the matches are a TSV on stdout: filter, nsites, ic, match_id,\n"
		"match_name, similarity, offset, strand, overlap (columns compared).\n\n"
		"  -M, --model FILE         model (JSON) written by 'tessera train'\n"
		"      --from FILE          sequences to find the sites in (FASTA/FASTQ/SAM/BAM/CRAM)\n"
		"  -o, --output FILE        the motifs (MEME), replaced only on success\n"
		"      --threshold X        fraction of the filter's largest activation a site exceeds [0.5]\n"
		"  -m, --motifs FILE        database to match against (MEME, JASPAR, TRANSFAC)\n"
		"                           [the bundled JASPAR 2024 CORE vertebrates non-redundant]\n"
		"      --matches FILE       write the matches here instead of stdout\n"
		"      --logo DIR           one SVG sequence logo per motif in DIR (created if missing)\n"
		"  -r, --region REG, --bed FILE, -T FILE, -f, -F, -q   for --from, as in 'tessera view'\n"
		CLI_COMMON_HELP);
}

enum { OPT_FROM = CLI_OPT_CMD, OPT_THRESHOLD, OPT_MATCHES, OPT_LOGO, OPT_BED };

static const struct option long_opts[] = {
	{"model", required_argument, NULL, 'M'},
	{"from", required_argument, NULL, OPT_FROM},
	{"output", required_argument, NULL, 'o'},
	{"threshold", required_argument, NULL, OPT_THRESHOLD},
	{"motifs", required_argument, NULL, 'm'},
	{"matches", required_argument, NULL, OPT_MATCHES},
	{"logo", required_argument, NULL, OPT_LOGO},
	{"region", required_argument, NULL, 'r'},
	{"bed", required_argument, NULL, OPT_BED},
	{"reference", required_argument, NULL, 'T'},
	CLI_COMMON_LONGOPTS,
	{NULL, 0, NULL, 0}
};

typedef struct {
	const char *model, *from, *out, *db, *matches, *logo;
	double threshold;
} extract_cli_t;

/* 0 to go on, else the exit code plus 1. */
static int parse_args(int argc, char **argv, extract_cli_t *c, sio_opts_t *io)
{
	int ch, k;
	while ((ch = getopt_long(argc, argv, "M:o:m:r:T:f:F:q:h", long_opts, NULL)) >= 0) {
		switch (ch) {
		case 'M': c->model = optarg; break;
		case OPT_FROM: c->from = optarg; break;
		case 'o': c->out = optarg; break;
		case 'm': c->db = optarg; break;
		case OPT_MATCHES: c->matches = optarg; break;
		case OPT_LOGO: c->logo = optarg; break;
		case OPT_BED: io->bed = optarg; break;
		case OPT_THRESHOLD:
			if (ts_parse_double(optarg, &c->threshold) < 0 || c->threshold < 0 || c->threshold >= 1)
				return cli_usage_error("motifs extract", "--threshold: '%s' is not a fraction in [0, 1)", optarg), 2;
			break;
		case 'h': usage(stdout); return 1;
		default:
			if ((k = cli_input_opt("motifs extract", ch, optarg, io)) < 0) return k == CLI_NOMEM ? 4 : 2;
			if (k || cli_common_opt(ch)) break;
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) return cli_usage_error("motifs extract", "unexpected argument '%s'", argv[optind]), 2;
	if (c->model == NULL) return cli_usage_error("motifs extract", "no model given (-M MODEL.json)"), 2;
	if (c->from == NULL) return cli_usage_error("motifs extract", "no sequences given (--from SEQS)"), 2;
	if (c->out == NULL) return cli_usage_error("motifs extract", "no output file given (-o LEARNED.meme)"), 2;
	return 0;
}

/* The database: -m FILE, or the bundled one. */
static int load_db(const char *path, motif_set_t **db, char *err)
{
	char *p = path ? strdup(path) : ts_data_path(TS_DEFAULT_MOTIFS);
	int s;
	if (p == NULL)
		return path ? ts_fail(err, TS_ENOMEM, "out of memory")
			    : ts_fail(err, TS_EIO, "the bundled motif database (%s) is not installed; give -m FILE or set TESSERA_DATA",
				      TS_DEFAULT_MOTIFS);
	s = motif_read(p, db, err);
	free(p);
	return s;
}

/* One TSV line per filter; the matches of the extracted motifs in m. */
static void write_matches(FILE *fp, const net_t *net, const extract_info_t *info, const motif_set_t *set, const motif_set_t *db,
			  const mcmp_match_t *m)
{
	int k;
	fputs("filter\tnsites\tic\tmatch_id\tmatch_name\tsimilarity\toffset\tstrand\toverlap\n", fp);
	for (k = 0; k < net->a.K; k++) {
		const extract_info_t *e = &info[k];
		const mcmp_match_t *b = e->motif >= 0 ? &m[e->motif] : NULL;
		fprintf(fp, "filter%d\t%lld\t", k, (long long)e->nsites);
		if (e->motif < 0) fputs(".", fp);
		else fprintf(fp, "%.3f", mcmp_ic(&set->a[e->motif]));
		if (b == NULL || b->target < 0) fputs("\t.\t.\t.\t.\t.\t.\n", fp);
		else {
			const motif_t *t = &db->a[b->target];
			fprintf(fp, "\t%s\t%s\t%.4f\t%d\t%c\t%d\n", t->id, t->alt ? t->alt : ".", b->sim, b->offset, b->strand, b->overlap);
		}
	}
}

/* The MEME file (-o) and the match table (--matches, else standard output):
 * both, or neither. */
static int write_outputs(const extract_cli_t *c, const net_t *net, const extract_info_t *info, const motif_set_t *set,
			 const motif_set_t *db, const mcmp_match_t *m, char *err)
{
	ts_outfile_t of[2];
	const char *paths[2] = {c->out, c->matches}, *opts[2] = {"-o", "--matches"};
	int s;
	memset(of, 0, sizeof of);
	if ((s = ts_outfile_distinct(paths, opts, 2, err)) < 0) return s;
	if ((s = ts_outfile_open(&of[0], c->out, err)) < 0) return s;
	if ((s = ts_outfile_open(&of[1], c->matches, err)) < 0) {
		ts_outfile_abort(&of[0]);
		return s;
	}
	if (motif_write_meme(of[0].fp, set) < 0) s = TS_EIO;
	write_matches(of[1].fp, net, info, set, db, m);  /* its write errors: at the commit */
	if (s < 0) {
		ts_outfile_abort(&of[0]), ts_outfile_abort(&of[1]);
		return ts_fail(err, TS_EIO, "%s: write failed", c->out);
	}
	return ts_outfile_commit_all(of, 2, err);
}

/* Logo titles: "filter3 (nsites 812; best match MA0139.2 CTCF, 0.91)". */
static int write_logos(const char *dir, const motif_set_t *set, const motif_set_t *db, const mcmp_match_t *m, char *err)
{
	char **titles = calloc(set->n > 0 ? set->n : 1, sizeof *titles);
	int i, s = TS_OK;
	if (titles == NULL) return ts_fail(err, TS_ENOMEM, "out of memory");
	for (i = 0; i < set->n && s == TS_OK; i++) {
		const motif_t *t = m[i].target >= 0 ? &db->a[m[i].target] : NULL;
		size_t len = strlen(set->a[i].id) + (t ? strlen(t->id) + (t->alt ? strlen(t->alt) : 0) : 0) + 96;
		if ((titles[i] = malloc(len)) == NULL) s = ts_fail(err, TS_ENOMEM, "out of memory");
		else if (t)
			snprintf(titles[i], len, "%s (nsites %.0f; best match %s%s%s, %.2f)", set->a[i].id, set->a[i].nsites, t->id, t->alt ? " " : "",
				 t->alt ? t->alt : "", m[i].sim);
		else snprintf(titles[i], len, "%s (nsites %.0f)", set->a[i].id, set->a[i].nsites);
	}
	if (s == TS_OK) s = logo_write_dir(dir, set, titles, err);
	for (i = 0; i < set->n; i++) free(titles[i]);
	free(titles);
	return s;
}

int cmd_motifs_extract(int argc, char **argv)
{
	extract_cli_t c = {NULL, NULL, NULL, NULL, NULL, NULL, 0.5};
	sio_opts_t io;
	net_t net = {0};
	data_t d = {0};
	motif_set_t *set = NULL, *db = NULL;
	extract_info_t *info = NULL;
	mcmp_match_t *m = NULL;
	char err[TS_ERRLEN];
	int s = TS_OK, i, exit_code;
	sio_opts_init(&io);
	optind = 1;
	if ((exit_code = parse_args(argc, argv, &c, &io)) != 0) {
		exit_code--;
		goto done;
	}
	if ((s = net_json_read(c.model, &net, err)) < 0 || (s = load_db(c.db, &db, err)) < 0 ||
	    (s = data_read(&d, c.from, 0, &io, err)) < 0)
		goto fail;
	if ((s = extract_motifs(&net, &d, c.threshold, &set, &info, err)) < 0) {
		if (s == TS_EDATA) ts_fail_in(err, s, c.from);  /* the file of the sequence named */
		goto fail;
	}
	if ((m = calloc(set->n > 0 ? set->n : 1, sizeof *m)) == NULL) {
		s = ts_fail(err, TS_ENOMEM, "out of memory");
		goto fail;
	}
	for (i = 0; i < set->n; i++) m[i] = mcmp_best(&set->a[i], db);
	ts_log(TS_LOG_INFO, "motifs", "%d of %d filters with sites in %d sequences; matched against %d motifs", set->n, net.a.K, d.n, db->n);
	if (set->n < net.a.K)
		ts_log(TS_LOG_WARN, "motifs", "%d filters have no window above %g of their maximum (never active): no motif", net.a.K - set->n,
		       c.threshold);
	if (set->n == 0) {  /* a MEME file of no motifs is no motif file */
		s = ts_fail(err, TS_EDATA, "no filter of %s is active on %s (no window above %g of its maximum): no motifs to write", c.model,
			    c.from, c.threshold);
		goto fail;
	}
	/* the logos first: the files are committed last, both or neither */
	if (c.logo && (s = write_logos(c.logo, set, db, m, err)) < 0) goto fail;
	if ((s = write_outputs(&c, &net, info, set, db, m, err)) < 0) goto fail;
	exit_code = 0;
	goto done;
fail:
	ts_log(TS_LOG_ERROR, "motifs", "%s", err);
	exit_code = ts_exit_code(s);
done:
	free(m);
	free(info);
	motif_set_free(set);
	motif_set_free(db);
	data_free(&d);
	net_free(&net);
	free(io.regions);
	return exit_code;
}
