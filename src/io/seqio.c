/* seqio: streaming reader for FASTA/FASTQ, SAM/BAM/CRAM and reference windows.
 *
 * Contents: 1. base codes  2. chunking (shared by every source)
 *           3. FASTA/FASTQ text over BGZF  4. SAM/BAM/CRAM  5. faidx windows
 *           6. open/read/close
 *
 * Chunking.  A record is a stream of bases appended to `buf`, where buf[0] is
 * record position `buf_beg`.  A chunk of `chunk` bases is handed out only once
 * chunk+1 bases are buffered (or the record has ended), so we always know
 * whether it is the last one; the next call drops chunk-overlap bases.  Hence
 * chunk k covers [k(C-O), k(C-O)+C) and every window of width <= O+1 lies in
 * exactly one chunk, while no chunk consists of overlap alone. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/bgzf.h>
#include <htslib/faidx.h>
#include <htslib/hfile.h>
#include <htslib/hts.h>
#include <htslib/kstring.h>
#include <htslib/sam.h>
#include "io/seqio.h"
#include "util/log.h"
#include "util/parse.h"

/* ---------------------------------------------------------------- 1. codes */

const uint8_t sio_nt16_to_nt4[16] = {4, 0, 1, 4, 2, 4, 4, 4, 3, 4, 4, 4, 4, 4, 4, 4};

enum { CODE_INVALID = 0xff, CODE_SPACE = 0xfe };

/* ASCII → nt16 (| SIO_SOFTMASK for lowercase), CODE_SPACE, or CODE_INVALID. */
static uint8_t ascii_code[256];

static inline int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

static void init_ascii_code(void)
{
	static const char letters[] = "ACMGRSVTWYHKDBN";  /* nt16 codes 1..15 */
	int i;
	if (ascii_code['A'] == 1) return;
	memset(ascii_code, CODE_INVALID, sizeof ascii_code);
	for (i = 0; letters[i]; i++) {
		ascii_code[(unsigned char)letters[i]] = (uint8_t)(i + 1);
		ascii_code[(unsigned char)letters[i] + 32] = (uint8_t)((i + 1) | SIO_SOFTMASK);
	}
	ascii_code['U'] = 8;
	ascii_code['u'] = 8 | SIO_SOFTMASK;
	ascii_code[' '] = ascii_code['\t'] = ascii_code['\r'] = ascii_code['\v'] = ascii_code['\f'] = CODE_SPACE;
}

int64_t sio_encode(const char *text, int64_t n, uint8_t *out)
{
	int64_t i;
	init_ascii_code();
	for (i = 0; i < n; i++) {
		uint8_t c = ascii_code[(unsigned char)text[i]];
		if (c >= CODE_SPACE) return -1 - i;
		out[i] = c;
	}
	return 0;
}

void sio_decode(const uint8_t *seq, int64_t n, char *out)
{
	static const char upper[] = "=ACMGRSVTWYHKDBN", lower[] = "=acmgrsvtwyhkdbn";
	int64_t i;
	for (i = 0; i < n; i++)
		out[i] = (seq[i] & SIO_SOFTMASK ? lower : upper)[SIO_NT16(seq[i])];
}

/* Complement of an nt16 code is its 4 bits reversed (A<->T, C<->G). */
static const uint8_t nt16_comp[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};

/* ------------------------------------------------------------- reader state */

typedef struct {
	char *chrom;          /* reference sequence name */
	int64_t beg, end;     /* 0-based half-open */
	char *name;           /* record name: "chr" or "chr:beg-end" */
} sio_region_t;

struct sio_reader {
	sio_kind_t kind;
	sio_opts_t opt;
	char *path;
	char err[TS_ERRLEN];
	int status;           /* sticky error */

	/* current record */
	kstring_t name, desc, line_buf;
	int64_t rec_index, offset, len;
	int flag, mapq;
	const char *chrom;
	int64_t aln_end;
	const uint32_t *cigar;
	int n_cigar;

	/* chunk buffer */
	uint8_t *buf;
	char *qbuf;
	int64_t buf_len, buf_cap, buf_beg;
	int has_qual, rec_done, in_record, emitted, last_was_final;

	/* text source */
	BGZF *bgzf;
	unsigned char *ibuf;
	int ipos, ilen, ieof;
	int64_t line;         /* 1-based line of the next unread byte */
	int text_fastq;       /* 0 unknown, 1 FASTA, 2 FASTQ */
	int at_bol;           /* next byte starts a line */

	/* alignment source */
	htsFile *hts;
	sam_hdr_t *hdr;
	hts_idx_t *idx;
	hts_itr_t *itr;
	bam1_t *b;
	int64_t n_aln_read;
	int aln_empty;        /* regions given, but all empty */

	/* faidx source */
	faidx_t *fai;
	sio_region_t *regs;
	int n_regs, cur_reg;
	int64_t fetch_pos;    /* next reference position to fetch */
};

