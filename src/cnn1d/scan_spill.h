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

int64_t spill_count(const spill_t *sp);
void spill_close(spill_t *sp);

#endif
