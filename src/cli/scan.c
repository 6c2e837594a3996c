/* scan: `tessera scan` — motif scanning with FIMO's statistics and output.
 * Options and wiring only: backgrounds here, filters and kernels in
 * cnn1d/pwm and cnn1d/scan, formats in io/hits. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <htslib/kstring.h>
#include "cli/cli.h"
#include "cli/scan_vcf.h"
#include "cnn1d/pwm.h"
#include "cnn1d/scan.h"
#include "io/hits.h"
#include "io/motif.h"
#include "io/seqio.h"
#include "util/log.h"
#include "util/outfile.h"
#include "util/parse.h"
#include "util/paths.h"

#define scan_error(...) ts_log(TS_LOG_ERROR, "scan", __VA_ARGS__)

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: tessera scan [options] INPUT...\n\n"
		"Scan sequences for motif occurrences with exact p-values (FIMO's statistics,\n"
		"FIMO's TSV output).  INPUT: FASTA/FASTQ (plain, gzip, bgzip; '-' for stdin),\n"
		"SAM/BAM/CRAM reads, or regions of an indexed reference (-r, --bed).\n\n"
		"Motifs:\n"
		"  -m, --motifs FILE        MEME, JASPAR or TRANSFAC file [bundled JASPAR 2024 CORE\n"
		"                           vertebrates non-redundant]\n"
		"      --motif ID           scan only motif ID (repeatable)\n"
		"      --motif-pseudo A     pseudocount mixed in by background [0.1]\n"
		"      --bfile FILE         background: MEME background file (0-order entries),\n"
		"                           --uniform--, or --motif-- (the motif file's own)\n"
		"                           [the motif file's background, else uniform]\n"
		"      --bg-from-seq        background: 0-order frequencies of the input (one extra pass)\n"
		"Thresholds:\n"
		"      --thresh P           report windows with p-value < P [1e-4]\n"
		"      --min-score S        report windows with score >= S bits instead\n"
		"      --qv-thresh Q        report windows with q-value < Q instead\n"
		"      --no-qvalue, --text  no q-values (faster: windows are abandoned early)\n"
		"      --qvalue-scope S     'motif' (one correction per motif) or 'run' [motif]\n"
		"      --norc               scan the given strand only\n"
		"Output:\n"
		"  -o, --output FILE        write here, replaced only on success [stdout]\n"
		"  -O, --output-format F    tsv (FIMO), bed (BED6 + p-value, q-value) or gff [tsv]\n"
		"      --gff                same as -O gff\n"
		"      --skip-matched-sequence  leave the matched_sequence column empty\n"
		"      --no-pgc             do not read 'chr:start-end' record names as genomic coordinates\n"
		"      --mqc FILE           hits per motif as MultiQC custom content (name it *_mqc.json)\n"
		"      --sample NAME        the sample's name in --mqc [the first input's file name,\n"
		"                           without directories and extensions]\n"
		"Variants (motif gains and losses):\n"
		"      --vcf FILE           score every ALT of FILE (VCF/BCF; -r needs an index) against\n"
		"                           REF: each motif whose best window overlapping the change\n"
		"                           passes the threshold in either allele (TSV; see README)\n"
		"      --ref FILE           the genome the VCF refers to (FASTA with .fai)\n"
		"      --out-vcf FILE       also the VCF with INFO/TFBS annotations (.vcf, .vcf.gz, .bcf)\n"
		"      --effect-thresh T    gain/loss when |log2 p_ref/p_alt| >= T, else neutral [1]\n"
		"Scatter and gather (pipelines):\n"
		"      --shard I/N          scan only chunks c = I-1 (mod N) of the input (128 kbp each,\n"
		"                           counted over all records) and write --partial FILE\n"
		"      --partial FILE       the shard's hits and per-score test counts (with --shard)\n"
		"      --gather             INPUTs are the N partial files: write the hits of one\n"
		"                           unsharded run, q-values from the summed counts (give the\n"
		"                           shards' motif, background and threshold options)\n"
		"Input:\n"
		"  -r, --region REG         scan only REG (chr:beg-end, 1-based; repeatable)\n"
		"      --bed FILE           scan only the regions of a BED file\n"
		"  -T, --reference FILE     reference FASTA for CRAM\n"
		"  -f, -F, -q               read filters as in 'tessera view' [-F 0x900]\n"
		"  -@, --threads INT        scanning threads; output is the same for any INT [1]\n"
		CLI_COMMON_HELP);
}

enum {
	OPT_MOTIF = CLI_OPT_CMD, OPT_PSEUDO, OPT_BFILE, OPT_BG_FROM_SEQ, OPT_THRESH, OPT_MIN_SCORE, OPT_QV_THRESH,
	OPT_NO_QVALUE, OPT_QV_SCOPE, OPT_NORC, OPT_GFF, OPT_SKIP_MATCHED, OPT_NO_PGC, OPT_BED, OPT_MQC, OPT_SAMPLE,
	OPT_SHARD, OPT_PARTIAL, OPT_GATHER, OPT_VCF, OPT_VCF_REF, OPT_OUT_VCF, OPT_EFFECT
};

static const struct option long_opts[] = {
	{"motifs", required_argument, NULL, 'm'},
	{"motif", required_argument, NULL, OPT_MOTIF},
	{"motif-pseudo", required_argument, NULL, OPT_PSEUDO},
	{"bfile", required_argument, NULL, OPT_BFILE},
	{"bg-from-seq", no_argument, NULL, OPT_BG_FROM_SEQ},
	{"thresh", required_argument, NULL, OPT_THRESH},
	{"min-score", required_argument, NULL, OPT_MIN_SCORE},
	{"qv-thresh", required_argument, NULL, OPT_QV_THRESH},
	{"no-qvalue", no_argument, NULL, OPT_NO_QVALUE},
	{"text", no_argument, NULL, OPT_NO_QVALUE},
	{"qvalue-scope", required_argument, NULL, OPT_QV_SCOPE},
	{"norc", no_argument, NULL, OPT_NORC},
	{"output", required_argument, NULL, 'o'},
	{"output-format", required_argument, NULL, 'O'},
	{"gff", no_argument, NULL, OPT_GFF},
	{"skip-matched-sequence", no_argument, NULL, OPT_SKIP_MATCHED},
	{"no-pgc", no_argument, NULL, OPT_NO_PGC},
	{"region", required_argument, NULL, 'r'},
	{"bed", required_argument, NULL, OPT_BED},
	{"mqc", required_argument, NULL, OPT_MQC},
	{"sample", required_argument, NULL, OPT_SAMPLE},
	{"shard", required_argument, NULL, OPT_SHARD},
	{"partial", required_argument, NULL, OPT_PARTIAL},
	{"gather", no_argument, NULL, OPT_GATHER},
	{"vcf", required_argument, NULL, OPT_VCF},
	{"ref", required_argument, NULL, OPT_VCF_REF},
	{"out-vcf", required_argument, NULL, OPT_OUT_VCF},
	{"effect-thresh", required_argument, NULL, OPT_EFFECT},
	{"reference", required_argument, NULL, 'T'},
	{"threads", required_argument, NULL, '@'},
	CLI_COMMON_LONGOPTS,
	{NULL, 0, NULL, 0}
};

typedef struct {
	const char *motif_path, *bfile, *out_path, *mqc_path, *sample, *partial;
	const char *vcf, *vcf_ref, *out_vcf;
	double effect_thresh;
	int gather, out_given;
	char **motif_ids;
	int n_motif_ids, bg_from_seq, skip_matched, pgc;
	double pseudo;
	hits_format_t format;
} scan_cli_t;

/* 0-order base counts of every input, for --bg-from-seq. */
static int bg_from_inputs(char **paths, int n, const sio_opts_t *so, double bg[4], char *err)
{
	double count[4] = {0, 0, 0, 0}, total = 0;
	int i, s, x;
	for (i = 0; i < n; i++) {
		sio_reader_t *r;
		sio_rec_t rec;
		int64_t k;
		if (strcmp(paths[i], "-") == 0)
			return ts_fail(err, TS_EUSAGE, "--bg-from-seq reads the input twice: give a file, not standard input");
		if ((s = sio_open(&r, paths[i], so, err)) < 0) return s;
		while ((s = sio_read(r, &rec)) == TS_OK)
			for (k = 0; k < rec.n; k++) {
				x = sio_nt16_to_nt4[SIO_NT16(rec.seq[k])];
				if (x < 4) count[x]++;
			}
		if (s != TS_EOF) {
			s = ts_fail(err, s, "%s", sio_error(r));
			sio_close(r);
			return s;
		}
		sio_close(r);
	}
	for (x = 0; x < 4; x++) total += count[x];
	if (total == 0) return ts_fail(err, TS_EDATA, "--bg-from-seq: the input has no A, C, G or T");
	for (x = 0; x < 4; x++) bg[x] = count[x] > 0 ? count[x] / total : 0;
	return TS_OK;
}

