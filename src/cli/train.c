/* train: `tessera train` — learn a cnn1d model from labelled sequences.
 * Options and wiring only: the network in cnn1d/net, the loop in
 * cnn1d/train, the file in cnn1d/net_json. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_rng.h>
#include <jansson.h>
#include "cli/cli.h"
#include "cnn1d/data.h"
#include "cnn1d/net.h"
#include "cnn1d/net_json.h"
#include "cnn1d/shuffle.h"
#include "cnn1d/train.h"
#include "io/motif.h"
#include "util/log.h"
#include "util/outfile.h"
#include "util/parse.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: tessera train [options] -o MODEL.json (--pos POS --neg NEG | --pos POS --shuffle-neg | --class NAME=FILE...\n"
		"                     | --bed PEAKS.bed --ref GENOME.fa [--flank N] (--neg NEG | --shuffle-neg))\n\n"
		"Train a 1D convolutional network (one-hot DNA → K filters of width W → activation →\n"
		"global pooling → dense → sigmoid/softmax) to tell classes of sequences apart.\n"
		"Sequence files: FASTA/FASTQ (plain or gzip), SAM/BAM/CRAM, or regions (-r, --bed).\n\n"
		"Data:\n"
		"      --pos FILE           positive sequences (class 'pos')\n"
		"      --neg FILE           negative sequences (class 'neg')\n"
		"      --shuffle-neg        negatives: a dinucleotide-preserving shuffle of each positive\n"
		"      --class NAME=FILE    one class per option, in order (2 or more; instead of --pos)\n"
		"      --bed PEAKS --ref FA positives: summit +- --flank bases of each peak (BED or\n"
		"                           narrowPeak, whose column 10 is the summit; else the midpoint)\n"
		"      --flank INT          bases each side of the summit (windows of 2*INT+1) [50]\n"
		"      --val FRAC           fraction of each class held out for early stopping [0.1]\n"
		"      --test FRAC          fraction of each class held out for the final test [0.1]\n"
		"      --val-set NAME=FILE  validation sequences of class NAME ('pos', 'neg' or a --class\n"
		"                           name), instead of --val; repeatable.  With --shuffle-neg a set\n"
		"                           given only its positives gets their shuffles as negatives\n"
		"      --test-set NAME=FILE test sequences of class NAME, instead of --test; repeatable\n"
		"Network:\n"
		"  -K INT                   filters [16]\n"
		"  -W INT                   filter width [19]\n"
		"      --layer conv|local   shared filters, or own weights at every position [conv]\n"
		"      --act relu|exp       activation [relu]\n"
		"      --pool max|avg|both  global pooling [max]\n"
		"      --rc-tie             also scan the reverse strand with each filter (strand-symmetric)\n"
		"      --init-motifs FILE   start the first filters from these motifs' log-odds\n"
		"Training:\n"
		"      --lr X               AdamW step size [0.001]\n"
		"      --weight-decay X     decoupled weight decay of filters and dense weights [0.0001]\n"
		"      --batch INT          minibatch size [64]\n"
		"      --epochs INT         at most this many epochs [30]\n"
		"      --patience INT       stop after INT epochs without a better validation auROC [5]\n"
		"      --seed INT           seed of every random choice [1]\n"
		"  -@, --threads INT        threads (1..64); the model is the same for any INT [1]\n"
		"Output:\n"
		"  -o, --output FILE        the model (JSON), replaced only on success\n"
		"      --json FILE          report: learning curve, test auROC/auPRC\n"
		"Input:\n"
		"  -r, --region REG, --bed FILE, -T FILE, -f, -F, -q   as in 'tessera view' (--bed without\n"
		"                           --ref: regions of every input file)\n"
		CLI_COMMON_HELP);
}

enum {
	OPT_POS = CLI_OPT_CMD, OPT_NEG, OPT_SHUFFLE_NEG, OPT_CLASS, OPT_VAL, OPT_TEST, OPT_LAYER, OPT_ACT, OPT_POOL, OPT_RC_TIE,
	OPT_INIT_MOTIFS, OPT_LR, OPT_WD, OPT_BATCH, OPT_EPOCHS, OPT_PATIENCE, OPT_SEED, OPT_JSON, OPT_BED, OPT_REF, OPT_FLANK,
	OPT_VAL_SET, OPT_TEST_SET
};

static const struct option long_opts[] = {
	{"pos", required_argument, NULL, OPT_POS},
	{"neg", required_argument, NULL, OPT_NEG},
	{"shuffle-neg", no_argument, NULL, OPT_SHUFFLE_NEG},
	{"class", required_argument, NULL, OPT_CLASS},
	{"val", required_argument, NULL, OPT_VAL},
	{"test", required_argument, NULL, OPT_TEST},
	{"val-set", required_argument, NULL, OPT_VAL_SET},
	{"test-set", required_argument, NULL, OPT_TEST_SET},
	{"ref", required_argument, NULL, OPT_REF},
	{"flank", required_argument, NULL, OPT_FLANK},
	{"layer", required_argument, NULL, OPT_LAYER},
	{"act", required_argument, NULL, OPT_ACT},
	{"pool", required_argument, NULL, OPT_POOL},
	{"rc-tie", no_argument, NULL, OPT_RC_TIE},
	{"init-motifs", required_argument, NULL, OPT_INIT_MOTIFS},
	{"lr", required_argument, NULL, OPT_LR},
	{"weight-decay", required_argument, NULL, OPT_WD},
	{"batch", required_argument, NULL, OPT_BATCH},
	{"epochs", required_argument, NULL, OPT_EPOCHS},
	{"patience", required_argument, NULL, OPT_PATIENCE},
	{"seed", required_argument, NULL, OPT_SEED},
	{"output", required_argument, NULL, 'o'},
	{"json", required_argument, NULL, OPT_JSON},
	{"region", required_argument, NULL, 'r'},
	{"bed", required_argument, NULL, OPT_BED},
	{"reference", required_argument, NULL, 'T'},
	{"threads", required_argument, NULL, '@'},
	CLI_COMMON_LONGOPTS,
	{NULL, 0, NULL, 0}
};

/* A held-out file: --val-set / --test-set NAME=FILE. */
typedef struct {
	int set;            /* DATA_VAL or DATA_TEST */
	const char *name, *file;  /* point into argv */
} held_t;

