/* scan_spill: sorted runs of hits in a temporary file and their merge.
 * The format and the memory bound are in scan_spill.h. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cnn1d/scan_spill.h"
#include "util/log.h"
#include "util/threads.h"

#define SPILL_BUF (16 << 10)   /* read buffer per run */
#define TEXT_BUF_MAX (64 << 10)  /* text runs: read buffer per run, at most, */
#define TEXT_BUF_MIN (4 << 10)   /* at least, */
#define TEXT_BUFS (4 << 20)      /* and all of them together unless that is below the minimum */
#define TEXT_OUT (1 << 20)       /* text runs: the output is written in blocks of this size */

typedef struct {
	int64_t at, end;       /* next unread byte of the file, end of the run */
	char *buf;
	int len, pos;          /* buffered bytes buf[pos..len) */
	scan_hit_t head;       /* first unread hit, its text in buf */
	const char *text;
	int64_t key[3];        /* text runs: part, chunk, flush; */
	spill_seg_t seg;       /* the header of the next segment, */
	int has_seg;           /* if there is one */
} run_t;

struct spill_s {
	FILE *fp;
	const int *widths;
	int64_t size, n_hits;
	run_t *runs;
	int n_runs, m_runs;
	int *heap, n_heap;     /* runs with a head, by cmp_hit of their heads */
	int last;              /* run whose head spill_next returned, −1: none */
	int text;              /* the runs are text runs */
	int buf_size;          /* bytes of each run's read buffer */
	int64_t *part_bytes;   /* text runs: bytes of the lines of each part */
	int n_parts;
};

static int cmp_hit(const scan_hit_t *x, const scan_hit_t *y)
{
	if (x->motif != y->motif) return x->motif < y->motif ? -1 : 1;
	if (x->rec != y->rec) return x->rec < y->rec ? -1 : 1;
	if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
	return x->strand - y->strand;  /* '+' before '-' */
}

static int cmp_hit_qsort(const void *a, const void *b) { return cmp_hit(a, b); }

int spill_open(spill_t **out, const int *widths, char *err)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	int fd;
	spill_t *sp = calloc(1, sizeof *sp);
	*out = NULL;
	if (sp == NULL) return ts_fail(err, TS_ENOMEM, "out of memory");
	snprintf(path, sizeof path, "%s/tessera-scan-XXXXXX", dir && *dir ? dir : "/tmp");
	if ((fd = mkstemp(path)) < 0 || (sp->fp = fdopen(fd, "w+b")) == NULL) {
		int e = errno;
		if (fd >= 0) close(fd), unlink(path);
		free(sp);
		return ts_fail(err, TS_EIO, "%s: cannot create a temporary file for hits: %s", path, strerror(e));
	}
	unlink(path);  /* gone when closed, even after a crash */
	sp->widths = widths;
	sp->last = -1;
	*out = sp;
	return TS_OK;
}

void spill_sort(scan_hit_t *a, int64_t n)
{
	if (n > 1) qsort(a, n, sizeof *a, cmp_hit_qsort);
}

/* Room for one more run. */
static int reserve_run(spill_t *sp)
{
	if (sp->n_runs == sp->m_runs) {
		int m = sp->m_runs ? 2 * sp->m_runs : 64;
		run_t *r = realloc(sp->runs, m * sizeof *r);
		if (r == NULL) return TS_ENOMEM;
		sp->runs = r;
		sp->m_runs = m;
	}
	return TS_OK;
}

int spill_add_run(spill_t *sp, const scan_hit_t *a, int64_t n, const char *text)
{
	int64_t i, beg = sp->size;
	if (n == 0) return TS_OK;
	if (reserve_run(sp) < 0) return TS_ENOMEM;
	for (i = 0; i < n; i++) {
		int w = sp->widths[a[i].motif];
		if (fwrite(&a[i], sizeof *a, 1, sp->fp) != 1 || fwrite(text + a[i].seq_off, 1, w, sp->fp) != (size_t)w) return TS_EIO;
		sp->size += sizeof *a + w;
	}
	sp->runs[sp->n_runs++] = (run_t){.at = beg, .end = sp->size};
	sp->n_hits += n;
	return TS_OK;
}