static int reader_fail(sio_reader_t *r, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int reader_fail(sio_reader_t *r, int status, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->err, sizeof r->err, fmt, ap);
	va_end(ap);
	return r->status = status;
}

/* ------------------------------------------------------------- 2. chunking */

static int buf_reserve(sio_reader_t *r, int64_t extra)
{
	int64_t need = r->buf_len + extra;
	if (need <= r->buf_cap) return 0;
	int64_t cap = r->buf_cap ? r->buf_cap : 4096;
	while (cap < need) cap += cap >> 1;
	uint8_t *b = realloc(r->buf, cap);
	if (!b) return reader_fail(r, TS_ENOMEM, "out of memory buffering record '%s'", r->name.s);
	r->buf = b;
	char *q = realloc(r->qbuf, cap);
	if (!q) return reader_fail(r, TS_ENOMEM, "out of memory buffering record '%s'", r->name.s);
	r->qbuf = q;
	r->buf_cap = cap;
	return 0;
}

/* Drop the first k buffered bases (they were delivered and are not overlap). */
static void buf_shift(sio_reader_t *r, int64_t k)
{
	memmove(r->buf, r->buf + k, r->buf_len - k);
	if (r->has_qual) memmove(r->qbuf, r->qbuf + k, r->buf_len - k);
	r->buf_len -= k;
	r->buf_beg += k;
}

/* Bases wanted in the buffer before a chunk can be handed out. */
static int64_t fill_target(const sio_reader_t *r)
{
	return r->opt.chunk > 0 ? r->opt.chunk + 1 : INT64_MAX;
}

static void begin_record(sio_reader_t *r)
{
	r->buf_len = r->buf_beg = 0;
	r->has_qual = r->rec_done = r->emitted = 0;
	r->in_record = 1;
	r->len = -1;
	r->offset = 0;
	r->flag = -1;
	r->mapq = 0;
	r->chrom = NULL;
	r->aln_end = 0;
	r->cigar = NULL;
	r->n_cigar = 0;
	r->desc.l = 0;
	if (r->desc.s) r->desc.s[0] = '\0';
}

/* --------------------------------------------------- 3. FASTA/FASTQ (text) */

#define IBUF_SIZE 65536

/* Make at least one unread byte available; 0 ok, -1 at EOF, < -1 error. */
static int text_refill(sio_reader_t *r)
{
	ssize_t n;
	if (r->ipos < r->ilen) return 0;
	if (r->ieof) return -1;
	n = bgzf_read(r->bgzf, r->ibuf, IBUF_SIZE);
	if (n < 0)
		return reader_fail(r, TS_EDATA, "%s: read failed near line %lld: truncated or corrupt %s data",
				   r->path, (long long)r->line, r->bgzf->is_compressed ? "compressed" : "input");
	r->ipos = 0;
	r->ilen = (int)n;
	if (n == 0) {
		r->ieof = 1;
		return -1;
	}
	return 0;
}

static inline int text_peek(sio_reader_t *r)
{
	int s;
	if (r->ipos < r->ilen) return r->ibuf[r->ipos];
	s = text_refill(r);
	return s < 0 ? s : r->ibuf[r->ipos];
}

/* Read the rest of the current line into s (without '\n' or a final '\r').
 * 0 ok, -1 if EOF came before any byte, < -1 error. */
static int text_getline(sio_reader_t *r, kstring_t *s)
{
	int s0 = 0, got = 0;
	s->l = 0;
	for (;;) {
		if ((s0 = text_refill(r)) < -1) return s0;
		if (s0 == -1) break;
		unsigned char *p = r->ibuf + r->ipos, *nl = memchr(p, '\n', r->ilen - r->ipos);
		int k = nl ? (int)(nl - p) : r->ilen - r->ipos;
		if (kputsn((char *)p, k, s) < 0) return reader_fail(r, TS_ENOMEM, "out of memory");
		got = 1;
		r->ipos += k;
		if (nl) {
			r->ipos++;
			break;
		}
	}
	if (!got) return -1;
	r->line++;
	if (s->l && s->s[s->l - 1] == '\r') s->s[--s->l] = '\0';
	if (!s->s && kputs("", s) < 0) return reader_fail(r, TS_ENOMEM, "out of memory");
	return 0;
}

/* Parse a '>' or '@' header line into name and description. */
static int text_header(sio_reader_t *r)
{
	kstring_t *line = &r->line_buf;
	int64_t hline = r->line;
	size_t i, j;
	int s = text_getline(r, line);
	if (s < -1) return s;
	for (i = 1; i < line->l && !is_space(line->s[i]); i++) {}
	if (i == 1)
		return reader_fail(r, TS_EDATA, "%s:%lld: record header has no sequence name", r->path, (long long)hline);
	r->name.l = 0;
	if (kputsn(line->s + 1, i - 1, &r->name) < 0) return reader_fail(r, TS_ENOMEM, "out of memory");
	for (j = i; j < line->l && is_space(line->s[j]); j++) {}
	if (kputsn(line->s + j, line->l - j, &r->desc) < 0) return reader_fail(r, TS_ENOMEM, "out of memory");
	return 0;
}

