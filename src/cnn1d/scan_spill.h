/* scan_spill: a scan's hits as sorted runs in an unlinked temporary file,
 * read back as one merged stream, so memory does not grow with the number
 * of hits (internal to cnn1d/scan.c).
 *
 * A run is the hits of one job, sorted by (motif, record, position, strand);
 * each is written as the scan_hit_t followed by its w matched characters.
 * Reading merges the runs with a binary heap on their first unread hits, one
 * SPILL_BUF buffer per run: memory is O(runs), and a run holds ≥ 128 kbp of
 * sequence (one chunk) or every hit of a job. */
#ifndef TS_SCAN_SPILL_H
#define TS_SCAN_SPILL_H

#include <stdint.h>
#include <stdio.h>
#include <htslib/kstring.h>
#include "cnn1d/scan.h"

typedef struct spill_s spill_t;

/** Open an empty store in $TMPDIR (else /tmp); widths[k] is motif k's width,
 *  read during the store's life.  0 or an error with err set. */
int spill_open(spill_t **out, const int *widths, char *err);

/** Sort hits by (motif, record, position, strand): a run's order. */
void spill_sort(scan_hit_t *a, int64_t n);

/** Append a[0..n), sorted by spill_sort(), their text at text + a[i].seq_off,
 *  as one run.  0, TS_EIO or TS_ENOMEM. */
int spill_add_run(spill_t *sp, const scan_hit_t *a, int64_t n, const char *text);

/** Start reading (after the last run).  0, TS_EIO or TS_ENOMEM. */
int spill_rewind(spill_t *sp);

/** Next hit in (motif, record, position, strand) order: 1, 0 at the end, or
 *  an error.  *text points at its w matched characters until the next call. */
int spill_next(spill_t *sp, scan_hit_t *h, const char **text);

/* Text runs, for a scan that formats its hits as it finds them.  A job
 * appends each hit's line as it finds it, which is output order within
 * each motif (the windows of a motif in a job come by position, + before
 * −), so a run stores its lines grouped by motif, as segments (a header:
 * motif, lines, bytes; then the lines).  Each run belongs to a part: the
 * runs of different parts hold disjoint ranges of motifs, part p's before
 * part p+1's.  The output is, motif by motif, that motif's segments of
 * every run in the order of the runs' keys (part, chunk number, then flush
 * number within the chunk's job), each run read front to back through a
 * buffer of its own (64 KiB, less when there are over 64 runs: 4 MiB in
 * all, but at least 4 KiB each): no hit is compared with another.  Into a
 * regular file, the parts are written at once, each by a thread of its own
 * at its place (its offset: the bytes of the parts before it).  A store
 * holds runs of one kind. */
typedef struct {
	uint32_t motif, n;     /* motif, lines */
	uint64_t bytes;
} spill_seg_t;

typedef struct {
	kstring_t text;        /* the lines, in the order they were found */
	uint32_t *motif;       /* motif of line i; it ends at text.s + end[i] */
	size_t *end;
	int64_t n, m;
	kstring_t grouped;     /* the run as written: segments in motif order */
	size_t *at;            /* scratch of spill_lines_group, per motif */
	int64_t m_at;
} spill_lines_t;

/** Record that the text appended since the last line is a line of motif k.
 *  0 or TS_ENOMEM. */
int spill_lines_end(spill_lines_t *l, uint32_t k);

/** Group the lines into l->grouped, ready for spill_add_text_run (needs no
 *  lock).  0 or TS_ENOMEM. */
int spill_lines_group(spill_lines_t *l);
void spill_lines_free(spill_lines_t *l);

/** Add l's grouped lines as one run of a part with key (chunk, flush),
 *  *at being where in the file they go: under the caller's lock, then
 *  write them with spill_write_text_run() without it (the copy into the
 *  file is the long part).  0 or TS_ENOMEM. */
int spill_add_text_run(spill_t *sp, int part, int64_t chunk, int64_t flush, const spill_lines_t *l, int64_t *at);

/** Write l's grouped lines at `at` and empty l.  0 or TS_EIO. */
int spill_write_text_run(spill_t *sp, int64_t at, spill_lines_t *l);

/** After spill_rewind: write every text run, in output order, to fp in
 *  blocks of 1 MiB — with threads > 1 and fp a regular file, one thread
 *  per part, each with pwrite at its place, and fp's file offset left at
 *  the end — adding each motif's lines to per_motif[motif] and all lines to
 *  *n.  0, TS_ENOMEM or TS_EIO, with *out_failed set when it was writing fp
 *  that failed (errno tells why). */
int spill_write_text(spill_t *sp, FILE *fp, int threads, int64_t *per_motif, int64_t *n, int *out_failed);

int64_t spill_count(const spill_t *sp);
void spill_close(spill_t *sp);

#endif
