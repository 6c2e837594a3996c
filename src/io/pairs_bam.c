/* pairs_bam: sequence pairs from read alignments — each read against the
 * reference window its alignment spans (see pairs.h).
 *
 * Sequence 1 is the read (soft clips removed), sequence 2 the reference, so
 * a CIGAR I is an insertion in the read (state X of the pair HMM) and a D a
 * deletion from the read (state Y).  The CIGAR's path through the DP matrix
 * is kept for banding, and its I/D counts for comparison with a fit. */
#include <stdlib.h>
#include <string.h>
#include <htslib/faidx.h>
#include <htslib/kstring.h>
#include <htslib/sam.h>
#include "io/pairs.h"
#include "io/seqio.h"
#include "util/log.h"

static int grow_set(pair_set_t *s, int64_t *cap)
{
	if (s->n < *cap) return TS_OK;
	int64_t c = *cap ? 2 * *cap : 256;
	pair_rec_t *a = realloc(s->a, c * sizeof *a);
	if (!a) return TS_ENOMEM;
	s->a = a;
	*cap = c;
	return TS_OK;
}

/* A piece of a read's alignment: CIGAR operations c0..c1−1, no N among
 * them, from read base q0 (counting clipped bases) and reference position
 * r0 to r1 (0-based, end exclusive), with nb aligned or inserted bases. */
typedef struct {
	int c0, c1;
	int64_t q0, r0, r1, nb;
} piece_t;

/* The pieces of a read's alignment between its CIGAR N (reference skips:
 * the introns of a spliced read, which are no deletion) into a, which has
 * room for rec->n_cigar + 1; their number. */
static int read_pieces(const sio_rec_t *rec, piece_t *a)
{
	int c, np = 0;
	int64_t q = 0, r = rec->offset;
	a[0] = (piece_t){0, 0, 0, r, r, 0};
	for (c = 0; c < rec->n_cigar; c++) {
		const int op = bam_cigar_op(rec->cigar[c]);
		const int64_t l = bam_cigar_oplen(rec->cigar[c]);
		if (op == BAM_CREF_SKIP) {
			a[np].c1 = c, a[np].r1 = r;
			r += l;
			a[++np] = (piece_t){c + 1, c + 1, q, r, r, 0};
			continue;
		}
		if (bam_cigar_type(op) & 1) q += l;
		if (op == BAM_CMATCH || op == BAM_CEQUAL || op == BAM_CDIFF || op == BAM_CINS) a[np].nb += l;
		if (bam_cigar_type(op) & 2) r += l;
	}
	a[np].c1 = rec->n_cigar, a[np].r1 = r;
	return np + 1;
}

/* Read bases of piece pc between its clips, and the path: path_lo/hi[i]
 * are the first and last reference columns (0-based within the window
 * that starts off bases before the piece, + 1 = after the base) that the
 * alignment visits after read base i.  TS_EDATA: no read base. */
static int take_piece(const sio_rec_t *rec, const piece_t *pc, int64_t off, pair_rec_t *p)
{
	int64_t lclip = 0, rclip = 0, i = 0, j = off, k, len = 0, q;
	int c;
	int lead;
	for (c = pc->c0; c < pc->c1; c++)
		if (bam_cigar_type(bam_cigar_op(rec->cigar[c])) & 1) len += bam_cigar_oplen(rec->cigar[c]);
	for (c = pc->c0; c < pc->c1 && (bam_cigar_op(rec->cigar[c]) == BAM_CSOFT_CLIP || bam_cigar_op(rec->cigar[c]) == BAM_CHARD_CLIP); c++)
		if (bam_cigar_op(rec->cigar[c]) == BAM_CSOFT_CLIP) lclip += bam_cigar_oplen(rec->cigar[c]);
	lead = c;  /* an all-clip CIGAR is counted once, from the left */
	for (c = pc->c1 - 1; c >= pc->c0 && c >= lead && (bam_cigar_op(rec->cigar[c]) == BAM_CSOFT_CLIP || bam_cigar_op(rec->cigar[c]) == BAM_CHARD_CLIP); c--)
		if (bam_cigar_op(rec->cigar[c]) == BAM_CSOFT_CLIP) rclip += bam_cigar_oplen(rec->cigar[c]);
	if (pc->q0 + len > rec->n) len = rec->n - pc->q0;  /* a CIGAR longer than SEQ (htslib rejects these: a guard) */
	len -= lclip + rclip;
	if (len <= 0) return TS_EDATA;
	p->n = len;
	if ((p->x = malloc(len + 1)) == NULL || (p->path_lo = malloc((len + 1) * sizeof *p->path_lo)) == NULL ||
	    (p->path_hi = malloc((len + 1) * sizeof *p->path_hi)) == NULL)
		return TS_ENOMEM;
	for (k = 0; k < len; k++) p->x[k] = SIO_NT16(rec->seq[pc->q0 + lclip + k]);
	p->path_lo[0] = p->path_hi[0] = (int32_t)j;
	for (c = pc->c0; c < pc->c1; c++) {
		int op = bam_cigar_op(rec->cigar[c]);
		int64_t l = bam_cigar_oplen(rec->cigar[c]);
		switch (op) {
		case BAM_CMATCH: case BAM_CEQUAL: case BAM_CDIFF:
			for (q = 0; q < l && i < len; q++) {
				i++, j++;
				p->path_lo[i] = p->path_hi[i] = (int32_t)j;
			}
			break;
		case BAM_CINS:
			for (q = 0; q < l && i < len; q++) {
				i++;
				p->path_lo[i] = p->path_hi[i] = (int32_t)j;
			}
			break;
		case BAM_CDEL:
			j += l;
			p->path_hi[i] = (int32_t)j;
			break;
		default: /* S, H, P: no column, no read base between the clips */
			break;
		}
	}
	for (; i < len; i++) p->path_lo[i + 1] = p->path_hi[i + 1] = (int32_t)j;  /* malformed CIGAR: keep it total */
	return TS_OK;
}

