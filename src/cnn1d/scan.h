/* scan: a bank of frozen motif filters convolved over sequences.
 *
 * Each motif is one filter whose weights are shared by every position of
 * every sequence, applied to both strands (the reverse-complement filter).
 * The convolution runs on integer-scaled log-odds (pwm.h), so every window's
 * integer score indexes an exact p-value table.
 *
 * Kernel.  Five consecutive bases form a 10-bit code; a filter of width w is
 * cut into ceil(w/5) blocks whose scores for all 1024 codes are tabulated,
 * so a window costs ceil(w/5) lookups.  Codes are computed once per chunk and
 * shared by all filters.  Without q-values a window is abandoned as soon as
 * its partial score plus the best score of the remaining blocks falls below
 * the threshold; with q-values every valid window is scored and counted.
 *
 * A window containing N or any other non-ACGT code is not scored and is not a
 * test.  Soft-masked (lowercase) bases are scored like uppercase ones.
 *
 * q-values.  Benjamini–Hochberg over all windows tested, computed exactly:
 * a filter's integer score takes at most w·1000+1 values, so the number of
 * tests at each score level is counted (both strands) and, with p-values
 * non-increasing in the score, R(p) = #tests with p-value ≤ p and
 *     q(s) = min over levels s' ≤ s of  m·pv[s'] / R(pv[s'])
 * is exact without storing any score.  Per motif (m = that motif's tests), or
 * over the whole run (levels of all motifs merged).
 *
 * Without q-values the windows are first screened by a SIMD kernel chosen
 * at run time (scan_kernel.h: byte-table deficits with lookahead abandoning)
 * and the candidates re-scored exactly from the integer columns; with
 * q-values an AVX-512 kernel computes every window's level, 32 at a time.
 * Every kernel gives the hits, levels and counts of the scalar block-table
 * kernel, which stays as the oracle.
 *
 * Threads split the input into chunks; each chunk's hits are sorted and
 * written to a temporary file as one run (scan_spill.h), and the runs are
 * merged as they are read, so the result is identical for any number of
 * threads and memory does not grow with the number of hits.  Without
 * q-values a caller may have the hits formatted in the threads
 * (opts.format): a motif's hits leave a job already in output order (both
 * strands of a sub-block merged by position), so the runs are text grouped
 * by motif and the output is their concatenation. */
#ifndef TS_SCAN_H
#define TS_SCAN_H

#include <stdint.h>
#include <stdio.h>
#include <htslib/kstring.h>
#include "cnn1d/pwm.h"
#include "io/motif.h"
#include "io/seqio.h"

/* Kernels of the threshold-only scan, narrowest first. */
typedef enum {
	SCAN_KERNEL_SCALAR,     /* block tables with early abandon: the oracle */
	SCAN_KERNEL_C,          /* the prefilter in plain C */
	SCAN_KERNEL_SSE41,
	SCAN_KERNEL_AVX2,
	SCAN_KERNEL_AVX512BW,
	SCAN_KERNEL_AVX512VBMI,
	SCAN_KERNEL_COUNT
} scan_kernel_t;

/** The widest kernel this CPU has, or the one TESSERA_SCAN_KERNEL names
 *  (scalar, c, sse41, avx2, avx512bw, avx512vbmi). */
scan_kernel_t scan_kernel_default(void);
int scan_kernel_supported(scan_kernel_t k);
const char *scan_kernel_label(scan_kernel_t k);

struct scan_hit_s;
struct scan_rec_s;

/* Formatting hits as they are found, in the scanning threads (an output
 * that needs nothing computed after the scan: no q-values).  Appends the
 * text of hit h (matched: its w characters, NUL-terminated, as
 * scan_next_hit gives them; pvalue: its p-value; rec: its record) to out;
 * 0 or TS_ENOMEM. */
typedef int (*scan_format_fn)(void *ctx, const struct scan_hit_s *h, const char *matched, double pvalue, const struct scan_rec_s *rec,
			      kstring_t *out);

typedef struct {
	double thresh;        /* hit when p < thresh (default 1e-4) */
	int use_min_score;    /* hit when score >= min_score instead */
	double min_score;
	int use_qv_thresh;    /* hit when q < qv_thresh instead (needs q-values) */
	double qv_thresh;
	int both_strands;     /* 1: + and −; 0: + only (--norc) */
	int qvalues;          /* compute q-values */
	int qv_run_scope;     /* 1: one correction over the run; 0: per motif */
	int threads;          /* worker threads; <= 1 scans in the calling thread */
	int progress;         /* print progress on stderr */
	int64_t chunk;        /* bases per job; 0: 128 kbp (tests use small ones) */
	int shard, n_shards;  /* scan only chunk c of the input (counted over all
	                       * records) with c mod n_shards = shard − 1; 0: all */
	scan_kernel_t kernel; /* scan_opts_init(): scan_kernel_default() */
	scan_format_fn format;  /* without q-values: format hits in the threads and */
	void *format_ctx;       /* write them with scan_write_text(); NULL: scan_next_hit() */
} scan_opts_t;

