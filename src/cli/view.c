/* view: `tessera view` — print the records of any seqio source as FASTA or
 * FASTQ, or a summary table with --stats.  It is the window onto seqio: what
 * a scan or a pair-HMM fit will see is exactly what view prints. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "io/seqio.h"
#include "util/log.h"
#include "util/outfile.h"
#include "util/parse.h"

/* Errors carry the command name, as samtools prints "samtools view: …". */
#define view_error(...) ts_log(TS_LOG_ERROR, "view", __VA_ARGS__)

#define VIEW_CHUNK (1 << 20)  /* bases per chunk: memory is O(chunk), not O(chromosome) */

typedef struct {
	int width, fastq, stats, name_only;
} view_fmt_t;

typedef struct {
	int64_t records, bases, min_len, max_len, soft;
	int64_t nt[16];
	int64_t *lens;  /* for N50 */
	size_t n_lens, m_lens;
} view_stats_t;

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: tessera view [options] INPUT...\n\n"
		"Print the sequences of FASTA/FASTQ (plain, gzip or bgzip; '-' for stdin), SAM/BAM/CRAM\n"
		"reads, or regions of an indexed FASTA, as FASTA (or FASTQ).  Lowercase (soft-masked)\n"
		"bases and IUPAC codes are kept as they are.\n\n"
		"Options:\n"
		"  -r, --region REG        only REG: chr, chr:beg or chr:beg-end, 1-based inclusive;\n"
		"                          repeatable.  FASTA: needs a .fai (built when missing)\n"
		"      --bed FILE          only the regions of a BED file (0-based, half-open)\n"
		"  -T, --reference FILE    reference FASTA for decoding CRAM\n"
		"  -@, --threads INT       extra decompression threads [0]\n"
		"  -f, --require-flags INT reads: keep only those with all of these flags [0]\n"
		"  -F, --excl-flags INT    reads: drop those with any of these flags [0x900]\n"
		"  -q, --min-MQ INT        reads: drop those with mapping quality below INT [0]\n"
		"      --as-stored         reads: print SEQ as stored (reference strand) instead of\n"
		"                          reverse-complementing reverse-strand reads as samtools fasta does\n"
		"  -w, --width INT         FASTA line width, 0 for one line per record [60]\n"
		"      --fastq             print FASTQ (every record must have qualities)\n"
		"      --name-only         header lines without the description (as samtools faidx)\n"
		"      --stats             print a summary table instead of the sequences\n"
		"  -o, --output FILE       write to FILE, replaced only on success [stdout]\n"
		CLI_COMMON_HELP);
}

enum { OPT_BED = CLI_OPT_CMD, OPT_AS_STORED, OPT_FASTQ, OPT_STATS, OPT_NAME_ONLY };

static const struct option long_opts[] = {
	{"region", required_argument, NULL, 'r'},
	{"bed", required_argument, NULL, OPT_BED},
	{"reference", required_argument, NULL, 'T'},
	{"threads", required_argument, NULL, '@'},
	{"require-flags", required_argument, NULL, 'f'},
	{"excl-flags", required_argument, NULL, 'F'},
	{"min-MQ", required_argument, NULL, 'q'},
	{"as-stored", no_argument, NULL, OPT_AS_STORED},
	{"width", required_argument, NULL, 'w'},
	{"fastq", no_argument, NULL, OPT_FASTQ},
	{"stats", no_argument, NULL, OPT_STATS},
	{"name-only", no_argument, NULL, OPT_NAME_ONLY},
	{"output", required_argument, NULL, 'o'},
	CLI_COMMON_LONGOPTS,
	{NULL, 0, NULL, 0}
};

/* Print one chunk of FASTA, continuing the line layout across chunks. */
static void put_header(FILE *fp, int mark, const sio_rec_t *rec, const view_fmt_t *f)
{
	if (f->name_only || !*rec->desc) fprintf(fp, "%c%s\n", mark, rec->name);
	else fprintf(fp, "%c%s %s\n", mark, rec->name, rec->desc);
}