static int text_bad_char(sio_reader_t *r, unsigned char c)
{
	if (c >= 33 && c < 127)
		return reader_fail(r, TS_EDATA, "%s:%lld: invalid character '%c' in sequence '%s' (not an IUPAC nucleotide code)",
				   r->path, (long long)r->line, c, r->name.s);
	return reader_fail(r, TS_EDATA, "%s:%lld: invalid byte 0x%02x in sequence '%s' (not an IUPAC nucleotide code)",
			   r->path, (long long)r->line, c, r->name.s);
}

/* Append sequence bases until `target` are buffered or the sequence part
 * ends: for FASTA at a line starting with '>' or EOF, for FASTQ at a line
 * starting with '+'.  Sets rec_done for FASTA when the record is over. */
static int text_fill_bases(sio_reader_t *r, int64_t target, int stop_char)
{
	while (r->buf_len < target) {
		int c = text_peek(r);
		if (c < -1) return c;
		if (c == -1 || (r->at_bol && c == stop_char)) {
			if (stop_char == '>') r->rec_done = 1;
			return c == -1 && stop_char == '+' ? -1 : 0;
		}
		unsigned char *p = r->ibuf + r->ipos, *e = r->ibuf + r->ilen;
		int64_t room = target - r->buf_len;
		if (room > e - p) room = e - p;
		if (buf_reserve(r, room) < 0) return r->status;
		uint8_t *out = r->buf + r->buf_len, *out_end = out + room;
		while (p < e && out < out_end) {
			uint8_t code = ascii_code[*p];
			if (code < CODE_SPACE) {
				*out++ = code;
				r->at_bol = 0;
			} else if (*p == '\n') {
				r->line++;
				r->at_bol = 1;
				if (p + 1 < e && p[1] == stop_char) {
					p++;
					break;
				}
			} else if (code == CODE_SPACE) {
				r->at_bol = 0;
			} else {
				r->ipos = (int)(p - r->ibuf);
				return text_bad_char(r, *p);
			}
			p++;
		}
		r->ipos = (int)(p - r->ibuf);
		r->buf_len = out - r->buf;
	}
	return 0;
}

/* FASTQ: after the header, sequence lines, a '+' line, then exactly as many
 * quality characters as bases (quality lines may start with '@' or '+', so
 * only the count tells where they end). */
static int fastq_read_rest(sio_reader_t *r)
{
	int64_t i = 0, n;
	int c, s = text_fill_bases(r, INT64_MAX, '+');
	if (s == -1)
		return reader_fail(r, TS_EDATA, "%s:%lld: FASTQ record '%s' is truncated: no '+' line",
				   r->path, (long long)r->line, r->name.s);
	if (s < 0) return s;
	if ((s = text_getline(r, &r->line_buf)) < -1) return s;
	n = r->buf_len;
	while (i < n) {
		if ((c = text_peek(r)) < -1) return c;
		if (c == -1)
			return reader_fail(r, TS_EDATA, "%s:%lld: FASTQ record '%s' is truncated: %lld quality values for %lld bases",
					   r->path, (long long)r->line, r->name.s, (long long)i, (long long)n);
		r->ipos++;
		if (c == '\n') r->line++;
		else if (c == '\r') continue;
		else if (c < 33 || c > 126)
			return reader_fail(r, TS_EDATA, "%s:%lld: invalid quality character 0x%02x in FASTQ record '%s'",
					   r->path, (long long)r->line, c, r->name.s);
		else r->qbuf[i++] = (char)c;
	}
	/* the quality line must end here */
	while ((c = text_peek(r)) == '\r') r->ipos++;
	if (c < -1) return c;
	if (c == '\n') {
		r->ipos++;
		r->line++;
	} else if (c != -1) {
		return reader_fail(r, TS_EDATA, "%s:%lld: FASTQ record '%s' has more quality values than its %lld bases",
				   r->path, (long long)r->line, r->name.s, (long long)n);
	}
	r->at_bol = 1;
	r->has_qual = r->rec_done = 1;
	return 0;
}

