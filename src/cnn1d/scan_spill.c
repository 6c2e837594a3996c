/* scan_spill: sorted runs of hits in a temporary file and their merge.
 * The format and the memory bound are in scan_spill.h. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cnn1d/scan_spill.h"
#include "util/log.h"

#define SPILL_BUF (16 << 10)   /* read buffer per run */

typedef struct {
	int64_t at, end;       /* next unread byte of the file, end of the run */
	char *buf;
	int len, pos;          /* buffered bytes buf[pos..len) */
	scan_hit_t head;       /* first unread hit, its text in buf */
	const char *text;
} run_t;

struct spill_s {
	FILE *fp;
	const int *widths;
	int64_t size, n_hits;
	run_t *runs;
	int n_runs, m_runs;
	int *heap, n_heap;     /* runs with a head, by cmp_hit of their heads */
	int last;              /* run whose head spill_next returned, −1: none */
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

int spill_add_run(spill_t *sp, const scan_hit_t *a, int64_t n, const char *text)
{
	int64_t i, beg = sp->size;
	if (n == 0) return TS_OK;
	if (sp->n_runs == sp->m_runs) {
		int m = sp->m_runs ? 2 * sp->m_runs : 64;
		run_t *r = realloc(sp->runs, m * sizeof *r);
		if (r == NULL) return TS_ENOMEM;
		sp->runs = r;
		sp->m_runs = m;
	}
	for (i = 0; i < n; i++) {
		int w = sp->widths[a[i].motif];
		if (fwrite(&a[i], sizeof *a, 1, sp->fp) != 1 || fwrite(text + a[i].seq_off, 1, w, sp->fp) != (size_t)w) return TS_EIO;
		sp->size += sizeof *a + w;
	}
	sp->runs[sp->n_runs++] = (run_t){.at = beg, .end = sp->size};
	sp->n_hits += n;
	return TS_OK;
}

/* Make the run's next record its head: 1, 0 when the run is exhausted, or TS_EIO. */
static int run_advance(spill_t *sp, run_t *r)
{
	int need = sizeof r->head;
	for (int pass = 0; pass < 2; pass++) {
		if (r->len - r->pos < need) {
			int keep = r->len - r->pos;
			int64_t want = SPILL_BUF - keep < r->end - r->at ? SPILL_BUF - keep : r->end - r->at;
			ssize_t got;
			memmove(r->buf, r->buf + r->pos, keep);
			r->pos = 0;
			r->len = keep;
			if (want > 0) {
				if ((got = pread(fileno(sp->fp), r->buf + keep, want, r->at)) != want) return TS_EIO;
				r->at += got;
				r->len += got;
			}
			if (r->len - r->pos < need) return r->len == r->pos && pass == 0 ? 0 : TS_EIO;
		}
		if (pass == 0) {
			memcpy(&r->head, r->buf + r->pos, sizeof r->head);
			need += sp->widths[r->head.motif];
		}
	}
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

int spill_rewind(spill_t *sp)
{
	int i, r;
	if (fflush(sp->fp) != 0) return TS_EIO;
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

int64_t spill_count(const spill_t *sp) { return sp->n_hits; }

void spill_close(spill_t *sp)
{
	int i;
	if (sp == NULL) return;
	if (sp->fp) fclose(sp->fp);
	for (i = 0; i < sp->n_runs; i++) free(sp->runs[i].buf);
	free(sp->runs);
	free(sp->heap);
	free(sp);
}
