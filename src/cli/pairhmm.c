/* pairhmm: `tessera pairhmm fit|test|align|simulate` — the subcommand
 * table, option parsing shared by the four, and loading of pairs and
 * parameters.  The work of each subcommand is in pairhmm_fit.c (fit, test),
 * pairhmm_align.c and pairhmm_sim.c; the human report in pairhmm_report.c. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/pairhmm_cli.h"
#include "pairhmm/json.h"
#include "pairhmm/pairset.h"
#include "util/log.h"
#include "util/outfile.h"
#include "util/parse.h"

/* Options, and which subcommands take each (bit per subcommand). */
enum { SUB_FIT = 1, SUB_TEST = 2, SUB_ALIGN = 4, SUB_SIM = 8, SUB_PAIRS = SUB_FIT | SUB_TEST | SUB_ALIGN, SUB_ALL = 15 };
enum {
	OPT_TIE = CLI_OPT_CMD, OPT_NULL, OPT_ALT, OPT_PARAMS_IN, OPT_PARAMS, OPT_TOL, OPT_MAX_ITER, OPT_JSON, OPT_MEA, OPT_SEED, OPT_ALN,
	OPT_BAM, OPT_REF, OPT_MODE, OPT_PAD, OPT_BAND, OPT_BOOT, OPT_CI, OPT_MQC, OPT_SAMPLE
};

static const struct option long_opts[] = {
	{"pairs1", required_argument, NULL, '1'},
	{"pairs2", required_argument, NULL, '2'},
	{"tie", required_argument, NULL, OPT_TIE},
	{"null", required_argument, NULL, OPT_NULL},
	{"alt", required_argument, NULL, OPT_ALT},
	{"params-in", required_argument, NULL, OPT_PARAMS_IN},
	{"params", required_argument, NULL, OPT_PARAMS},
	{"tol", required_argument, NULL, OPT_TOL},
	{"max-iter", required_argument, NULL, OPT_MAX_ITER},
	{"threads", required_argument, NULL, '@'},
	{"json", required_argument, NULL, OPT_JSON},
	{"output", required_argument, NULL, 'o'},
	{"mea", no_argument, NULL, OPT_MEA},
	{"num", required_argument, NULL, 'n'},
	{"seed", required_argument, NULL, OPT_SEED},
	{"aln", required_argument, NULL, OPT_ALN},
	{"bam", required_argument, NULL, OPT_BAM},
	{"ref", required_argument, NULL, OPT_REF},
	{"region", required_argument, NULL, 'r'},
	{"mode", required_argument, NULL, OPT_MODE},
	{"pad", required_argument, NULL, OPT_PAD},
	{"band", required_argument, NULL, OPT_BAND},
	{"bootstrap", required_argument, NULL, OPT_BOOT},
	{"ci", required_argument, NULL, OPT_CI},
	{"mqc", required_argument, NULL, OPT_MQC},
	{"sample", required_argument, NULL, OPT_SAMPLE},
	{"min-MQ", required_argument, NULL, 'q'},
	{"excl-flags", required_argument, NULL, 'F'},
	CLI_COMMON_LONGOPTS,
	{NULL, 0, NULL, 0}
};

typedef struct {
	int opt;
	unsigned subs;
	const char *name;
} opt_scope_t;