/* FIMO's choice of background, symmetrised for two strands and smoothed by
 * (f + 5e-7) / (1 + 4·5e-7) so that no letter has probability 0. */
static int choose_background(const scan_cli_t *c, const motif_set_t *set, char **inputs, int n_inputs,
			     const sio_opts_t *so, int both, double bg[4], char *err)
{
	int x, s;
	double sum = 0;
	if (c->bg_from_seq) {
		if ((s = bg_from_inputs(inputs, n_inputs, so, bg, err)) < 0) return s;
	} else if (c->bfile && strcmp(c->bfile, "--uniform--") == 0) {
		bg[0] = bg[1] = bg[2] = bg[3] = 0.25;
	} else if (c->bfile && strcmp(c->bfile, "--motif--") != 0) {
		if ((s = pwm_bg_read(c->bfile, bg, err)) < 0) return s;
	} else {
		for (x = 0; x < 4; x++) bg[x] = set->has_bg ? set->bg[x] : 0.25;
	}
	if (both) pwm_bg_symmetrize(bg);
	for (x = 0; x < 4; x++) sum += bg[x] + 5e-7;
	for (x = 0; x < 4; x++) bg[x] = (bg[x] + 5e-7) / sum;
	return TS_OK;
}

/* The motifs named by --motif, in file order; `out` shares their storage. */
static int select_motifs(const motif_set_t *all, char **ids, int n_ids, motif_set_t *out, const char *path)
{
	int i, k;
	*out = *all;
	if (n_ids == 0) return TS_OK;
	if ((out->a = calloc(n_ids, sizeof *out->a)) == NULL) return TS_ENOMEM;
	out->n = out->m = 0;
	for (k = 0; k < all->n; k++)
		for (i = 0; i < n_ids; i++)
			if (strcmp(all->a[k].id, ids[i]) == 0) {
				out->a[out->n++] = all->a[k];
				break;
			}
	for (i = 0; i < n_ids; i++)
		if (motif_find(all, ids[i]) < 0) {
			scan_error("--motif: no motif '%s' in %s", ids[i], path);
			free(out->a);
			out->a = NULL;
			return TS_EUSAGE;
		}
	return TS_OK;
}

