/* test_seqio: the reader against an independent oracle.
 *
 * The oracle is a deliberately naive FASTA parser (fgets, strip, concatenate)
 * over the plain fixture; every other route — gzip, bgzip, faidx windows,
 * BED, chunked delivery, SAM/BAM/CRAM — must reproduce what it or the plain
 * text says.  The CLI tests compare the same fixtures with samtools. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "io/seqio.h"
#include "util/log.h"

#define FX "data/fixtures/seq/"

typedef struct {
	char name[64];
	char *seq;
	size_t len;
} oracle_rec_t;

/* Naive FASTA reader: name up to the first blank, sequence lines joined. */
static int oracle_read(const char *path, oracle_rec_t *recs, int max)
{
	char line[4096];
	int n = -1;
	FILE *fp = fopen(path, "r");
	cr_assert_not_null(fp, "cannot open %s", path);
	while (fgets(line, sizeof line, fp)) {
		size_t l = strcspn(line, "\r\n");
		line[l] = '\0';
		if (line[0] == '>') {
			cr_assert_lt(++n, max);
			sscanf(line + 1, "%63s", recs[n].name);
			recs[n].seq = calloc(1, 1);
			recs[n].len = 0;
		} else {
			recs[n].seq = realloc(recs[n].seq, recs[n].len + l + 1);
			memcpy(recs[n].seq + recs[n].len, line, l + 1);
			recs[n].len += l;
		}
	}
	fclose(fp);
	return n + 1;
}

static char *decode(const sio_rec_t *r)
{
	char *s = malloc(r->n + 1);
	sio_decode(r->seq, r->n, s);
	s[r->n] = '\0';
	return s;
}

static sio_reader_t *open_or_die(const char *path, const sio_opts_t *o)
{
	sio_reader_t *r;
	char err[TS_ERRLEN];
	int s = sio_open(&r, path, o, err);
	cr_assert_eq(s, TS_OK, "sio_open(%s): %s", path, err);
	return r;
}

/* Read whole records and compare with the oracle's parse of `oracle_path`. */
static void expect_same_as_oracle(const char *path, const char *oracle_path)
{
	oracle_rec_t want[16];
	int n = oracle_read(oracle_path, want, 16), i = 0, s;
	sio_opts_t o;
	sio_rec_t rec;
	sio_opts_init(&o);
	sio_reader_t *r = open_or_die(path, &o);
	while ((s = sio_read(r, &rec)) == TS_OK) {
		cr_assert_lt(i, n);
		char *got = decode(&rec);
		cr_expect_str_eq(rec.name, want[i].name);
		cr_expect_eq(rec.len, (int64_t)want[i].len, "%s: length %lld", rec.name, (long long)rec.len);
		cr_expect_str_eq(got, want[i].seq, "%s differs in %s", rec.name, path);
		cr_expect(rec.is_first && rec.is_last);
		cr_expect_eq(rec.rec_index, i);
		free(got);
		free(want[i].seq);
		i++;
	}
	cr_assert_eq(s, TS_EOF, "%s", sio_error(r));
	cr_assert_eq(i, n);
	sio_close(r);
}

Test(seqio, plain_gzip_bgzip_equal_oracle)
{
	expect_same_as_oracle(FX "seqs.fa", FX "seqs.fa");
	expect_same_as_oracle(FX "seqs.fa.gz", FX "seqs.fa");
	expect_same_as_oracle(FX "seqs.fa.bgz", FX "seqs.fa");
}