/* Start the next FASTA/FASTQ record: skip blank lines, read the header. */
static int text_begin(sio_reader_t *r)
{
	int c, is_fastq;
	for (;;) {
		if ((c = text_peek(r)) < -1) return c;
		if (c == -1) return TS_EOF;
		if (c == '\n') {
			r->ipos++;
			r->line++;
		} else if (c == '\r' || c == ' ' || c == '\t') {
			r->ipos++;
		} else {
			break;
		}
	}
	if (c != '>' && c != '@')
		return reader_fail(r, TS_EDATA, "%s:%lld: expected '>' (FASTA) or '@' (FASTQ) at the start of a record, found '%c'",
				   r->path, (long long)r->line, c >= 33 && c < 127 ? c : '?');
	is_fastq = c == '@' ? 2 : 1;
	if (r->text_fastq && r->text_fastq != is_fastq)
		return reader_fail(r, TS_EDATA, "%s:%lld: %s record in a %s file",
				   r->path, (long long)r->line, is_fastq == 2 ? "FASTQ" : "FASTA", is_fastq == 2 ? "FASTA" : "FASTQ");
	r->text_fastq = is_fastq;
	r->kind = is_fastq == 2 ? SIO_FASTQ : SIO_FASTA;
	if ((c = text_header(r)) < 0) return c;
	r->at_bol = 1;
	return is_fastq == 2 ? fastq_read_rest(r) : 0;
}

/* ------------------------------------------------------ 4. SAM/BAM/CRAM */

/* Whether the BGZF stream under an end of file met an error (a threaded
 * reader may report one as a plain end). */
static int aln_stream_failed(const sio_reader_t *r)
{
	return r->hts->is_bgzf && r->hts->fp.bgzf->errcode != 0;
}

static int aln_begin(sio_reader_t *r)
{
	const bam1_core_t *c = &r->b->core;
	int ret;
	int64_t i, n;
	if (r->aln_empty) return TS_EOF;  /* the regions select nothing */
	for (;;) {
		ret = r->itr ? sam_itr_next(r->hts, r->itr, r->b) : sam_read1(r->hts, r->hdr, r->b);
		if (ret == -1 && !aln_stream_failed(r)) return TS_EOF;
		if (ret < 0)
			return reader_fail(r, TS_EDATA, "%s: truncated or corrupt %s data after %lld records%s",
					   r->path, sio_kind_name(r->kind), (long long)r->n_aln_read,
					   r->kind == SIO_CRAM ? " (is the reference available? see --reference)" : "");
		r->n_aln_read++;
		if ((c->flag & r->opt.flag_require) != r->opt.flag_require) continue;
		if (c->flag & r->opt.flag_exclude) continue;
		if (c->qual < r->opt.min_mapq) continue;
		break;
	}
	r->name.l = 0;
	if (kputs(bam_get_qname(r->b), &r->name) < 0) return reader_fail(r, TS_ENOMEM, "out of memory");
	if (kputs("", &r->desc) < 0) return reader_fail(r, TS_ENOMEM, "out of memory");
	n = c->l_qseq;
	if (buf_reserve(r, n) < 0) return r->status;
	const uint8_t *s = bam_get_seq(r->b), *q = bam_get_qual(r->b);
	for (i = 0; i < n; i++) r->buf[i] = bam_seqi(s, i);
	r->has_qual = n > 0 && q[0] != 0xff;
	if (r->has_qual)
		for (i = 0; i < n; i++) r->qbuf[i] = (char)(q[i] > 93 ? 126 : q[i] + 33);
	if (r->opt.original_strand && (c->flag & BAM_FREVERSE)) {
		for (i = 0; i < n / 2; i++) {
			uint8_t t = r->buf[i];
			r->buf[i] = nt16_comp[r->buf[n - 1 - i]];
			r->buf[n - 1 - i] = nt16_comp[t];
			if (r->has_qual) {
				char u = r->qbuf[i];
				r->qbuf[i] = r->qbuf[n - 1 - i];
				r->qbuf[n - 1 - i] = u;
			}
		}
		if (n & 1) r->buf[n / 2] = nt16_comp[r->buf[n / 2]];
	}
	r->buf_len = r->len = n;
	r->flag = c->flag;
	r->mapq = c->qual;
	r->chrom = c->tid >= 0 ? sam_hdr_tid2name(r->hdr, c->tid) : NULL;
	r->offset = c->tid >= 0 && c->pos >= 0 ? c->pos : 0;
	r->aln_end = c->tid >= 0 && !(c->flag & BAM_FUNMAP) ? bam_endpos(r->b) : r->offset;
	r->cigar = bam_get_cigar(r->b);
	r->n_cigar = c->n_cigar;
	r->rec_done = 1;
	return 0;
}

/* ------------------------------------------------- 5. reference windows */

static int faidx_begin(sio_reader_t *r)
{
	const sio_region_t *g;
	if (r->cur_reg >= r->n_regs) return TS_EOF;
	g = &r->regs[r->cur_reg++];
	r->name.l = 0;
	if (kputs(g->name, &r->name) < 0 || kputs("", &r->desc) < 0) return reader_fail(r, TS_ENOMEM, "out of memory");
	r->offset = g->beg;
	r->len = g->end - g->beg;
	r->chrom = g->chrom;
	r->fetch_pos = g->beg;
	return 0;
}

#define FAIDX_MIN_FETCH 65536  /* amortise the per-fetch cost on small chunks */