void scan_opts_init(scan_opts_t *o);

/* One hit. */
typedef struct scan_hit_s {
	uint32_t motif;       /* index in the motif set */
	uint32_t rec;         /* index in the records, see scan_recs() */
	int64_t pos;          /* 0-based start within the record */
	double score;         /* exact log-odds, bits */
	int64_t seq_off;      /* internal: matched sequence in the scanner's buffers */
	int32_t level;        /* integer score: index into the motif's pv table */
	char strand;          /* '+' or '-' */
} scan_hit_t;

typedef struct scan_rec_s {
	char *name;           /* record name */
	char *chrom;          /* reference name for genomic coordinates, else NULL */
	int64_t offset;       /* genomic position of record base 0 (0 if not genomic) */
} scan_rec_t;

typedef struct scan_s scan_t;

/** Build the filter bank: one pwm per motif (motifs whose best p-value
 *  cannot pass the threshold are named in a warning and not scanned).
 *  `set` is only read during the call.  @return TS_OK or an error with err set. */
int scan_init(scan_t **out, const motif_set_t *set, const double bg[4], double pseudo, const scan_opts_t *o, char *err);

/** Scan every record of one input (any seqio source).  Call once per input.
 *  @param pgc  parse "chr:start-end" record names as genomic coordinates
 *              (FIMO's --parse-genomic-coord, on by default there too) */
int scan_input(scan_t *s, const char *path, const sio_opts_t *so, int pgc, char *err);

/** Compute q-values and prepare to read the hits.  Then read them with
 *  scan_next_hit(), once, and the accessors below. */
int scan_finish(scan_t *s, char *err);

/** Next hit by motif, record, position and strand (those passing a q-value
 *  threshold when one was given): 1, 0 after the last, or TS_EIO.  *text is
 *  its matched sequence (w chars, not terminated, motif orientation: reverse
 *  complement in uppercase on −, input case on +), valid until the next call. */
int scan_next_hit(scan_t *s, scan_hit_t *h, const char **text);

/** With opts.format, instead of scan_next_hit(): write the formatted hits,
 *  in the order of scan_next_hit(), to fp (a regular file: by opts.threads
 *  threads, each writing its groups' motifs at their place, with fp's file
 *  offset left at the end), adding each motif's hits to per_motif[motif]
 *  and all to *n.  0, TS_ENOMEM or TS_EIO, with *out_failed set when it was
 *  writing fp that failed. */
int scan_write_text(scan_t *s, FILE *fp, int64_t *per_motif, int64_t *n, int *out_failed);

const scan_rec_t *scan_recs(const scan_t *s, int64_t *n);

/** p-value of a hit; q-value after scan_finish() (NAN without q-values). */
double scan_hit_pvalue(const scan_t *s, const scan_hit_t *h);
double scan_hit_qvalue(const scan_t *s, const scan_hit_t *h);

/* Totals for the log: bases read, windows tested (both strands). */
void scan_totals(const scan_t *s, int64_t *bases, int64_t *tests);

/* Sharded runs (a pipeline's scatter/gather).  Shard i of n scans the
 * chunks c ≡ i−1 (mod n) of the input — chunk boundaries are fixed by
 * opts.chunk, whatever the thread count — and saves its hits and its tests
 * per score level; the gather loads every shard into a scanner built with
 * the same motifs and options, and scan_finish() then computes q-values from
 * the summed counts: hits, p- and q-values are those of one unsharded run. */

/** Wait for the scan of a shard to end and write its state to `path`
 *  (gzip; atomically).  Call instead of scan_finish(). */
int scan_save_partial(scan_t *s, const char *path, char *err);

/** Add a shard's state (from scan_save_partial) to s, built with the same
 *  motifs and options; call once per shard, then scan_finish().  Checks that
 *  each of the n shards is loaded once and that motifs, options and the
 *  input's records agree; TS_EDATA naming the file otherwise. */
int scan_load_partial(scan_t *s, const char *path, char *err);

/** After the last scan_load_partial(): TS_OK if every shard 1..n came. */
int scan_partials_complete(const scan_t *s, char *err);

void scan_free(scan_t *s);

#endif