typedef struct {
	char **class_name, **class_file;  /* n_class each; the strings point into argv */
	int n_class, shuffle_neg;
	const char *pos, *neg, *init_motifs, *out_path, *json_path;
	const char *bed, *ref;  /* --bed, and --ref (peaks mode) */
	int flank, set_flank, set_val, set_test;
	held_t *held;
	int n_held;
	net_arch_t arch;
	train_opts_t to;
} train_cli_t;

/* A name from a table, for --layer/--act/--pool; -1 if none. */
static int lookup(const char *s, const char *const *names, const int *values, int n)
{
	int i;
	for (i = 0; i < n; i++)
		if (strcmp(s, names[i]) == 0) return values[i];
	return -1;
}

static int add_class(train_cli_t *c, char *name, char *file)
{
	char **n = realloc(c->class_name, (c->n_class + 1) * sizeof *n), **f;
	if (n == NULL) return -1;
	c->class_name = n;
	if ((f = realloc(c->class_file, (c->n_class + 1) * sizeof *f)) == NULL) return -1;
	c->class_file = f;
	c->class_name[c->n_class] = name;
	c->class_file[c->n_class++] = file;
	return 0;
}

static int add_held(train_cli_t *c, int set, char *arg)
{
	char *eq = strchr(arg, '=');
	held_t *h;
	if (eq == NULL || eq == arg || eq[1] == '\0')
		return cli_usage_error("train", "%s: '%s' is not NAME=FILE", set == DATA_VAL ? "--val-set" : "--test-set", arg), -1;
	if ((h = realloc(c->held, (c->n_held + 1) * sizeof *h)) == NULL) return -3;
	c->held = h;
	*eq = '\0';
	c->held[c->n_held++] = (held_t){set, arg, eq + 1};
	return 0;
}

static int parse_frac(const char *opt, const char *arg, double *v)
{
	if (ts_parse_double(arg, v) < 0 || *v < 0 || *v >= 1)
		return cli_usage_error("train", "%s: '%s' is not a fraction in [0, 1)", opt, arg), -1;
	return 0;
}

