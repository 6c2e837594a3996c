/* peaks: fixed windows around ChIP-seq peak summits, for training on peaks.
 *
 * A peak is a BED line chrom, start, end (0-based half-open) and optional
 * further columns.  Its summit is start + column 10 when the line has exactly
 * ten columns (narrowPeak, whose column 10 is the 0-based summit offset) and
 * that value is >= 0; otherwise (BED3..BED12, or a narrowPeak offset of −1,
 * "no summit called") the midpoint start + (end − start)/2, rounded down.
 * The window is summit ± flank: [summit − flank, summit + flank + 1), so
 * every window has 2·flank + 1 bases and the summit in its middle.  Windows
 * that would reach past either end of their sequence in the reference are
 * dropped (counted, never clipped, so every window keeps one length).
 * Comment ("#"), "track" and "browser" lines and empty lines are skipped. */
#ifndef TS_PEAKS_H
#define TS_PEAKS_H

#include <stdint.h>

typedef struct {
	char *chrom;       /* owned */
	int64_t beg, end;  /* the window, 0-based half-open */
	int64_t line;      /* line of the BED file */
} peak_win_t;

typedef struct {
	int n, m;
	peak_win_t *a;
	int64_t n_dropped;     /* windows past a sequence end */
	int64_t first_dropped; /* line of the first of them, 0 if none */
} peaks_t;

/** Windows of every peak of `bed` (plain or gzip; "-": stdin) on the indexed
 *  FASTA `ref` (a .fai is built when missing, as samtools faidx does).
 *  @param p  filled here; free with peaks_free()
 *  @return TS_OK; TS_EDATA with "bed:line: what" for a malformed line or a
 *  sequence not in ref; TS_EIO when a file cannot be read; TS_ENOMEM. */
int peaks_read(const char *bed, const char *ref, int flank, peaks_t *p, char *err);

void peaks_free(peaks_t *p);

#endif
