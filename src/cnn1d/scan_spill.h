/* scan_spill: a scan's hits as sorted runs in an unlinked temporary file,
 * read back as one merged stream, so memory does not grow with the number
 * of hits (internal to cnn1d/scan.c).
 *
 * A run is the hits of one job, sorted by (motif, record, position, strand);
 * each is written as the scan_hit_t followed by its w matched characters.
 * Reading merges the runs with a binary heap on their first unread hits, one
 * SPILL_BUF buffer per run: memory is O(runs), and a run holds ≥ 1 Mbp of
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
 * −), so a run stores its lines grouped by motif, one segment per motif,
 * and keeps the list of its segments (motif, lines, bytes) in memory.  The
 * output is, motif by motif, that motif's segments of every run in the
 * order of the runs' keys (chunk number, then flush number within the
 * chunk's job): extents of the file, copied as they are, without reading
 * or comparing a hit.  A store holds runs of one kind. */
typedef struct {
	uint32_t motif, n;     /* motif, lines */
	uint64_t bytes;
} spill_seg_t;

typedef struct {
	kstring_t text;        /* the lines, in the order they were found */
	uint32_t *motif;       /* motif of line i; it ends at text.s + end[i] */
	size_t *end;
	int64_t n, m;
	kstring_t grouped;     /* the run as written: segments in motif order, */
	spill_seg_t *seg;      /* and their list */
	int n_seg;
	size_t *at;            /* scratch of spill_lines_group, per motif */
	int64_t m_at;
} spill_lines_t;

/** Record that the text appended since the last line is a line of motif k.
 *  0 or TS_ENOMEM. */
int spill_lines_end(spill_lines_t *l, uint32_t k);

/** Group the lines into l->grouped and l->seg, ready for spill_add_text_run
 *  (needs no lock).  0 or TS_ENOMEM. */
int spill_lines_group(spill_lines_t *l);
void spill_lines_free(spill_lines_t *l);

/** Append l's grouped lines as one run with key (chunk, flush) and empty l.
 *  0, TS_EIO or TS_ENOMEM. */
int spill_add_text_run(spill_t *sp, int64_t chunk, int64_t flush, spill_lines_t *l);

/** After spill_rewind: write every text run, in output order, to fp
 *  (flushed first; the bytes go from file to file in the kernel when both
 *  are files, else through a buffer and fp), adding each motif's lines to
 *  per_motif[motif] and all lines to *n.  0, TS_ENOMEM or TS_EIO, with
 *  *out_failed set when it was writing fp that failed (errno tells why). */
int spill_write_text(spill_t *sp, FILE *fp, int64_t *per_motif, int64_t *n, int *out_failed);

int64_t spill_count(const spill_t *sp);
void spill_close(spill_t *sp);

#endif
