/* hits: motif hits as text — FIMO's TSV, BED6+2 and FIMO-style GFF3.
 *
 * A hit is filled by the scanner and written here; this module knows no
 * engine.  Coordinates come in 0-based half-open ([start, start+w)) and are
 * converted per format: TSV and GFF are 1-based inclusive, BED is 0-based. */
#ifndef TS_HITS_H
#define TS_HITS_H

#include <stdint.h>
#include <stdio.h>

typedef struct {
	const char *motif_id;
	const char *motif_alt;  /* NULL or "" when the motif has no alternate name */
	const char *seq_name;
	int64_t start;          /* 0-based */
	int w;
	char strand;            /* '+' or '-' */
	double score;           /* log2-odds */
	double pvalue;
	double qvalue;          /* NAN: not computed (column left empty) */
	const char *matched;    /* w chars in motif orientation (and a NUL), or NULL */
} hit_t;

typedef enum { HITS_TSV = 0, HITS_BED, HITS_GFF } hits_format_t;

/** Header line(s) of a format (TSV column names; GFF version line; BED none). */
void hits_write_header(FILE *fp, hits_format_t f);

/** One hit.  `n_in_seq` numbers GFF IDs within a sequence (1, 2, …). */
void hits_write(FILE *fp, hits_format_t f, const hit_t *h, int64_t n_in_seq);

/** The TSV line of h (newline included, not NUL-terminated) into buf of
 *  cap bytes; returns its length, or 0 (buf unused) if the line might not
 *  fit.  For writers that compose lines in threads of their own. */
size_t hits_tsv_line(char *buf, size_t cap, const hit_t *h);

/** The line in two parts, the same way: the motif's columns (motif_id and
 *  motif_alt_id, with their tabs), the same for all its hits, and the rest.
 *  A writer of many lines keeps the first part of each motif. */
size_t hits_tsv_motif(char *buf, size_t cap, const hit_t *h);
size_t hits_tsv_site(char *buf, size_t cap, const hit_t *h);

/** BED score: −10·log10(p) capped to 0..1000, rounded. */
int hits_bed_score(double pvalue);

#endif
