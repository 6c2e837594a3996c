/* pairs: read sequence pairs (consecutive records, or two files in step)
 * into memory for the pair HMM.  See pairs.h. */
#include <stdlib.h>
#include <string.h>
#include "io/pairs.h"
#include "io/seqio.h"
#include "util/log.h"

/* One whole record while a file is read. */
typedef struct {
	char *name;
	uint8_t *seq;
	int64_t len;
} one_rec_t;

typedef struct {
	one_rec_t *a;
	int64_t n, m;
} rec_list_t;

static void recs_free(rec_list_t *l)
{
	int64_t i;
	for (i = 0; i < l->n; i++) {
		free(l->a[i].name);
		free(l->a[i].seq);
	}
	free(l->a);
	memset(l, 0, sizeof *l);
}

/* Append a chunk to the last record; soft-mask bits dropped here, once. */
static int append_chunk(one_rec_t *r, const sio_rec_t *c)
{
	int64_t i;
	uint8_t *s = realloc(r->seq, r->len + c->n + 1);  /* +1: never malloc(0) */
	if (s == NULL) return TS_ENOMEM;
	for (i = 0; i < c->n; i++) s[r->len + i] = SIO_NT16(c->seq[i]);
	r->seq = s;
	r->len += c->n;
	return TS_OK;
}

static int start_record(rec_list_t *l, const char *name)
{
	if (l->n == l->m) {
		int64_t m = l->m ? 2 * l->m : 64;
		one_rec_t *a = realloc(l->a, m * sizeof *a);
		if (a == NULL) return TS_ENOMEM;
		l->a = a;
		l->m = m;
	}
	memset(&l->a[l->n], 0, sizeof l->a[l->n]);
	l->n++;  /* counted now so recs_free() frees a half-made record */
	if ((l->a[l->n - 1].name = strdup(name)) == NULL) return TS_ENOMEM;
	if ((l->a[l->n - 1].seq = malloc(1)) == NULL) return TS_ENOMEM;  /* empty records have a non-NULL x */
	return TS_OK;
}

/* Every record of `path`, whole. */
static int read_records(const char *path, rec_list_t *l, char *err)
{
	sio_reader_t *r;
	sio_rec_t rec;
	sio_opts_t o;
	int s;
	sio_opts_init(&o);
	o.chunk = 0;
	if ((s = sio_open(&r, path, &o, err)) < 0) return s;
	while ((s = sio_read(r, &rec)) == TS_OK) {
		if (rec.is_first && (s = start_record(l, rec.name)) < 0) break;
		if ((s = append_chunk(&l->a[l->n - 1], &rec)) < 0) break;
	}
	if (s == TS_ENOMEM) ts_fail(err, s, "%s: out of memory", path);
	else if (s != TS_EOF) ts_fail(err, s, "%s", sio_error(r));
	sio_close(r);
	return s == TS_EOF ? TS_OK : s;
}

/* Move records a[i] and b[j] into one pair (the lists give up ownership). */
static void take_pair(pair_rec_t *p, one_rec_t *a, one_rec_t *b)
{
	p->name1 = a->name;
	p->x = a->seq;
	p->n = a->len;
	p->name2 = b->name;
	p->y = b->seq;
	p->m = b->len;
	a->name = b->name = NULL;
	a->seq = b->seq = NULL;
}

static int check_counts(const char *path1, const char *path2, const rec_list_t *l1, const rec_list_t *l2, char *err)
{
	if (path2 == NULL) {
		if (l1->n % 2)
			return ts_fail(err, TS_EDATA, "%s: odd number of records (%lld): record %lld '%s' has no partner", path1,
				       (long long)l1->n, (long long)l1->n, l1->a[l1->n - 1].name);
		return TS_OK;
	}
	if (l1->n != l2->n) {
		const char *short_path = l1->n < l2->n ? path1 : path2, *long_path = l1->n < l2->n ? path2 : path1;
		const rec_list_t *sl = l1->n < l2->n ? l1 : l2, *ll = l1->n < l2->n ? l2 : l1;
		return ts_fail(err, TS_EDATA, "%s: ran out after %lld records, but %s has %lld: record %lld '%s' has no partner",
			       short_path, (long long)sl->n, long_path, (long long)ll->n, (long long)sl->n + 1, ll->a[sl->n].name);
	}
	return TS_OK;
}

int pairs_read(const char *path1, const char *path2, pair_set_t **out, char *err)
{
	rec_list_t l1 = {0}, l2 = {0};
	pair_set_t *ps = NULL;
	int64_t i, n;
	int s;
	*out = NULL;
	if ((s = read_records(path1, &l1, err)) < 0) goto done;
	if (path2 && (s = read_records(path2, &l2, err)) < 0) goto done;
	if ((s = check_counts(path1, path2, &l1, &l2, err)) < 0) goto done;
	n = path2 ? l1.n : l1.n / 2;
	if ((ps = calloc(1, sizeof *ps)) == NULL || (ps->a = calloc(n ? n : 1, sizeof *ps->a)) == NULL) {
		s = ts_fail(err, TS_ENOMEM, "out of memory");
		goto done;
	}
	for (i = 0; i < n; i++) {
		if (path2) take_pair(&ps->a[i], &l1.a[i], &l2.a[i]);
		else take_pair(&ps->a[i], &l1.a[2 * i], &l1.a[2 * i + 1]);
	}
	ps->n = n;
	*out = ps;
	ps = NULL;
done:
	if (ps) pairs_free(ps);
	recs_free(&l1);
	recs_free(&l2);
	return s;
}

void pair_rec_free(pair_rec_t *p)
{
	free(p->name1);
	free(p->name2);
	free(p->x);
	free(p->y);
	free(p->path_lo);
	free(p->path_hi);
	free(p->band_lo);
	free(p->band_hi);
	memset(p, 0, sizeof *p);
}

void pairs_free(pair_set_t *s)
{
	int64_t i;
	if (s == NULL) return;
	for (i = 0; i < s->n; i++) pair_rec_free(&s->a[i]);
	free(s->a);
	free(s);
}

int64_t pairs_residues(const pair_set_t *s)
{
	int64_t i, t = 0;
	for (i = 0; i < s->n; i++) t += s->a[i].n + s->a[i].m;
	return t;
}