/* Buffer at least `need` (<= buf_size) bytes of the run: 1, 0 when the run
 * is exhausted with nothing buffered, TS_EIO when it ends short. */
static int run_fill(spill_t *sp, run_t *r, int need)
{
	int keep = r->len - r->pos;
	int64_t want = sp->buf_size - keep < r->end - r->at ? sp->buf_size - keep : r->end - r->at;
	if (keep >= need) return 1;
	memmove(r->buf, r->buf + r->pos, keep);
	r->pos = 0;
	r->len = keep;
	if (want > 0) {
		if (pread(fileno(sp->fp), r->buf + keep, want, r->at) != want) return TS_EIO;
		r->at += want;
		r->len += want;
	}
	if (r->len >= need) return 1;
	return r->len == 0 ? 0 : TS_EIO;
}

/* Make the run's next record its head: 1, 0 when the run is exhausted, or TS_EIO. */
static int run_advance(spill_t *sp, run_t *r)
{
	int st = run_fill(sp, r, sizeof r->head), need;
	if (st <= 0) return st;
	memcpy(&r->head, r->buf + r->pos, sizeof r->head);
	need = sizeof r->head + sp->widths[r->head.motif];
	if (run_fill(sp, r, need) != 1) return TS_EIO;
	r->text = r->buf + r->pos + sizeof r->head;
	r->pos += need;
	return 1;
}

static int heap_less(const spill_t *sp, int a, int b)
{
	return cmp_hit(&sp->runs[sp->heap[a]].head, &sp->runs[sp->heap[b]].head) < 0;
}

static void heap_down(spill_t *sp, int i)
{
	for (;;) {
		int l = 2 * i + 1, m = i, t;
		if (l < sp->n_heap && heap_less(sp, l, m)) m = l;
		if (l + 1 < sp->n_heap && heap_less(sp, l + 1, m)) m = l + 1;
		if (m == i) return;
		t = sp->heap[i];
		sp->heap[i] = sp->heap[m];
		sp->heap[m] = t;
		i = m;
	}
}

/* Text runs: read the header of the run's next segment (has_seg = 0 at the
 * end of the run): 0 or TS_EIO. */
static int run_next_seg(spill_t *sp, run_t *r)
{
	int st = run_fill(sp, r, sizeof r->seg);
	r->has_seg = st == 1;
	if (st <= 0) return st;
	memcpy(&r->seg, r->buf + r->pos, sizeof r->seg);
	r->pos += sizeof r->seg;
	return TS_OK;
}

static int cmp_run_key(const void *a, const void *b)
{
	const run_t *x = a, *y = b;
	int i;
	for (i = 0; i < 2; i++)
		if (x->key[i] != y->key[i]) return x->key[i] < y->key[i] ? -1 : 1;
	return x->key[2] < y->key[2] ? -1 : x->key[2] > y->key[2];
}

int spill_rewind(spill_t *sp)
{
	int i, r;
	if (fflush(sp->fp) != 0) return TS_EIO;
	sp->buf_size = SPILL_BUF;
	if (sp->text) {  /* read by spill_write_text */
		if (sp->n_runs > 1) qsort(sp->runs, sp->n_runs, sizeof *sp->runs, cmp_run_key);
		sp->buf_size = sp->n_runs ? TEXT_BUFS / sp->n_runs : TEXT_BUF_MAX;
		if (sp->buf_size > TEXT_BUF_MAX) sp->buf_size = TEXT_BUF_MAX;
		if (sp->buf_size < TEXT_BUF_MIN) sp->buf_size = TEXT_BUF_MIN;
		for (i = 0; i < sp->n_runs; i++) {
			if ((sp->runs[i].buf = malloc(sp->buf_size)) == NULL) return TS_ENOMEM;
			if ((r = run_next_seg(sp, &sp->runs[i])) < 0) return r;
		}
		return TS_OK;
	}
	if ((sp->heap = malloc((sp->n_runs + 1) * sizeof *sp->heap)) == NULL) return TS_ENOMEM;
	for (i = 0; i < sp->n_runs; i++) {
		if ((sp->runs[i].buf = malloc(SPILL_BUF)) == NULL) return TS_ENOMEM;
		if ((r = run_advance(sp, &sp->runs[i])) < 0) return r;
		if (r) sp->heap[sp->n_heap++] = i;
	}
	for (i = sp->n_heap / 2 - 1; i >= 0; i--) heap_down(sp, i);
	return TS_OK;
}