static void put_fasta(FILE *fp, const sio_rec_t *rec, const view_fmt_t *f, char *text, int64_t *col)
{
	int64_t i = 0, width = f->width;
	if (rec->is_first) put_header(fp, '>', rec, f);
	sio_decode(rec->seq, rec->n, text);
	if (width <= 0) {
		fwrite(text, 1, rec->n, fp);
	} else {
		while (i < rec->n) {
			int64_t k = width - *col < rec->n - i ? width - *col : rec->n - i;
			fwrite(text + i, 1, k, fp);
			i += k;
			*col += k;
			if (*col == width) {
				fputc('\n', fp);
				*col = 0;
			}
		}
	}
	if (rec->is_last) {
		if (width <= 0 || *col > 0) fputc('\n', fp);
		*col = 0;
	}
}

static int put_fastq(FILE *fp, const sio_rec_t *rec, const view_fmt_t *f, char *text, const char *path)
{
	if (rec->qual == NULL) {
		view_error("%s: record '%s' has no base qualities: cannot print FASTQ", path, rec->name);
		return TS_EDATA;
	}
	sio_decode(rec->seq, rec->n, text);
	put_header(fp, '@', rec, f);
	fwrite(text, 1, rec->n, fp);
	fputs("\n+\n", fp);
	fwrite(rec->qual, 1, rec->n, fp);
	fputc('\n', fp);
	return 0;
}

static int add_stats(view_stats_t *st, const sio_rec_t *rec)
{
	int64_t i;
	for (i = 0; i < rec->n; i++) {
		st->nt[SIO_NT16(rec->seq[i])]++;
		st->soft += (rec->seq[i] & SIO_SOFTMASK) != 0;
	}
	if (!rec->is_last) return 0;
	st->records++;
	st->bases += rec->len;
	if (st->records == 1 || rec->len < st->min_len) st->min_len = rec->len;
	if (rec->len > st->max_len) st->max_len = rec->len;
	if (st->n_lens == st->m_lens) {
		size_t m = st->m_lens ? 2 * st->m_lens : 1024;
		int64_t *l = realloc(st->lens, m * sizeof *l);
		if (l == NULL) return TS_ENOMEM;
		st->lens = l;
		st->m_lens = m;
	}
	st->lens[st->n_lens++] = rec->len;
	return 0;
}

static int cmp_desc(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return x < y ? 1 : x > y ? -1 : 0;
}

static void put_stats(FILE *fp, const char *path, const char *kind, view_stats_t *st)
{
	int64_t acgt = st->nt[1] + st->nt[2] + st->nt[4] + st->nt[8], n50 = 0, sum = 0;
	size_t i;
	qsort(st->lens, st->n_lens, sizeof *st->lens, cmp_desc);
	for (i = 0; i < st->n_lens; i++)
		if ((sum += st->lens[i]) * 2 >= st->bases) {
			n50 = st->lens[i];
			break;
		}
	fprintf(fp, "file\t%s\nformat\t%s\nrecords\t%lld\nbases\t%lld\n", path, kind, (long long)st->records, (long long)st->bases);
	fprintf(fp, "min_length\t%lld\nmax_length\t%lld\nN50\t%lld\n", (long long)st->min_len, (long long)st->max_len, (long long)n50);
	fprintf(fp, "A\t%lld\nC\t%lld\nG\t%lld\nT\t%lld\nN\t%lld\nother_IUPAC\t%lld\n", (long long)st->nt[1], (long long)st->nt[2],
		(long long)st->nt[4], (long long)st->nt[8], (long long)st->nt[15], (long long)(st->bases - acgt - st->nt[15]));
	fprintf(fp, "soft_masked\t%lld\nGC_percent\t%.2f\n", (long long)st->soft,
		acgt ? 100.0 * (st->nt[2] + st->nt[4]) / acgt : 0.0);
}

