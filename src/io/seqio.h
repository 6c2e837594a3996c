/* seqio: one streaming reader for every sequence source.
 *
 * Sources: FASTA and FASTQ (plain, gzip or bgzip; a path or "-" for stdin),
 * SAM/BAM/CRAM through htslib, and windows of an indexed reference FASTA
 * (-r chr:beg-end regions, or a BED file).  The format is detected from the
 * content, never from the file name.
 *
 * Bases are stored one byte each as htslib's 4-bit nt16 code (A=1 C=2 G=4
 * T=8, N=15, other IUPAC codes the union of their bases; U reads as T) with
 * SIO_SOFTMASK set for lowercase (soft-masked) input, so no information in
 * the text is lost.  Only the four codes 1,2,4,8 are concrete bases: every
 * consumer must treat the others (N and ambiguity codes) as unknown, never
 * as a particular base.  Characters that are not IUPAC letters are an error.
 *
 * Long records are delivered in chunks of at most `chunk` bases, consecutive
 * chunks sharing `overlap` bases, so memory is O(chunk) for a FASTA whole
 * chromosome or a reference window.  A scanner with filter width W sets
 * overlap = W-1: every window of W bases lies whole in exactly one chunk. */
#ifndef TS_SEQIO_H
#define TS_SEQIO_H

#include <stdint.h>

#define SIO_SOFTMASK 0x10   /* set on bases that were lowercase */
#define SIO_NT16(c) ((c) & 0x0f)

/* 0..3 for A,C,G,T; 4 for anything that is not a single concrete base. */
extern const uint8_t sio_nt16_to_nt4[16];

typedef enum { SIO_FASTA = 1, SIO_FASTQ, SIO_SAM, SIO_BAM, SIO_CRAM, SIO_FAIDX } sio_kind_t;

typedef struct {
	int threads;            /* extra decompression threads (0: none) */
	const char *reference;  /* FASTA for CRAM decoding; NULL: from the header / REF_PATH */
	char **regions;         /* "chr", "chr:beg-end" (1-based inclusive) … */
	int n_regions;
	const char *bed;        /* BED file of regions (0-based half-open) */
	int flag_require;       /* reads: keep only records with all these flags */
	int flag_exclude;       /* reads: drop records with any of these flags */
	int min_mapq;           /* reads: drop records with MAPQ below this */
	int original_strand;    /* reads: reverse-complement 0x10 reads back to the
	                         * sequencing orientation, as `samtools fasta` does */
	int64_t chunk;          /* max bases per delivered chunk; 0: whole records */
	int64_t overlap;        /* bases shared by consecutive chunks, < chunk */
} sio_opts_t;

/** Default options: no threads, exclude secondary+supplementary (0x900, as
 *  samtools fasta), whole records. */
void sio_opts_init(sio_opts_t *o);

/* One chunk of one record.  All memory belongs to the reader and is valid
 * until the next sio_read() or sio_close(). */
typedef struct {
	const char *name;       /* up to the first whitespace; "chr:beg-end" for regions */
	const char *desc;       /* rest of the header line, "" if none */
	int64_t len;            /* record length; -1 while unknown (streamed FASTA, until is_last) */
	int64_t offset;         /* coordinate of record base 0 in its source: region start
	                         * on a reference, mapping position for a read, else 0 */
	int64_t beg;            /* position of seq[0] within the record */
	int64_t n;              /* bases in this chunk */
	const uint8_t *seq;     /* n bases, nt16 | SIO_SOFTMASK */
	const char *qual;       /* n Phred+33 characters, or NULL (FASTA) */
	int is_first, is_last;  /* first / last chunk of the record */
	int64_t rec_index;      /* 0-based index of the record in the input */
	/* reads from SAM/BAM/CRAM; flag = -1 for other sources */
	int flag, mapq;
	const char *chrom;      /* reference name, NULL when unmapped */
	int64_t end;            /* end of the alignment on the reference (0-based excl.) */
	const uint32_t *cigar;  /* reads: CIGAR in htslib's encoding (bam_cigar_op/oplen), */
	int n_cigar;            /* as stored: it describes SEQ as stored, not as --original-strand shows it */
} sio_rec_t;

typedef struct sio_reader sio_reader_t;

/** Open `path` ("-": stdin).  Regions or a BED file turn a FASTA into an
 *  indexed reference (a .fai is built next to it when missing, as samtools
 *  faidx does) and a BAM/CRAM into an index query.
 *  @param out  reader allocated here; free with sio_close()
 *  @param err  TS_ERRLEN buffer for the reason of a failure
 *  @return TS_OK, TS_EUSAGE (bad region/option), TS_EDATA, or TS_EIO. */
int sio_open(sio_reader_t **out, const char *path, const sio_opts_t *o, char *err);

/** Next chunk.  @return TS_OK, TS_EOF at the end, or an error status with the
 *  message in sio_error() ("path:line: what" for text, record name for reads). */
int sio_read(sio_reader_t *r, sio_rec_t *rec);

const char *sio_error(const sio_reader_t *r);

/** SAM/BAM/CRAM: the records read so far, before the flag and MAPQ filters. */
int64_t sio_records_read(const sio_reader_t *r);

/** SAM/BAM/CRAM: the length of `chrom` in the header (@SQ LN), or -1. */
int64_t sio_target_len(const sio_reader_t *r, const char *chrom);
sio_kind_t sio_kind(const sio_reader_t *r);
const char *sio_kind_name(sio_kind_t k);

void sio_close(sio_reader_t *r);

/** Encode n characters of text as base codes (nt16 | SIO_SOFTMASK).
 *  @return -1 - index of the first character that is not an IUPAC code, or 0. */
int64_t sio_encode(const char *text, int64_t n, uint8_t *out);

/** Write n bases as text: IUPAC letters, lowercase where soft-masked. */
void sio_decode(const uint8_t *seq, int64_t n, char *out);

#endif