int spill_next(spill_t *sp, scan_hit_t *h, const char **text)
{
	run_t *r;
	if (sp->last >= 0) {  /* the previous head's text stayed valid until now */
		int st = run_advance(sp, &sp->runs[sp->last]);
		if (st < 0) return st;
		if (st == 0) sp->heap[0] = sp->heap[--sp->n_heap];
		heap_down(sp, 0);
		sp->last = -1;
	}
	if (sp->n_heap == 0) return 0;
	sp->last = sp->heap[0];
	r = &sp->runs[sp->last];
	*h = r->head;
	*text = r->text;
	return 1;
}

int spill_lines_end(spill_lines_t *l, uint32_t k)
{
	if (l->n == l->m) {
		int64_t m = l->m ? 2 * l->m : 4096;
		uint32_t *motif = realloc(l->motif, m * sizeof *motif);
		size_t *end = motif ? realloc(l->end, m * sizeof *end) : NULL;
		if (motif) l->motif = motif;
		if (end == NULL) return TS_ENOMEM;
		l->end = end;
		l->m = m;
	}
	l->motif[l->n] = k;
	l->end[l->n++] = l->text.l;
	return TS_OK;
}

/* A counting sort of the lines by motif: for motif k (lo <= k <= hi), at
 * holds its lines, its bytes and where its next line goes in the run. */
int spill_lines_group(spill_lines_t *l)
{
	uint32_t lo = UINT32_MAX, hi = 0, k;
	int64_t i;
	size_t total = 0, beg, *at;
	l->grouped.l = 0;
	if (l->n == 0) return TS_OK;
	for (i = 0; i < l->n; i++) {
		if (l->motif[i] < lo) lo = l->motif[i];
		if (l->motif[i] > hi) hi = l->motif[i];
	}
	if (3 * (int64_t)(hi - lo + 1) > l->m_at) {
		if ((at = realloc(l->at, 3 * (size_t)(hi - lo + 1) * sizeof *at)) == NULL) return TS_ENOMEM;
		l->at = at;
		l->m_at = 3 * (int64_t)(hi - lo + 1);
	}
	at = l->at;
	memset(at, 0, 3 * (size_t)(hi - lo + 1) * sizeof *at);
	for (i = 0, beg = 0; i < l->n; beg = l->end[i++]) {
		at[3 * (l->motif[i] - lo)]++;
		at[3 * (l->motif[i] - lo) + 1] += l->end[i] - beg;
	}
	for (k = 0; k <= hi - lo; k++)  /* segment k: its header, then its lines */
		if (at[3 * k]) {
			at[3 * k + 2] = total + sizeof(spill_seg_t);
			total += sizeof(spill_seg_t) + at[3 * k + 1];
		}
	if (ks_resize(&l->grouped, total) < 0) return TS_ENOMEM;
	for (k = 0; k <= hi - lo; k++)
		if (at[3 * k]) {
			spill_seg_t h = {lo + k, (uint32_t)at[3 * k], at[3 * k + 1]};
			memcpy(l->grouped.s + at[3 * k + 2] - sizeof h, &h, sizeof h);
		}
	for (i = 0, beg = 0; i < l->n; beg = l->end[i - 1]) {  /* a motif's consecutive lines: one copy */
		uint32_t k = l->motif[i];
		size_t *to = &at[3 * (k - lo) + 2];
		while (++i < l->n && l->motif[i] == k) continue;
		memcpy(l->grouped.s + *to, l->text.s + beg, l->end[i - 1] - beg);
		*to += l->end[i - 1] - beg;
	}
	l->grouped.l = total;
	return TS_OK;
}