/* The output record of a scanner's hit. */
static void hit_of_scan(hit_t *out, const motif_t *m, const scan_rec_t *rec, const scan_hit_t *h, double pvalue, double qvalue,
			const char *matched)
{
	out->motif_id = m->id;
	out->motif_alt = m->alt;
	out->seq_name = rec->chrom ? rec->chrom : rec->name;
	out->start = rec->offset + h->pos;
	out->w = m->w;
	out->strand = (char)h->strand;
	out->score = h->score;
	out->pvalue = pvalue;
	out->qvalue = qvalue;
	out->matched = matched;
}

typedef struct {
	const motif_set_t *set;
	int skip_matched;
	kstring_t cols;   /* each motif's first two columns (hits_tsv_motif), */
	size_t *at;       /* motif k's at cols.s[at[k] .. at[k + 1]) */
} tsv_ctx_t;

/* The motif columns of every motif, composed once for all their lines. */
static int tsv_ctx_init(tsv_ctx_t *c)
{
	int k;
	if ((c->at = malloc((c->set->n + 1) * sizeof *c->at)) == NULL) return TS_ENOMEM;
	c->at[0] = 0;
	for (k = 0; k < c->set->n; k++) {
		const motif_t *m = &c->set->a[k];
		hit_t o = {.motif_id = m->id, .motif_alt = m->alt};
		size_t room = strlen(m->id) + (m->alt ? strlen(m->alt) : 0) + 2;
		if (ks_resize(&c->cols, c->cols.l + room) < 0) return TS_ENOMEM;
		c->cols.l += hits_tsv_motif(c->cols.s + c->cols.l, room, &o);
		c->at[k + 1] = c->cols.l;
	}
	return TS_OK;
}

