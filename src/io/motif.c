/* motif: read MEME minimal, JASPAR and TRANSFAC motif files, write MEME.
 *
 * The whole file is read into memory first (motif databases are small) and
 * cut into lines in place; each format then walks the lines with one-line
 * lookahead.  Every check reports "name:line: what" through the reader. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>
#include "io/motif.h"
#include "util/log.h"
#include "util/parse.h"

/* Six printed decimals put each of 4 values within 0.5e-6 of the truth, so a
 * row read back from our own output may be off by up to 2e-6.  Rows closer
 * than this are kept as written, which makes MEME -> MEME a fixed point. */
#define ROUNDING_SLACK (2e-6 + 1e-12)
#define ROW_TOL 0.01     /* MEME rows: JASPAR's exports round to 6 decimals */
#define BG_TOL 1e-3
#define MEME_NSITES 20.0 /* MEME's default when nsites= is absent */

typedef struct {
	const char *name;  /* for messages */
	char *buf;         /* copy of the text; lines are cut in place */
	size_t len, pos;
	int lineno;
	char *line;        /* current line without its '\r\n' */
	int pushed;        /* next_line() returns the current line again */
	char *scratch;     /* tokens point in here, never into buf */
	char **tok;
	int ntok, mtok;
	double *val;       /* numbers of the matrix being read */
	int nval, mval;
	char *err;
	motif_set_t *set;
	int *ids, n_ids;   /* open-addressing table of the set's ids: motif index + 1, 0 empty */
} reader_t;

static const char *const LETTERS = "ACGT";