Test(seqio, softmask_and_iupac_codes)
{
	sio_opts_t o;
	sio_rec_t rec;
	sio_opts_init(&o);
	sio_reader_t *r = open_or_die(FX "seqs.fa", &o);
	cr_assert_eq(sio_read(r, &rec), TS_OK);
	cr_assert_str_eq(rec.desc, "first record, with a description");
	/* positions 50..89 are lowercase in the fixture, 200..224 are N */
	cr_assert(!(rec.seq[49] & SIO_SOFTMASK));
	cr_assert(rec.seq[50] & SIO_SOFTMASK);
	cr_assert(rec.seq[89] & SIO_SOFTMASK);
	cr_assert(!(rec.seq[90] & SIO_SOFTMASK));
	cr_assert_eq(SIO_NT16(rec.seq[200]), 15);
	cr_assert_eq(sio_nt16_to_nt4[SIO_NT16(rec.seq[200])], 4);
	cr_assert_lt(sio_nt16_to_nt4[SIO_NT16(rec.seq[50])], 4, "soft-masked bases are still concrete bases");
	cr_assert_eq(sio_read(r, &rec), TS_OK);  /* seq2: random IUPAC */
	int64_t i, amb = 0;
	for (i = 0; i < rec.n; i++) amb += sio_nt16_to_nt4[SIO_NT16(rec.seq[i])] == 4;
	cr_assert_gt(amb, 0);
	cr_assert_eq(sio_read(r, &rec), TS_OK);
	cr_assert_str_eq(rec.desc, "description after a tab");
	sio_close(r);
}

Test(seqio, nt4_table_only_acgt_concrete)
{
	int c, concrete = 0;
	for (c = 0; c < 16; c++) concrete += sio_nt16_to_nt4[c] < 4;
	cr_assert_eq(concrete, 4);
	cr_assert_eq(sio_nt16_to_nt4[1], 0);
	cr_assert_eq(sio_nt16_to_nt4[2], 1);
	cr_assert_eq(sio_nt16_to_nt4[4], 2);
	cr_assert_eq(sio_nt16_to_nt4[8], 3);
}

Test(seqio, crlf_lines)
{
	sio_opts_t o;
	sio_rec_t rec;
	sio_opts_init(&o);
	sio_reader_t *r = open_or_die(FX "crlf.fa", &o);
	cr_assert_eq(sio_read(r, &rec), TS_OK);
	char *s = decode(&rec);
	cr_assert_str_eq(rec.name, "crlf");
	cr_assert_str_eq(rec.desc, "one");
	cr_assert_str_eq(s, "ACGTacgt");
	free(s);
	sio_close(r);
}

/* Deliver `path` in chunks of size c with overlap o and check the contract:
 * chunk k starts at k(c-o), holds the record's bases there, only the last
 * one has is_last, no chunk is pure overlap, and the chunks tile the record. */
static void check_chunks(const char *path, sio_opts_t o, oracle_rec_t *want, int n_want)
{
	sio_rec_t rec;
	int s, i = -1;
	int64_t k = 0, covered = 0;
	sio_reader_t *r = open_or_die(path, &o);
	while ((s = sio_read(r, &rec)) == TS_OK) {
		if (rec.is_first) {
			cr_assert_lt(++i, n_want);
			k = covered = 0;
		}
		cr_assert_str_eq(rec.name, want[i].name);
		cr_assert_eq(rec.beg, k * (o.chunk - o.overlap), "%s c=%lld o=%lld chunk %lld starts at %lld", path,
			     (long long)o.chunk, (long long)o.overlap, (long long)k, (long long)rec.beg);
		cr_assert_leq(rec.n, o.chunk);
		cr_assert(rec.n > o.overlap || rec.is_last || rec.n == o.chunk);
		cr_assert(k == 0 || rec.beg + rec.n > covered, "chunk of pure overlap");
		char *got = decode(&rec);
		cr_assert(memcmp(got, want[i].seq + rec.beg, rec.n) == 0, "%s c=%lld o=%lld chunk %lld content", path,
			  (long long)o.chunk, (long long)o.overlap, (long long)k);
		free(got);
		covered = rec.beg + rec.n;
		if (rec.is_last) {
			cr_assert_eq(covered, (int64_t)want[i].len);
			cr_assert_eq(rec.len, (int64_t)want[i].len);
		} else {
			cr_assert_eq(rec.n, o.chunk);
		}
		k++;
	}
	cr_assert_eq(s, TS_EOF, "%s", sio_error(r));
	cr_assert_eq(i, n_want - 1);
	sio_close(r);
}

