/* pairs: sequence pairs for the pair HMM, read whole into memory on top of
 * seqio.
 *
 * Two sources: consecutive records of one file (records 1–2, 3–4, …; an odd
 * count is an error naming the last record), or two files paired by record
 * order (-1 A.fa -2 B.fa; unequal counts are an error naming the file that
 * ran out first).  Any format seqio reads works (FASTA/FASTQ, plain or gzip).
 *
 * Bases are nt16 codes (A=1 C=2 G=4 T=8, N=15, IUPAC unions) with the
 * soft-mask bit removed: the pair HMM treats lowercase like uppercase.
 * Pairs are whole in memory because EM visits every pair once per iteration.
 * The engine's view of a set (phmm_pair_t) is made by pairhmm/pairset.h:
 * io knows no engine. */
#ifndef TS_PAIRS_H
#define TS_PAIRS_H

#include <stdint.h>

typedef struct {
	char *name1, *name2;   /* record names (up to the first blank) */
	uint8_t *x, *y;        /* nt16 codes, SIO_NT16 applied */
	int64_t n, m;          /* lengths of x and y */
	/* pairs from alignments: the mapper's path through the DP matrix, as
	 * the range of reference columns [path_lo[i], path_hi[i]] it visits in
	 * row i (after read base i; a deletion widens a row), i = 0..n */
	int32_t *path_lo, *path_hi;
	int32_t *band_lo, *band_hi;  /* the DP band built around the path (pairhmm/pairset.h) */
} pair_rec_t;

typedef struct {
	pair_rec_t *a;
	int64_t n;
	/* pairs from alignments: what the CIGARs say, for comparison with a fit */
	int64_t cigar_ins, cigar_ins_bases, cigar_del, cigar_del_bases, cigar_aligned;
	int64_t reads_seen, reads_used;  /* records in the file; reads made pairs */
	int64_t reads_no_seq;            /* mapped reads skipped for SEQ '*' */
	int64_t reads_spliced, splice_pieces;  /* reads cut at their CIGAR N into pairs, and the pairs */
} pair_set_t;

/* Options of pairs_from_alignments(). */
typedef struct {
	const char *ref;        /* reference FASTA (indexed; a .fai is built if missing) */
	char **regions;         /* reads overlapping these regions only */
	int n_regions;
	int flag_exclude;       /* default PAIRS_BAM_EXCLUDE */
	int min_mapq;
	int threads;
	int64_t pad;            /* extra reference bases on each side of the window */
} pairs_bam_opts_t;

/* unmapped, secondary, QC-fail, duplicate, supplementary */
#define PAIRS_BAM_EXCLUDE 0xF04

/** Pairs from reads: each primary mapped read passing the filters, soft clips
 *  removed (sequence 1, as stored: reference strand), with the reference
 *  window its alignment spans, widened by `pad` (sequence 2).  A spliced
 *  read (CIGAR N) gives a pair per piece between its introns, the pad at
 *  its outer ends only: an intron is no deletion.  Works for SAM/BAM/CRAM
 *  (CRAM decoded with `ref`).  Names: read name, "chr:beg-end". */
int pairs_from_alignments(const char *path, const pairs_bam_opts_t *o, pair_set_t **out, char *err);

/** Read every pair.  path2 NULL: consecutive records of path1.
 *  @param out  allocated here; free with pairs_free()
 *  @param err  TS_ERRLEN buffer: "path:line: what" (seqio) or
 *              "path: odd number of records (N): 'NAME' has no partner"
 *  @return TS_OK, TS_EDATA, TS_EIO, TS_EUSAGE or TS_ENOMEM. */
int pairs_read(const char *path1, const char *path2, pair_set_t **out, char *err);

void pairs_free(pair_set_t *s);

/** Free one pair's arrays and names and zero it. */
void pair_rec_free(pair_rec_t *p);

/** Σ over pairs of n + m (the sample size of BIC). */
int64_t pairs_residues(const pair_set_t *s);

#endif
