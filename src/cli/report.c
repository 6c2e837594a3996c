/* report: `tessera report` — one self-contained HTML page (inline SVG and
 * CSS, no scripts, nothing fetched) from the outputs of the other commands:
 * motif hits (scan's TSV) with sequence logos, hit counts, p-value
 * histograms and hit density along each sequence; pair-HMM tests (the
 * --json of `pairhmm test`) with the tied and untied fits and the LRT; CNN
 * training reports (the --json of `train`) with learning curves.
 *
 * The page holds no timestamps and no paths (file names only), so the same
 * inputs give the same bytes. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "io/logo.h"
#include "io/motif.h"
#include "util/log.h"
#include "util/outfile.h"
#include "util/parse.h"
#include "util/paths.h"
#include "util/svg.h"
#include "version.h"

#define report_error(...) ts_log(TS_LOG_ERROR, "report", __VA_ARGS__)
#define PV_BINS 40        /* −log10 p in bins of 0.5 from 0 to 20 (the last holds the rest) */
#define DENSITY_BINS 100  /* bins along a sequence */
#define MAX_SEQS 12       /* sequences with a density track */

enum { OPT_HITS = CLI_OPT_CMD, OPT_PAIRHMM, OPT_TRAIN, OPT_FAI, OPT_TOP, OPT_TITLE };

static const struct option long_opts[] = {
	{"hits", required_argument, NULL, OPT_HITS},
	{"motifs", required_argument, NULL, 'm'},
	{"pairhmm", required_argument, NULL, OPT_PAIRHMM},
	{"train", required_argument, NULL, OPT_TRAIN},
	{"fai", required_argument, NULL, OPT_FAI},
	{"top", required_argument, NULL, OPT_TOP},
	{"title", required_argument, NULL, OPT_TITLE},
	{"output", required_argument, NULL, 'o'},
	CLI_COMMON_LONGOPTS,
	{NULL, 0, NULL, 0}
};

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: tessera report [options] -o REPORT.html\n\n"
		"One self-contained HTML page (inline SVG, no scripts, no network) from the\n"
		"outputs of other commands; each option may be repeated.\n\n"
		"Inputs:\n"
		"      --hits FILE     hits of 'tessera scan' (TSV): logos, counts, p-value\n"
		"                      histograms and hit density along each sequence\n"
		"  -m, --motifs FILE   motifs for the logos [the bundled JASPAR]\n"
		"      --fai FILE      sequence lengths (samtools faidx index) for the density\n"
		"                      tracks [each sequence up to its last hit]\n"
		"      --pairhmm FILE  the --json of 'tessera pairhmm test'\n"
		"      --train FILE    the --json report of 'tessera train'\n"
		"Output:\n"
		"  -o, --output FILE   the page, replaced only on success [stdout]\n"
		"      --top N         motifs shown with logo and histogram, by hits [20]\n"
		"      --title TEXT    page title [tessera report]\n"
		CLI_COMMON_HELP);
}

/* ------------------------------------------------------------ hit files */

typedef struct {
	char *id, *alt;
	int64_t hits;
	double best_p;
	double pv[PV_BINS];
} motif_hits_t;

typedef struct {
	char *name;
	int64_t len, n, m;  /* len: from --fai, else the last hit's end */
	int64_t *pos;       /* hit starts, 1-based */
} seq_hits_t;

typedef struct {
	const char *path;
	motif_hits_t *mot;
	int n_mot, m_mot;
	seq_hits_t *seq;
	int n_seq, m_seq;
	int64_t total;
} hits_t;

static int find_or_add_motif(hits_t *h, const char *id, const char *alt)
{
	int i;
	for (i = h->n_mot - 1; i >= 0; i--)
		if (strcmp(h->mot[i].id, id) == 0) return i;
	if (h->n_mot == h->m_mot) {
		int m = h->m_mot ? 2 * h->m_mot : 64;
		motif_hits_t *a = realloc(h->mot, m * sizeof *a);
		if (a == NULL) return -1;
		h->mot = a, h->m_mot = m;
	}
	memset(&h->mot[h->n_mot], 0, sizeof *h->mot);
	h->mot[h->n_mot].id = strdup(id);
	h->mot[h->n_mot].alt = strdup(alt);
	h->mot[h->n_mot].best_p = 1;
	if (!h->mot[h->n_mot].id || !h->mot[h->n_mot].alt) return -1;
	return h->n_mot++;
}