static const opt_scope_t scopes[] = {
	{'1', SUB_PAIRS, "-1"}, {'2', SUB_PAIRS, "-2"}, {OPT_TIE, SUB_FIT, "--tie"}, {OPT_NULL, SUB_TEST, "--null"},
	{OPT_ALT, SUB_TEST, "--alt"}, {OPT_PARAMS_IN, SUB_FIT | SUB_TEST, "--params-in"}, {OPT_PARAMS, SUB_ALIGN | SUB_SIM, "--params"},
	{OPT_TOL, SUB_PAIRS, "--tol"}, {OPT_MAX_ITER, SUB_PAIRS, "--max-iter"}, {'@', SUB_PAIRS, "--threads"},
	{OPT_JSON, SUB_ALL, "--json"}, {'o', SUB_ALL, "--output"}, {OPT_MEA, SUB_ALIGN, "--mea"}, {'n', SUB_SIM, "-n"},
	{OPT_SEED, SUB_SIM | SUB_FIT | SUB_TEST, "--seed"}, {OPT_BOOT, SUB_TEST, "--bootstrap"}, {OPT_CI, SUB_FIT | SUB_TEST, "--ci"}, {OPT_MQC, SUB_TEST, "--mqc"}, {OPT_SAMPLE, SUB_TEST, "--sample"}, {OPT_ALN, SUB_SIM, "--aln"},
	{OPT_BAM, SUB_PAIRS, "--bam"}, {OPT_REF, SUB_PAIRS, "--ref"}, {'r', SUB_PAIRS, "--region"}, {OPT_MODE, SUB_PAIRS, "--mode"},
	{OPT_PAD, SUB_PAIRS, "--pad"}, {OPT_BAND, SUB_PAIRS, "--band"}, {'q', SUB_PAIRS, "--min-MQ"}, {'F', SUB_PAIRS, "--excl-flags"},
};

typedef struct {
	const char *name;
	unsigned bit;
	int (*run)(const phc_opts_t *o);
	const char *usage;
} sub_t;

#define EM_HELP \
	"  -2, --pairs2 FILE    pair record k of PAIRS with record k of FILE (PAIRS may also be\n" \
	"                       given as -1 FILE) [pairs are consecutive records of PAIRS]\n" \
	"      --tol T          stop EM when |dlnL|/|lnL| < T [1e-8]\n" \
	"      --max-iter N     at most N EM iterations [1000]\n" \
	"  -@, --threads N      EM threads; results are identical for any N [1]\n"
#define BAM_HELP \
	"Pairs from read alignments (sequence 1 = the read, sequence 2 = the reference, so\n" \
	"X = an insertion in the read and Y = a deletion from the read):\n" \
	"      --bam FILE       SAM/BAM/CRAM: each primary mapped read, soft clips removed,\n" \
	"                       with the reference window its alignment spans (a spliced\n" \
	"                       read: a pair per piece between its introns, CIGAR N)\n" \
	"      --ref FILE       the reference FASTA (also decodes CRAM)\n" \
	"  -r, --region REG     reads overlapping REG only (repeatable; needs an index)\n" \
	"  -q, --min-MQ INT     skip reads with mapping quality below INT [0]\n" \
	"  -F, --excl-flags INT skip reads with any of these flags [0xF04: unmapped,\n" \
	"                       secondary, QC-fail, duplicate, supplementary]\n" \
	"      --mode M         global: read and window end to end; glocal: the window's\n" \
	"                       ends hang free [global]\n" \
	"      --pad N          reference bases added on each side of the window [0; 20 with\n" \
	"                       --mode glocal]\n" \
	"      --band W         DP band of W cells on each side of the read's alignment path;\n" \
	"                       0 for the full matrix [32]\n"
#define RESAMPLE_HELP \
	"      --ci B           95% percentile intervals of every parameter and ratio from B\n" \
	"                       resamples of the pairs (pairs assumed independent)\n" \
	"      --seed S         random seed of --ci and --bootstrap [1]\n"
#define OUT_HELP \
	"  -o, --output FILE    the human report, replaced only on success [stdout]\n" \
	"      --json FILE      every number, full precision, as JSON\n"