static int parse_positive(const char *opt, const char *arg, double *v)
{
	if (ts_parse_double(arg, v) < 0 || *v < 0)
		return cli_usage_error("train", "%s: '%s' is not a number >= 0", opt, arg), -1;
	return 0;
}

static int parse_int(const char *opt, const char *arg, int lo, int hi, int *v)
{
	if (ts_parse_int(arg, lo, hi, v) < 0) return cli_usage_error("train", "%s: '%s' is not an integer in %d..%d", opt, arg, lo, hi), -1;
	return 0;
}

static int parse_option(int ch, char *arg, train_cli_t *c, sio_opts_t *io)
{
	static const char *const layers[] = {"conv", "local"}, *const acts[] = {"relu", "exp"}, *const pools[] = {"max", "avg", "both"};
	static const int layer_v[] = {NET_CONV, NET_LOCAL}, act_v[] = {NET_RELU, NET_EXP},
			 pool_v[] = {NET_POOL_MAX, NET_POOL_AVG, NET_POOL_BOTH};
	int64_t seed;
	char *eq;
	int k;
	switch (ch) {
	case OPT_POS: c->pos = arg; return 0;
	case OPT_NEG: c->neg = arg; return 0;
	case OPT_SHUFFLE_NEG: c->shuffle_neg = 1; return 0;
	case OPT_CLASS:
		if ((eq = strchr(arg, '=')) == NULL || eq == arg || eq[1] == '\0')
			return cli_usage_error("train", "--class: '%s' is not NAME=FILE", arg), -1;
		*eq = '\0';
		for (k = 0; k < c->n_class; k++)
			if (strcmp(c->class_name[k], arg) == 0) return cli_usage_error("train", "--class: class '%s' is given twice", arg), -1;
		return add_class(c, arg, eq + 1) < 0 ? -3 : 0;
	case OPT_VAL: c->set_val = 1; return parse_frac("--val", arg, &c->to.val_frac);
	case OPT_TEST: c->set_test = 1; return parse_frac("--test", arg, &c->to.test_frac);
	case OPT_VAL_SET: return add_held(c, DATA_VAL, arg);
	case OPT_TEST_SET: return add_held(c, DATA_TEST, arg);
	case OPT_REF: c->ref = arg; return 0;
	case OPT_FLANK: c->set_flank = 1; return parse_int("--flank", arg, 0, 1000000, &c->flank);
	case 'K': return parse_int("-K", arg, 1, 100000, &c->arch.K);
	case 'W': return parse_int("-W", arg, 1, 10000, &c->arch.W);
	case OPT_LAYER:
		if ((c->arch.layer = lookup(arg, layers, layer_v, 2)) < 0) return cli_usage_error("train", "--layer: '%s' is not conv or local", arg), -1;
		return 0;
	case OPT_ACT:
		if ((c->arch.act = lookup(arg, acts, act_v, 2)) < 0) return cli_usage_error("train", "--act: '%s' is not relu or exp", arg), -1;
		return 0;
	case OPT_POOL:
		if ((c->arch.pool = lookup(arg, pools, pool_v, 3)) < 0) return cli_usage_error("train", "--pool: '%s' is not max, avg or both", arg), -1;
		return 0;
	case OPT_RC_TIE: c->arch.rc_tie = 1; return 0;
	case OPT_INIT_MOTIFS: c->init_motifs = arg; return 0;
	case OPT_LR:
		if (parse_positive("--lr", arg, &c->to.lr) < 0) return -1;
		return c->to.lr > 0 ? 0 : (cli_usage_error("train", "--lr must be > 0"), -1);
	case OPT_WD: return parse_positive("--weight-decay", arg, &c->to.weight_decay);
	case OPT_BATCH: return parse_int("--batch", arg, 1, 1000000, &c->to.batch);
	case OPT_EPOCHS: return parse_int("--epochs", arg, 1, 1000000, &c->to.epochs);
	case OPT_PATIENCE: return parse_int("--patience", arg, 1, 1000000, &c->to.patience);
	case OPT_SEED:
		if (ts_parse_int64(arg, 0, INT64_MAX, &seed) < 0) return cli_usage_error("train", "--seed: '%s' is not an integer >= 0", arg), -1;
		c->to.seed = (unsigned long)seed;
		return 0;
	case 'o': c->out_path = arg; return 0;
	case OPT_JSON: c->json_path = arg; return 0;
	case OPT_BED: c->bed = arg; return 0;
	case '@': return parse_int("--threads", arg, 1, 64, &c->to.threads);
	default: {
		int k = cli_input_opt("train", ch, arg, io);
		if (k < 0) return k == CLI_NOMEM ? -3 : -1;
		if (k || cli_common_opt(ch)) return 0;
		usage(stderr);
		return -1;
	}
	}
}