static int grow_pieces(piece_t **a, int *cap, int need)
{
	piece_t *b;
	if (need <= *cap) return TS_OK;
	if ((b = realloc(*a, need * sizeof *b)) == NULL) return TS_ENOMEM;
	*a = b, *cap = need;
	return TS_OK;
}

/* Reference bases wbeg..wend−1 of chrom as p's sequence 2: 0, or an error
 * with err set. */
static int take_window(faidx_t *fai, const char *ref_path, const char *chrom, int64_t wbeg, int64_t wend, pair_rec_t *p, char *err)
{
	hts_pos_t got = 0;
	char *ref = wend > wbeg ? faidx_fetch_seq64(fai, chrom, wbeg, wend - 1, &got) : NULL;
	int64_t bad, k;
	if (wend > wbeg && (ref == NULL || got != wend - wbeg)) {
		free(ref);
		return ts_fail(err, TS_EDATA, "%s: cannot read %s:%lld-%lld (truncated file or stale index?)", ref_path, chrom, (long long)wbeg + 1,
			       (long long)wend);
	}
	p->m = wend - wbeg;
	if ((p->y = malloc(p->m + 1)) == NULL) {
		free(ref);
		return ts_fail(err, TS_ENOMEM, "out of memory");
	}
	bad = p->m > 0 ? sio_encode(ref, p->m, p->y) : 0;
	free(ref);
	if (bad < 0) return ts_fail(err, TS_EDATA, "%s: invalid character in '%s' at position %lld", ref_path, chrom, (long long)(wbeg - bad));
	for (k = 0; k < p->m; k++) p->y[k] = SIO_NT16(p->y[k]);
	return TS_OK;
}

/* The read's CIGAR insertions, deletions and aligned bases into set's
 * counts (an N is an intron: none of them). */
static void count_cigar(pair_set_t *set, const sio_rec_t *rec)
{
	int c;
	for (c = 0; c < rec->n_cigar; c++) {
		const int op = bam_cigar_op(rec->cigar[c]);
		const int64_t l = bam_cigar_oplen(rec->cigar[c]);
		if (op == BAM_CMATCH || op == BAM_CEQUAL || op == BAM_CDIFF) set->cigar_aligned += l;
		else if (op == BAM_CINS) set->cigar_ins++, set->cigar_ins_bases += l;
		else if (op == BAM_CDEL) set->cigar_del++, set->cigar_del_bases += l;
	}
}

/* A read base '=' (nt16 0: "the reference's base", as samtools calmd -e
 * writes) becomes the reference base it is aligned to, or N in an
 * insertion: a base i is aligned iff it moves the path one column on. */
static void resolve_equals(pair_rec_t *p)
{
	int64_t i;
	for (i = 1; i <= p->n; i++)
		if (p->x[i - 1] == 0) p->x[i - 1] = p->path_lo[i] == p->path_hi[i - 1] + 1 ? p->y[p->path_lo[i] - 1] : 15;
}