/* A hit's TSV line, composed in a scanning thread (scan_format_fn): its
 * motif's columns copied, the rest composed. */
static int format_tsv(void *ctx, const scan_hit_t *h, const char *matched, double pvalue, const scan_rec_t *rec, kstring_t *out)
{
	const tsv_ctx_t *c = ctx;
	const size_t cols = c->at[h->motif], n_cols = c->at[h->motif + 1] - cols;
	hit_t o;
	hit_of_scan(&o, &c->set->a[h->motif], rec, h, pvalue, NAN, c->skip_matched ? NULL : matched);
	size_t n, room = 1024 + n_cols;
	for (;; room *= 2) {  /* names longer than room: try again with more */
		if (out->m - out->l < room && ks_resize(out, out->l + room) < 0) return TS_ENOMEM;
		if ((n = hits_tsv_site(out->s + out->l + n_cols, out->m - out->l - n_cols, &o)) > 0) break;
	}
	memcpy(out->s + out->l, c->cols.s + cols, n_cols);
	out->l += n_cols + n;
	return TS_OK;
}

/* The hits, and their number per motif in per_motif (set->n entries);
 * formatted: the scanner formatted them with format_tsv.  *out_failed: a
 * TS_EIO came from writing fp. */
static int write_hits(FILE *fp, scan_t *s, const motif_set_t *set, const scan_cli_t *c, int formatted, int64_t *n_hits, int64_t *per_motif,
		      int *out_failed)
{
	int64_t n_recs, n_in_seq = 0;
	const scan_rec_t *recs = scan_recs(s, &n_recs);
	scan_hit_t h, prev = {0};
	const char *text;
	char *matched = NULL;
	int max_w = 0, k, r;
	hits_write_header(fp, c->format);
	*n_hits = 0;
	if (formatted) return scan_write_text(s, fp, per_motif, n_hits, out_failed);
	for (k = 0; k < set->n; k++)
		if (set->a[k].w > max_w) max_w = set->a[k].w;
	if ((matched = malloc(max_w + 1)) == NULL) return TS_ENOMEM;
	while ((r = scan_next_hit(s, &h, &text)) == 1) {
		const motif_t *m = &set->a[h.motif];
		hit_t out;
		n_in_seq = *n_hits > 0 && prev.motif == h.motif && prev.rec == h.rec ? n_in_seq + 1 : 1;
		prev = h;
		++*n_hits;
		per_motif[h.motif]++;
		memcpy(matched, text, m->w);
		matched[m->w] = '\0';
		hit_of_scan(&out, m, &recs[h.rec], &h, scan_hit_pvalue(s, &h), scan_hit_qvalue(s, &h), c->skip_matched ? NULL : matched);
		hits_write(fp, c->format, &out, n_in_seq);
	}
	free(matched);
	if (r < 0) return r;
	return ferror(fp) ? TS_EIO : TS_OK;
}