/* Held-out files: each names a class, and replaces its set's fraction. */
static int check_held(train_cli_t *c)
{
	int i, k;
	for (i = 0; i < c->n_held; i++) {
		const held_t *h = &c->held[i];
		for (k = 0; k < c->n_class && strcmp(c->class_name[k], h->name) != 0; k++) {}
		if (k == c->n_class)
			return cli_usage_error("train", "%s: '%s' is not a class (%s)", h->set == DATA_VAL ? "--val-set" : "--test-set", h->name,
					       c->pos || c->ref ? "pos or neg" : "the --class names"), -1;
		if (h->set == DATA_VAL && c->set_val) return cli_usage_error("train", "give --val FRAC or --val-set, not both"), -1;
		if (h->set == DATA_TEST && c->set_test) return cli_usage_error("train", "give --test FRAC or --test-set, not both"), -1;
		if (h->set == DATA_VAL) c->to.val_frac = 0;
		else c->to.test_frac = 0;
	}
	return 0;
}

/* The positives: --pos FILE, or peaks (--bed with --ref). */
static int check_pos_neg(train_cli_t *c, sio_opts_t *io)
{
	if (c->ref && c->bed == NULL) return cli_usage_error("train", "--ref needs --bed PEAKS.bed (the peaks to read from it)"), -1;
	if (c->set_flank && c->ref == NULL) return cli_usage_error("train", "--flank needs --bed PEAKS.bed and --ref GENOME.fa"), -1;
	if (c->ref == NULL) io->bed = c->bed;  /* --bed alone: regions of every input */
	if (c->n_class > 0) {
		if (c->pos || c->neg || c->shuffle_neg || c->ref)
			return cli_usage_error("train", "--class cannot be combined with --pos, --neg, --shuffle-neg or --ref"), -1;
		if (c->n_class < 2) return cli_usage_error("train", "--class: give at least two classes"), -1;
		return 0;
	}
	if (c->pos && c->ref) return cli_usage_error("train", "give the positives by --pos or by --bed with --ref, not both"), -1;
	if (c->pos == NULL && c->ref == NULL)
		return cli_usage_error("train", "no training data: give --pos and --neg, --pos and --shuffle-neg, --bed with --ref, or --class"), -1;
	if (!!c->neg + c->shuffle_neg != 1) return cli_usage_error("train", "give exactly one of --neg FILE and --shuffle-neg"), -1;
	return add_class(c, "neg", (char *)c->neg) < 0 || add_class(c, "pos", (char *)c->pos) < 0 ? -3 : 0;
}

/* Options → classes and files; 0, or the exit code to return plus 1. */
static int parse_args(int argc, char **argv, train_cli_t *c, sio_opts_t *io)
{
	int ch, s;
	while ((ch = getopt_long(argc, argv, "K:W:o:r:T:@:f:F:q:h", long_opts, NULL)) >= 0) {
		if (ch == 'h') return usage(stdout), 1;
		if ((s = parse_option(ch, optarg, c, io)) < 0) return s == -3 ? 4 : 2;
	}
	if (optind < argc) return cli_usage_error("train", "unexpected argument '%s': inputs are given with --pos, --neg or --class", argv[optind]), 2;
	if (c->out_path == NULL) return cli_usage_error("train", "no model file given (-o MODEL.json)"), 2;
	{
		const char *paths[2] = {c->out_path, c->json_path}, *opts[2] = {"-o", "--json"};
		char err[TS_ERRLEN];
		if (ts_outfile_distinct(paths, opts, 2, err) < 0) return cli_usage_error("train", "%s", err), 2;
	}
	if ((s = check_pos_neg(c, io)) < 0 || (s = check_held(c)) < 0) return s == -3 ? 4 : 2;
	return 0;
}