static int faidx_fill(sio_reader_t *r, int64_t target)
{
	const sio_region_t *g = &r->regs[r->cur_reg - 1];
	while (r->buf_len < target && r->fetch_pos < g->end) {
		int64_t want = target == INT64_MAX ? g->end - r->fetch_pos : target - r->buf_len, i;
		hts_pos_t got = 0;
		char *s;
		if (want < FAIDX_MIN_FETCH) want = FAIDX_MIN_FETCH;
		if (want > g->end - r->fetch_pos) want = g->end - r->fetch_pos;
		s = faidx_fetch_seq64(r->fai, g->chrom, r->fetch_pos, r->fetch_pos + want - 1, &got);
		if (s == NULL || got != want) {
			free(s);
			return reader_fail(r, TS_EDATA, "%s: cannot read %s:%lld-%lld: file truncated or index (.fai/.gzi) out of date",
					   r->path, g->chrom, (long long)r->fetch_pos + 1, (long long)(r->fetch_pos + want));
		}
		if (buf_reserve(r, want) < 0) {
			free(s);
			return r->status;
		}
		for (i = 0; i < want; i++) {
			uint8_t code = ascii_code[(unsigned char)s[i]];
			if (code >= CODE_SPACE) {
				reader_fail(r, TS_EDATA, "%s: invalid character 0x%02x in sequence '%s' at position %lld (not an IUPAC nucleotide code)",
					    r->path, (unsigned char)s[i], g->chrom, (long long)(r->fetch_pos + i + 1));
				free(s);
				return r->status;
			}
			r->buf[r->buf_len + i] = code;
		}
		free(s);
		r->buf_len += want;
		r->fetch_pos += want;
	}
	if (r->fetch_pos >= g->end) r->rec_done = 1;
	return 0;
}

/* --------------------------------------------------------- region lists */

/* Length of a reference sequence from the .fai or the SAM header; -1 if absent. */
static int64_t ref_len(sio_reader_t *r, const char *chrom)
{
	if (r->fai) return faidx_has_seq(r->fai, chrom) ? faidx_seq_len(r->fai, chrom) : -1;
	int tid = sam_hdr_name2tid(r->hdr, chrom);
	return tid >= 0 ? (int64_t)sam_hdr_tid2len(r->hdr, tid) : -1;
}

static int add_region(sio_reader_t *r, const char *chrom, int64_t beg, int64_t end, int whole)
{
	sio_region_t *g;
	kstring_t name = {0, 0, NULL};
	if (r->n_regs % 64 == 0) {
		g = realloc(r->regs, (r->n_regs + 64) * sizeof *g);
		if (!g) return reader_fail(r, TS_ENOMEM, "out of memory");
		r->regs = g;
	}
	if (whole) kputs(chrom, &name);
	else ksprintf(&name, "%s:%lld-%lld", chrom, (long long)beg + 1, (long long)end);
	g = &r->regs[r->n_regs];
	g->chrom = strdup(chrom);
	g->name = ks_release(&name);
	g->beg = beg;
	g->end = end;
	if (!g->chrom || !g->name) {
		free(g->chrom);
		free(g->name);
		return reader_fail(r, TS_ENOMEM, "out of memory");
	}
	r->n_regs++;
	return 0;
}

/* Whether the positions in region s ("chr:beg", "chr:beg-end", "chr:beg-",
 * "chr:-end", "{name}:..."), read as htslib reads them (commas, k/M/G,
 * exponents), are all ≥ 1: htslib reads an end of 0 as "to the end" and a
 * start of 0 as before the start, so "chr:5-0" would silently mean 5 to the
 * end.  is_name: whether s as a whole is a sequence name (then it has no
 * positions, whatever ':' it holds). */
static int region_positions_ok(const char *s, int is_name)
{
	const char *c = s[0] == '{' ? strchr(s, '}') : strrchr(s, ':');
	if (is_name || c == NULL) return 1;
	if (*c == '}' && *++c != ':') return 1;  /* "{name}" alone */
	for (c++; *c; ) {
		char *end;
		if (*c == '-') {  /* an open start */
			c++;
			continue;
		}
		if (hts_parse_decimal(c, &end, HTS_PARSE_THOUSANDS_SEP) < 1 || end == c) return 0;
		c = end;
	}
	return 1;
}