static int find_or_add_seq(hits_t *h, const char *name)
{
	int i;
	for (i = h->n_seq - 1; i >= 0; i--)
		if (strcmp(h->seq[i].name, name) == 0) return i;
	if (h->n_seq == h->m_seq) {
		int m = h->m_seq ? 2 * h->m_seq : 16;
		seq_hits_t *a = realloc(h->seq, m * sizeof *a);
		if (a == NULL) return -1;
		h->seq = a, h->m_seq = m;
	}
	memset(&h->seq[h->n_seq], 0, sizeof *h->seq);
	if ((h->seq[h->n_seq].name = strdup(name)) == NULL) return -1;
	return h->n_seq++;
}

static void hits_free(hits_t *h)
{
	int i;
	for (i = 0; i < h->n_mot; i++) free(h->mot[i].id), free(h->mot[i].alt);
	for (i = 0; i < h->n_seq; i++) free(h->seq[i].name), free(h->seq[i].pos);
	free(h->mot);
	free(h->seq);
	memset(h, 0, sizeof *h);
}

/* Split a tab-separated line in place; returns the number of fields. */
static int split_tabs(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;
	while (n < max) {
		f[n++] = p;
		if ((p = strchr(p, '\t')) == NULL) break;
		*p++ = '\0';
	}
	return n;
}

/* scan's TSV (FIMO's columns): motif_id motif_alt_id sequence_name start
 * stop strand score p-value q-value matched_sequence. */
static int hits_read(const char *path, hits_t *h)
{
	FILE *fp = fopen(path, "r");
	char *line = NULL, *f[12];
	size_t cap = 0;
	ssize_t len;
	int64_t lineno = 0;
	int st = TS_OK;
	memset(h, 0, sizeof *h);
	h->path = path;
	if (fp == NULL) {
		report_error("%s: %s", path, strerror(errno));
		return TS_EIO;
	}
	while ((len = getline(&line, &cap, fp)) >= 0) {
		int64_t start, stop;
		double pv;
		int mi, si, nf;
		lineno++;
		while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
		if (len == 0 || line[0] == '#' || (lineno == 1 && strncmp(line, "motif_id\t", 9) == 0)) continue;
		nf = split_tabs(line, f, 12);
		if (nf < 9 || ts_parse_int64(f[3], 1, INT64_MAX, &start) < 0 || ts_parse_int64(f[4], start, INT64_MAX, &stop) < 0 ||
		    ts_parse_double(f[7], &pv) < 0 || !(pv >= 0 && pv <= 1)) {
			report_error("%s:%lld: not a hit line of 'tessera scan' (motif_id, motif_alt_id, sequence_name, start, stop, "
				     "strand, score, p-value, q-value, ...)", path, (long long)lineno);
			st = TS_EDATA;
			break;
		}
		if ((mi = find_or_add_motif(h, f[0], f[1])) < 0 || (si = find_or_add_seq(h, f[2])) < 0) {
			st = TS_ENOMEM;
			break;
		}
		{
			motif_hits_t *m = &h->mot[mi];
			seq_hits_t *s = &h->seq[si];
			int b = pv > 0 ? (int)(-log10(pv) * 2) : PV_BINS - 1;
			m->hits++;
			if (pv < m->best_p) m->best_p = pv;
			m->pv[b < PV_BINS ? b : PV_BINS - 1]++;
			if (s->n == s->m) {
				int64_t mm = s->m ? 2 * s->m : 256, *a = realloc(s->pos, mm * sizeof *a);
				if (a == NULL) {
					st = TS_ENOMEM;
					break;
				}
				s->pos = a, s->m = mm;
			}
			s->pos[s->n++] = start;
			if (stop > s->len) s->len = stop;
			h->total++;
		}
	}
	if (st == TS_OK && ferror(fp)) {
		report_error("%s: read error", path);
		st = TS_EIO;
	}
	if (st == TS_ENOMEM) report_error("out of memory");
	free(line);
	fclose(fp);
	return st;
}