/* --mqc: MultiQC custom content, hits per motif for this sample as a bar
 * graph (one bar per sample, one category per motif with hits); the same
 * section id in every file, so MultiQC puts the samples side by side.  The
 * sample is --sample, else the first input's name without directories and
 * extensions. */
static int write_mqc(const scan_cli_t *c, const int64_t *count, const motif_set_t *set, const char *input, ts_outfile_t *out,
		     char *err)
{
	char sample[256];
	json_t *per = json_object(), *cats = json_object(), *j = NULL;
	int k, st = TS_ENOMEM;
	cli_sample_name(c->sample, input, sample, sizeof sample);
	if (!per || !cats) goto done;
	for (k = 0; k < set->n; k++)
		if (count[k] > 0) {
			char label[300];
			snprintf(label, sizeof label, "%s %s", set->a[k].id, set->a[k].alt ? set->a[k].alt : "");
			if (json_object_set_new(per, set->a[k].id, json_integer(count[k])) < 0 ||
			    json_object_set_new(cats, set->a[k].id, json_pack("{s:s}", "name", label)) < 0)
				goto done;
		}
	j = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s, s:s}, s:O, s:{s:O}}", "id", "tessera_scan_hits", "section_name",
		      "tessera: motif hits", "description", "Hits per motif (FIMO's statistics; the p-value or q-value threshold of the run).",
		      "plot_type", "bargraph", "pconfig", "id", "tessera_scan_hits_plot", "title", "tessera scan: hits per motif", "ylab",
		      "hits", "categories", cats, "data", sample, per);
	if (j == NULL) goto done;
	if ((st = ts_outfile_open(out, c->mqc_path, err)) < 0) goto done;
	if (json_dumpf(j, out->fp, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0 || fputc('\n', out->fp) == EOF) {
		ts_outfile_abort(out);
		st = ts_fail(err, TS_EIO, "%s: write failed", c->mqc_path);
	}
done:
	if (st == TS_ENOMEM) ts_fail(err, st, "out of memory");
	json_decref(j);
	json_decref(per);
	json_decref(cats);
	return st;
}