Test(seqio, chunks_tile_records_for_every_size, .timeout = 120)
{
	oracle_rec_t want[16];
	int n = oracle_read(FX "seqs.fa", want, 16), i;
	int64_t c, max_len = 0;
	sio_opts_t o;
	sio_opts_init(&o);
	for (i = 0; i < n; i++)
		if ((int64_t)want[i].len > max_len) max_len = want[i].len;
	for (c = 1; c <= max_len + 1; c++) {
		int64_t overlaps[4] = {0, 1, 7, c - 1};
		for (i = 0; i < 4; i++) {
			if (overlaps[i] >= c || (i > 0 && overlaps[i] == overlaps[i - 1])) continue;
			o.chunk = c;
			o.overlap = overlaps[i];
			check_chunks(FX "seqs.fa", o, want, n);
			if (c % 97 == 0) check_chunks(FX "seqs.fa.gz", o, want, n);
		}
	}
	for (i = 0; i < n; i++) free(want[i].seq);
}

Test(seqio, chunk_overlap_must_be_smaller)
{
	sio_opts_t o;
	sio_reader_t *r;
	char err[TS_ERRLEN];
	sio_opts_init(&o);
	o.chunk = 10;
	o.overlap = 10;
	cr_assert_eq(sio_open(&r, FX "seqs.fa", &o, err), TS_EUSAGE);
	cr_assert_null(r);
}

/* The window of every region is checked against the oracle's sequence. */
static void expect_region(sio_reader_t *r, oracle_rec_t *ref, int n_ref, const char *name, const char *chrom,
			  int64_t beg, int64_t end)
{
	sio_rec_t rec;
	int i;
	cr_assert_eq(sio_read(r, &rec), TS_OK, "%s", sio_error(r));
	cr_assert_str_eq(rec.name, name);
	cr_assert_eq(rec.offset, beg);
	cr_assert_eq(rec.len, end - beg);
	cr_assert_str_eq(rec.chrom, chrom);
	for (i = 0; i < n_ref && strcmp(ref[i].name, chrom); i++) {}
	cr_assert_lt(i, n_ref);
	char *got = decode(&rec);
	cr_assert(rec.is_last && rec.n == end - beg);
	cr_assert(memcmp(got, ref[i].seq + beg, end - beg) == 0, "region %s", name);
	free(got);
}

Test(seqio, regions_on_indexed_fasta)
{
	oracle_rec_t ref[4];
	int n = oracle_read(FX "ref.fa", ref, 4), i;
	char *regs[] = {"chr1:100-200", "chr2", "chrM:300-1000", "chr1:4,990-5,000"};
	const char *paths[] = {FX "ref.fa", FX "ref.fa.bgz"};
	sio_opts_t o;
	sio_opts_init(&o);
	o.regions = regs;
	o.n_regions = 4;
	for (i = 0; i < 2; i++) {
		sio_rec_t rec;
		sio_reader_t *r = open_or_die(paths[i], &o);
		cr_assert_eq(sio_kind(r), SIO_FAIDX);
		expect_region(r, ref, n, "chr1:100-200", "chr1", 99, 200);
		expect_region(r, ref, n, "chr2", "chr2", 0, 1200);
		expect_region(r, ref, n, "chrM:300-333", "chrM", 299, 333);  /* end clamped */
		expect_region(r, ref, n, "chr1:4990-5000", "chr1", 4989, 5000);
		cr_assert_eq(sio_read(r, &rec), TS_EOF);
		sio_close(r);
	}
	for (i = 0; i < n; i++) free(ref[i].seq);
}