/* --fai: replace the extents of the sequences it names by their lengths. */
static int apply_fai(const char *path, hits_t *h)
{
	FILE *fp = fopen(path, "r");
	char name[1024];
	long long len;
	int i, n = 0;
	if (fp == NULL) {
		report_error("%s: %s", path, strerror(errno));
		return TS_EIO;
	}
	while (fscanf(fp, "%1023s %lld%*[^\n]", name, &len) == 2) {
		n++;
		for (i = 0; i < h->n_seq; i++) {
			if (strcmp(h->seq[i].name, name) != 0 || len <= 0) continue;
			if (len < h->seq[i].len) {  /* the density would bin hits past the end */
				report_error("%s:%d: '%s' is %lld bp, but %s has hits on it up to %lld: the index of another genome?", path, n,
					     name, len, h->path, (long long)h->seq[i].len);
				fclose(fp);
				return TS_EDATA;
			}
			h->seq[i].len = len;
		}
	}
	if (!feof(fp) || n == 0) {
		report_error("%s:%d: not a samtools faidx index (name, length, offset, ...)", path, n + 1);
		fclose(fp);
		return TS_EDATA;
	}
	fclose(fp);
	return TS_OK;
}

static const char *base_name(const char *path)
{
	const char *b = strrchr(path, '/');
	return b ? b + 1 : path;
}

static int by_hits(const void *a, const void *b)
{
	const motif_hits_t *x = a, *y = b;
	if (x->hits != y->hits) return x->hits > y->hits ? -1 : 1;
	return strcmp(x->id, y->id);
}

static void section_hits(FILE *fp, hits_t *h, const motif_set_t *db, int top)
{
	static const char *pv_lab[PV_BINS];
	static char pv_txt[PV_BINS][16];
	int i, k, shown;
	for (i = 0; i < PV_BINS; i++) snprintf(pv_txt[i], sizeof pv_txt[i], "%g", i / 2.0), pv_lab[i] = pv_txt[i];
	if (h->n_mot > 1) qsort(h->mot, h->n_mot, sizeof *h->mot, by_hits);
	fputs("<h2>Motif hits: ", fp);
	svg_escape(fp, base_name(h->path));
	fprintf(fp, "</h2>\n<p>%lld hits of %d motifs on %d sequence%s.</p>\n", (long long)h->total, h->n_mot, h->n_seq,
		h->n_seq == 1 ? "" : "s");
	fputs("<table>\n<tr><th>motif</th><th>name</th><th>hits</th><th>best p</th><th>logo</th><th>hits by −log10 p</th></tr>\n", fp);
	for (i = 0, shown = 0; i < h->n_mot; i++) {
		const motif_hits_t *m = &h->mot[i];
		int d = db ? motif_find(db, m->id) : -1, first, last = 0;
		fputs("<tr><td>", fp);
		svg_escape(fp, m->id);
		fputs("</td><td>", fp);
		svg_escape(fp, m->alt);
		fprintf(fp, "</td><td class=\"num\">%lld</td><td class=\"num\">%.2e</td>", (long long)m->hits, m->best_p);
		if (shown >= top) {
			fputs("<td></td><td></td></tr>\n", fp);
			continue;
		}
		shown++;
		fputs("<td>", fp);
		if (d >= 0) logo_svg_element(fp, &db->a[d], "");
		else fputs("(not in the motif file)", fp);
		fputs("</td><td>", fp);
		for (k = 0, first = -1; k < PV_BINS; k++)
			if (m->pv[k] > 0) last = k, first = first < 0 ? k : first;
		if (first < 0) first = 0;
		svg_bars(fp, m->pv + first, last - first + 1, pv_lab + first, 260, 110, "−log10 p", "hits");
		fputs("</td></tr>\n", fp);
	}
	fputs("</table>\n", fp);
	fputs("<h3>Hit density along each sequence</h3>\n", fp);
	for (i = 0; i < h->n_seq && i < MAX_SEQS; i++) {
		seq_hits_t *s = &h->seq[i];
		double bins[DENSITY_BINS] = {0};
		static const char *lab[DENSITY_BINS];
		static char txt[DENSITY_BINS][24];
		int64_t j;
		for (j = 0; j < s->n; j++) {
			int b = (int)((double)(s->pos[j] - 1) / (double)s->len * DENSITY_BINS);
			bins[b < DENSITY_BINS ? b : DENSITY_BINS - 1]++;
		}
		for (k = 0; k < DENSITY_BINS; k++) {
			snprintf(txt[k], sizeof txt[k], "%.3g", (double)s->len * k / DENSITY_BINS);
			lab[k] = txt[k];
		}
		fputs("<p>", fp);
		svg_escape(fp, s->name);
		fprintf(fp, ": %lld hits over %lld bp (bins of %.0f bp)</p>\n", (long long)s->n, (long long)s->len,
			(double)s->len / DENSITY_BINS);
		svg_bars(fp, bins, DENSITY_BINS, lab, 900, 140, "position (bp)", "hits per bin");
	}
	if (h->n_seq > MAX_SEQS) fprintf(fp, "<p>%d more sequences not drawn.</p>\n", h->n_seq - MAX_SEQS);
}