/* -r strings: "chr", "chr:beg", "chr:beg-end", 1-based inclusive, as samtools. */
static int parse_region_arg(sio_reader_t *r, const char *s)
{
	int tid = -1;
	hts_pos_t beg = 0, end = 0;
	const char *e = r->fai ? fai_parse_region(r->fai, s, &tid, &beg, &end, HTS_PARSE_THOUSANDS_SEP)
			       : sam_parse_region(r->hdr, s, &tid, &beg, &end, HTS_PARSE_THOUSANDS_SEP);
	if (e == NULL || *e != '\0' || tid < 0)
		return reader_fail(r, TS_EUSAGE, "%s: invalid region '%s': unknown sequence name or bad coordinates", r->path, s);
	const char *chrom = r->fai ? faidx_iseq(r->fai, tid) : sam_hdr_tid2name(r->hdr, tid);
	int64_t len = ref_len(r, chrom);
	if (!region_positions_ok(s, r->fai ? faidx_has_seq(r->fai, s) : sam_hdr_name2tid(r->hdr, s) >= 0))
		return reader_fail(r, TS_EUSAGE, "%s: invalid region '%s': positions are 1-based, from 1", r->path, s);
	int whole = beg == 0 && end == HTS_POS_MAX;  /* "chr" alone names the record "chr" */
	if (end > len) end = len;
	if (beg >= end && !(beg == 0 && len == 0))
		return reader_fail(r, TS_EUSAGE, "%s: region '%s' is empty or starts beyond the end of '%s' (%lld bp)",
				   r->path, s, chrom, (long long)len);
	return add_region(r, chrom, beg, end, whole);
}

static int parse_bed(sio_reader_t *r, const char *bed)
{
	kstring_t line = {0, 0, NULL};
	BGZF *fp = strcmp(bed, "-") == 0 ? bgzf_dopen(0, "r") : bgzf_open(bed, "r");
	int64_t lineno = 0, start, end, len;
	int ret, status = 0;
	if (fp == NULL) return reader_fail(r, TS_EIO, "%s: %s", bed, strerror(errno));
	while ((ret = bgzf_getline(fp, '\n', &line)) >= 0) {
		char *f[3], *save = NULL;
		int nf;
		lineno++;
		if (line.l && line.s[line.l - 1] == '\r') line.s[--line.l] = '\0';
		if (line.l == 0 || line.s[0] == '#' || strncmp(line.s, "track", 5) == 0 || strncmp(line.s, "browser", 7) == 0)
			continue;
		for (nf = 0; nf < 3 && (f[nf] = strtok_r(nf ? NULL : line.s, "\t ", &save)) != NULL; nf++) {}
		if (nf < 3) {
			status = reader_fail(r, TS_EDATA, "%s:%lld: expected at least 3 columns (chrom, start, end)", bed, (long long)lineno);
			break;
		}
		if (ts_parse_int64(f[1], 0, INT64_MAX, &start) < 0 || ts_parse_int64(f[2], 0, INT64_MAX, &end) < 0) {
			status = reader_fail(r, TS_EDATA, "%s:%lld: start '%s' and end '%s' must be non-negative integers",
					     bed, (long long)lineno, f[1], f[2]);
			break;
		}
		if (end < start) {
			status = reader_fail(r, TS_EDATA, "%s:%lld: end %lld is before start %lld", bed, (long long)lineno,
					     (long long)end, (long long)start);
			break;
		}
		if ((len = ref_len(r, f[0])) < 0) {
			status = reader_fail(r, TS_EDATA, "%s:%lld: sequence '%s' is not in %s", bed, (long long)lineno, f[0], r->path);
			break;
		}
		if (end > len) {
			status = reader_fail(r, TS_EDATA, "%s:%lld: end %lld is beyond the end of '%s' (%lld bp)", bed,
					     (long long)lineno, (long long)end, f[0], (long long)len);
			break;
		}
		if ((status = add_region(r, f[0], start, end, 0)) < 0) break;
	}
	if (status == 0 && ret < -1) status = reader_fail(r, TS_EDATA, "%s: read failed after line %lld (truncated or corrupt)", bed, (long long)lineno);
	free(line.s);
	bgzf_close(fp);
	return status;
}

static int load_regions(sio_reader_t *r)
{
	int i, s;
	for (i = 0; i < r->opt.n_regions; i++)
		if ((s = parse_region_arg(r, r->opt.regions[i])) < 0) return s;
	if (r->opt.bed && (s = parse_bed(r, r->opt.bed)) < 0) return s;
	return 0;
}

/* BAM/CRAM: turn the regions into one multi-region iterator, which returns
 * each read once even when it overlaps several regions. */
static int aln_set_iterator(sio_reader_t *r)
{
	char **arr;
	int i, k = 0;
	if (!(r->idx = sam_index_load(r->hts, r->path)))
		return reader_fail(r, TS_EIO, "%s: region queries need an index (.bai, .csi or .crai): run 'samtools index %s'", r->path, r->path);
	if ((arr = calloc(r->n_regs + 1, sizeof *arr)) == NULL) return reader_fail(r, TS_ENOMEM, "out of memory");
	for (i = 0; i < r->n_regs; i++) {
		kstring_t s = {0, 0, NULL};
		if (r->regs[i].beg == r->regs[i].end) continue;  /* an empty interval overlaps no read */
		ksprintf(&s, "{%s}:%lld-%lld", r->regs[i].chrom, (long long)r->regs[i].beg + 1, (long long)r->regs[i].end);
		arr[k++] = s.s;
	}
	if (k > 0) r->itr = sam_itr_regarray(r->idx, r->hdr, arr, k);
	for (i = 0; i < k; i++) free(arr[i]);
	free(arr);
	if (k == 0) {
		r->aln_empty = 1;
		return 0;
	}
	return r->itr ? 0 : reader_fail(r, TS_EDATA, "%s: cannot build a region iterator from the index", r->path);
}

