/* simulate: `tessera simulate motif` — random sequences, half of them with
 * a site of a bundled (or given) motif planted at a random place and
 * strand, labelled in the FASTA header; the data the weight-sharing
 * benchmark trains on.  Options and wiring only: the drawing is in
 * cnn1d/plant.
 *
 * Randomness: one GSL MT19937 generator seeded once with --seed (default
 * 1); the labels are drawn first (exactly floor(n/2) positives, at random
 * places in the order), then each sequence in order, so the output depends
 * on the options alone. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "cli/cli.h"
#include "cnn1d/plant.h"
#include "io/motif.h"
#include "util/log.h"
#include "util/outfile.h"
#include "util/parse.h"
#include "util/paths.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: tessera simulate motif --motif ID -n N --len L [options]\n\n"
		"N random sequences of L bases; floor(N/2) of them, at random places in the order, have\n"
		"one site of the motif (drawn from its probabilities) planted at a uniformly random\n"
		"position and strand.  FASTA, one line per sequence, labelled in the header:\n"
		"  >seq1 label=1 motif=MA0139.2 start=57 strand=-    (start: 1-based)\n"
		"  >seq2 label=0\n\n"
		"  -M, --motif ID        motif id (e.g. MA0139.2) or name (e.g. CTCF, if unique)\n"
		"  -m, --motifs FILE     motif file to take it from [the bundled JASPAR 2024 CORE\n"
		"                        vertebrates non-redundant]\n"
		"  -n, --num N           sequences [1000]\n"
		"  -l, --len L           bases per sequence [200]\n"
		"      --gc FRAC         G+C fraction of the background [0.5]\n"
		"      --seed S          random seed, a non-negative integer [1]\n"
		"  -o, --output FILE     every sequence, written atomically [stdout, unless --pos/--neg]\n"
		"      --pos FILE        also (or only) the sequences with a site\n"
		"      --neg FILE        also (or only) the sequences without\n"
		CLI_COMMON_HELP);
}

enum { OPT_GC = CLI_OPT_CMD, OPT_SEED, OPT_POS, OPT_NEG };

static const struct option long_opts[] = {
	{"motif", required_argument, NULL, 'M'},
	{"motifs", required_argument, NULL, 'm'},
	{"num", required_argument, NULL, 'n'},
	{"len", required_argument, NULL, 'l'},
	{"gc", required_argument, NULL, OPT_GC},
	{"seed", required_argument, NULL, OPT_SEED},
	{"output", required_argument, NULL, 'o'},
	{"pos", required_argument, NULL, OPT_POS},
	{"neg", required_argument, NULL, OPT_NEG},
	CLI_COMMON_LONGOPTS,
	{NULL, 0, NULL, 0}
};

typedef struct {
	const char *motif, *db, *out, *pos, *neg;
	int n, len;
	double gc;
	unsigned long seed;
} sim_cli_t;

#define CMD "simulate motif"

/* 0 to go on, else the exit code plus 1. */
static int parse_args(int argc, char **argv, sim_cli_t *c)
{
	int ch;
	int64_t seed;
	while ((ch = getopt_long(argc, argv, "M:m:n:l:o:h", long_opts, NULL)) >= 0) {
		switch (ch) {
		case 'M': c->motif = optarg; break;
		case 'm': c->db = optarg; break;
		case 'o': c->out = optarg; break;
		case OPT_POS: c->pos = optarg; break;
		case OPT_NEG: c->neg = optarg; break;
		case 'n':
			if (ts_parse_int(optarg, 1, 100000000, &c->n) < 0) return cli_usage_error(CMD, "-n: '%s' is not an integer in 1..100000000", optarg), 2;
			break;
		case 'l':
			if (ts_parse_int(optarg, 1, 100000000, &c->len) < 0) return cli_usage_error(CMD, "--len: '%s' is not an integer in 1..100000000", optarg), 2;
			break;
		case OPT_GC:
			if (ts_parse_double(optarg, &c->gc) < 0 || c->gc < 0 || c->gc > 1) return cli_usage_error(CMD, "--gc: '%s' is not a fraction in [0, 1]", optarg), 2;
			break;
		case OPT_SEED:
			if (ts_parse_int64(optarg, 0, 4294967295LL, &seed) < 0) return cli_usage_error(CMD, "--seed: '%s' is not an integer in 0..4294967295", optarg), 2;
			c->seed = (unsigned long)seed;
			break;
		case 'h': usage(stdout); return 1;
		default:
			if (cli_common_opt(ch)) break;
			usage(stderr);
			return 2;
		}
	}
	if (optind < argc) return cli_usage_error(CMD, "unexpected argument '%s'", argv[optind]), 2;
	if (c->motif == NULL) return cli_usage_error(CMD, "no motif given (--motif ID)"), 2;
	if (c->out == NULL && c->pos == NULL && c->neg == NULL) c->out = "-";
	{
		const char *paths[3] = {c->out, c->pos, c->neg}, *opts[3] = {"-o", "--pos", "--neg"};
		char err[TS_ERRLEN];
		if (ts_outfile_distinct(paths, opts, 3, err) < 0) return cli_usage_error(CMD, "%s", err), 2;
	}
	return 0;
}

