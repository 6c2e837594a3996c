/* data: labelled sequences for training and prediction, held in memory as
 * nt4 codes (0..3 for A,C,G,T, 4 for N and every other IUPAC code; case is
 * ignored).  Read through seqio, so any FASTA/FASTQ/SAM/BAM/CRAM source,
 * gzip, "-" and regions work. */
#ifndef TS_DATA_H
#define TS_DATA_H

#include <stdint.h>
#include "io/seqio.h"

typedef struct {
	char *name;       /* record name, owned */
	uint8_t *x;       /* len nt4 codes, owned */
	int len;
	int label;        /* class index */
	int64_t offset;   /* coordinate of base 0 in its source (regions), else 0 */
	int set;          /* DATA_SPLIT, or the held-out set it was given for */
} data_seq_t;

/* Which set a sequence belongs to: DATA_SPLIT sequences are split into
 * training, validation and test by fractions (train.h); the others were
 * given as explicit validation or test files. */
enum { DATA_SPLIT = 0, DATA_VAL = 1, DATA_TEST = 2 };

typedef struct {
	int n, m;
	data_seq_t *a;
	int max_len;
} data_t;

/** Append every record of `path` with class `label`.  Options as for
 *  sio_open (chunking is turned off: records are whole).
 *  @return TS_OK; TS_EDATA for a bad input or a record longer than
 *  INT_MAX/2 bases; TS_EIO; TS_ENOMEM; the message in err. */
int data_read(data_t *d, const char *path, int label, const sio_opts_t *o, char *err);

/** Append the summit windows of the peaks in `bed` (see io/peaks.h) read
 *  from the indexed FASTA `ref`, with class `label`; each is named
 *  "chrom:beg-end" (1-based inclusive) and its offset is beg.  The number of
 *  peaks dropped at a sequence end and the line of the first go to
 *  *n_dropped and *first_dropped.  @return as data_read, with
 *  "bed:line: what" for a bad peak line. */
int data_read_peaks(data_t *d, const char *bed, const char *ref, int flank, int label, int64_t *n_dropped,
		    int64_t *first_dropped, char *err);

/** Append one sequence (set DATA_SPLIT); takes ownership of x, copies name.
 *  @return TS_OK or TS_ENOMEM (x is freed then). */
int data_add(data_t *d, const char *name, uint8_t *x, int len, int label, int64_t offset);

/** Free every sequence; d is empty and reusable afterwards. */
void data_free(data_t *d);

#endif