static int view_one(FILE *fp, const char *path, const sio_opts_t *o, const view_fmt_t *f)
{
	sio_reader_t *r;
	sio_rec_t rec;
	char err[TS_ERRLEN], *text = NULL;
	int64_t col = 0, text_cap = 0;
	view_stats_t st;
	int s, reported = 0;  /* errors not from the reader are logged where they happen */
	memset(&st, 0, sizeof st);
	if ((s = sio_open(&r, path, o, err)) < 0) {
		view_error("%s", err);
		return s;
	}
	while ((s = sio_read(r, &rec)) == TS_OK) {
		if (f->stats) {
			if ((s = add_stats(&st, &rec)) < 0) {
				view_error("out of memory");
				reported = 1;
				break;
			}
			continue;
		}
		if (rec.n + 1 > text_cap) {
			text_cap = rec.n + 1;
			char *t = realloc(text, text_cap);
			if (t == NULL) {
				s = TS_ENOMEM;
				view_error("out of memory");
				reported = 1;
				break;
			}
			text = t;
		}
		if (f->fastq) {
			if ((s = put_fastq(fp, &rec, f, text, path)) < 0) {
				reported = 1;
				break;
			}
		} else {
			put_fasta(fp, &rec, f, text, &col);
		}
	}
	if (s < TS_EOF && !reported) view_error("%s", sio_error(r));
	if (s == TS_EOF && f->stats) put_stats(fp, path, sio_kind_name(sio_kind(r)), &st);
	free(st.lens);
	free(text);
	sio_close(r);
	return s == TS_EOF ? TS_OK : s;
}

int cmd_view(int argc, char **argv)
{
	sio_opts_t o;
	view_fmt_t f = {60, 0, 0, 0};
	ts_outfile_t out;
	const char *out_path = "-";
	char err[TS_ERRLEN];
	int c, i, k, s = TS_OK;
	sio_opts_init(&o);
	o.original_strand = 1;
	while ((c = getopt_long(argc, argv, "r:T:@:f:F:q:w:o:h", long_opts, NULL)) >= 0) {
		switch (c) {
		case OPT_BED: o.bed = optarg; break;
		case '@':
			if (ts_parse_int(optarg, 0, 256, &o.threads) < 0) return cli_usage_error("view", "--threads: '%s' is not an integer in 0..256", optarg);
			break;
		case OPT_AS_STORED: o.original_strand = 0; break;
		case 'w':
			if (ts_parse_int(optarg, 0, 1 << 30, &f.width) < 0) return cli_usage_error("view", "--width: '%s' is not a non-negative integer", optarg);
			break;
		case OPT_FASTQ: f.fastq = 1; break;
		case OPT_STATS: f.stats = 1; break;
		case OPT_NAME_ONLY: f.name_only = 1; break;
		case 'o': out_path = optarg; break;
		case 'h': usage(stdout); free(o.regions); return 0;
		default:
			if ((k = cli_input_opt("view", c, optarg, &o)) != 0 || cli_common_opt(c)) {
				if (k < 0) {
					free(o.regions);
					return k == CLI_NOMEM ? 3 : 1;
				}
				break;
			}
			usage(stderr);
			free(o.regions);
			return 1;
		}
	}
	if (optind >= argc) {
		free(o.regions);
		return cli_usage_error("view", "no input file given");
	}
	o.chunk = f.fastq ? 0 : VIEW_CHUNK;
	if ((s = ts_outfile_open(&out, out_path, err)) < 0) {
		view_error("%s", err);
		free(o.regions);
		return ts_exit_code(s);
	}
	for (i = optind; i < argc && s == TS_OK; i++) s = view_one(out.fp, argv[i], &o, &f);
	if (s == TS_OK) {
		if ((s = ts_outfile_commit(&out, err)) < 0) view_error("%s", err);
	} else {
		ts_outfile_abort(&out);
	}
	free(o.regions);
	return ts_exit_code(s);
}