/* The motif named `key`: an id, else a unique name (case ignored). */
static int find_motif(const motif_set_t *set, const char *key, const char *path, int *idx, char *err)
{
	int i, found = -1, n = 0;
	if ((*idx = motif_find(set, key)) >= 0) return TS_OK;
	for (i = 0; i < set->n; i++)
		if (set->a[i].alt && strcasecmp(set->a[i].alt, key) == 0) found = i, n++;
	if (n == 1) return *idx = found, TS_OK;
	if (n > 1) return ts_fail(err, TS_EUSAGE, "%s: %d motifs are named '%s': give an id", path, n, key);
	return ts_fail(err, TS_EUSAGE, "%s: no motif with id or name '%s'", path, key);
}

static int load_motif(const sim_cli_t *c, motif_set_t **set, int *idx, char *err)
{
	char *path = c->db ? strdup(c->db) : ts_data_path(TS_DEFAULT_MOTIFS);
	int s;
	if (path == NULL)
		return c->db ? ts_fail(err, TS_ENOMEM, "out of memory")
			     : ts_fail(err, TS_EIO, "the bundled motif database (%s) is not installed; give -m FILE or set TESSERA_DATA",
				       TS_DEFAULT_MOTIFS);
	if ((s = motif_read(path, set, err)) == TS_OK) s = find_motif(*set, c->motif, path, idx, err);
	if (s == TS_OK && (*set)->a[*idx].w > c->len)
		s = ts_fail(err, TS_EUSAGE, "motif %s is %d wide: longer than --len %d", (*set)->a[*idx].id, (*set)->a[*idx].w, c->len);
	free(path);
	return s;
}

/* The outputs: every sequence, the positives, the negatives (NULL: none). */
typedef struct {
	const char *path[3];
	ts_outfile_t of[3];
} outs_t;

static int write_all(const sim_cli_t *c, const motif_t *m, outs_t *o, char *err)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	uint8_t *x = malloc(c->len);
	char *text = malloc((size_t)c->len + 1);
	int *label = calloc(c->n, sizeof *label), i, k, s = TS_OK;
	if (rng == NULL || x == NULL || text == NULL || label == NULL) {
		s = ts_fail(err, TS_ENOMEM, "out of memory");
		goto done;
	}
	gsl_rng_set(rng, c->seed);
	for (i = 0; i < c->n / 2; i++) label[i] = 1;
	gsl_ran_shuffle(rng, label, c->n, sizeof *label);
	for (i = 0; i < c->n; i++) {
		int at = 0, j;
		char strand = '+';
		plant_background(x, c->len, c->gc, rng);
		if (label[i]) plant_site(m, x, c->len, rng, &at, &strand);
		for (j = 0; j < c->len; j++) text[j] = "ACGT"[x[j]];
		text[c->len] = '\0';
		for (k = 0; k < 3; k++) {
			if (!o->of[k].fp || !(k == 0 || (k == 1) == label[i])) continue;
			/* the motif id is printed apart: any length fits */
			if (label[i]) fprintf(o->of[k].fp, ">seq%d label=1 motif=%s start=%d strand=%c\n%s\n", i + 1, m->id, at + 1, strand, text);
			else fprintf(o->of[k].fp, ">seq%d label=0\n%s\n", i + 1, text);
		}
	}
done:
	if (rng) gsl_rng_free(rng);
	free(x);
	free(text);
	free(label);
	return s;
}

int cmd_simulate(int argc, char **argv)
{
	sim_cli_t c = {NULL, NULL, NULL, NULL, NULL, 1000, 200, 0.5, 1};
	motif_set_t *set = NULL;
	outs_t o;
	char err[TS_ERRLEN];
	int s = TS_OK, k, idx = -1, exit_code;
	memset(&o, 0, sizeof o);
	if (argc < 2 || strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2;
	}
	if (strcmp(argv[1], "motif") != 0) {
		fprintf(stderr, "[E::simulate] unknown subcommand '%s' (pair-HMM data: 'tessera pairhmm simulate')\n\n", argv[1]);
		usage(stderr);
		return 1;
	}
	optind = 1;
	if ((exit_code = parse_args(argc - 1, argv + 1, &c)) != 0) return exit_code - 1;
	if ((s = load_motif(&c, &set, &idx, err)) < 0) goto fail;
	o.path[0] = c.out, o.path[1] = c.pos, o.path[2] = c.neg;
	for (k = 0; k < 3; k++)
		if (o.path[k] && (s = ts_outfile_open(&o.of[k], o.path[k], err)) < 0) goto fail;
	if ((s = write_all(&c, &set->a[idx], &o, err)) < 0) goto fail;
	if ((s = ts_outfile_commit_all(o.of, 3, err)) < 0) goto fail;
	ts_log(TS_LOG_INFO, "simulate", "%d sequences of %d bases, %d with a site of %s, seed %lu", c.n, c.len, c.n / 2, set->a[idx].id, c.seed);
	motif_set_free(set);
	return 0;
fail:
	ts_log(TS_LOG_ERROR, "simulate", "%s", err);
	for (k = 0; k < 3; k++)
		if (o.of[k].fp) ts_outfile_abort(&o.of[k]);
	motif_set_free(set);
	return ts_exit_code(s);
}