static int parse_args(int argc, char **argv, scan_cli_t *c, scan_opts_t *so, sio_opts_t *io, int *exit_code)
{
	int ch;
	double v;
	while ((ch = getopt_long(argc, argv, "m:o:O:r:T:@:f:F:q:h", long_opts, NULL)) >= 0) {
		switch (ch) {
		case 'm': c->motif_path = optarg; break;
		case OPT_MOTIF:
			if ((c->motif_ids = realloc(c->motif_ids, (c->n_motif_ids + 1) * sizeof *c->motif_ids)) == NULL) return -1;
			c->motif_ids[c->n_motif_ids++] = optarg;
			break;
		case OPT_PSEUDO:
			if (ts_parse_double(optarg, &c->pseudo) < 0 || c->pseudo < 0)
				return *exit_code = cli_usage_error("scan", "--motif-pseudo: '%s' is not a number >= 0", optarg), -1;
			break;
		case OPT_BFILE: c->bfile = optarg; break;
		case OPT_BG_FROM_SEQ: c->bg_from_seq = 1; break;
		case OPT_THRESH:
			if (ts_parse_double(optarg, &v) < 0 || v <= 0 || v > 1)
				return *exit_code = cli_usage_error("scan", "--thresh: '%s' is not a p-value in (0, 1]", optarg), -1;
			so->thresh = v;
			break;
		case OPT_MIN_SCORE:
			if (ts_parse_double(optarg, &so->min_score) < 0)
				return *exit_code = cli_usage_error("scan", "--min-score: '%s' is not a number", optarg), -1;
			so->use_min_score = 1;
			break;
		case OPT_QV_THRESH:
			if (ts_parse_double(optarg, &v) < 0 || v <= 0 || v > 1)
				return *exit_code = cli_usage_error("scan", "--qv-thresh: '%s' is not a q-value in (0, 1]", optarg), -1;
			so->qv_thresh = v;
			so->use_qv_thresh = 1;
			break;
		case OPT_NO_QVALUE: so->qvalues = 0; break;
		case OPT_QV_SCOPE:
			if (strcmp(optarg, "motif") == 0) so->qv_run_scope = 0;
			else if (strcmp(optarg, "run") == 0) so->qv_run_scope = 1;
			else return *exit_code = cli_usage_error("scan", "--qvalue-scope: '%s' is not 'motif' or 'run'", optarg), -1;
			break;
		case OPT_NORC: so->both_strands = 0; break;
		case 'o': c->out_path = optarg, c->out_given = 1; break;
		case 'O':
			if (strcmp(optarg, "tsv") == 0) c->format = HITS_TSV;
			else if (strcmp(optarg, "bed") == 0) c->format = HITS_BED;
			else if (strcmp(optarg, "gff") == 0) c->format = HITS_GFF;
			else return *exit_code = cli_usage_error("scan", "--output-format: '%s' is not tsv, bed or gff", optarg), -1;
			break;
		case OPT_GFF: c->format = HITS_GFF; break;
		case OPT_SKIP_MATCHED: c->skip_matched = 1; break;
		case OPT_NO_PGC: c->pgc = 0; break;
		case OPT_BED: io->bed = optarg; break;
		case OPT_MQC: c->mqc_path = optarg; break;
		case OPT_SAMPLE: c->sample = optarg; break;
		case OPT_PARTIAL: c->partial = optarg; break;
		case OPT_GATHER: c->gather = 1; break;
		case OPT_VCF: c->vcf = optarg; break;
		case OPT_VCF_REF: c->vcf_ref = optarg; break;
		case OPT_OUT_VCF: c->out_vcf = optarg; break;
		case OPT_EFFECT:
			if (ts_parse_double(optarg, &c->effect_thresh) < 0 || !(c->effect_thresh >= 0))
				return *exit_code = cli_usage_error("scan", "--effect-thresh: '%s' is not a number >= 0", optarg), -1;
			break;
		case OPT_SHARD: {
			char *slash = strchr(optarg, '/');
			if (!slash || (*slash = '\0', ts_parse_int(optarg, 1, 1000000, &so->shard) < 0) ||
			    ts_parse_int(slash + 1, 1, 1000000, &so->n_shards) < 0 || so->shard > so->n_shards) {
				if (slash) *slash = '/';
				return *exit_code = cli_usage_error("scan", "--shard: '%s' is not I/N with 1 <= I <= N", optarg), -1;
			}
			*slash = '/';
			break;
		}
		case '@':
			if (ts_parse_int(optarg, 1, 1024, &so->threads) < 0)
				return *exit_code = cli_usage_error("scan", "--threads: '%s' is not an integer in 1..1024", optarg), -1;
			break;
		case 'h': usage(stdout); *exit_code = 0; return -1;
		default: {
			int k = cli_input_opt("scan", ch, optarg, io);
			if (k < 0) return *exit_code = k == CLI_NOMEM ? 3 : 1, -1;
			if (k || cli_common_opt(ch)) break;
			usage(stderr);
			*exit_code = 1;
			return -1;
		}
		}
	}
	if (so->use_min_score + so->use_qv_thresh > 1)
		return *exit_code = cli_usage_error("scan", "--min-score and --qv-thresh cannot be combined"), -1;
	if (so->use_qv_thresh && !so->qvalues)
		return *exit_code = cli_usage_error("scan", "--qv-thresh needs q-values: drop --no-qvalue/--text"), -1;
	if (c->vcf) {
		if (!c->vcf_ref) return *exit_code = cli_usage_error("scan", "--vcf needs --ref GENOME.fa (indexed)"), -1;
		if (optind < argc) return *exit_code = cli_usage_error("scan", "--vcf reads the variants and --ref: no other input ('%s')", argv[optind]), -1;
		if (c->bg_from_seq || so->n_shards || c->gather || c->mqc_path || io->bed || so->use_qv_thresh || c->format != HITS_TSV ||
		    c->skip_matched || !c->pgc || !so->qvalues)  /* each would do nothing with --vcf */
			return *exit_code = cli_usage_error("scan", "--vcf goes with -m, --motif, --thresh, --min-score, --bfile, --norc, -r, -o, --out-vcf, --effect-thresh and -@"), -1;
		if (c->out_vcf && strcmp(c->out_vcf, "-") == 0 && strcmp(c->out_path, "-") == 0)
			return *exit_code = cli_usage_error("scan", "--out-vcf - writes the VCF to standard output: give the table a file with -o"), -1;
		{
			const char *paths[2] = {c->out_path, c->out_vcf}, *opts[2] = {"-o", "--out-vcf"};
			char err[TS_ERRLEN];
			if (ts_outfile_distinct(paths, opts, 2, err) < 0) return *exit_code = cli_usage_error("scan", "%s", err), -1;
		}
		return 0;
	}
	if (c->vcf_ref || c->out_vcf) return *exit_code = cli_usage_error("scan", "--ref and --out-vcf go with --vcf"), -1;
	if (optind >= argc) return *exit_code = cli_usage_error("scan", "no input given"), -1;
	if (!!so->n_shards != !!c->partial) return *exit_code = cli_usage_error("scan", "--shard and --partial go together"), -1;
	if (so->n_shards && (c->out_given || c->mqc_path || c->gather))
		return *exit_code = cli_usage_error("scan", "a shard writes its --partial file only: -o, --mqc and --gather belong to the gather"), -1;
	if (c->gather && (c->bg_from_seq || io->n_regions || io->bed))
		return *exit_code = cli_usage_error("scan", "--gather reads partial files: give --bg-from-seq, -r and --bed to the shards (and the same background with --bfile here)"), -1;
	{
		const char *paths[2] = {c->out_path, c->mqc_path}, *opts[2] = {"-o", "--mqc"};
		char err[TS_ERRLEN];
		if (ts_outfile_distinct(paths, opts, 2, err) < 0) return *exit_code = cli_usage_error("scan", "%s", err), -1;
	}
	return 0;
}