void spill_lines_free(spill_lines_t *l)
{
	free(l->text.s);
	free(l->motif);
	free(l->end);
	free(l->grouped.s);
	free(l->at);
	memset(l, 0, sizeof *l);
}

int spill_add_text_run(spill_t *sp, int part, int64_t chunk, int64_t flush, const spill_lines_t *l, int64_t *at)
{
	*at = sp->size;
	if (l->n == 0) return TS_OK;
	if (reserve_run(sp) < 0) return TS_ENOMEM;
	if (part >= sp->n_parts) {
		int64_t *b = realloc(sp->part_bytes, (part + 1) * sizeof *b);
		if (b == NULL) return TS_ENOMEM;
		memset(b + sp->n_parts, 0, (part + 1 - sp->n_parts) * sizeof *b);
		sp->part_bytes = b;
		sp->n_parts = part + 1;
	}
	sp->part_bytes[part] += l->text.l;
	sp->runs[sp->n_runs++] = (run_t){.at = sp->size, .end = sp->size + (int64_t)l->grouped.l, .key = {part, chunk, flush}};
	sp->size += l->grouped.l;
	sp->n_hits += l->n;
	sp->text = 1;
	return TS_OK;
}

int spill_write_text_run(spill_t *sp, int64_t at, spill_lines_t *l)
{
	size_t done = 0;
	while (done < l->grouped.l) {
		ssize_t k = pwrite(fileno(sp->fp), l->grouped.s + done, l->grouped.l - done, at + (int64_t)done);
		if (k <= 0) return TS_EIO;
		done += k;
	}
	l->n = 0;
	l->text.l = l->grouped.l = 0;
	return TS_OK;
}

/* Where a part of the text goes: through fp, or to fd at offset `at` (a
 * regular file written by several threads at once). */
typedef struct {
	FILE *fp;
	int fd;
	int64_t at;
	char *out;       /* TEXT_OUT bytes, n_out of them used */
	size_t n_out;
	int failed;      /* writing failed (errno says why) */
} sink_t;

static int sink_flush(sink_t *o)
{
	size_t done = 0;
	if (o->fp && fwrite(o->out, 1, o->n_out, o->fp) != o->n_out) o->failed = 1;
	while (!o->fp && !o->failed && done < o->n_out) {
		ssize_t k = pwrite(o->fd, o->out + done, o->n_out - done, o->at);
		if (k <= 0) {
			if (k == 0) errno = ENOSPC;
			o->failed = 1;
		} else {
			done += k, o->at += k;
		}
	}
	o->n_out = 0;
	return o->failed ? TS_EIO : TS_OK;
}

/* Append the run's next len bytes to the sink, writing it out whenever its
 * block is full.  0 or TS_EIO (o->failed: writing the sink failed). */
static int copy_segment(spill_t *sp, run_t *r, uint64_t len, sink_t *o)
{
	while (len > 0) {
		size_t k;
		if (r->pos == r->len && run_fill(sp, r, 1) != 1) return TS_EIO;
		k = (uint64_t)(r->len - r->pos) < len ? (size_t)(r->len - r->pos) : (size_t)len;
		if (k > TEXT_OUT - o->n_out) k = TEXT_OUT - o->n_out;
		memcpy(o->out + o->n_out, r->buf + r->pos, k);
		o->n_out += k;
		r->pos += k;
		len -= k;
		if (o->n_out == TEXT_OUT && sink_flush(o) < 0) return TS_EIO;
	}
	return TS_OK;
}

/* One part of the output: runs [r0, r1), which hold the lines of its
 * motifs, motif by motif, each run's segment in the runs' order. */