static int class_index(const train_cli_t *c, const char *name)
{
	int k;
	for (k = 0; k < c->n_class && strcmp(c->class_name[k], name) != 0; k++) {}
	return k;
}

/* Peaks → class 'pos' (1), with a warning for the peaks dropped. */
static int load_peaks(const train_cli_t *c, data_t *d, char *err)
{
	int64_t n_drop, first;
	int s = data_read_peaks(d, c->bed, c->ref, c->flank, 1, &n_drop, &first, err);
	if (s == TS_OK && n_drop > 0)
		ts_log(TS_LOG_WARN, "train", "%lld peaks dropped: their window of %d bases reaches past a sequence end (first: %s:%lld)",
		       (long long)n_drop, 2 * c->flank + 1, c->bed, (long long)first);
	return s;
}

/* With --shuffle-neg: one shuffle of each positive, as a negative of the
 * same set, except in a held-out set given its own negatives. */
static int add_shuffles(const train_cli_t *c, gsl_rng *rng, data_t *d, char *err)
{
	int i, n = d->n, has_neg[3] = {0, 0, 0};
	for (i = 0; i < c->n_held; i++)
		if (strcmp(c->held[i].name, "neg") == 0) has_neg[c->held[i].set] = 1;
	for (i = 0; i < n; i++) {
		const data_seq_t *p = &d->a[i];
		uint8_t *x;
		char name[1024];
		int set = p->set;
		if (p->label != 1 || has_neg[set]) continue;
		if ((x = malloc(p->len > 0 ? p->len : 1)) == NULL || shuffle_dinuc(p->x, p->len, x, rng) < 0) {
			free(x);
			return ts_fail(err, TS_ENOMEM, "out of memory shuffling sequences");
		}
		snprintf(name, sizeof name, "%s_shuffled", p->name);
		if (data_add(d, name, x, p->len, 0, 0) < 0) return ts_fail(err, TS_ENOMEM, "out of memory shuffling sequences");
		d->a[d->n - 1].set = set;
	}
	return TS_OK;
}

/* Read every class (files or peaks), then the held-out files; with
 * --shuffle-neg class 0 is made from class 1. */
static int load_data(const train_cli_t *c, const sio_opts_t *io, gsl_rng *rng, data_t *d, char *err)
{
	int k, s, i, j;
	for (k = 0; k < c->n_class; k++)
		if (c->class_file[k] && (s = data_read(d, c->class_file[k], k, io, err)) < 0) return s;
	if (c->ref && (s = load_peaks(c, d, err)) < 0) return s;
	for (i = 0; i < c->n_held; i++) {
		int n0 = d->n;
		if ((s = data_read(d, c->held[i].file, class_index(c, c->held[i].name), io, err)) < 0) return s;
		for (j = n0; j < d->n; j++) d->a[j].set = c->held[i].set;
	}
	return c->shuffle_neg ? add_shuffles(c, rng, d, err) : TS_OK;
}

/* A locally connected layer takes one length: that of every sequence. */
static int common_length(const data_t *d, int *len, char *err)
{
	int i;
	if (d->n == 0) return ts_fail(err, TS_EDATA, "no sequences in the input");
	for (i = 1; i < d->n; i++)
		if (d->a[i].len != d->a[0].len)
			return ts_fail(err, TS_EDATA, "--layer local needs sequences of one length: %s has %d bases, %s has %d",
				       d->a[0].name, d->a[0].len, d->a[i].name, d->a[i].len);
	*len = d->a[0].len;
	return TS_OK;
}

/* The progress line: rewritten in place on a terminal, at most 4 times/s. */
typedef struct {
	int shown;
	double last;
} progress_t;

static double now_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec + 1e-9 * t.tv_nsec;
}

static void on_progress(int epoch, int done, int n, double loss, void *ctx)
{
	progress_t *p = ctx;
	double t = now_s();
	if (done < n && t - p->last < 0.25) return;
	p->last = t;
	p->shown = 1;
	fprintf(stderr, "\r\033[K[M::train] epoch %d: %d/%d sequences (%.0f%%), loss %.4f", epoch, done, n, 100.0 * done / n, loss);
	fflush(stderr);
}