/* ----------------------------------------------------------- JSON files */

static json_t *load_json(const char *path)
{
	json_error_t e;
	json_t *j = json_load_file(path, 0, &e);
	if (j == NULL) report_error("%s:%d: %s", path, e.line, e.text);
	return j;
}

static double jnum(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	return json_is_number(v) ? json_number_value(v) : NAN;
}

/* v in format f, or "n/a" when it is missing or not finite (a training
 * run without a test set; a ratio whose denominator is 0) */
static const char *num_or_na(char buf[32], const char *f, double v)
{
	if (!isfinite(v)) return "n/a";
	snprintf(buf, 32, f, v);
	return buf;
}

/* The first of keys[] (NULL-terminated) that is not a finite number in o,
 * or NULL. */
static const char *not_finite(const json_t *o, const char *const *keys)
{
	for (; *keys; keys++)
		if (!isfinite(jnum(o, *keys))) return *keys;
	return NULL;
}

static int section_pairhmm(FILE *fp, const char *path)
{
	static const char *const par[6] = {"dX", "dY", "eX", "eY", "tau", NULL};
	static const char *const fit[4] = {"np", "lnL", "iterations", NULL};
	/* open_ratio and extend_ratio may be null: infinite when dY or eY is 0 */
	static const char *const test[8] = {"D", "df", "p", "aic_null", "aic_alt", "bic_null", "bic_alt", NULL};
	json_t *j = load_json(path);
	const json_t *null, *alt, *lrt, *in;
	const char *bad = NULL;
	int k;
	if (j == NULL) return TS_EDATA;
	null = json_object_get(j, "null"), alt = json_object_get(j, "alt"), lrt = json_object_get(j, "lrt");
	in = json_object_get(j, "input");
	if (!json_is_object(null) || !json_is_object(alt) || !json_is_object(lrt) ||
	    !json_is_object(json_object_get(null, "params")) || !json_is_object(json_object_get(alt, "params"))) {
		report_error("%s: not the --json of 'tessera pairhmm test' (no null, alt and lrt)", path);
		json_decref(j);
		return TS_EDATA;
	}
	/* a verdict from missing numbers would read "not rejected" */
	if ((bad = not_finite(lrt, test)) || (bad = not_finite(null, fit)) || (bad = not_finite(alt, fit)) ||
	    (bad = not_finite(json_object_get(null, "params"), par)) || (bad = not_finite(json_object_get(alt, "params"), par))) {
		report_error("%s: '%s' is missing or not a finite number: not the --json of 'tessera pairhmm test'", path, bad);
		json_decref(j);
		return TS_EDATA;
	}
	fputs("<h2>Pair HMM: ", fp);
	svg_escape(fp, base_name(path));
	fprintf(fp, "</h2>\n<p>%lld pairs, %lld residues.", (long long)jnum(j, "n_pairs"), (long long)jnum(j, "n_residues"));
	if (json_is_object(in) && json_is_string(json_object_get(in, "bam")))
		fprintf(fp, " Reads against their reference: X = insertion in the read, Y = deletion from it. CIGARs: %lld "
			    "insertions, %lld deletions.", (long long)jnum(in, "cigar_insertions"), (long long)jnum(in, "cigar_deletions"));
	fputs("</p>\n<table>\n<tr><th>model</th><th>np</th><th>lnL</th>", fp);
	for (k = 0; k < 5; k++) fprintf(fp, "<th>%s</th>", par[k]);
	fputs("<th>EM iterations</th></tr>\n", fp);
	for (k = 0; k < 2; k++) {
		const json_t *m = k ? alt : null, *p = json_object_get(m, "params");
		int q;
		fprintf(fp, "<tr><td>%s</td><td class=\"num\">%.0f</td><td class=\"num\">%.6f</td>", k ? "untied (alt)" : "tied (null)",
			jnum(m, "np"), jnum(m, "lnL"));
		for (q = 0; q < 5; q++) fprintf(fp, "<td class=\"num\">%.6f</td>", jnum(p, par[q]));
		fprintf(fp, "<td class=\"num\">%.0f</td></tr>\n", jnum(m, "iterations"));
	}
	fprintf(fp, "</table>\n<p>LRT: D = %.4f, df = %.0f, p = %.3g; AIC tied %.2f, untied %.2f; BIC tied %.2f, untied %.2f.</p>\n",
		jnum(lrt, "D"), jnum(lrt, "df"), jnum(lrt, "p"), jnum(lrt, "aic_null"), jnum(lrt, "aic_alt"), jnum(lrt, "bic_null"),
		jnum(lrt, "bic_alt"));
	{
		char b[2][32];
		fprintf(fp, "<p class=\"verdict\">X gaps open %s× as often as Y gaps (dX/dY), extend %s× (eX/eY); symmetry %s at the 5%% "
			    "level.</p>\n", num_or_na(b[0], "%.3g", jnum(lrt, "open_ratio")), num_or_na(b[1], "%.3g", jnum(lrt, "extend_ratio")),
			jnum(lrt, "p") < 0.05 ? "is rejected" : "is not rejected");
	}
	json_decref(j);
	return TS_OK;
}