/* ---------------------------------------------------- 6. open/read/close */

void sio_opts_init(sio_opts_t *o)
{
	memset(o, 0, sizeof *o);
	o->flag_exclude = BAM_FSECONDARY | BAM_FSUPPLEMENTARY;
}

const char *sio_kind_name(sio_kind_t k)
{
	static const char *names[] = {"?", "FASTA", "FASTQ", "SAM", "BAM", "CRAM", "indexed FASTA"};
	return k >= SIO_FASTA && k <= SIO_FAIDX ? names[k] : names[0];
}

sio_kind_t sio_kind(const sio_reader_t *r) { return r->kind; }
const char *sio_error(const sio_reader_t *r) { return r->err; }
int64_t sio_records_read(const sio_reader_t *r) { return r->n_aln_read; }

int64_t sio_target_len(const sio_reader_t *r, const char *chrom)
{
	int tid = r->hdr ? sam_hdr_name2tid(r->hdr, chrom) : -1;
	return tid >= 0 ? (int64_t)sam_hdr_tid2len(r->hdr, tid) : -1;
}

static int open_faidx(sio_reader_t *r)
{
	int s;
	if (strcmp(r->path, "-") == 0)
		return reader_fail(r, TS_EUSAGE, "regions (-r, --bed) need an indexed FASTA file, not standard input");
	r->kind = SIO_FAIDX;
	r->fai = fai_load3(r->path, NULL, NULL, FAI_CREATE);
	if (r->fai == NULL)
		return reader_fail(r, TS_EIO, "%s: cannot load or build its index (.fai): regions need a plain or bgzip-compressed "
				   "FASTA in a writable directory or with an existing index (gzip cannot be indexed: recompress with bgzip)", r->path);
	if ((s = load_regions(r)) < 0) return s;
	return 0;
}

static int open_alignments(sio_reader_t *r, hFILE *h, const htsFormat *fmt)
{
	int s;
	r->kind = fmt->format == sam ? SIO_SAM : fmt->format == bam ? SIO_BAM : SIO_CRAM;
	if ((r->hts = hts_hopen(h, r->path, "r")) == NULL) {
		hclose_abruptly(h);
		return reader_fail(r, TS_EIO, "%s: cannot open as %s", r->path, sio_kind_name(r->kind));
	}
	if (r->opt.reference && hts_set_fai_filename(r->hts, r->opt.reference) < 0)
		return reader_fail(r, TS_EIO, "%s: cannot use reference %s", r->path, r->opt.reference);
	if ((r->hdr = sam_hdr_read(r->hts)) == NULL)
		return reader_fail(r, TS_EDATA, "%s: cannot read the %s header (truncated or corrupt file?)", r->path, sio_kind_name(r->kind));
	/* Decompression threads only once the header is read and the file is
	 * known to end in its EOF block: htslib 1.16's thread pool can hang on
	 * a truncated file, or report its truncation as a normal end.  Without
	 * the block (a truncated file, a pipe), reading stays single-threaded,
	 * where truncation is an error (aln_begin). */
	if (r->opt.threads > 0 && hts_check_EOF(r->hts) == 1 && hts_set_threads(r->hts, r->opt.threads) < 0)
		return reader_fail(r, TS_EIO, "%s: cannot start %d decompression threads", r->path, r->opt.threads);
	if ((r->b = bam_init1()) == NULL) return reader_fail(r, TS_ENOMEM, "out of memory");
	if (r->opt.n_regions > 0 || r->opt.bed) {
		if (strcmp(r->path, "-") == 0)
			return reader_fail(r, TS_EUSAGE, "regions (-r, --bed) need an indexed file, not standard input");
		if ((s = load_regions(r)) < 0) return s;
		return aln_set_iterator(r);
	}
	return 0;
}