static const sub_t subs[] = {
	{"fit", SUB_FIT, phc_fit,
	 "Usage: tessera pairhmm fit [options] PAIRS\n\n"
	 "Fit the pair HMM to sequence pairs by EM (Baum-Welch), with the groups of the tying\n"
	 "spec shared between the two sides.  PAIRS: FASTA/FASTQ (plain or gzip), records\n"
	 "1-2, 3-4, ... forming the pairs.\n\n"
	 "Options:\n"
	 "      --tie SPEC       tied, untied, none, or a comma-separated list of gap-open,\n"
	 "                       gap-extend, insert-emission, match-symmetry [untied]\n"
	 "      --params-in JSON start EM here (a parameter file or a fit's --json) [generic start]\n"
	 EM_HELP RESAMPLE_HELP BAM_HELP OUT_HELP},
	{"test", SUB_TEST, phc_test,
	 "Usage: tessera pairhmm test [options] PAIRS\n\n"
	 "Likelihood-ratio test of two nested tying specs: the null is fitted first, the\n"
	 "alternative is started from the null's optimum (so lnL_alt >= lnL_null), and\n"
	 "D = 2(lnL_alt - lnL_null) is referred to chi-square with df = np_alt - np_null.\n"
	 "AIC and BIC (n = residues in all pairs) and effect sizes are reported too.\n\n"
	 "Options:\n"
	 "      --null SPEC      the null model, see 'fit --tie' [tied]\n"
	 "      --alt SPEC       the alternative; must untie a superset of the null's groups [untied]\n"
	 "      --params-in JSON start the null fit here [generic start]\n"
	 "      --bootstrap B    parametric bootstrap p-value of D: B datasets simulated under the\n"
	 "                       fitted null with the observed lengths, both models refitted\n"
	 EM_HELP RESAMPLE_HELP BAM_HELP OUT_HELP},
	{"align", SUB_ALIGN, phc_align,
	 "Usage: tessera pairhmm align [options] PAIRS\n\n"
	 "Align each pair: the Viterbi path (or --mea), with a posterior line 'PP' whose\n"
	 "characters are '*' for a column posterior p >= 0.95, else the digit floor(10p + 0.5)\n"
	 "(0: p < 0.05, 1: 0.05-0.15, ..., 9: 0.85-0.95), as in HMMER.  Lines wrap at 60 columns.\n\n"
	 "Options:\n"
	 "      --params JSON    parameters (a parameter file or a fit's --json) [fit the\n"
	 "                       untied model to PAIRS by EM first]\n"
	 "      --mea            maximum expected accuracy alignment instead of Viterbi\n"
	 EM_HELP BAM_HELP
	 "  -o, --output FILE    the alignments, replaced only on success [stdout]\n"
	 "      --json FILE      alignments with every column's posterior, as JSON\n"},
	{"simulate", SUB_SIM, phc_simulate,
	 "Usage: tessera pairhmm simulate [options]\n\n"
	 "Draw pairs from the pair HMM: FASTA records simK_1 and simK_2 for K = 1..N, one\n"
	 "pair after the other (the input 'fit' expects).  Random numbers come from GSL's\n"
	 "MT19937 seeded with --seed: the same seed gives the same output.\n\n"
	 "Options:\n"
	 "      --params JSON    parameters (a parameter file or a fit's --json) [generic:\n"
	 "                       dX = dY = 0.02, eX = eY = 0.4, tau = 0.01, 85% identity]\n"
	 "  -n, --num N          number of pairs [10]\n"
	 "      --seed S         random seed, a non-negative integer [1]\n"
	 "  -o, --output FILE    FASTA, replaced only on success [stdout]\n"
	 "      --aln FILE       true alignments as TSV: pair<TAB>states (M, X, Y per column)\n"
	 "      --json FILE      parameters, seed and per-pair lengths and states as JSON\n"},
};
#define N_SUBS (sizeof subs / sizeof subs[0])

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: tessera pairhmm <command> [options]\n\n"
		"The three-state pair HMM (Durbin et al. 1998) with parameter groups tied or\n"
		"untied between the two sides of an alignment.\n\n"
		"Commands:\n"
		"  fit        EM fit of one tying spec\n"
		"  test       likelihood-ratio test of two nested specs (default tied vs untied)\n"
		"  align      Viterbi or MEA alignments with posterior probabilities\n"
		"  simulate   pairs drawn from the model, with their true alignments\n\n"
		"'tessera pairhmm <command> --help' describes each command's options.\n"
		"Exit status: 0 ok, 1 usage error, 2 bad input data, 3 I/O or resource failure.\n");
}

static void sub_usage(FILE *fp, const sub_t *s)
{
	fprintf(fp, "%s%s", s->usage, CLI_COMMON_HELP);
}