int cmd_scan(int argc, char **argv)
{
	scan_cli_t c = {.out_path = "-", .pgc = 1, .pseudo = 0.1, .format = HITS_TSV, .effect_thresh = 1};
	scan_opts_t so;
	sio_opts_t io;
	motif_set_t *all = NULL, chosen;
	scan_t *s = NULL;
	ts_outfile_t out = {0}, outs[2] = {{0}};
	char err[TS_ERRLEN], *motif_path = NULL;
	double bg[4];
	int st = TS_OK, i, exit_code = 1, out_open = 0, out_failed = 0;
	int64_t n_hits = 0, *per_motif = NULL;
	clock_t cpu0 = clock();
	tsv_ctx_t tsv_ctx = {&chosen, 0, {0, 0, NULL}, NULL};
	memset(&chosen, 0, sizeof chosen);
	scan_opts_init(&so);
	sio_opts_init(&io);
	if (parse_args(argc, argv, &c, &so, &io, &exit_code) < 0) goto done;
	tsv_ctx.skip_matched = c.skip_matched;
	so.progress = ts_verbosity >= TS_LOG_WARN && isatty(2);  /* not with --quiet, not in pipelines */
	motif_path = c.motif_path ? strdup(c.motif_path) : ts_data_path(TS_DEFAULT_MOTIFS);
	if (motif_path == NULL) {
		scan_error("the bundled motif database is not installed: give -m FILE or set TESSERA_DATA");
		exit_code = 3;
		goto done;
	}
	if ((st = motif_read(motif_path, &all, err)) < 0) goto fail;
	if ((st = select_motifs(all, c.motif_ids, c.n_motif_ids, &chosen, motif_path)) < 0) {
		exit_code = ts_exit_code(st);
		goto done;
	}
	if ((st = choose_background(&c, all, argv + optind, argc - optind, &io, so.both_strands, bg, err)) < 0) goto fail;
	if (c.vcf) {
		scan_vcf_opts_t vo = {c.vcf, c.vcf_ref, c.out_path, c.out_vcf, NULL, c.effect_thresh, &so, {bg[0], bg[1], bg[2], bg[3]}, c.pseudo};
		kstring_t regs = {0, 0, NULL};
		for (i = 0; i < io.n_regions; i++) ksprintf(&regs, "%s%s", i ? "," : "", io.regions[i]);
		vo.regions = regs.s;
		exit_code = scan_vcf_run(&vo, &chosen);
		free(regs.s);
		goto done;
	}
	ts_log(TS_LOG_INFO, "scan", "%d motifs from %s; background A %.4f C %.4f G %.4f T %.4f", chosen.n, motif_path, bg[0], bg[1], bg[2], bg[3]);
	/* TSV without q-values: lines are composed in the scanning threads */
	if (c.format == HITS_TSV && !so.qvalues && !c.partial && !c.gather) {
		so.format = format_tsv;
		so.format_ctx = &tsv_ctx;
		if (tsv_ctx_init(&tsv_ctx) < 0) {
			st = ts_fail(err, TS_ENOMEM, "out of memory");
			goto fail;
		}
	}
	if ((st = scan_init(&s, &chosen, bg, c.pseudo, &so, err)) < 0) goto fail;
	for (i = optind; i < argc; i++)
		if ((st = c.gather ? scan_load_partial(s, argv[i], err) : scan_input(s, argv[i], &io, c.pgc, err)) < 0) goto fail;
	if (c.gather && (st = scan_partials_complete(s, err)) < 0) goto fail;
	if (c.partial) {
		if ((st = scan_save_partial(s, c.partial, err)) < 0) goto fail;
		exit_code = 0;
		goto done;
	}
	if ((st = scan_finish(s, err)) < 0) goto fail;
	if ((per_motif = calloc(chosen.n ? chosen.n : 1, sizeof *per_motif)) == NULL) {
		st = ts_fail(err, TS_ENOMEM, "out of memory");
		goto fail;
	}
	if ((st = ts_outfile_open(&out, c.out_path, err)) < 0) goto fail;
	out_open = 1;
	if ((st = write_hits(out.fp, s, &chosen, &c, so.format != NULL, &n_hits, per_motif, &out_failed)) < 0) {
		if (ferror(out.fp) || out_failed || st != TS_EIO)
			ts_fail(err, st, "%s: write failed: %s", c.out_path && strcmp(c.out_path, "-") != 0 ? c.out_path : "standard output",
				strerror(errno));
		else ts_fail(err, st, "cannot read hits back from a temporary file");
		goto fail;
	}
	/* the hits and --mqc: both or neither */
	if (c.mqc_path && (st = write_mqc(&c, per_motif, &chosen, argv[optind], &outs[1], err)) < 0) goto fail;
	outs[0] = out, out_open = 0;
	if ((st = ts_outfile_commit_all(outs, 2, err)) < 0) goto fail;
	{
		int64_t bases, tests;
		scan_totals(s, &bases, &tests);
		ts_log(TS_LOG_INFO, "scan", "%d motifs, %.2f Mbp, %lld windows tested, %lld hits, %.2f s CPU, kernel %s", chosen.n,
		       bases / 1e6, (long long)tests, (long long)n_hits, (double)(clock() - cpu0) / CLOCKS_PER_SEC,
		       scan_kernel_label(so.kernel));
	}
	exit_code = 0;
	goto done;
fail:
	scan_error("%s", err);
	exit_code = ts_exit_code(st);
	if (out_open) ts_outfile_abort(&out);
	if (outs[1].fp) ts_outfile_abort(&outs[1]);
done:
	free(tsv_ctx.cols.s);
	free(tsv_ctx.at);
	free(per_motif);
	scan_free(s);
	if (chosen.a != (all ? all->a : NULL)) free(chosen.a);
	motif_set_free(all);
	free(motif_path);
	free(c.motif_ids);
	free(io.regions);
	return exit_code;
}