static void on_epoch(const train_epoch_t *e, void *ctx)
{
	progress_t *p = ctx;
	if (p && p->shown) fputs("\r\033[K", stderr), p->shown = 0;
	if (ts_verbosity >= TS_LOG_WARN)
		fprintf(stderr, "[M::train] epoch %d: loss %.4f; validation loss %.4f auROC %.4f auPRC %.4f (%.2f s)\n", e->epoch,
			e->train_loss, e->val_loss, e->val_auroc, e->val_auprc, e->seconds);
}

/* How the model was made: options and held-out results, nothing that
 * depends on the machine or the thread count. */
static json_t *training_json(const train_cli_t *c, const train_result_t *r)
{
	json_t *o = json_object();
	if (o == NULL) return NULL;
	if (json_object_set_new(o, "seed", json_integer((json_int_t)c->to.seed)) < 0 ||
	    json_object_set_new(o, "lr", json_real(c->to.lr)) < 0 ||
	    json_object_set_new(o, "weight_decay", json_real(c->to.weight_decay)) < 0 ||
	    json_object_set_new(o, "batch", json_integer(c->to.batch)) < 0 ||
	    json_object_set_new(o, "epochs_run", json_integer(r->n_epoch)) < 0 ||
	    json_object_set_new(o, "best_epoch", json_integer(r->best_epoch)) < 0 ||
	    json_object_set_new(o, "n_train", json_integer(r->n_train)) < 0 ||
	    json_object_set_new(o, "n_val", json_integer(r->n_val)) < 0 ||
	    json_object_set_new(o, "n_test", json_integer(r->n_test)) < 0 ||
	    json_object_set_new(o, "test_auroc", isfinite(r->test_auroc) ? json_real(r->test_auroc) : json_null()) < 0 ||
	    json_object_set_new(o, "test_auprc", isfinite(r->test_auprc) ? json_real(r->test_auprc) : json_null()) < 0) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *num(double v) { return isfinite(v) ? json_real(v) : json_null(); }

static json_t *report_json(const train_cli_t *c, const train_result_t *r)
{
	json_t *o = training_json(c, r), *curve = json_array();
	int i, bad = o == NULL || curve == NULL;
	for (i = 0; !bad && i < r->n_epoch; i++) {
		const train_epoch_t *e = &r->curve[i];
		json_t *p = json_pack("{s:i, s:o, s:o, s:o, s:o, s:o}", "epoch", e->epoch, "train_loss", num(e->train_loss), "val_loss",
				      num(e->val_loss), "val_auroc", num(e->val_auroc), "val_auprc", num(e->val_auprc), "seconds",
				      num(e->seconds));
		bad |= json_array_append_new(curve, p) < 0;
	}
	if (!bad) bad |= json_object_set_new(o, "curve", curve) < 0, curve = NULL;
	if (!bad) bad |= json_object_set_new(o, "test_loss", num(r->test_loss)) < 0;
	if (!bad) bad |= json_object_set_new(o, "threads", json_integer(c->to.threads)) < 0;
	if (!bad) bad |= json_object_set_new(o, "train_seq_per_s", num(r->seq_per_s)) < 0;
	if (!bad) bad |= json_object_set_new(o, "train_seq_per_cpu_s", num(r->seq_per_cpu_s)) < 0;
	json_decref(curve);
	if (!bad) return o;
	json_decref(o);
	return NULL;
}

/* Write a JSON document into out (opened on path): the model (net != NULL,
 * j its "training" member) or a report; takes the reference to j. */
static int write_json(ts_outfile_t *out, const char *path, const net_t *net, json_t *j, char *err)
{
	int s;
	if (j == NULL) return ts_fail(err, TS_ENOMEM, "out of memory");
	if ((s = ts_outfile_open(out, path, err)) == TS_OK) {
		if (net) s = net_json_write(net, j, out->fp);
		else s = json_dumpf(j, out->fp, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) == 0 && fputc('\n', out->fp) != EOF ? TS_OK : TS_EIO;
		if (s == TS_EDATA) ts_fail(err, s, "%s: the model has non-finite weights (training diverged: lower --lr)", path);
		else if (s < 0) ts_fail(err, s, "%s: write failed", path);
	}
	json_decref(j);
	return s;
}

static int build_net(const train_cli_t *c, const data_t *d, gsl_rng *rng, net_t *net, char *err)
{
	net_arch_t a = c->arch;
	motif_set_t *motifs = NULL;
	int s;
	a.n_class = c->n_class;
	if (a.layer == NET_LOCAL && (s = common_length(d, &a.len, err)) < 0) return s;
	if ((s = net_init(net, &a, c->class_name, err)) < 0) return s;
	net_randomize(net, rng);
	if (c->init_motifs == NULL) return TS_OK;
	if ((s = motif_read(c->init_motifs, &motifs, err)) == TS_OK) s = net_init_motifs(net, motifs, 0.1, err);
	motif_set_free(motifs);
	return s;
}

int cmd_train(int argc, char **argv)
{
	train_cli_t c;
	sio_opts_t io;
	data_t d = {0};
	net_t net = {0};
	train_result_t res = {0};
	progress_t progress = {0, 0};
	gsl_rng *rng = NULL;
	ts_outfile_t outs[2];
	char err[TS_ERRLEN];
	int s = TS_OK, exit_code;
	memset(&c, 0, sizeof c);
	memset(outs, 0, sizeof outs);
	c.arch = (net_arch_t){NET_CONV, NET_RELU, NET_POOL_MAX, 16, 19, 0, 0, 2};
	train_opts_init(&c.to);
	c.flank = 50;
	sio_opts_init(&io);
	if ((exit_code = parse_args(argc, argv, &c, &io)) != 0) {
		exit_code--;
		goto done;
	}
	if ((rng = gsl_rng_alloc(gsl_rng_mt19937)) == NULL) {
		s = ts_fail(err, TS_ENOMEM, "out of memory");
		goto fail;
	}
	gsl_rng_set(rng, c.to.seed);
	if ((s = load_data(&c, &io, rng, &d, err)) < 0 || (s = build_net(&c, &d, rng, &net, err)) < 0) goto fail;
	ts_log(TS_LOG_INFO, "train", "%d sequences in %d classes; %zu parameters", d.n, c.n_class, net.n_param);
	if (isatty(STDERR_FILENO) && ts_verbosity >= TS_LOG_WARN) c.to.progress = on_progress, c.to.progress_ctx = &progress;
	if ((s = train_run(&net, &d, &c.to, on_epoch, &progress, &res, err)) < 0) goto fail;
	/* the model and the report: both or neither */
	if ((s = write_json(&outs[0], c.out_path, &net, training_json(&c, &res), err)) < 0) goto fail;
	if (c.json_path && (s = write_json(&outs[1], c.json_path, NULL, report_json(&c, &res), err)) < 0) goto fail;
	if ((s = ts_outfile_commit_all(outs, 2, err)) < 0) goto fail;
	if (ts_verbosity >= TS_LOG_WARN && res.n_test > 0)
		fprintf(stderr, "[M::train] best epoch %d of %d; test auROC %.4f auPRC %.4f (%d sequences); %.0f sequences/s\n",
			res.best_epoch, res.n_epoch, res.test_auroc, res.test_auprc, res.n_test, res.seq_per_s);
	else if (ts_verbosity >= TS_LOG_WARN)
		fprintf(stderr, "[M::train] best epoch %d of %d; no test set; %.0f sequences/s\n", res.best_epoch, res.n_epoch, res.seq_per_s);
	exit_code = 0;
	goto done;
fail:
	ts_log(TS_LOG_ERROR, "train", "%s", err);
	exit_code = ts_exit_code(s);
	if (outs[0].fp) ts_outfile_abort(&outs[0]);
	if (outs[1].fp) ts_outfile_abort(&outs[1]);
done:
	train_result_free(&res);
	net_free(&net);
	data_free(&d);
	if (rng) gsl_rng_free(rng);
	free(c.class_name);
	free(c.class_file);
	free(c.held);
	free(io.regions);
	return exit_code;
}