typedef struct {
	spill_t *sp;
	int r0, r1;
	sink_t o;
	int64_t *per_motif, n;
	int status;
} part_t;

static void *write_part(void *arg)
{
	part_t *pt = arg;
	spill_t *sp = pt->sp;
	int i, r = TS_OK;
	if ((pt->o.out = malloc(TEXT_OUT)) == NULL) r = TS_ENOMEM;
	while (r == TS_OK) {
		uint32_t k = 0;
		int found = 0;
		for (i = pt->r0; i < pt->r1; i++) {  /* the next motif: the smallest of the runs' next segments */
			const run_t *ru = &sp->runs[i];
			if (ru->has_seg && (!found || ru->seg.motif < k)) {
				k = ru->seg.motif;
				found = 1;
			}
		}
		if (!found) break;
		for (i = pt->r0; i < pt->r1 && r == TS_OK; i++) {
			run_t *ru = &sp->runs[i];
			if (!ru->has_seg || ru->seg.motif != k) continue;
			pt->per_motif[k] += ru->seg.n;
			pt->n += ru->seg.n;
			if ((r = copy_segment(sp, ru, ru->seg.bytes, &pt->o)) == TS_OK) r = run_next_seg(sp, ru);
		}
	}
	if (r == TS_OK) r = sink_flush(&pt->o);
	free(pt->o.out);
	pt->status = r;
	return NULL;
}

/* The output's file offset if threads may write it with pwrite: a regular
 * file (not opened to append, where pwrite would append), after flushing
 * what fp holds; else −1 (a pipe, a terminal, /dev/null). */
static int64_t pwrite_offset(FILE *fp)
{
	struct stat st;
	int fd = fileno(fp), fl;
	if (fflush(fp) != 0 || fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) return -1;
	if ((fl = fcntl(fd, F_GETFL)) < 0 || (fl & O_APPEND)) return -1;
	return lseek(fd, 0, SEEK_CUR);
}

int spill_write_text(spill_t *sp, FILE *fp, int threads, int64_t *per_motif, int64_t *n, int *out_failed)
{
	int64_t base = threads > 1 && sp->n_parts > 1 ? pwrite_offset(fp) : -1, at = base;
	int n_parts = base >= 0 ? sp->n_parts : 1, p, i = 0, r = TS_OK;
	part_t *pt = calloc(n_parts, sizeof *pt);
	*out_failed = 0;
	if (pt == NULL) return TS_ENOMEM;
	/* through fp, one part of all the runs; or each part (the runs are in
	 * part order) by a thread of its own, written after the lines of the
	 * parts before it */
	for (p = 0; p < n_parts; p++) {
		pt[p] = (part_t){sp, i, i, {base >= 0 ? NULL : fp, fileno(fp), at, NULL, 0, 0}, per_motif, 0, TS_OK};
		while (i < sp->n_runs && (base < 0 || sp->runs[i].key[0] == p)) i++;
		pt[p].r1 = i;
		if (base >= 0) at += sp->part_bytes[p];
	}
	ts_run_all(n_parts, write_part, pt, sizeof *pt);
	for (p = 0; p < n_parts; p++) {
		if (r == TS_OK) r = pt[p].status;
		if (pt[p].o.failed) *out_failed = 1;
		*n += pt[p].n;
	}
	if (r == TS_OK && base >= 0 && lseek(fileno(fp), at, SEEK_SET) < 0) {
		*out_failed = 1;
		r = TS_EIO;
	}
	free(pt);
	return r;
}

int64_t spill_count(const spill_t *sp) { return sp->n_hits; }

void spill_close(spill_t *sp)
{
	int i;
	if (sp == NULL) return;
	if (sp->fp) fclose(sp->fp);
	for (i = 0; i < sp->n_runs; i++) free(sp->runs[i].buf);
	free(sp->runs);
	free(sp->heap);
	free(sp->part_bytes);
	free(sp);
}
