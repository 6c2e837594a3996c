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
} data_seq_t;

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

/** Append one sequence; takes ownership of x, copies name.
 *  @return TS_OK or TS_ENOMEM (x is freed then). */
int data_add(data_t *d, const char *name, uint8_t *x, int len, int label, int64_t offset);

/** Free every sequence; d is empty and reusable afterwards. */
void data_free(data_t *d);

#endif