int pairs_from_alignments(const char *path, const pairs_bam_opts_t *o, pair_set_t **out, char *err)
{
	piece_t *pieces = NULL;
	int pcap = 0, np, k, used, first, last;
	sio_opts_t so;
	sio_reader_t *r = NULL;
	sio_rec_t rec;
	faidx_t *fai = NULL;
	pair_set_t *set = calloc(1, sizeof *set);
	int64_t cap = 0;
	int s;
	*out = NULL;
	if (!set) return ts_fail(err, TS_ENOMEM, "out of memory");
	if ((fai = fai_load(o->ref)) == NULL) {
		s = ts_fail(err, TS_EIO, "%s: cannot load or build the reference index (.fai)", o->ref);
		goto fail;
	}
	sio_opts_init(&so);
	so.reference = o->ref;
	so.regions = o->regions;
	so.n_regions = o->n_regions;
	so.flag_exclude = o->flag_exclude;
	so.min_mapq = o->min_mapq;
	so.threads = o->threads;
	if ((s = sio_open(&r, path, &so, err)) < 0) goto fail;
	if (sio_kind(r) != SIO_SAM && sio_kind(r) != SIO_BAM && sio_kind(r) != SIO_CRAM) {
		s = ts_fail(err, TS_EUSAGE, "%s: --bam needs SAM, BAM or CRAM, not %s", path, sio_kind_name(sio_kind(r)));
		goto fail;
	}
	while ((s = sio_read(r, &rec)) == TS_OK) {
		pair_rec_t *p;
		int64_t len = rec.chrom ? faidx_seq_len(fai, rec.chrom) : -1;
		if (rec.chrom == NULL || rec.flag & BAM_FUNMAP || rec.n_cigar == 0) continue;
		if (rec.n == 0) {
			set->reads_no_seq++;
			continue;
		}
		if (len < 0) {
			s = ts_fail(err, TS_EDATA, "%s: read '%s' is on '%s', which is not in %s", path, rec.name, rec.chrom, o->ref);
			goto fail;
		}
		if (sio_target_len(r, rec.chrom) >= 0 && sio_target_len(r, rec.chrom) != len) {
			s = ts_fail(err, TS_EDATA, "%s: '%s' is %lld bp in its header but %lld bp in %s: the reads were aligned to another "
				    "version of the reference", path, rec.chrom, (long long)sio_target_len(r, rec.chrom), (long long)len, o->ref);
			goto fail;
		}
		if (rec.end > len) {
			s = ts_fail(err, TS_EDATA, "%s: read '%s' ends at %lld, past the end of '%s' (%lld bp in %s)", path, rec.name,
				    (long long)rec.end, rec.chrom, (long long)len, o->ref);
			goto fail;
		}
		if ((s = grow_pieces(&pieces, &pcap, rec.n_cigar + 1)) < 0) goto nomem;
		np = read_pieces(&rec, pieces);
		for (first = 0; first < np && pieces[first].nb == 0; first++) {}
		for (last = np - 1; last >= 0 && pieces[last].nb == 0; last--) {}
		for (used = 0, k = first; k <= last; k++) {
			/* --pad widens the read's outer ends; an intron's ends are exact */
			const int64_t wbeg = k > first ? pieces[k].r0 : pieces[k].r0 - o->pad > 0 ? pieces[k].r0 - o->pad : 0;
			const int64_t wend = k < last ? pieces[k].r1 : pieces[k].r1 + o->pad < len ? pieces[k].r1 + o->pad : len;
			if (pieces[k].nb == 0) continue;  /* no read base between two introns: no pair */
			if ((s = grow_set(set, &cap)) < 0) goto nomem;
			p = &set->a[set->n];
			memset(p, 0, sizeof *p);
			set->n++;  /* counted now so pairs_free() frees a half-made pair */
			if ((s = take_piece(&rec, &pieces[k], pieces[k].r0 - wbeg, p)) == TS_ENOMEM) goto nomem;
			if (s < 0) {  /* no read base in this piece: no pair */
				pair_rec_free(p);
				set->n--;
				continue;
			}
			if ((s = take_window(fai, o->ref, rec.chrom, wbeg, wend, p, err)) < 0) goto fail;
			resolve_equals(p);
			kstring_t name = {0, 0, NULL};
			ksprintf(&name, "%s:%lld-%lld", rec.chrom, (long long)wbeg + 1, (long long)wend);
			if ((p->name1 = strdup(rec.name)) == NULL || (p->name2 = ks_release(&name)) == NULL) goto nomem;
			used++;
		}
		if (used == 0) {
			s = ts_fail(err, TS_EDATA, "%s: read '%s': no aligned bases (its CIGAR clips all of the read, or more)", path, rec.name);
			goto fail;
		}
		count_cigar(set, &rec);
		if (used > 1) set->reads_spliced++, set->splice_pieces += used;
		set->reads_used++;
	}
	if (s != TS_EOF) {
		s = ts_fail(err, s, "%s", sio_error(r));
		goto fail;
	}
	set->reads_seen = sio_records_read(r);
	sio_close(r);
	fai_destroy(fai);
	free(pieces);
	*out = set;
	return TS_OK;
nomem:
	s = ts_fail(err, TS_ENOMEM, "out of memory reading %s", path);
fail:
	free(pieces);
	if (r) sio_close(r);
	if (fai) fai_destroy(fai);
	pairs_free(set);
	return s;
}