static int section_train(FILE *fp, const char *path)
{
	char b[4][32];
	static const char *const key[3] = {"train_loss", "val_loss", "val_auroc"};
	json_t *j = load_json(path);
	const json_t *curve;
	double *v[3] = {NULL, NULL, NULL};
	int n, i, k, st = TS_OK;
	if (j == NULL) return TS_EDATA;
	curve = json_object_get(j, "curve");
	if (!json_is_array(curve) || (n = (int)json_array_size(curve)) == 0) {
		report_error("%s: not the --json report of 'tessera train' (no learning curve)", path);
		json_decref(j);
		return TS_EDATA;
	}
	for (k = 0; k < 3; k++)
		if ((v[k] = malloc(n * sizeof *v[k])) == NULL) st = TS_ENOMEM;
	for (i = 0; st == TS_OK && i < n; i++) {
		for (k = 0; k < 3; k++) v[k][i] = jnum(json_array_get(curve, i), key[k]);
		if (!isfinite(v[0][i])) {  /* validation figures may be null (no validation set), the training loss not */
			report_error("%s: epoch %d of the learning curve has no finite train_loss: not the --json of 'tessera train'", path, i + 1);
			st = TS_EDATA;
		}
	}
	if (st == TS_OK) {
		fputs("<h2>CNN training: ", fp);
		svg_escape(fp, base_name(path));
		fprintf(fp, "</h2>\n<p>%d epochs (best %s); test auROC %s, auPRC %s on %s sequences.</p>\n", n,
			num_or_na(b[0], "%.0f", jnum(j, "best_epoch")), num_or_na(b[1], "%.4f", jnum(j, "test_auroc")),
			num_or_na(b[2], "%.4f", jnum(j, "test_auprc")), num_or_na(b[3], "%.0f", jnum(j, "n_test")));
		svg_lines(fp, (const double *const *)v, key, 2, n, 600, 220, "epoch", "loss");
		svg_lines(fp, (const double *const *)(v + 2), key + 2, 1, n, 600, 220, "epoch", "validation auROC");
	} else if (st == TS_ENOMEM) {
		report_error("out of memory");
	}
	for (k = 0; k < 3; k++) free(v[k]);
	json_decref(j);
	return st;
}

/* --------------------------------------------------------------- main */

typedef struct {
	char **hits, **pairhmm, **train;
	int n_hits, n_pairhmm, n_train, top;
	const char *motifs, *fai, *out, *title;
} report_opts_t;

static int push(char ***a, int *n, char *v)
{
	char **b = realloc(*a, (*n + 1) * sizeof *b);
	if (b == NULL) return -1;
	b[(*n)++] = v;
	*a = b;
	return 0;
}