Test(seqio, bed_regions_and_chunks)
{
	oracle_rec_t ref[4], want[4];
	int n = oracle_read(FX "ref.fa", ref, 4), i;
	sio_opts_t o;
	sio_rec_t rec;
	sio_opts_init(&o);
	o.bed = FX "regions.bed";
	sio_reader_t *r = open_or_die(FX "ref.fa.bgz", &o);
	expect_region(r, ref, n, "chr1:1-100", "chr1", 0, 100);
	expect_region(r, ref, n, "chr1:4901-5000", "chr1", 4900, 5000);
	expect_region(r, ref, n, "chr2:11-1100", "chr2", 10, 1100);
	expect_region(r, ref, n, "chrM:101-101", "chrM", 100, 101);
	cr_assert_eq(sio_read(r, &rec), TS_EOF);
	sio_close(r);
	/* chunked windows obey the same tiling contract as streamed FASTA */
	const int64_t spans[4][3] = {{0, 0, 100}, {0, 4900, 5000}, {1, 10, 1100}, {2, 100, 101}};
	const char *names[4] = {"chr1:1-100", "chr1:4901-5000", "chr2:11-1100", "chrM:101-101"};
	for (i = 0; i < 4; i++) {
		strcpy(want[i].name, names[i]);
		want[i].seq = ref[spans[i][0]].seq + spans[i][1];
		want[i].len = spans[i][2] - spans[i][1];
	}
	o.chunk = 37;
	o.overlap = 11;
	check_chunks(FX "ref.fa.bgz", o, want, 4);
	for (i = 0; i < n; i++) free(ref[i].seq);
}

static void expect_open_error(const char *path, const sio_opts_t *o, int status, const char *msg)
{
	sio_reader_t *r;
	char err[TS_ERRLEN];
	cr_assert_eq(sio_open(&r, path, o, err), status, "%s: %s", path, err);
	cr_assert_null(r);
	cr_assert_str_eq(err, msg);
}

Test(seqio, bad_regions_are_errors)
{
	sio_opts_t o;
	char *unknown[] = {"chrZ:1-10"}, *past[] = {"chr2:5000-6000"};
	sio_opts_init(&o);
	o.regions = unknown;
	o.n_regions = 1;
	expect_open_error(FX "ref.fa", &o, TS_EUSAGE,
			  FX "ref.fa: invalid region 'chrZ:1-10': unknown sequence name or bad coordinates");
	o.regions = past;
	expect_open_error(FX "ref.fa", &o, TS_EUSAGE,
			  FX "ref.fa: region 'chr2:5000-6000' is empty or starts beyond the end of 'chr2' (1200 bp)");
	sio_opts_init(&o);
	o.bed = FX "bad_end.bed";
	expect_open_error(FX "ref.fa", &o, TS_EDATA, FX "bad_end.bed:2: end 1201 is beyond the end of 'chr2' (1200 bp)");
	o.bed = FX "bad_chrom.bed";
	expect_open_error(FX "ref.fa", &o, TS_EDATA, FX "bad_chrom.bed:1: sequence 'chr9' is not in " FX "ref.fa");
	o.bed = FX "bad_cols.bed";
	expect_open_error(FX "ref.fa", &o, TS_EDATA, FX "bad_cols.bed:3: expected at least 3 columns (chrom, start, end)");
	o.bed = FX "bad_coord.bed";
	expect_open_error(FX "ref.fa", &o, TS_EDATA, FX "bad_coord.bed:1: start '-5' and end '10' must be non-negative integers");
	o.bed = FX "bad_order.bed";
	expect_open_error(FX "ref.fa", &o, TS_EDATA, FX "bad_order.bed:1: end 10 is before start 20");
	o.bed = FX "regions.bed";
	expect_open_error(FX "seqs.fa.gz", &o, TS_EIO,
			  FX "seqs.fa.gz: cannot load or build its index (.fai): regions need a plain or bgzip-compressed FASTA "
			  "in a writable directory or with an existing index (gzip cannot be indexed: recompress with bgzip)");
}