int sio_open(sio_reader_t **out, const char *path, const sio_opts_t *o, char *err)
{
	sio_reader_t *r;
	hFILE *h;
	htsFormat fmt;
	int s = 0;
	*out = NULL;
	init_ascii_code();
	if (o->chunk < 0 || o->overlap < 0 || (o->chunk > 0 && o->overlap >= o->chunk))
		return ts_fail(err, TS_EUSAGE, "chunk overlap (%lld) must be smaller than the chunk size (%lld)",
			       (long long)o->overlap, (long long)o->chunk);
	if ((r = calloc(1, sizeof *r)) == NULL || (r->path = strdup(path)) == NULL) {
		free(r);
		return ts_fail(err, TS_ENOMEM, "out of memory");
	}
	r->opt = *o;
	r->line = 1;
	r->at_bol = 1;
	r->rec_index = -1;
	if ((h = hopen(path, "r")) == NULL) {
		s = reader_fail(r, TS_EIO, "%s: %s", path, strerror(errno));
		goto done;
	}
	if (hts_detect_format2(h, path, &fmt) < 0) {
		hclose_abruptly(h);
		s = reader_fail(r, TS_EIO, "%s: read failed: %s", path, strerror(errno));
		goto done;
	}
	switch (fmt.format) {
	case sam: case bam: case cram:
		s = open_alignments(r, h, &fmt);
		break;
	case fasta_format: case fastq_format: case empty_format: case text_format:
		if (r->opt.n_regions > 0 || r->opt.bed) {
			hclose_abruptly(h);
			s = open_faidx(r);
			break;
		}
		r->kind = fmt.format == fastq_format ? SIO_FASTQ : SIO_FASTA;
		if ((r->bgzf = bgzf_hopen(h, "r")) == NULL) {
			hclose_abruptly(h);
			s = reader_fail(r, TS_EIO, "%s: cannot open: %s", path, strerror(errno));
			break;
		}
		if (r->opt.threads > 0 && fmt.compression == bgzf) bgzf_mt(r->bgzf, r->opt.threads, 256);
		if ((r->ibuf = malloc(IBUF_SIZE)) == NULL) s = reader_fail(r, TS_ENOMEM, "out of memory");
		break;
	default: {
		char *d = hts_format_description(&fmt);
		hclose_abruptly(h);
		s = reader_fail(r, TS_EDATA, "%s: not a FASTA, FASTQ, SAM, BAM or CRAM file (looks like: %s)", path, d ? d : "unknown");
		free(d);
	}
	}
done:
	if (s < 0) {
		ts_fail(err, s, "%s", r->err);
		sio_close(r);
		return s;
	}
	*out = r;
	return TS_OK;
}

static int src_begin(sio_reader_t *r)
{
	if (r->bgzf) return text_begin(r);
	if (r->hts) return aln_begin(r);
	return faidx_begin(r);
}

static int src_fill(sio_reader_t *r, int64_t target)
{
	if (r->rec_done) return 0;
	if (r->bgzf) return text_fill_bases(r, target, '>');
	return faidx_fill(r, target);
}

int sio_read(sio_reader_t *r, sio_rec_t *rec)
{
	int s;
	int64_t n;
	if (r->status) return r->status;
	if (r->in_record && !r->last_was_final) {
		buf_shift(r, r->opt.chunk - r->opt.overlap);
	} else {
		begin_record(r);
		if ((s = src_begin(r)) < 0) {
			r->in_record = 0;
			return s == TS_EOF ? TS_EOF : r->status;
		}
		r->rec_index++;
	}
	if ((s = src_fill(r, fill_target(r))) < 0) return r->status;
	n = r->buf_len;
	r->last_was_final = r->rec_done;
	if (r->opt.chunk > 0 && n > r->opt.chunk) {
		n = r->opt.chunk;
		r->last_was_final = 0;
	}
	if (r->last_was_final) r->len = r->buf_beg + r->buf_len;
	memset(rec, 0, sizeof *rec);
	rec->name = r->name.s;
	rec->desc = r->desc.s ? r->desc.s : "";
	rec->len = r->len;
	rec->offset = r->offset;
	rec->beg = r->buf_beg;
	rec->n = n;
	rec->seq = r->buf;
	rec->qual = r->has_qual ? r->qbuf : NULL;
	rec->is_first = !r->emitted;
	rec->is_last = r->last_was_final;
	rec->rec_index = r->rec_index;
	rec->flag = r->flag;
	rec->mapq = r->mapq;
	rec->chrom = r->chrom;
	rec->end = r->aln_end;
	rec->cigar = r->cigar;
	rec->n_cigar = r->n_cigar;
	r->emitted = 1;
	return TS_OK;
}

void sio_close(sio_reader_t *r)
{
	int i;
	if (r == NULL) return;
	if (r->bgzf) bgzf_close(r->bgzf);
	if (r->itr) hts_itr_destroy(r->itr);
	if (r->idx) hts_idx_destroy(r->idx);
	if (r->hdr) sam_hdr_destroy(r->hdr);
	if (r->b) bam_destroy1(r->b);
	if (r->hts) hts_close(r->hts);
	if (r->fai) fai_destroy(r->fai);
	for (i = 0; i < r->n_regs; i++) {
		free(r->regs[i].chrom);
		free(r->regs[i].name);
	}
	free(r->regs);
	free(r->ibuf);
	free(r->buf);
	free(r->qbuf);
	free(r->name.s);
	free(r->desc.s);
	free(r->line_buf.s);
	free(r->path);
	free(r);
}