/* "[E::pairhmm] message" and a pointer at the subcommand's --help; 1. */
static int usage_error(const char *sub, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int usage_error(const char *sub, const char *fmt, ...)
{
	va_list ap;
	fprintf(stderr, "[E::pairhmm] ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\nTry 'tessera pairhmm %s --help' for usage.\n", sub);
	return 1;
}

static const char *opt_name(int c)
{
	size_t i;
	for (i = 0; i < sizeof scopes / sizeof scopes[0]; i++)
		if (scopes[i].opt == c) return scopes[i].name;
	return "?";
}

static int allowed(int c, unsigned bit)
{
	size_t i;
	for (i = 0; i < sizeof scopes / sizeof scopes[0]; i++)
		if (scopes[i].opt == c) return (scopes[i].subs & bit) != 0;
	return 1;  /* common options */
}

static int parse_spec(const char *sub, const char *opt, const char *s, unsigned *spec)
{
	char err[TS_ERRLEN];
	if (phmm_tie_parse(s, spec, err) == 0) return 0;
	return usage_error(sub, "%s: %s", opt, err);
}

/* Options into `o`; returns -1 to go on, or the exit code to stop with. */
static int parse_args(int argc, char **argv, const sub_t *s, phc_opts_t *o)
{
	int c;
	double v;
	while ((c = getopt_long(argc, argv, "1:2:@:o:n:r:q:F:h", long_opts, NULL)) >= 0) {
		if (c != 'h' && c != '?' && !allowed(c, s->bit))
			return usage_error(s->name, "'pairhmm %s' does not take %s", s->name, opt_name(c));
		switch (c) {
		case '1': o->pairs1 = optarg; break;
		case '2': o->pairs2 = optarg; break;
		case OPT_TIE: o->tie_str = optarg; break;
		case OPT_NULL: o->null_str = optarg; break;
		case OPT_ALT: o->alt_str = optarg; break;
		case OPT_PARAMS_IN: case OPT_PARAMS: o->params_path = optarg; break;
		case OPT_TOL:
			if (ts_parse_double(optarg, &v) < 0 || v <= 0) return usage_error(s->name, "--tol: '%s' is not a number > 0", optarg);
			o->em.tol = v;
			break;
		case OPT_MAX_ITER:
			if (ts_parse_int(optarg, 1, 1000000000, &o->em.max_iter) < 0)
				return usage_error(s->name, "--max-iter: '%s' is not a positive integer", optarg);
			break;
		case '@':
			if (ts_parse_int(optarg, 1, 1024, &o->em.threads) < 0)
				return usage_error(s->name, "--threads: '%s' is not an integer in 1..1024", optarg);
			break;
		case OPT_JSON: o->json_path = optarg; break;
		case OPT_MQC: o->mqc_path = optarg; break;
		case OPT_SAMPLE: o->sample = optarg; break;
		case 'o': o->out_path = optarg; break;
		case OPT_MEA: o->mea = 1; break;
		case 'n':
			if (ts_parse_int64(optarg, 1, INT64_MAX, &o->n_sim) < 0)
				return usage_error(s->name, "-n: '%s' is not a positive integer", optarg);
			break;
		case OPT_SEED: {
			int64_t seed;
			if (ts_parse_int64(optarg, 0, 4294967295LL, &seed) < 0)
				return usage_error(s->name, "--seed: '%s' is not an integer in 0..4294967295", optarg);
			o->seed = (unsigned long)seed;
			break;
		}
		case OPT_ALN: o->aln_path = optarg; break;
		case OPT_BAM: o->bam = optarg; break;
		case OPT_REF: o->ref = optarg; break;
		case 'r': {
			char **r = realloc(o->regions, (o->n_regions + 1) * sizeof *r);
			if (r == NULL) return 3;
			o->regions = r;
			o->regions[o->n_regions++] = optarg;
			break;
		}
		case 'q':
			if (ts_parse_int(optarg, 0, 255, &o->min_mapq) < 0) return usage_error(s->name, "-q: '%s' is not an integer in 0..255", optarg);
			break;
		case 'F':
			if (ts_parse_flag(optarg, &o->flag_exclude) < 0) return usage_error(s->name, "-F: '%s' is not a flag value", optarg);
			break;
		case OPT_MODE:
			if (strcmp(optarg, "global") == 0) o->glocal = 0;
			else if (strcmp(optarg, "glocal") == 0) o->glocal = 1;
			else return usage_error(s->name, "--mode: '%s' is not global or glocal", optarg);
			break;
		case OPT_PAD:
			if (ts_parse_int64(optarg, 0, 1000000, &o->pad) < 0) return usage_error(s->name, "--pad: '%s' is not an integer in 0..1000000", optarg);
			break;
		case OPT_BOOT:
			if (ts_parse_int(optarg, 1, 1000000, &o->boot_b) < 0) return usage_error(s->name, "--bootstrap: '%s' is not an integer in 1..1000000", optarg);
			break;
		case OPT_CI:
			if (ts_parse_int(optarg, 2, 1000000, &o->ci_b) < 0) return usage_error(s->name, "--ci: '%s' is not an integer in 2..1000000", optarg);
			break;
		case OPT_BAND:
			if (ts_parse_int64(optarg, 0, INT32_MAX, &o->band) < 0) return usage_error(s->name, "--band: '%s' is not a non-negative integer", optarg);
			break;
		case 'h': sub_usage(stdout, s); return 0;
		default:
			if (cli_common_opt(c)) break;
			sub_usage(stderr, s);
			return 1;
		}
	}
	return -1;
}

/* Positional PAIRS and the specs, once every option is known. */
static int check_args(int argc, char **argv, const sub_t *s, phc_opts_t *o)
{
	int n_pos = argc - optind;
	if (s->bit == SUB_SIM) {
		if (n_pos > 0) return usage_error(s->name, "'pairhmm simulate' takes no input file ('%s')", argv[optind]);
		return -1;
	}
	if (o->bam) {
		if (n_pos > 0 || o->pairs1 || o->pairs2) return usage_error(s->name, "--bam replaces PAIRS, -1 and -2");
		if (o->ref == NULL) return usage_error(s->name, "--bam needs --ref FILE (the reference the reads were mapped to)");
		if (o->pad < 0) o->pad = o->glocal ? 20 : 0;
	} else {
		if (o->ref || o->n_regions || o->glocal || o->pad >= 0)
			return usage_error(s->name, "--ref, --region, --mode and --pad go with --bam");
		if (n_pos > 1) return usage_error(s->name, "too many input files ('%s' after '%s')", argv[optind + 1], argv[optind]);
		if (n_pos == 1 && o->pairs1) return usage_error(s->name, "two first inputs: -1 %s and '%s'", o->pairs1, argv[optind]);
		if (n_pos == 1) o->pairs1 = argv[optind];
		if (o->pairs1 == NULL) return usage_error(s->name, "no input file given (PAIRS, -1 FILE or --bam FILE)");
	}
	if (parse_spec(s->name, "--tie", o->tie_str, &o->tie) || parse_spec(s->name, "--null", o->null_str, &o->null_spec) ||
	    parse_spec(s->name, "--alt", o->alt_str, &o->alt_spec))
		return 1;
	if (s->bit == SUB_TEST && o->null_spec == o->alt_spec)
		return usage_error(s->name, "--null %s and --alt %s are the same model: nothing to test", o->null_str, o->alt_str);
	if (s->bit == SUB_TEST && !phmm_nested(o->null_spec, o->alt_spec))
		return usage_error(s->name, "--null %s is not nested in --alt %s: the null must tie every group the alternative ties",
				   o->null_str, o->alt_str);
	return -1;
}

int cmd_pairhmm(int argc, char **argv)
{
	phc_opts_t o;
	const sub_t *s = NULL;
	size_t i;
	int rc;
	if (argc < 2) {
		usage(stderr);
		return 1;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0) {
		usage(stdout);
		return 0;
	}
	for (i = 0; i < N_SUBS; i++)
		if (strcmp(argv[1], subs[i].name) == 0) s = &subs[i];
	if (s == NULL) {
		fprintf(stderr, "[E::pairhmm] unknown command '%s'\n\n", argv[1]);
		usage(stderr);
		return 1;
	}
	memset(&o, 0, sizeof o);
	o.sub = s->name;
	o.tie_str = "untied";
	o.null_str = "tied";
	o.alt_str = "untied";
	o.n_sim = 10;
	o.seed = 1;
	o.pad = -1;  /* per --mode, in check_args() */
	o.band = PHC_DEFAULT_BAND;
	o.flag_exclude = PAIRS_BAM_EXCLUDE;
	phmm_em_opts_init(&o.em);
	{
		/* getopt's own messages name argv[0]: make it "pairhmm fit" */
		static char prog[32];
		snprintf(prog, sizeof prog, "pairhmm %s", s->name);
		argv[1] = prog;
	}
	optind = 1;
	if ((rc = parse_args(argc - 1, argv + 1, s, &o)) < 0 && (rc = check_args(argc - 1, argv + 1, s, &o)) < 0) rc = s->run(&o);
	free(o.regions);
	return rc;
}

int phc_load_pairs(const phc_opts_t *o, phc_input_t *in)
{
	char err[TS_ERRLEN];
	int s;
	memset(in, 0, sizeof *in);
	if (o->bam) {
		pairs_bam_opts_t bo = {o->ref, o->regions, o->n_regions, o->flag_exclude, o->min_mapq, o->em.threads, o->pad};
		s = pairs_from_alignments(o->bam, &bo, &in->set, err);
	} else {
		s = pairs_read(o->pairs1, o->pairs2, &in->set, err);
	}
	if (s < 0) {
		phc_error("%s", err);
		return s;
	}
	if (in->set->n == 0) {
		phc_error("%s: no sequence pairs%s", o->bam ? o->bam : o->pairs1, o->bam ? " (no read passed the filters)" : "");
		return TS_EDATA;
	}
	if (o->bam && o->band > 0 && phmm_pairs_band(in->set, o->band, o->glocal) < 0) {
		phc_error("out of memory");
		return TS_ENOMEM;
	}
	if ((in->view = phmm_pairs_view(in->set, o->glocal)) == NULL) {
		phc_error("out of memory");
		return TS_ENOMEM;
	}
	in->residues = pairs_residues(in->set);
	if (in->residues == 0) {  /* only B→E: the EM would set τ = 1, no model at all */
		phc_error("%s: every sequence of the %lld pair(s) is empty: no residues to fit or align", o->bam ? o->bam : o->pairs1,
			  (long long)in->set->n);
		return TS_EDATA;
	}
	ts_log(TS_LOG_INFO, "pairhmm", "%lld pairs, %lld residues", (long long)in->set->n, (long long)in->residues);
	return TS_OK;
}

void phc_input_free(phc_input_t *in)
{
	pairs_free(in->set);
	free(in->view);
	memset(in, 0, sizeof *in);
}

int phc_load_params(const phc_opts_t *o, phmm_params_t *p)
{
	char err[TS_ERRLEN];
	int s;
	phmm_params_default(p);
	if (o->params_path == NULL) return TS_OK;
	if ((s = phmm_params_read(o->params_path, p, err)) < 0) phc_error("%s", err);
	return s;
}

typedef struct {
	const char *label;
} progress_t;

static void on_iter(int iter, double lnL, void *arg)
{
	const progress_t *pg = arg;
	ts_log(TS_LOG_DEBUG, "pairhmm", "%s: iteration %d lnL %.6f", pg->label, iter, lnL);
}

int phc_em(const phc_opts_t *o, const phc_input_t *in, unsigned spec, const phmm_params_t *start, const char *label,
	   phmm_fit_t *fit)
{
	phmm_em_opts_t eo = o->em;
	progress_t pg = {label};
	char err[TS_ERRLEN];
	int s;
	eo.on_iter = on_iter;
	eo.arg = &pg;
	if ((s = phmm_em_fit(in->view, in->set->n, spec, start, &eo, fit, err)) < 0) {
		const int64_t k = fit->bad_pair;
		if (s == TS_EDATA && k >= 0 && k < in->set->n)  /* name the pair, as align does */
			phc_error("%s: pair %lld (%s, %s) has probability 0 under the parameters (a base with zero emission probability?)",
				  o->bam ? o->bam : o->pairs1, (long long)k + 1, in->set->a[k].name1, in->set->a[k].name2);
		else phc_error("%s", err);
		return s;
	}
	ts_log(TS_LOG_INFO, "pairhmm", "%s: lnL %.6f after %d iterations%s", label, fit->lnL, fit->iterations,
	       fit->converged ? "" : " (not converged)");
	if (!fit->converged) ts_log(TS_LOG_WARN, "pairhmm", "%s: EM did not converge in %d iterations (see --max-iter, --tol)", label, fit->iterations);
	return TS_OK;
}

int phc_write_outputs(const phc_output_t *outs, int n)
{
	ts_outfile_t of[8];
	char err[TS_ERRLEN];
	int i, s = TS_OK;
	const char *paths[8] = {NULL};
	if (n > 8) return TS_EUSAGE;
	memset(of, 0, sizeof of);
	for (i = 0; i < n; i++) paths[i] = outs[i].path;
	if ((s = ts_outfile_distinct(paths, NULL, n, err)) < 0) {
		phc_error("%s", err);
		return s;
	}
	for (i = 0; i < n && s == TS_OK; i++) {
		if (outs[i].path == NULL) continue;
		if ((s = ts_outfile_open(&of[i], outs[i].path, err)) < 0) {
			phc_error("%s", err);
			break;
		}
		if ((s = outs[i].write(of[i].fp, outs[i].arg)) < 0) phc_error("%s: write failed", outs[i].path);
	}
	if (s < 0) {
		for (i = 0; i < n; i++)
			if (of[i].fp) ts_outfile_abort(&of[i]);
		return s;
	}
	/* all or none: a failing --mqc must not leave the report behind */
	if ((s = ts_outfile_commit_all(of, n, err)) < 0) phc_error("%s", err);
	return s;
}

int phc_write_json(FILE *fp, const void *json)
{
	return phmm_json_dump(json, fp);
}

/* Set a member; the value's reference is taken even on failure. */
static int jset(json_t *o, const char *key, json_t *v)
{
	return v == NULL || json_object_set_new(o, key, v) < 0 ? -1 : 0;
}

json_t *phc_json_head(const phc_opts_t *o, const phc_input_t *in)
{
	json_t *j = json_object(), *input = json_object();
	int bad;
	if (j == NULL || input == NULL) {
		json_decref(input);
		json_decref(j);
		return NULL;
	}
	if (o->bam) {
		const pair_set_t *ps = in->set;
		bad = jset(input, "bam", json_string(o->bam)) | jset(input, "ref", json_string(o->ref)) |
		      jset(input, "mode", json_string(o->glocal ? "glocal" : "global")) | jset(input, "pad", json_integer(o->pad)) |
		      jset(input, "band", json_integer(o->band)) | jset(input, "reads_seen", json_integer(ps->reads_seen)) |
		      jset(input, "reads_used", json_integer(ps->reads_used)) | jset(input, "reads_no_seq", json_integer(ps->reads_no_seq)) |
		      jset(input, "reads_spliced", json_integer(ps->reads_spliced)) | jset(input, "splice_pairs", json_integer(ps->splice_pieces)) | jset(input, "cigar_insertions", json_integer(ps->cigar_ins)) |
		      jset(input, "cigar_insertion_bases", json_integer(ps->cigar_ins_bases)) |
		      jset(input, "cigar_deletions", json_integer(ps->cigar_del)) |
		      jset(input, "cigar_deletion_bases", json_integer(ps->cigar_del_bases)) |
		      jset(input, "cigar_aligned_bases", json_integer(ps->cigar_aligned));
	} else {
		bad = jset(input, "pairs1", json_string(o->pairs1)) | jset(input, "pairs2", o->pairs2 ? json_string(o->pairs2) : json_null());
	}
	bad |= jset(j, "command", json_string(o->sub)) | jset(j, "input", input) | jset(j, "n_pairs", json_integer(in->set->n)) |
	       jset(j, "n_residues", json_integer(in->residues));
	if (!bad) return j;
	json_decref(j);
	return NULL;
}