/* Read every record of a stream and return the status that ended it. */
static int drain(const char *path, char *msg)
{
	sio_opts_t o;
	sio_rec_t rec;
	sio_reader_t *r;
	char err[TS_ERRLEN];
	int s;
	sio_opts_init(&o);
	if ((s = sio_open(&r, path, &o, err)) < 0) {
		strcpy(msg, err);
		return s;
	}
	while ((s = sio_read(r, &rec)) == TS_OK) {}
	strcpy(msg, sio_error(r));
	sio_close(r);
	return s;
}

Test(seqio, malformed_text_inputs)
{
	char msg[TS_ERRLEN];
	cr_assert_eq(drain(FX "bad_char.fa", msg), TS_EDATA);
	cr_assert_str_eq(msg, FX "bad_char.fa:2: invalid character 'X' in sequence 'bad' (not an IUPAC nucleotide code)");
	cr_assert_eq(drain(FX "no_header.fa", msg), TS_EDATA);
	cr_assert_str_eq(msg, FX "no_header.fa:1: expected '>' (FASTA) or '@' (FASTQ) at the start of a record, found 'A'");
	cr_assert_eq(drain(FX "short_qual.fq", msg), TS_EDATA);
	cr_assert_str_eq(msg, FX "short_qual.fq:5: FASTQ record 'r1' is truncated: 3 quality values for 4 bases");
	cr_assert_eq(drain(FX "no_plus.fq", msg), TS_EDATA);
	cr_assert_str_eq(msg, FX "no_plus.fq:3: FASTQ record 'r1' is truncated: no '+' line");
	cr_assert_eq(drain(FX "truncated.fa.gz", msg), TS_EDATA);
	cr_assert(strstr(msg, FX "truncated.fa.gz: read failed") == msg, "%s", msg);
	cr_assert_eq(drain(FX "truncated.bam", msg), TS_EDATA);
	cr_assert(strstr(msg, FX "truncated.bam: truncated or corrupt BAM data") == msg, "%s", msg);
	cr_assert_eq(drain(FX "no_such_file.fa", msg), TS_EIO);
	cr_assert_str_eq(msg, FX "no_such_file.fa: No such file or directory");
	cr_assert_eq(drain(FX "reads.bam.bai", msg), TS_EDATA);
	cr_assert(strstr(msg, "not a FASTA, FASTQ, SAM, BAM or CRAM file") != NULL, "%s", msg);
}

Test(seqio, fastq_qualities_and_multiline)
{
	sio_opts_t o;
	sio_rec_t rec;
	int n = 0, s;
	sio_opts_init(&o);
	sio_reader_t *r = open_or_die(FX "reads.fq.gz", &o);
	while ((s = sio_read(r, &rec)) == TS_OK) {
		cr_assert_not_null(rec.qual);
		n++;
		if (strcmp(rec.name, "tricky") == 0) {
			char *seq = decode(&rec);
			cr_assert_str_eq(seq, "ACGTACGTACGTACG");
			cr_assert(memcmp(rec.qual, "@IIIIIIIIIIIIII", 15) == 0);
			free(seq);
		}
	}
	cr_assert_eq(s, TS_EOF, "%s", sio_error(r));
	cr_assert_eq(n, 11);
	cr_assert_eq(sio_kind(r), SIO_FASTQ);
	sio_close(r);
}

