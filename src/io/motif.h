/* motif: DNA motif databases in MEME minimal, JASPAR and TRANSFAC formats.
 *
 * A motif is a position frequency matrix: w rows (positions) of 4
 * probabilities in A,C,G,T order, each row summing to 1.  Count matrices
 * (JASPAR, TRANSFAC) are normalised row by row and the row's total count is
 * kept as nsites (MEME's nsites=, default 20 when a MEME file omits it), since
 * the scanner's pseudocount is weighted by it.  The format is detected from
 * the content, not the file name.  Only a writer for MEME is provided: it is
 * the interchange format of the MEME suite and of tessera's own output.
 *
 * Every malformed input is rejected with "file:line: what is wrong". */
#ifndef TS_MOTIF_H
#define TS_MOTIF_H

#include <stdio.h>

enum motif_format { MOTIF_FMT_UNKNOWN = 0, MOTIF_FMT_MEME, MOTIF_FMT_JASPAR, MOTIF_FMT_TRANSFAC };

typedef struct {
	char *id;        /* unique within a set, never NULL */
	char *alt;       /* alternate name (MEME alt, JASPAR/TRANSFAC name), NULL if none */
	int w;           /* width, >= 1 */
	double *p;       /* w*4 probabilities, p[4*i + b], b in A,C,G,T */
	double nsites;   /* number of sites the matrix was built from (> 0) */
	double evalue;   /* MEME E= value, 0 when absent */
	char *url;       /* MEME URL line, NULL if none */
	int line;        /* line of the source file where the motif starts */
} motif_t;

typedef struct {
	int n, m;        /* number of motifs, allocated slots */
	motif_t *a;
	int has_bg;      /* 1 if the file gave background frequencies (MEME) */
	double bg[4];    /* background A,C,G,T; uniform when !has_bg */
	int strands;     /* MEME "strands:" line: 1 (+ only) or 2 (+ -); 2 when absent */
	enum motif_format format;  /* format the set was read from */
} motif_set_t;

/** Read every motif of `path` ("-" for stdin), detecting the format.
 *  @param out  set allocated by this function; caller frees with motif_set_free()
 *  @param err  TS_ERRLEN buffer for "path:line: message"
 *  @return TS_OK; TS_EDATA for malformed content; TS_EIO if unreadable. */
int motif_read(const char *path, motif_set_t **out, char *err);

/** Same, from a string already in memory (`name` is used in messages). */
int motif_read_mem(const char *name, const char *text, size_t len, motif_set_t **out, char *err);

/** Write the set in MEME minimal format, version 4, probabilities with 6
 *  decimals; @return 0, or -1 on a write error. */
int motif_write_meme(FILE *fp, const motif_set_t *set);

/** Index of the motif with this id, or -1. */
int motif_find(const motif_set_t *set, const char *id);

void motif_set_free(motif_set_t *set);

const char *motif_format_name(enum motif_format f);

#endif