static int write_page(FILE *fp, const report_opts_t *o, hits_t *hits, const motif_set_t *db)
{
	int i, st = TS_OK;
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\"/>\n<title>", fp);
	svg_escape(fp, o->title);
	fputs("</title>\n<style>\nbody{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse}"
	      "th,td{border-bottom:1px solid #ddd;padding:4px 8px;vertical-align:middle;text-align:left}"
	      "td.num{text-align:right;font-variant-numeric:tabular-nums}.verdict{font-weight:bold}h2{margin-top:2em}\n</style>\n"
	      "</head>\n<body>\n<h1>", fp);
	svg_escape(fp, o->title);
	fprintf(fp, "</h1>\n<p>tessera %s</p>\n", TESSERA_VERSION);
	for (i = 0; i < o->n_hits; i++) section_hits(fp, &hits[i], db, o->top);
	for (i = 0; st == TS_OK && i < o->n_pairhmm; i++) st = section_pairhmm(fp, o->pairhmm[i]);
	for (i = 0; st == TS_OK && i < o->n_train; i++) st = section_train(fp, o->train[i]);
	fputs("</body>\n</html>\n", fp);
	return st == TS_OK && ferror(fp) ? TS_EIO : st;
}

int cmd_report(int argc, char **argv)
{
	report_opts_t o = {NULL, NULL, NULL, 0, 0, 0, 20, NULL, NULL, "-", "tessera report"};
	hits_t *hits = NULL;
	motif_set_t *db = NULL;
	ts_outfile_t out = {0};
	char err[TS_ERRLEN], *motif_path = NULL;
	int c, i, st = TS_OK, exit_code = 1;
	while ((c = getopt_long(argc, argv, "m:o:h", long_opts, NULL)) >= 0) {
		int bad = 0;
		switch (c) {
		case OPT_HITS: bad = push(&o.hits, &o.n_hits, optarg); break;
		case OPT_PAIRHMM: bad = push(&o.pairhmm, &o.n_pairhmm, optarg); break;
		case OPT_TRAIN: bad = push(&o.train, &o.n_train, optarg); break;
		case 'm': o.motifs = optarg; break;
		case OPT_FAI: o.fai = optarg; break;
		case OPT_TITLE: o.title = optarg; break;
		case 'o': o.out = optarg; break;
		case OPT_TOP:
			if (ts_parse_int(optarg, 0, 100000, &o.top) < 0) {
				exit_code = cli_usage_error("report", "--top: '%s' is not an integer in 0..100000", optarg);
				goto done;
			}
			break;
		case 'h': usage(stdout); exit_code = 0; goto done;
		default:
			if (cli_common_opt(c)) break;
			usage(stderr);
			goto done;
		}
		if (bad) {
			report_error("out of memory");
			exit_code = 3;
			goto done;
		}
	}
	if (optind < argc) {
		exit_code = cli_usage_error("report", "unexpected argument '%s' (inputs are given with --hits, --pairhmm, --train)", argv[optind]);
		goto done;
	}
	if (o.n_hits + o.n_pairhmm + o.n_train == 0) {
		exit_code = cli_usage_error("report", "nothing to report: give --hits, --pairhmm or --train");
		goto done;
	}
	if (o.n_hits && (hits = calloc(o.n_hits, sizeof *hits)) == NULL) {
		st = TS_ENOMEM;
		report_error("out of memory");
		goto fail;
	}
	for (i = 0; i < o.n_hits; i++) {
		if ((st = hits_read(o.hits[i], &hits[i])) < 0) goto fail;
		if (o.fai && (st = apply_fai(o.fai, &hits[i])) < 0) goto fail;
	}
	if (o.n_hits) {
		motif_path = o.motifs ? strdup(o.motifs) : ts_data_path(TS_DEFAULT_MOTIFS);
		if (motif_path == NULL) {
			report_error("the bundled motif database is not installed: give -m FILE or set TESSERA_DATA");
			st = TS_EIO;
			goto fail;
		}
		if ((st = motif_read(motif_path, &db, err)) < 0) {
			report_error("%s", err);
			goto fail;
		}
	}
	if ((st = ts_outfile_open(&out, o.out, err)) < 0) {
		report_error("%s", err);
		goto fail;
	}
	if ((st = write_page(out.fp, &o, hits, db)) < 0) {
		ts_outfile_abort(&out);
		if (st == TS_EIO) report_error("%s: write failed", o.out);
		goto fail;
	}
	if ((st = ts_outfile_commit(&out, err)) < 0) {
		report_error("%s", err);
		goto fail;
	}
	exit_code = 0;
	goto done;
fail:
	exit_code = ts_exit_code(st);
done:
	for (i = 0; hits && i < o.n_hits; i++) hits_free(&hits[i]);
	free(hits);
	motif_set_free(db);
	free(motif_path);
	free(o.hits);
	free(o.pairhmm);
	free(o.train);
	return exit_code;
}