/* SAM, BAM and CRAM hold the same reads: every field seqio exposes agrees. */
Test(seqio, sam_bam_cram_agree)
{
	const char *paths[] = {FX "reads.sam", FX "reads.bam", FX "reads.cram"};
	sio_reader_t *r[3];
	sio_rec_t rec[3];
	sio_opts_t o;
	int i, s, n = 0, reverse = 0;
	sio_opts_init(&o);
	o.reference = FX "ref.fa";
	for (i = 0; i < 3; i++) r[i] = open_or_die(paths[i], &o);
	cr_assert_eq(sio_kind(r[2]), SIO_CRAM);
	for (;;) {
		for (i = 0; i < 3; i++) {
			s = sio_read(r[i], &rec[i]);
			cr_assert(s == TS_OK || s == TS_EOF, "%s: %s", paths[i], sio_error(r[i]));
		}
		if (s == TS_EOF) break;
		for (i = 1; i < 3; i++) {
			cr_assert_str_eq(rec[i].name, rec[0].name);
			cr_assert_eq(rec[i].n, rec[0].n);
			cr_assert(memcmp(rec[i].seq, rec[0].seq, rec[0].n) == 0, "%s %s", paths[i], rec[0].name);
			cr_assert(memcmp(rec[i].qual, rec[0].qual, rec[0].n) == 0);
			cr_assert_eq(rec[i].flag, rec[0].flag);
			cr_assert_eq(rec[i].offset, rec[0].offset);
			cr_assert_eq(rec[i].end, rec[0].end);
		}
		cr_assert_eq(rec[0].flag & 0x900, 0, "secondary/supplementary excluded by default");
		reverse += (rec[0].flag & 0x10) != 0;
		n++;
	}
	cr_assert_eq(n, 39);  /* 40 mapped + 1 unmapped, minus 1 secondary and 1 supplementary */
	cr_assert_gt(reverse, 0);
	for (i = 0; i < 3; i++) sio_close(r[i]);
}

/* original_strand reverse-complements 0x10 reads and reverses their qualities. */
Test(seqio, original_strand_reverse_complements)
{
	sio_opts_t o;
	sio_rec_t a, b;
	sio_opts_init(&o);
	sio_reader_t *stored = open_or_die(FX "reads.bam", &o);
	o.original_strand = 1;
	sio_reader_t *orig = open_or_die(FX "reads.bam", &o);
	static const uint8_t comp[16] = {0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15};
	int checked = 0;
	while (sio_read(stored, &a) == TS_OK) {
		cr_assert_eq(sio_read(orig, &b), TS_OK);
		int64_t i, n = a.n;
		for (i = 0; i < n; i++) {
			if (a.flag & 0x10) {
				cr_assert_eq(b.seq[i], comp[a.seq[n - 1 - i]]);
				cr_assert_eq(b.qual[i], a.qual[n - 1 - i]);
			} else {
				cr_assert_eq(b.seq[i], a.seq[i]);
			}
		}
		checked += (a.flag & 0x10) != 0;
	}
	cr_assert_gt(checked, 0);
	sio_close(stored);
	sio_close(orig);
}

Test(seqio, read_filters_and_bam_regions)
{
	sio_opts_t o;
	sio_rec_t rec;
	int n = 0;
	char *regs[] = {"chr2", "chrM:1-50"};
	sio_opts_init(&o);
	o.min_mapq = 20;
	o.flag_exclude = 0x904;
	sio_reader_t *r = open_or_die(FX "reads.bam", &o);
	while (sio_read(r, &rec) == TS_OK) {
		cr_assert_geq(rec.mapq, 20);
		cr_assert_eq(rec.flag & 0x904, 0);
		n++;
	}
	sio_close(r);
	cr_assert_gt(n, 0);
	cr_assert_lt(n, 39);
	sio_opts_init(&o);
	o.regions = regs;
	o.n_regions = 2;
	r = open_or_die(FX "reads.bam", &o);
	n = 0;
	while (sio_read(r, &rec) == TS_OK) {
		cr_assert(strcmp(rec.chrom, "chr2") == 0 || (strcmp(rec.chrom, "chrM") == 0 && rec.offset < 50));
		n++;
	}
	cr_assert_gt(n, 0);
	sio_close(r);
}