static int rfail(reader_t *r, int line, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int rfail(reader_t *r, int line, const char *fmt, ...)
{
	char msg[TS_ERRLEN];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	return ts_fail(r->err, TS_EDATA, "%s:%d: %s", r->name, line > 0 ? line : 1, msg);
}

static int nomem(reader_t *r)
{
	return ts_fail(r->err, TS_ENOMEM, "%s: out of memory", r->name);
}

static int next_line(reader_t *r)
{
	char *s, *nl;
	size_t n;
	if (r->pushed) {
		r->pushed = 0;
		return 1;
	}
	if (r->pos >= r->len) return 0;
	s = r->buf + r->pos;
	nl = memchr(s, '\n', r->len - r->pos);
	n = nl ? (size_t)(nl - s) : r->len - r->pos;
	s[n] = '\0';  /* buf has one spare byte for a last line without '\n' */
	r->pos += n + 1;
	if (n > 0 && s[n - 1] == '\r') s[n - 1] = '\0';
	r->line = s;
	r->lineno++;
	return 1;
}

/* Split `s` on blanks into r->tok; brackets too when `brackets` (JASPAR).
 * @return number of tokens, or -1 when out of memory. */
static int split(reader_t *r, const char *s, int brackets)
{
	char *p;
	strcpy(r->scratch, s);
	r->ntok = 0;
	for (p = r->scratch; *p; ) {
		while (*p == ' ' || *p == '\t' || *p == '\r' || (brackets && (*p == '[' || *p == ']'))) *p++ = '\0';
		if (*p == '\0') break;
		if (r->ntok == r->mtok) {
			int m = r->mtok ? 2 * r->mtok : 64;
			char **t = realloc(r->tok, m * sizeof *t);
			if (!t) return -1;
			r->tok = t, r->mtok = m;
		}
		r->tok[r->ntok++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\r' && !(brackets && (*p == '[' || *p == ']'))) p++;
	}
	return r->ntok;
}

static int push_val(reader_t *r, double x)
{
	if (r->nval == r->mval) {
		int m = r->mval ? 2 * r->mval : 256;
		double *v = realloc(r->val, m * sizeof *v);
		if (!v) return -1;
		r->val = v, r->mval = m;
	}
	r->val[r->nval++] = x;
	return 0;
}

/* A matrix value: finite, strictly parsed, not negative. */
static int parse_value(reader_t *r, const char *tok, double *x)
{
	if (ts_parse_double(tok, x) < 0)
		return rfail(r, r->lineno, "'%s' is not a finite number", tok);
	if (*x < 0)
		return rfail(r, r->lineno, "negative value %s", tok);
	if (*x == 0) *x = 0;  /* no -0 in the output */
	return TS_OK;
}

static int starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static const char *skip_blanks(const char *s)
{
	while (*s == ' ' || *s == '\t' || *s == '\r') s++;
	return s;
}

static int letter_index(const char *tok)
{
	const char *p;
	if (tok[0] == '\0' || tok[1] != '\0' || (p = strchr(LETTERS, tok[0])) == NULL) return -1;
	return (int)(p - LETTERS);
}

/* Rescale x[0..3] to sum exactly 1, unless it is within the rounding of our
 * own 6-decimal output (see ROUNDING_SLACK). */
static void normalise4(double *x)
{
	double s = x[0] + x[1] + x[2] + x[3];
	int b;
	if (fabs(s - 1.0) <= ROUNDING_SLACK) return;
	for (b = 0; b < 4; b++) x[b] /= s;
}

/* The slot of id in r->ids: the one holding it, else the empty one where
 * it goes (FNV-1a hash, linear probing; the table is at most half full). */
static int *id_slot(const reader_t *r, const char *id)
{
	uint32_t h = 2166136261u;
	const unsigned char *c;
	for (c = (const unsigned char *)id; *c; c++) h = (h ^ *c) * 16777619u;
	for (h &= r->n_ids - 1;; h = (h + 1) & (r->n_ids - 1))
		if (r->ids[h] == 0 || strcmp(r->set->a[r->ids[h] - 1].id, id) == 0) return &r->ids[h];
}

/* Room in r->ids for one more id: doubled and refilled at half full, so a
 * file of n motifs checks its ids in O(n), not O(n²) comparisons. */
static int ids_reserve(reader_t *r)
{
	int i, *old = r->ids, n_old = r->n_ids;
	if (2 * (r->set->n + 1) <= r->n_ids) return TS_OK;
	r->n_ids = n_old ? 2 * n_old : 1024;
	if ((r->ids = calloc(r->n_ids, sizeof *r->ids)) == NULL) {
		r->ids = old, r->n_ids = n_old;
		return TS_ENOMEM;
	}
	for (i = 0; i < r->set->n; i++) *id_slot(r, r->set->a[i].id) = i + 1;
	free(old);
	return TS_OK;
}

/* Append a motif with a new id; the caller fills w, p and nsites. */
static int add_motif(reader_t *r, const char *id, const char *alt, int line, motif_t **out)
{
	motif_set_t *set = r->set;
	motif_t *m;
	int *slot;
	if (ids_reserve(r) < 0) return nomem(r);
	if (*(slot = id_slot(r, id)) != 0)
		return rfail(r, line, "duplicate motif id %s (first at line %d)", id, set->a[*slot - 1].line);
	if (set->n == set->m) {
		int mm = set->m ? 2 * set->m : 64;
		motif_t *a = realloc(set->a, mm * sizeof *a);
		if (!a) return nomem(r);
		set->a = a, set->m = mm;
	}
	m = &set->a[set->n];
	memset(m, 0, sizeof *m);
	m->line = line;
	m->nsites = MEME_NSITES;
	if ((m->id = strdup(id)) == NULL || (alt && (m->alt = strdup(alt)) == NULL)) {
		free(m->id);
		return nomem(r);
	}
	*slot = ++set->n;
	*out = m;
	return TS_OK;
}

/* Turn counts (p[4*i+b]) into probabilities.  Position totals differ
 * slightly in real matrices (rounding, trimming), so nsites needs a
 * convention: the first position's total rounded to an integer (at least 1),
 * which is what JASPAR's own MEME export writes, so a scan of a count matrix
 * and of its MEME export gets the same pseudocounts. */
static int counts_to_probs(reader_t *r, motif_t *m, int line)
{
	int i, b;
	double first = 0;
	for (i = 0; i < m->w; i++) {
		double *x = &m->p[4 * i], s = x[0] + x[1] + x[2] + x[3];
		if (s <= 0) return rfail(r, line, "position %d of motif %s has no counts (all zero)", i + 1, m->id);
		if (!isfinite(s)) return rfail(r, line, "position %d of motif %s: the counts are too large to add up", i + 1, m->id);
		for (b = 0; b < 4; b++) x[b] /= s;
		if (i == 0) first = s;
	}
	m->nsites = floor(first + 0.5) < 1 ? 1 : floor(first + 0.5);
	return TS_OK;
}

/* --- MEME minimal format ------------------------------------------------ */

static int is_row_line(const char *tok)
{
	return strchr("0123456789.+-", tok[0]) != NULL || strncasecmp(tok, "nan", 3) == 0 || strncasecmp(tok, "inf", 3) == 0;
}

/* A custom ALPHABET block is accepted only when its core letters are A, C,
 * G and T (MEME's own DNA definition); ambiguity lines "X = ..." are ignored. */
static int meme_alphabet_block(reader_t *r)
{
	int start = r->lineno, seen[4] = {0, 0, 0, 0}, other = 0, i, b;
	while (next_line(r)) {
		if (split(r, r->line, 0) < 0) return nomem(r);
		if (r->ntok == 0) continue;
		if (strcmp(r->tok[0], "END") == 0 && r->ntok > 1 && strcmp(r->tok[1], "ALPHABET") == 0) {
			for (b = 0; b < 4; b++) other |= !seen[b];
			if (other) return rfail(r, start, "only the DNA alphabet ACGT is supported");
			return TS_OK;
		}
		for (i = 0; i < r->ntok && strcmp(r->tok[i], "=") != 0; i++) {}
		if (i < r->ntok) continue;
		for (i = 0; i < r->ntok; i++) {
			/* symbol lines: X ["name"] [colour] [~ Y ["name"] [colour]] */
			if (i == 0 || strcmp(r->tok[i - 1], "~") == 0) {
				if ((b = letter_index(r->tok[i])) >= 0) seen[b] = 1;
				else other = 1;
			}
		}
	}
	return rfail(r, r->lineno, "ALPHABET block from line %d has no END ALPHABET", start);
}

static int meme_background(reader_t *r)
{
	int start = r->lineno, seen = 0, i, b;
	double *bg = r->set->bg, s;
	while (seen < 4 && next_line(r)) {
		if (split(r, r->line, 0) < 0) return nomem(r);
		if (r->ntok == 0) continue;
		if (letter_index(r->tok[0]) < 0) {
			r->pushed = 1;
			break;
		}
		for (i = 0; i < r->ntok; i += 2) {
			double x;
			if ((b = letter_index(r->tok[i])) < 0)
				return rfail(r, r->lineno, "'%s' is not a DNA letter (A, C, G or T)", r->tok[i]);
			if (seen & 1 << b) return rfail(r, r->lineno, "background gives %s twice", r->tok[i]);
			if (i + 1 == r->ntok) return rfail(r, r->lineno, "background letter %s has no frequency", r->tok[i]);
			if (parse_value(r, r->tok[i + 1], &x) < 0) return TS_EDATA;
			if (x == 0) return rfail(r, r->lineno, "background frequency of %s is 0", r->tok[i]);
			bg[b] = x;
			seen |= 1 << b;
		}
	}
	if (seen != 15) return rfail(r, start, "background letter frequencies do not give all of A, C, G and T");
	s = bg[0] + bg[1] + bg[2] + bg[3];
	if (fabs(s - 1.0) > BG_TOL) return rfail(r, start, "background frequencies sum to %.6f, not 1", s);
	normalise4(bg);
	r->set->has_bg = 1;
	return TS_OK;
}

/* "letter-probability matrix: alength= 4 w= 6 nsites= 20 E= 0", with or
 * without a blank after each '='. */
static int meme_matrix_keys(reader_t *r, motif_t *m, const char *rest, int *w)
{
	int i;
	if (split(r, rest, 0) < 0) return nomem(r);
	for (i = 0; i < r->ntok; i++) {
		char *key = r->tok[i], *eq = strchr(key, '='), *val;
		int v;
		if (eq == NULL) return rfail(r, r->lineno, "expected key= value, found '%s'", key);
		*eq = '\0';
		val = eq[1] ? eq + 1 : i + 1 < r->ntok ? r->tok[++i] : NULL;
		if (val == NULL) return rfail(r, r->lineno, "%s= has no value", key);
		if (strcmp(key, "alength") == 0) {
			if (ts_parse_int(val, 0, INT32_MAX, &v) < 0 || v != 4)
				return rfail(r, r->lineno, "alength= %s: only the 4-letter DNA alphabet is supported", val);
		} else if (strcmp(key, "w") == 0) {
			if (ts_parse_int(val, 0, 1000000, w) < 0) return rfail(r, r->lineno, "w= %s is not a width", val);
			if (*w == 0) return rfail(r, r->lineno, "motif %s is empty (w= 0)", m->id);
		} else if (strcmp(key, "nsites") == 0) {
			if (ts_parse_double(val, &m->nsites) < 0 || m->nsites <= 0)
				return rfail(r, r->lineno, "nsites= %s is not a positive number", val);
		} else if (strcmp(key, "E") == 0) {
			if (ts_parse_double(val, &m->evalue) < 0 || m->evalue < 0)
				return rfail(r, r->lineno, "E= %s is not an E-value", val);
		}
	}
	return TS_OK;
}

static int meme_matrix(reader_t *r, motif_t *m, const char *rest)
{
	int w = -1, b, st;
	if (m->p) return rfail(r, r->lineno, "second letter-probability matrix for motif %s", m->id);
	if ((st = meme_matrix_keys(r, m, rest, &w)) < 0) return st;
	r->nval = 0;
	while (next_line(r)) {
		double *x, s;
		if (split(r, r->line, 0) < 0) return nomem(r);
		if (r->ntok == 0 || !is_row_line(r->tok[0])) {
			r->pushed = 1;
			break;
		}
		if (w >= 0 && r->nval == 4 * w)
			return rfail(r, r->lineno, "motif %s has more rows than w= %d", m->id, w);
		if (r->ntok != 4) return rfail(r, r->lineno, "row has %d values, expected 4 (A C G T)", r->ntok);
		for (b = 0; b < 4; b++) {
			double v;
			if (parse_value(r, r->tok[b], &v) < 0) return TS_EDATA;
			if (push_val(r, v) < 0) return nomem(r);
		}
		x = &r->val[r->nval - 4];
		s = x[0] + x[1] + x[2] + x[3];
		if (fabs(s - 1.0) > ROW_TOL)
			return rfail(r, r->lineno, "position %d of motif %s sums to %.6f, not 1", r->nval / 4, m->id, s);
		normalise4(x);
	}
	if (r->nval == 0) return rfail(r, r->lineno, "motif %s has no matrix rows", m->id);
	if (w >= 0 && r->nval < 4 * w)
		return rfail(r, r->lineno, "motif %s ends after %d of w= %d rows", m->id, r->nval / 4, w);
	m->w = r->nval / 4;
	if ((m->p = malloc(r->nval * sizeof *m->p)) == NULL) return nomem(r);
	memcpy(m->p, r->val, r->nval * sizeof *m->p);
	return TS_OK;
}

/* The log-odds section duplicates the probabilities; skip its rows. */
static void meme_skip_rows(reader_t *r)
{
	while (next_line(r)) {
		const char *s = skip_blanks(r->line);
		if (*s == '\0' || !is_row_line(s)) {
			r->pushed = 1;
			return;
		}
	}
}

static int meme_check_done(reader_t *r, motif_t *m)
{
	if (m && m->p == NULL) return rfail(r, m->line, "motif %s has no letter-probability matrix", m->id);
	return TS_OK;
}

static int read_meme(reader_t *r)
{
	motif_t *m = NULL;
	int st, version_seen = 0;
	while (next_line(r)) {
		const char *s = skip_blanks(r->line);
		if (*s == '\0') continue;
		if (!version_seen) {
			/* detect_format() made sure this is the first line */
			if (split(r, s, 0) < 0) return nomem(r);
			if (r->ntok < 3) return rfail(r, r->lineno, "MEME version line has no version number");
			version_seen = 1;
		} else if (starts_with(s, "MEME version")) {
			return rfail(r, r->lineno, "second MEME version line");
		} else if (starts_with(s, "ALPHABET=")) {
			if (split(r, s + 9, 0) < 0) return nomem(r);
			if (r->ntok != 1 || strcmp(r->tok[0], "ACGT") != 0)
				return rfail(r, r->lineno, "alphabet %s is not supported (only DNA ACGT)", r->ntok ? r->tok[0] : "(empty)");
		} else if (starts_with(s, "ALPHABET")) {
			if ((st = meme_alphabet_block(r)) < 0) return st;
		} else if (starts_with(s, "strands:")) {
			if (split(r, s + 8, 0) < 0) return nomem(r);
			if (r->ntok == 1 && strcmp(r->tok[0], "+") == 0) r->set->strands = 1;
			else if (r->ntok == 2 && strcmp(r->tok[0], "+") == 0 && strcmp(r->tok[1], "-") == 0) r->set->strands = 2;
			else return rfail(r, r->lineno, "strands: must be '+ -' or '+'");
		} else if (starts_with(s, "Background letter frequencies")) {
			if ((st = meme_background(r)) < 0) return st;
		} else if (starts_with(s, "MOTIF")) {
			if ((st = meme_check_done(r, m)) < 0) return st;
			if (split(r, s, 0) < 0) return nomem(r);
			if (r->ntok < 2 || strcmp(r->tok[0], "MOTIF") != 0) return rfail(r, r->lineno, "MOTIF line has no motif id");
			if ((st = add_motif(r, r->tok[1], r->ntok > 2 ? r->tok[2] : NULL, r->lineno, &m)) < 0) return st;
		} else if (starts_with(s, "letter-probability matrix:")) {
			if (m == NULL) return rfail(r, r->lineno, "letter-probability matrix before any MOTIF line");
			if ((st = meme_matrix(r, m, s + 26)) < 0) return st;
		} else if (starts_with(s, "log-odds matrix:")) {
			meme_skip_rows(r);
		} else if (starts_with(s, "URL")) {
			if (m == NULL) return rfail(r, r->lineno, "URL line before any MOTIF line");
			free(m->url);
			if ((m->url = strdup(skip_blanks(s + 3))) == NULL) return nomem(r);
		} else if (m && m->p && is_row_line(s)) {
			return rfail(r, r->lineno, "motif %s has more rows than its matrix header allows", m->id);
		} else {
			return rfail(r, r->lineno, "unexpected line in MEME file: '%.40s'", s);
		}
	}
	return meme_check_done(r, m);
}

/* --- JASPAR ---------------------------------------------------------------- */

typedef struct {
	motif_t *m;
	int nrows, w;
	int row_of[4];  /* letter of the k-th row read */
} jaspar_t;

static int jaspar_finish(reader_t *r, jaspar_t *j)
{
	int k, i;
	motif_t *m = j->m;
	if (m == NULL) return TS_OK;
	if (j->nrows < 4)
		return rfail(r, m->line, "motif %s has %d rows, expected 4 (A, C, G, T)", m->id, j->nrows);
	if (j->w == 0) return rfail(r, m->line, "motif %s is empty (no counts)", m->id);
	if ((m->p = malloc(4 * j->w * sizeof *m->p)) == NULL) return nomem(r);
	m->w = j->w;
	for (k = 0; k < 4; k++)
		for (i = 0; i < j->w; i++)
			m->p[4 * i + j->row_of[k]] = r->val[k * j->w + i];
	return counts_to_probs(r, m, m->line);
}

static int jaspar_row(reader_t *r, jaspar_t *j)
{
	int k, b, first = 0, used = 0;
	const char *lb = strchr(r->line, '['), *rb = strchr(r->line, ']');
	/* "A [ 1 2 3 ]" or bare "1 2 3": one pair of brackets around the counts, or none */
	if ((lb == NULL) != (rb == NULL) || (lb && (rb < lb || strchr(lb + 1, '[') || strchr(rb + 1, ']') ||
						   *skip_blanks(rb + 1) != '\0')))
		return rfail(r, r->lineno, "row of motif %s: unbalanced '[' ']' (expected 'A [ counts ]')", j->m->id);
	if (split(r, r->line, 1) < 0) return nomem(r);
	if (r->ntok == 0) return rfail(r, r->lineno, "row of motif %s has no counts", j->m->id);
	if (isalpha((unsigned char)r->tok[0][0])) {
		if ((b = letter_index(r->tok[0])) < 0)
			return rfail(r, r->lineno, "'%s' is not a row label (A, C, G or T)", r->tok[0]);
		first = 1;
	} else {
		b = j->nrows;  /* bare pfm rows come in A, C, G, T order */
	}
	if (j->nrows == 4) return rfail(r, r->lineno, "motif %s has more than 4 rows", j->m->id);
	for (k = 0; k < j->nrows; k++) used |= 1 << j->row_of[k];
	if (used & 1 << b) return rfail(r, r->lineno, "motif %s has two %c rows", j->m->id, LETTERS[b]);
	if (j->nrows > 0 && r->ntok - first != j->w)
		return rfail(r, r->lineno, "row %c of motif %s has %d counts, row %c has %d", LETTERS[b], j->m->id,
			r->ntok - first, LETTERS[j->row_of[0]], j->w);
	for (k = first; k < r->ntok; k++) {
		double x;
		if (parse_value(r, r->tok[k], &x) < 0) return TS_EDATA;
		if (push_val(r, x) < 0) return nomem(r);
	}
	j->w = r->ntok - first;
	j->row_of[j->nrows++] = b;
	return TS_OK;
}

static int read_jaspar(reader_t *r)
{
	jaspar_t j;
	int st;
	memset(&j, 0, sizeof j);
	while (next_line(r)) {
		const char *s = skip_blanks(r->line);
		if (*s == '\0') continue;
		if (*s == '>') {
			if ((st = jaspar_finish(r, &j)) < 0) return st;
			memset(&j, 0, sizeof j);
			r->nval = 0;
			if (split(r, s + 1, 0) < 0) return nomem(r);
			if (r->ntok == 0) return rfail(r, r->lineno, "'>' header without a motif id");
			if ((st = add_motif(r, r->tok[0], r->ntok > 1 ? r->tok[1] : NULL, r->lineno, &j.m)) < 0) return st;
		} else if (j.m == NULL) {
			return rfail(r, r->lineno, "count row before any '>' header");
		} else if ((st = jaspar_row(r, &j)) < 0) {
			return st;
		}
	}
	return jaspar_finish(r, &j);
}

/* --- TRANSFAC --------------------------------------------------------------- */

typedef struct {
	int start;          /* line of the record's first tag, 0 if none yet */
	char *ac, *id, *na;
	int has_p0, col[4]; /* column k of the numbered rows holds letter col[k] */
	int nrows;
} transfac_t;

static void transfac_reset(transfac_t *t)
{
	free(t->ac);
	free(t->id);
	free(t->na);
	memset(t, 0, sizeof *t);
}

static int set_tag(reader_t *r, char **dst)
{
	if (r->ntok < 2) return rfail(r, r->lineno, "%s line has no value", r->tok[0]);
	free(*dst);
	return (*dst = strdup(r->tok[1])) ? TS_OK : nomem(r);
}

static int transfac_p0(reader_t *r, transfac_t *t)
{
	int k, b, seen = 0;
	if (t->has_p0) return rfail(r, r->lineno, "second %s header in one record", r->tok[0]);
	if (r->ntok != 5) return rfail(r, r->lineno, "%s header must name the 4 columns A, C, G and T", r->tok[0]);
	for (k = 0; k < 4; k++) {
		if ((b = letter_index(r->tok[k + 1])) < 0 || (seen & 1 << b))
			return rfail(r, r->lineno, "%s header must name the 4 columns A, C, G and T", r->tok[0]);
		seen |= 1 << b;
		t->col[k] = b;
	}
	t->has_p0 = 1;
	return TS_OK;
}

static int transfac_row(reader_t *r, transfac_t *t)
{
	int k, n = r->ntok - 1, num;
	double x[4] = {0, 0, 0, 0}, s;
	const char *name = t->ac ? t->ac : t->id ? t->id : "(unnamed)";
	if (!t->has_p0) return rfail(r, r->lineno, "numbered row before the P0 header");
	if (ts_parse_int(r->tok[0], 1, 1000000, &num) < 0 || num != t->nrows + 1)
		return rfail(r, r->lineno, "row number %s out of order, expected %02d", r->tok[0], t->nrows + 1);
	/* an optional trailing consensus letter is not a count */
	if (n == 5 && isalpha((unsigned char)r->tok[5][0]) && r->tok[5][1] == '\0') n = 4;
	if (n != 4) return rfail(r, r->lineno, "row has %d values, expected 4 (A C G T)", n);
	for (k = 0; k < 4; k++)
		if (parse_value(r, r->tok[k + 1], &x[t->col[k]]) < 0) return TS_EDATA;
	s = x[0] + x[1] + x[2] + x[3];
	if (s <= 0) return rfail(r, r->lineno, "position %d of motif %s has no counts (all zero)", num, name);
	for (k = 0; k < 4; k++)
		if (push_val(r, x[k]) < 0) return nomem(r);
	t->nrows++;
	return TS_OK;
}

static int transfac_finish(reader_t *r, transfac_t *t)
{
	motif_t *m;
	const char *id = t->ac ? t->ac : t->id, *alt = t->ac ? (t->id ? t->id : t->na) : t->na;
	int st;
	if (id == NULL) return rfail(r, t->start, "record has no AC or ID line");
	if (t->nrows == 0) return rfail(r, t->start, "motif %s has no matrix rows", id);
	if ((st = add_motif(r, id, alt, t->start, &m)) < 0) return st;
	if ((m->p = malloc(r->nval * sizeof *m->p)) == NULL) return nomem(r);
	memcpy(m->p, r->val, r->nval * sizeof *m->p);
	m->w = t->nrows;
	return counts_to_probs(r, m, t->start);
}

static int transfac_line(reader_t *r, transfac_t *t)
{
	const char *t0 = r->tok[0];
	if (isdigit((unsigned char)t0[0])) {
		if (t->start == 0) t->start = r->lineno;
		return transfac_row(r, t);
	}
	if (strlen(t0) != 2) return rfail(r, r->lineno, "unexpected line in TRANSFAC file: '%.40s'", r->line);
	if (strcmp(t0, "P0") == 0 || strcmp(t0, "PO") == 0) {
		if (t->start == 0) t->start = r->lineno;
		return transfac_p0(r, t);
	}
	if (strcmp(t0, "AC") && strcmp(t0, "ID") && strcmp(t0, "NA")) return TS_OK;  /* XX, DE, CC, BF, VV... */
	if (t->start == 0) t->start = r->lineno;
	return set_tag(r, t0[0] == 'A' ? &t->ac : t0[0] == 'I' ? &t->id : &t->na);
}

static int read_transfac(reader_t *r)
{
	transfac_t t;
	int st = TS_OK;
	memset(&t, 0, sizeof t);
	r->nval = 0;
	while (st == TS_OK && next_line(r)) {
		if (split(r, r->line, 0) < 0) {
			st = nomem(r);
		} else if (r->ntok == 0) {
			continue;
		} else if (strcmp(r->tok[0], "//") == 0) {
			if (t.start) st = transfac_finish(r, &t);
			transfac_reset(&t);
			r->nval = 0;
		} else {
			st = transfac_line(r, &t);
		}
	}
	if (st == TS_OK && t.start)
		st = rfail(r, r->lineno, "file ends inside the record starting at line %d (no '//')", t.start);
	transfac_reset(&t);
	return st;
}

/* --- detection and entry points --------------------------------------------- */

static enum motif_format detect_format(reader_t *r)
{
	static const char *const tags[] = {"AC", "ID", "NA", "P0", "PO", "VV", "XX", "DE", "BF", "CC", "//"};
	size_t i;
	while (next_line(r)) {
		const char *s = skip_blanks(r->line);
		if (split(r, s, 0) <= 0) continue;  /* blank, or out of memory: reported as not a motif file */
		r->pushed = 1;
		if (starts_with(s, "MEME version")) return MOTIF_FMT_MEME;
		if (*s == '>') return MOTIF_FMT_JASPAR;
		for (i = 0; i < sizeof tags / sizeof tags[0]; i++)
			if (strcmp(r->tok[0], tags[i]) == 0) return MOTIF_FMT_TRANSFAC;
		break;
	}
	return MOTIF_FMT_UNKNOWN;
}

int motif_read_mem(const char *name, const char *text, size_t len, motif_set_t **out, char *err)
{
	reader_t r;
	motif_set_t *set;
	int st, b;
	*out = NULL;
	memset(&r, 0, sizeof r);
	r.name = name, r.err = err, r.len = len;
	r.buf = malloc(len + 1);
	r.scratch = malloc(len + 1);
	set = r.set = calloc(1, sizeof *set);
	if (!r.buf || !r.scratch || !set) {
		st = nomem(&r);
		goto done;
	}
	memcpy(r.buf, text, len);
	r.buf[len] = '\0';
	for (b = 0; b < 4; b++) set->bg[b] = 0.25;
	set->strands = 2;
	set->format = detect_format(&r);
	switch (set->format) {
	case MOTIF_FMT_MEME: st = read_meme(&r); break;
	case MOTIF_FMT_JASPAR: st = read_jaspar(&r); break;
	case MOTIF_FMT_TRANSFAC: st = read_transfac(&r); break;
	default:
		if (r.pushed) st = rfail(&r, r.lineno, "not a MEME, JASPAR or TRANSFAC motif file");
		else st = TS_OK;  /* no text at all: reported below */
	}
	if (st == TS_OK && set->n == 0) st = rfail(&r, r.lineno, "no motifs found");
done:
	free(r.buf);
	free(r.scratch);
	free(r.tok);
	free(r.val);
	free(r.ids);
	if (st != TS_OK) {
		motif_set_free(set);
		return st;
	}
	*out = set;
	return TS_OK;
}

/* zlib reads plain and gzip-compressed files alike. */
int motif_read(const char *path, motif_set_t **out, char *err)
{
	const char *name = strcmp(path, "-") == 0 ? "<stdin>" : path;
	gzFile gz;
	char *text = NULL;
	size_t len = 0, cap = 0;
	int n, st;
	*out = NULL;
	if (strcmp(path, "-") == 0) {
		int fd = dup(STDIN_FILENO);  /* gzclose must not close stdin */
		gz = fd >= 0 ? gzdopen(fd, "rb") : NULL;
		if (gz == NULL && fd >= 0) close(fd);
	} else {
		gz = gzopen(path, "rb");
	}
	if (gz == NULL) return ts_fail(err, errno == ENOMEM ? TS_ENOMEM : TS_EIO, "%s: %s", name, strerror(errno ? errno : EIO));
	for (;;) {
		if (cap - len < 65536) {
			char *t = realloc(text, cap = cap ? 2 * cap : 1 << 20);
			if (!t) {
				free(text);
				gzclose(gz);
				return ts_fail(err, TS_ENOMEM, "%s: out of memory", name);
			}
			text = t;
		}
		errno = 0;
		if ((n = gzread(gz, text + len, (unsigned)(cap - len))) <= 0) break;
		len += n;
	}
	/* A gzip stream cut short reads as a short file: gzread() returns 0 and
	 * only gzerror() says Z_BUF_ERROR.  Parsing the partial text would report
	 * a bogus row error, or none if the cut fell between two motifs. */
	int zerr = Z_OK;
	const char *msg = gzerror(gz, &zerr);
	if (n < 0 || zerr != Z_OK) {
		if (zerr == Z_BUF_ERROR)
			st = ts_fail(err, TS_EDATA, "%s: truncated gzip data after %zu bytes (the compressed stream ends early)", name, len);
		else if (zerr == Z_ERRNO)
			st = ts_fail(err, TS_EIO, "%s: %s", name, strerror(errno));
		else if (zerr == Z_MEM_ERROR)
			st = ts_fail(err, TS_ENOMEM, "%s: out of memory", name);
		else {
			const char *colon = strrchr(msg, ':');  /* zlib prefixes its own copy of the path */
			st = ts_fail(err, TS_EDATA, "%s: corrupt gzip data after %zu bytes: %s", name, len, colon ? colon + 2 : msg);
		}
		free(text);
		gzclose(gz);
		return st;
	}
	gzclose(gz);
	st = motif_read_mem(name, text, len, out, err);
	free(text);
	return st;
}

int motif_write_meme(FILE *fp, const motif_set_t *set)
{
	int i, k;
	fprintf(fp, "MEME version 4\n\nALPHABET= ACGT\n\nstrands: %s\n\n", set->strands == 1 ? "+" : "+ -");
	fprintf(fp, "Background letter frequencies\nA %.6f C %.6f G %.6f T %.6f\n\n", set->bg[0], set->bg[1], set->bg[2], set->bg[3]);
	for (i = 0; i < set->n; i++) {
		const motif_t *m = &set->a[i];
		fprintf(fp, "MOTIF %s%s%s\n", m->id, m->alt ? " " : "", m->alt ? m->alt : "");
		fprintf(fp, "letter-probability matrix: alength= 4 w= %d nsites= %.10g E= %g\n", m->w, m->nsites, m->evalue);
		for (k = 0; k < m->w; k++) {
			const double *x = &m->p[4 * k];
			fprintf(fp, " %.6f %.6f %.6f %.6f\n", x[0], x[1], x[2], x[3]);
		}
		if (m->url) fprintf(fp, "URL %s\n", m->url);
		fputc('\n', fp);
	}
	return ferror(fp) ? -1 : 0;
}

int motif_find(const motif_set_t *set, const char *id)
{
	int i;
	for (i = 0; i < set->n; i++)
		if (strcmp(set->a[i].id, id) == 0) return i;
	return -1;
}

void motif_set_free(motif_set_t *set)
{
	int i;
	if (set == NULL) return;
	for (i = 0; i < set->n; i++) {
		free(set->a[i].id);
		free(set->a[i].alt);
		free(set->a[i].url);
		free(set->a[i].p);
	}
	free(set->a);
	free(set);
}

const char *motif_format_name(enum motif_format f)
{
	switch (f) {
	case MOTIF_FMT_MEME: return "MEME";
	case MOTIF_FMT_JASPAR: return "JASPAR";
	case MOTIF_FMT_TRANSFAC: return "TRANSFAC";
	default: return "unknown";
	}
}
