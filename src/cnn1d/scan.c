/* scan: the shared-filter convolution of motifs over sequence chunks.
 * The kernel, the q-value maths and the threading contract are in scan.h.
 *
 * Contents: 1. filters (block tables)  2. chunk preparation and kernels
 *           3. jobs and worker threads  4. driving seqio  5. q-values, sort */
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <htslib/kstring.h>
#include <zlib.h>
#include "cnn1d/scan.h"
#include "cnn1d/scan_kernel.h"
#include "cnn1d/scan_spill.h"
#include "util/log.h"
#include "util/outfile.h"
#include "util/threads.h"

#define BLOCK 5                 /* bases per lookup */
#define NCODES (1 << (2 * BLOCK))
#define SCAN_CHUNK (1 << 17)    /* bases per job: 8 bytes of scratch each per thread, 1 MiB: an L2 */
#define RUN_HITS 32768          /* hits a job holds before writing them out as a run */
#define RUN_TEXT (2 << 20)      /* bytes of formatted hits a job holds (opt.format) */
#define QUEUE_PER_THREAD 2      /* jobs in flight per worker: bounds memory */
#define COL_NOT_ACGT (-(1 << 24))  /* < −w·PWM_RANGE: a window with one is below any threshold */

/* ------------------------------------------------------------ 1. filters */

typedef struct {
	int32_t *col;    /* w × 5 column scores col(i, x) on this strand, x = 4: COL_NOT_ACGT */
	int nb;          /* blocks (none when a prefilter kernel scans) */
	uint16_t *tab;   /* nb × NCODES block scores (≤ 5·PWM_RANGE) */
	int32_t *rest;   /* rest[b] = best total score of blocks b+1.. */
} filter_t;

typedef struct {
	pwm_t pwm;
	filter_t f[2];   /* forward, reverse complement */
	prefilter_t pf[2];  /* their prefilters (threshold-only scans by a prefilter kernel) */
	counter_t cnt[2];   /* their level tables (q-values by a counting kernel) */
	int thresh_q;    /* integer score a candidate hit must reach */
	int active;
	void *hist;      /* tests per integer score level (q-values only), */
	int hist_bytes;  /* as uint16_t, widened to uint32_t, uint64_t as counts grow */
	uint64_t tests;
	double *qv;      /* q-value of levels thresh_q..max_q, after scan_finish() */
} motif_filter_t;

/* Block b of a filter with integer column scores col(i, x) covers columns
 * 5b..5b+4; a code holds 5 bases, the first in the highest bits.  Columns
 * past the filter's end contribute 0, so the last block may be partial. */
static int filter_build(filter_t *f, const pwm_t *p, int reverse, int blocks)
{
	int b, c, j, w = p->w;
	if ((f->col = malloc(5 * w * sizeof *f->col)) == NULL) return TS_ENOMEM;
	for (j = 0; j < 5 * w; j++)
		f->col[j] = j % 5 == 4 ? COL_NOT_ACGT : reverse ? p->q[4 * (w - 1 - j / 5) + 3 - j % 5] : p->q[4 * (j / 5) + j % 5];
	if (!blocks) return TS_OK;
	f->nb = (w + BLOCK - 1) / BLOCK;
	f->tab = malloc((size_t)f->nb * NCODES * sizeof *f->tab);
	f->rest = malloc(f->nb * sizeof *f->rest);
	if (!f->tab || !f->rest) return TS_ENOMEM;
	for (b = 0; b < f->nb; b++)
		for (c = 0; c < NCODES; c++) {
			int32_t s = 0;
			for (j = 0; j < BLOCK && BLOCK * b + j < w; j++) s += f->col[5 * (BLOCK * b + j) + ((c >> (2 * (BLOCK - 1 - j))) & 3)];
			f->tab[(size_t)b * NCODES + c] = s;
		}
	for (b = f->nb - 1; b >= 0; b--) {
		int32_t best = 0;
		if (b + 1 < f->nb)
			for (c = 0; c < NCODES; c++)
				if (f->tab[(size_t)(b + 1) * NCODES + c] > best) best = f->tab[(size_t)(b + 1) * NCODES + c];
		f->rest[b] = best + (b + 1 < f->nb ? f->rest[b + 1] : 0);
	}
	return TS_OK;
}

static void filter_free(filter_t *f)
{
	free(f->col);
	free(f->tab);
	free(f->rest);
}

/* ------------------------------------------------- scanner state, jobs */

typedef struct {
	scan_hit_t *a;
	int64_t n, m;
	char *text;      /* matched sequences, w chars each, motif orientation */
	int64_t text_len, text_cap;
} hitbuf_t;

static const uint8_t nt4_lower_upper[16] = {4, 0, 1, 4, 2, 4, 4, 4, 3, 4, 4, 4, 4, 4, 4, 4};

/* A window of a sub-block that reached the threshold: start − sub-block start, level */
typedef struct {
	uint32_t at;
	int32_t q;
} found_t;

/* One chunk of sequence, shared by the jobs that scan it with different
 * groups of motifs, with what every kernel reads, computed once by the
 * reader (chunk_new); freed by the last of the jobs. */
typedef struct seqbuf_s {
	uint8_t *seq;     /* nt16 | softmask */
	uint16_t *code;   /* code of the 5 bases starting at each position */
	uint8_t *pcode;   /* code of the k bases there, for the prefilter */
	int32_t *namb;    /* namb[i] = number of non-ACGT bases in seq[0..i) */
	uint8_t *nt4;
	int refs;
} seqbuf_t;

typedef struct {
	const uint16_t *code;  /* the arrays of the job's chunk (seqbuf_t) */
	const uint8_t *pcode, *nt4;
	const int32_t *namb;
	uint32_t *cand;   /* prefilter candidates of one sub-block */
	uint16_t *lv;     /* levels of one sub-block (counting kernels) */
	found_t *found[2];   /* threshold-only: the hits of one sub-block, per strand */
	spill_lines_t lines; /* opt.format: the job's formatted hits not yet written */
} scratch_t;

/* A chunk × a group of motifs: the unit of work of a thread. */
typedef struct job_s {
	uint32_t rec;
	int64_t beg;      /* record position of seq[0] */
	int64_t n;        /* bases */
	int64_t n_starts; /* windows starting at seq[0 .. n_starts) belong to this job */
	int last;         /* last chunk of its record: windows may end at seq[n] */
	const uint8_t *seq;  /* nt16 | softmask: buf->seq */
	struct seqbuf_s *buf;
	int group, k0, k1;  /* its group of motifs, [k0, k1) of the bank: a part of the text output */
	hitbuf_t hits;
	scan_rec_t rec_info;  /* opt.format: the record (s->recs may move meanwhile) */
	int64_t chunk_no, n_flushes;  /* opt.format: keys of its text runs */
	struct job_s *next;
} job_t;

struct scan_s {
	scan_opts_t opt;
	motif_filter_t *mf;
	int n_mf, max_w;
	scan_rec_t *recs;
	int64_t n_recs, m_recs;
	spill_t *spill;   /* hits of finished jobs, as sorted runs */
	int *widths;      /* motif widths, for the spill */
	int64_t bases, tests;
	int max_q;        /* largest max_q of any filter: histogram scratch size */
	prefilter_fn pf_fn;     /* threshold-only kernel, NULL: block tables (scalar) */
	counter_fn cnt_fn;      /* counting kernel, NULL: block tables (scalar) */
	int pf_k;               /* its columns per lookup */
	int *group, n_groups;   /* motif groups [group[g], group[g+1]) per job */
	char *arena;            /* the prefilters' tables and columns, packed (pack_tables) */
	scratch_t inline_sc;    /* for scanning in the calling thread */
	uint32_t *inline_hist;
	/* worker pool */
	pthread_t *workers;
	int n_workers;
	pthread_mutex_t lock;
	pthread_cond_t can_push, can_pop;
	job_t *queue_head, *queue_tail;
	int queued, stopping, failed;
	/* sharding: chunks read so far; shards loaded by scan_load_partial() */
	int64_t chunk_no, chunks_scanned;
	int n_shards_seen;
	unsigned char *shard_seen;
};

/* --------------------------------------------- 2. chunk scanning kernels */

static void chunk_free(seqbuf_t *b)
{
	free(b->seq);
	free(b->code);
	free(b->pcode);
	free(b->namb);
	free(b->nt4);
	free(b);
}

/* A chunk of n bases, its codes and counts.  pad: codes past the chunk end
 * that the widest filter's blocks (or a prefilter's last vector) may read;
 * k: bases per prefilter code, 0: none.  NULL when out of memory. */
static seqbuf_t *chunk_new(const uint8_t *seq, int64_t n, int pad_extra, int k)
{
	int64_t i, pad = n + pad_extra;
	uint32_t c = 0;
	seqbuf_t *b = calloc(1, sizeof *b);
	if (b == NULL) return NULL;
	b->seq = malloc(n ? n : 1);
	b->code = malloc(pad * sizeof *b->code);
	b->pcode = malloc(pad);
	b->namb = malloc((pad + 1) * sizeof *b->namb);
	b->nt4 = malloc(pad);
	if (!b->seq || !b->code || !b->pcode || !b->namb || !b->nt4) {
		chunk_free(b);
		return NULL;
	}
	if (n > 0) memcpy(b->seq, seq, n);  /* an empty record may have no buffer */
	b->namb[0] = 0;
	for (i = 0; i < n; i++) {
		uint8_t x = nt4_lower_upper[SIO_NT16(seq[i])];
		b->nt4[i] = x;
		b->namb[i + 1] = b->namb[i] + (x == 4);
	}
	/* kernels may read codes and counts past the chunk end (they belong to
	 * windows that are not scored here); make them harmless */
	for (i = n; i < pad; i++) b->code[i] = 0;
	for (i = n + 1; i <= pad; i++) b->namb[i] = b->namb[n];
	for (i = n - 1; i >= 0; i--) {
		c = (c >> 2) | ((uint32_t)(b->nt4[i] & 3) << (2 * (BLOCK - 1)));
		b->code[i] = (uint16_t)c;
	}
	if (k)
		for (i = 0; i < pad; i++) b->pcode[i] = (uint8_t)(b->code[i] >> (2 * (BLOCK - k)));
	return b;
}

static int hitbuf_add(hitbuf_t *h, const scan_hit_t *hit, const char *text, int w)
{
	if (h->n == h->m) {
		int64_t m = h->m ? 2 * h->m : 256;
		scan_hit_t *a = realloc(h->a, m * sizeof *a);
		if (!a) return TS_ENOMEM;
		h->a = a;
		h->m = m;
	}
	if (h->text_len + w > h->text_cap) {
		int64_t cap = h->text_cap ? 2 * h->text_cap : 4096;
		while (cap < h->text_len + w) cap *= 2;
		char *t = realloc(h->text, cap);
		if (!t) return TS_ENOMEM;
		h->text = t;
		h->text_cap = cap;
	}
	h->a[h->n] = *hit;
	h->a[h->n].seq_off = h->text_len;
	memcpy(h->text + h->text_len, text, w);
	h->text_len += w;
	h->n++;
	return TS_OK;
}

static void hitbuf_free(hitbuf_t *h)
{
	free(h->a);
	free(h->text);
	memset(h, 0, sizeof *h);
}

/* Write the job's hits out as a run (scan_spill.h) and empty its buffer. */
static int flush_run(scan_t *s, job_t *j, scratch_t *sc)
{
	int r;
	if (s->opt.format) {
		int64_t at;
		if ((r = spill_lines_group(&sc->lines)) < 0) return r;
		pthread_mutex_lock(&s->lock);
		r = spill_add_text_run(s->spill, j->group, j->chunk_no, j->n_flushes++, &sc->lines, &at);
		pthread_mutex_unlock(&s->lock);
		return r == TS_OK ? spill_write_text_run(s->spill, at, &sc->lines) : r;
	}
	spill_sort(j->hits.a, j->hits.n);
	pthread_mutex_lock(&s->lock);
	r = spill_add_run(s->spill, j->hits.a, j->hits.n, j->hits.text);
	pthread_mutex_unlock(&s->lock);
	j->hits.n = j->hits.text_len = 0;
	return r;
}

/* Record a candidate window: exact score, the min-score test when asked,
 * and the matched sequence in motif orientation. */
static int take_hit(scan_t *s, job_t *j, scratch_t *sc, int k, int64_t i, int strand, int32_t q)
{
	const motif_filter_t *m = &s->mf[k];
	int w = m->pwm.w, t;
	char text[1024], *buf = w < (int)sizeof text ? text : malloc(w + 1);
	scan_hit_t h;
	int ret;
	if (buf == NULL) return TS_ENOMEM;
	memset(&h, 0, sizeof h);  /* the spill writes whole structs: no uninitialised padding */
	h.motif = k;
	h.rec = j->rec;
	h.pos = j->beg + i;
	h.strand = strand ? '-' : '+';
	h.score = pwm_score(&m->pwm, sc->nt4 + i, strand);
	h.level = q;
	if (s->opt.use_min_score && h.score < s->opt.min_score) {
		if (buf != text) free(buf);
		return TS_OK;
	}
	/* + keeps the input's case; − is the reverse complement in uppercase,
	 * as FIMO prints it */
	if (strand)
		for (t = 0; t < w; t++) buf[t] = "TGCA"[sc->nt4[i + w - 1 - t]];
	else
		sio_decode(j->seq + i, w, buf);
	buf[w] = '\0';
	if (s->opt.format) {
		ret = s->opt.format(s->opt.format_ctx, &h, buf, pwm_pvalue(&m->pwm, q), &j->rec_info, &sc->lines.text);
		if (ret == TS_OK) ret = spill_lines_end(&sc->lines, k);
		if (buf != text) free(buf);
		return ret == TS_OK && sc->lines.text.l >= RUN_TEXT ? flush_run(s, j, sc) : ret;
	}
	ret = hitbuf_add(&j->hits, &h, buf, w);
	if (buf != text) free(buf);
	return ret == TS_OK && j->hits.n >= RUN_HITS ? flush_run(s, j, sc) : ret;
}

/* Exact integer score of the window whose first block code is code[0]. */
static inline int32_t block_score(const filter_t *f, const uint16_t *code)
{
	int32_t q = 0;
	int b;
	for (b = 0; b < f->nb; b++) q += f->tab[(size_t)b * NCODES + code[BLOCK * b]];
	return q;
}

/* Every window scored: counts per score level for q-values, hits above T. */
static int kernel_count(scan_t *s, job_t *j, scratch_t *sc, int k, int strand, int64_t end, uint32_t *hist, uint64_t *tests)
{
	const motif_filter_t *m = &s->mf[k];
	const filter_t *f = &m->f[strand];
	const int w = m->pwm.w, T = m->thresh_q;
	int64_t i, n_tests = 0;
	for (i = 0; i < end; i++) {
		int32_t q = block_score(f, sc->code + i);
		if (sc->namb[i + w] != sc->namb[i]) continue;
		hist[q]++;
		n_tests++;
		if (q >= T) {
			int r = take_hit(s, j, sc, k, i, strand, q);
			if (r < 0) return r;
		}
	}
	*tests += n_tests;
	return TS_OK;
}

/* Every window scored by a counting kernel, SUB_BLOCK at a time; the
 * histogram's spare bin (max_q + 1) collects the windows that are not tests. */
static int kernel_count_fast(scan_t *s, job_t *j, scratch_t *sc, int k, int strand, int64_t end, uint32_t *hist, uint64_t *tests)
{
	const motif_filter_t *m = &s->mf[k];
	const int spare = m->pwm.max_q + 1;
	const uint32_t spare0 = hist[spare];
	int64_t beg;
	for (beg = 0; beg < end; beg += SUB_BLOCK) {
		int n = end - beg < SUB_BLOCK ? (int)(end - beg) : SUB_BLOCK, i, c, r;
		int nc = s->cnt_fn(&m->cnt[strand], sc->pcode + beg, sc->namb + beg, n, sc->lv, sc->cand);
		for (i = 0; i < n; i++) hist[sc->lv[i]]++;
		for (c = 0; c < nc; c++)
			if ((r = take_hit(s, j, sc, k, beg + sc->cand[c], strand, sc->lv[sc->cand[c]])) < 0) return r;
	}
	*tests += end - (hist[spare] - spare0);
	return TS_OK;
}

/* Threshold only, windows beg..end−1: abandon a window once it cannot reach
 * T; the windows that reach it into found[], by position.  Returns their number. */
static int kernel_filter(const scan_t *s, const scratch_t *sc, int k, int strand, int64_t beg, int64_t end, found_t *found)
{
	const motif_filter_t *m = &s->mf[k];
	const filter_t *f = &m->f[strand];
	const int nb = f->nb, w = m->pwm.w, T = m->thresh_q;
	const uint16_t *tab0 = f->tab;
	const int32_t rest0 = f->rest[0];
	int64_t i;
	int nf = 0;
	for (i = beg; i < end; i++) {
		int32_t q = tab0[sc->code[i]];
		int b;
		if (q + rest0 < T) continue;
		for (b = 1; b < nb; b++) {
			q += f->tab[(size_t)b * NCODES + sc->code[i + BLOCK * b]];
			if (q + f->rest[b] < T) break;
		}
		if (b < nb || q < T) continue;
		if (sc->namb[i + w] != sc->namb[i]) continue;
		found[nf++] = (found_t){(uint32_t)(i - beg), q};
	}
	return nf;
}

/* Threshold only, windows beg..end−1: the prefilter kernel's candidates,
 * re-scored exactly column by column (the few candidates would miss the
 * cache in the block tables of 879 motifs); a non-ACGT base scores
 * COL_NOT_ACGT, which no sum of w columns can make up. */
static int kernel_prefilter(const scan_t *s, const scratch_t *sc, int k, int strand, int64_t beg, int64_t end, found_t *found)
{
	const motif_filter_t *m = &s->mf[k];
	const int w = m->pwm.w;
	const int32_t *col = m->f[strand].col;
	int c, nf = 0, nc;
	/* about one call in two has candidates: fetch the columns while the kernel runs */
	for (c = 0; c < 5 * w; c += 64 / sizeof *col) __builtin_prefetch(col + c);
	nc = s->pf_fn(&m->pf[strand], sc->pcode + beg, (int)(end - beg), sc->cand);
	for (c = 0; c < nc; c++) {
		const uint8_t *nt4 = sc->nt4 + beg + sc->cand[c];
		int64_t q = 0;
		int t;
		for (t = 0; t < w; t++) q += col[5 * t + nt4[t]];
		if (q >= m->thresh_q) {
			__builtin_prefetch(m->pwm.pv + (q - m->pwm.pv_base));  /* for take_hit */
			found[nf++] = (found_t){sc->cand[c], (int32_t)q};
		}
	}
	for (c = 0; nf && c < 4 * w; c += 64 / sizeof *m->pwm.lo) __builtin_prefetch(m->pwm.lo + c);  /* pwm_score */
	return nf;
}

/* The hits of motif k in a sub-block, both strands merged by position (+
 * before − at the same one): each motif's hits leave a job in output order. */
static int take_found(scan_t *s, job_t *j, scratch_t *sc, int k, int64_t beg, const int nf[2])
{
	int a = 0, b = 0, r = TS_OK;
	while (r == TS_OK && (a < nf[0] || b < nf[1])) {
		int strand = b == nf[1] || (a < nf[0] && sc->found[0][a].at <= sc->found[1][b].at) ? 0 : 1;
		const found_t *f = strand ? &sc->found[1][b++] : &sc->found[0][a++];
		r = take_hit(s, j, sc, k, beg + f->at, strand, f->q);
	}
	return r;
}

static uint64_t hist_get(const motif_filter_t *m, int q)
{
	switch (m->hist_bytes) {
	case 2: return ((const uint16_t *)m->hist)[q];
	case 4: return ((const uint32_t *)m->hist)[q];
	default: return ((const uint64_t *)m->hist)[q];
	}
}

static void hist_set(motif_filter_t *m, int q, uint64_t v)
{
	switch (m->hist_bytes) {
	case 2: ((uint16_t *)m->hist)[q] = (uint16_t)v; break;
	case 4: ((uint32_t *)m->hist)[q] = (uint32_t)v; break;
	default: ((uint64_t *)m->hist)[q] = v;
	}
}

/* Add a chunk's counts to a motif's histogram, first widening it to the
 * narrowest of 16, 32, 64 bits that holds every new count: most levels of
 * a bacterial genome stay below 65536, a few Gbp need more. */
static int hist_add(motif_filter_t *m, const uint32_t *chunk)
{
	int q, n = m->pwm.max_q + 1, bytes = m->hist_bytes;
	for (q = 0; q < n; q++) {
		uint64_t v = hist_get(m, q) + chunk[q];
		if (v > UINT32_MAX) bytes = 8;
		else if (v > UINT16_MAX && bytes < 4) bytes = 4;
	}
	if (bytes != m->hist_bytes) {
		motif_filter_t wide = *m;
		if ((wide.hist = malloc((size_t)n * bytes)) == NULL) return TS_ENOMEM;
		wide.hist_bytes = bytes;
		for (q = 0; q < n; q++) hist_set(&wide, q, hist_get(m, q));
		free(m->hist);
		m->hist = wide.hist;
		m->hist_bytes = bytes;
	}
	for (q = 0; q < n; q++) hist_set(m, q, hist_get(m, q) + chunk[q]);
	return TS_OK;
}

/* Windows of motif k that start in this job: [0, end) */
static int64_t job_end(const job_t *j, const motif_filter_t *m)
{
	int64_t end = j->last ? j->n - m->pwm.w + 1 : j->n_starts;
	return end < j->n_starts ? end : j->n_starts;
}

/* Scan one chunk with every filter, counting every window for q-values.
 * Counts go to private histograms, merged under the lock per motif, so
 * totals do not depend on scheduling. */
static int count_job(scan_t *s, job_t *j, scratch_t *sc, uint32_t *hist)
{
	int k, strand, r;
	for (k = j->k0; k < j->k1; k++) {
		motif_filter_t *m = &s->mf[k];
		int64_t end = job_end(j, m);
		uint64_t tests = 0;
		if (!m->active || end <= 0) continue;
		memset(hist, 0, (m->pwm.max_q + 2) * sizeof *hist);
		for (strand = 0; strand <= s->opt.both_strands; strand++) {
			r = m->cnt[strand].tab ? kernel_count_fast(s, j, sc, k, strand, end, hist, &tests)
					       : kernel_count(s, j, sc, k, strand, end, hist, &tests);
			if (r < 0) return r;
		}
		pthread_mutex_lock(&s->lock);
		r = hist_add(m, hist);
		m->tests += tests;
		pthread_mutex_unlock(&s->lock);
		if (r < 0) return r;
	}
	return TS_OK;
}

/* Threshold only: SUB_BLOCK windows at a time with every motif, so the
 * codes are read from cache. */
static int filter_job(scan_t *s, job_t *j, scratch_t *sc)
{
	int k, strand, r;
	int64_t beg;
	for (beg = 0; beg < j->n_starts; beg += SUB_BLOCK)
		for (k = j->k0; k < j->k1; k++) {
			int64_t end = job_end(j, &s->mf[k]);
			if (!s->mf[k].active || end <= beg) continue;
			if (end > beg + SUB_BLOCK) end = beg + SUB_BLOCK;
			int nf[2] = {0, 0};
			for (strand = 0; strand <= s->opt.both_strands; strand++)
				nf[strand] = s->pf_fn ? kernel_prefilter(s, sc, k, strand, beg, end, sc->found[strand])
						      : kernel_filter(s, sc, k, strand, beg, end, sc->found[strand]);
			if ((r = take_found(s, j, sc, k, beg, nf)) < 0) return r;
		}
	return TS_OK;
}

/* Scan one chunk with its group of motifs; its hits leave sorted, as runs. */
static int scan_job(scan_t *s, job_t *j, scratch_t *sc, uint32_t *hist)
{
	int r;
	sc->code = j->buf->code, sc->pcode = j->buf->pcode, sc->nt4 = j->buf->nt4, sc->namb = j->buf->namb;
	r = s->opt.qvalues ? count_job(s, j, sc, hist) : filter_job(s, j, sc);
	return r == TS_OK ? flush_run(s, j, sc) : r;
}

/* ------------------------------------------------ 3. jobs and workers */

static void job_free(job_t *j)
{
	hitbuf_free(&j->hits);
	if (__atomic_sub_fetch(&j->buf->refs, 1, __ATOMIC_ACQ_REL) == 0) chunk_free(j->buf);
	free(j);
}

static int scratch_init(scratch_t *sc)
{
	memset(sc, 0, sizeof *sc);
	sc->cand = malloc(SUB_BLOCK * sizeof *sc->cand);
	sc->lv = malloc((SUB_BLOCK + 32) * sizeof *sc->lv);
	sc->found[0] = malloc(SUB_BLOCK * sizeof *sc->found[0]);
	sc->found[1] = malloc(SUB_BLOCK * sizeof *sc->found[1]);
	return sc->cand && sc->lv && sc->found[0] && sc->found[1] ? TS_OK : TS_ENOMEM;
}

static void scratch_free(scratch_t *sc)
{
	free(sc->cand);
	free(sc->lv);
	free(sc->found[0]);
	free(sc->found[1]);
	spill_lines_free(&sc->lines);
	memset(sc, 0, sizeof *sc);
}

static void *worker_main(void *arg)
{
	scan_t *s = arg;
	scratch_t sc;
	uint32_t *hist = scratch_init(&sc) == TS_OK ? malloc((s->max_q + 2) * sizeof *hist) : NULL;
	for (;;) {
		job_t *j;
		int r;
		pthread_mutex_lock(&s->lock);
		while (!s->queue_head && !s->stopping) pthread_cond_wait(&s->can_pop, &s->lock);
		if (!s->queue_head) {
			pthread_mutex_unlock(&s->lock);
			break;
		}
		j = s->queue_head;
		s->queue_head = j->next;
		if (!s->queue_head) s->queue_tail = NULL;
		s->queued--;
		pthread_cond_signal(&s->can_push);
		pthread_mutex_unlock(&s->lock);

		r = hist ? scan_job(s, j, &sc, hist) : TS_ENOMEM;

		job_free(j);
		pthread_mutex_lock(&s->lock);
		if (r < 0) s->failed = r;
		pthread_cond_signal(&s->can_push);
		pthread_mutex_unlock(&s->lock);
	}
	free(hist);
	scratch_free(&sc);
	return NULL;
}

static int pool_start(scan_t *s)
{
	int i;
	if (s->opt.threads <= 1) return TS_OK;
	s->workers = calloc(s->opt.threads, sizeof *s->workers);
	if (!s->workers) return TS_ENOMEM;
	for (i = 0; i < s->opt.threads; i++) {
		if (pthread_create(&s->workers[i], NULL, worker_main, s) != 0) return TS_ENOMEM;
		s->n_workers++;
	}
	return TS_OK;
}

static void pool_stop(scan_t *s)
{
	int i;
	pthread_mutex_lock(&s->lock);
	s->stopping = 1;
	pthread_cond_broadcast(&s->can_pop);
	pthread_mutex_unlock(&s->lock);
	for (i = 0; i < s->n_workers; i++) pthread_join(s->workers[i], NULL);
	s->n_workers = 0;
	free(s->workers);
	s->workers = NULL;
}

/* Hand a job to the pool (blocking while the queue is full: memory stays
 * bounded by chunk size × queue length), or scan it here without threads. */
static int submit(scan_t *s, job_t *j)
{
	int r;
	if (s->n_workers == 0) {
		r = scan_job(s, j, &s->inline_sc, s->inline_hist);
		job_free(j);
		return r;
	}
	pthread_mutex_lock(&s->lock);
	while (s->queued >= QUEUE_PER_THREAD * s->n_workers && !s->failed) pthread_cond_wait(&s->can_push, &s->lock);
	if ((r = s->failed) < 0) {
		pthread_mutex_unlock(&s->lock);
		job_free(j);
		return r;
	}
	j->next = NULL;
	if (s->queue_tail) s->queue_tail->next = j;
	else s->queue_head = j;
	s->queue_tail = j;
	s->queued++;
	pthread_cond_signal(&s->can_pop);
	pthread_mutex_unlock(&s->lock);
	return TS_OK;
}

/* ------------------------------------------------------ 4. driving seqio */

void scan_opts_init(scan_opts_t *o)
{
	memset(o, 0, sizeof *o);
	o->thresh = 1e-4;
	o->both_strands = 1;
	o->qvalues = 1;
	o->threads = 1;
	o->kernel = scan_kernel_default();
}

/* Relative cost of scanning a window with motif m (both strands), so that
 * groups take the threads equally long: a prefilter kernel pays for the
 * lookups added before its first test (rarely more), a counting kernel for
 * one histogram update per window (~16 lookups of a vector of 32 windows)
 * plus its lookups, the scalar kernels for about one block per column. */
static int64_t motif_cost(const scan_t *s, const motif_filter_t *m)
{
	if (!m->active) return 0;
	if (s->pf_fn) return m->pf[0].first + m->pf[1].first + 2;
	if (m->cnt[0].tab) return 2 * (16 + m->cnt[0].ng);
	return m->pwm.w;
}

/* Cut the bank into one group of motifs per thread with about equal costs,
 * so a single chunk — a short sequence, a small region — still keeps every
 * thread busy and no thread waits for another at the end. */
static int make_groups(scan_t *s)
{
	int64_t total = 0, acc = 0;
	int k, g = 1, n = s->opt.threads > 1 ? s->opt.threads : 1;
	for (k = 0; k < s->n_mf; k++) total += motif_cost(s, &s->mf[k]);
	if ((s->group = malloc((n + 1) * sizeof *s->group)) == NULL) return TS_ENOMEM;
	s->group[0] = 0;
	for (k = 0; k < s->n_mf && g < n; k++) {
		acc += motif_cost(s, &s->mf[k]);
		if (acc * n >= total * g && k + 1 < s->n_mf) s->group[g++] = k + 1;
	}
	s->group[g] = s->n_mf;
	s->n_groups = g;
	return TS_OK;
}

/* The tables a threshold-only scan reads for every motif and strand of a
 * sub-block — prefilter lookups and offsets, the columns of the re-scoring
 * — moved into one block in the order they are read (scattered by malloc,
 * they missed the cache: 3–5 % more CPU for the bundled motifs). */
#define ALIGN64(n) (((n) + 63) & ~(size_t)63)
static int pack_tables(scan_t *s)
{
	size_t total = 0, at = 0;
	int k, strand;
	for (k = 0; k < s->n_mf; k++)
		for (strand = 0; strand < 2 && s->mf[k].active; strand++) {
			const prefilter_t *pf = &s->mf[k].pf[strand];
			total += ALIGN64((size_t)pf->ng * PF_TAB) + ALIGN64(pf->ng * sizeof *pf->off) + ALIGN64(5 * s->mf[k].pwm.w * sizeof(int32_t));
		}
	if (total == 0) return TS_OK;
	if ((s->arena = aligned_alloc(64, total)) == NULL) return TS_ENOMEM;
	for (k = 0; k < s->n_mf; k++)
		for (strand = 0; strand < 2 && s->mf[k].active; strand++) {
			prefilter_t *pf = &s->mf[k].pf[strand];
			filter_t *f = &s->mf[k].f[strand];
			size_t tab = (size_t)pf->ng * PF_TAB, off = pf->ng * sizeof *pf->off, col = 5 * s->mf[k].pwm.w * sizeof *f->col;
			memcpy(s->arena + at, pf->tab, tab);
			free(pf->tab);
			pf->tab = (uint8_t *)(s->arena + at);
			at += ALIGN64(tab);
			memcpy(s->arena + at, pf->off, off);
			free(pf->off);
			pf->off = (int32_t *)(void *)(s->arena + at);
			at += ALIGN64(off);
			memcpy(s->arena + at, f->col, col);
			free(f->col);
			f->col = (int32_t *)(void *)(s->arena + at);
			at += ALIGN64(col);
		}
	return TS_OK;
}

/* One motif's filter, threshold and the tables of the chosen kernels. */
static int motif_prepare(const scan_t *s, motif_filter_t *m, const motif_t *mot, const double bg[4], double pseudo)
{
	const scan_opts_t *o = &s->opt;
	int counted, blocks;
	/* scanning needs the p-values of hit levels only; q-values
	 * recompute the full table at the end, one motif at a time */
	if (pwm_build_tail(&m->pwm, mot, bg, pseudo, o->use_min_score ? 0 : o->use_qv_thresh ? o->qv_thresh : o->thresh) < 0)
		return TS_ENOMEM;
	if (o->use_min_score) m->thresh_q = pwm_threshold_score(&m->pwm, o->min_score);
	else m->thresh_q = pwm_threshold(&m->pwm, o->use_qv_thresh ? o->qv_thresh : o->thresh);
	m->active = m->thresh_q <= m->pwm.max_q;
	if ((o->use_min_score ? pwm_pv_from(&m->pwm, m->thresh_q) : pwm_pv_trim(&m->pwm, m->thresh_q)) < 0) return TS_ENOMEM;
	if (!m->active) return TS_OK;
	counted = s->cnt_fn && m->pwm.w <= COUNT_MAX_W;
	blocks = o->qvalues ? !counted : !s->pf_fn;
	if (filter_build(&m->f[0], &m->pwm, 0, blocks) < 0 || filter_build(&m->f[1], &m->pwm, 1, blocks) < 0) return TS_ENOMEM;
	if (counted && (counter_build(&m->cnt[0], &m->pwm, 0, m->thresh_q) < 0 || counter_build(&m->cnt[1], &m->pwm, 1, m->thresh_q) < 0))
		return TS_ENOMEM;
	if (s->pf_fn && (prefilter_build(&m->pf[0], &m->pwm, 0, m->thresh_q, s->pf_k) < 0 ||
			 prefilter_build(&m->pf[1], &m->pwm, 1, m->thresh_q, s->pf_k) < 0))
		return TS_ENOMEM;
	m->hist_bytes = 2;
	if (o->qvalues && (m->hist = calloc(m->pwm.max_q + 1, m->hist_bytes)) == NULL) return TS_ENOMEM;
	return TS_OK;
}

typedef struct {
	scan_t *s;
	const motif_set_t *set;
	const double *bg;
	double pseudo;
	int *next;         /* the next motif nobody took yet, shared by the builders */
	int status;
} builder_t;

/* Motifs are taken one at a time, so builders end together however their
 * costs (width, band of the p-value DP) vary. */
static void *builder_main(void *arg)
{
	builder_t *b = arg;
	int k;
	while (b->status == TS_OK && (k = __atomic_fetch_add(b->next, 1, __ATOMIC_RELAXED)) < b->set->n)
		b->status = motif_prepare(b->s, &b->s->mf[k], &b->set->a[k], b->bg, b->pseudo);
	return NULL;
}

/* Every motif's tables, in opt.threads threads: the p-value DPs and kernel
 * tables are most of the start-up, which would not scale otherwise. */
static int prepare_all(scan_t *s, const motif_set_t *set, const double bg[4], double pseudo)
{
	int n = s->opt.threads > 1 ? s->opt.threads : 1, t, r = TS_OK, next = 0;
	builder_t *b = calloc(n, sizeof *b);
	if (b == NULL) return TS_ENOMEM;
	for (t = 0; t < n; t++) b[t] = (builder_t){s, set, bg, pseudo, &next, TS_OK};
	ts_run_all(n, builder_main, b, sizeof *b);
	for (t = 0; t < n; t++)
		if (r == TS_OK) r = b[t].status;
	free(b);
	return r;
}

int scan_init(scan_t **out, const motif_set_t *set, const double bg[4], double pseudo, const scan_opts_t *o, char *err)
{
	scan_t *s;
	kstring_t weak = {0, 0, NULL};
	int k, n_weak = 0, r;
	*out = NULL;
	if ((s = calloc(1, sizeof *s)) == NULL) return ts_fail(err, TS_ENOMEM, "out of memory");
	s->opt = *o;
	if (o->qvalues) s->opt.format = NULL;  /* q-values are known after the scan only */
	s->n_mf = set->n;
	if (scan_kernel_supported(o->kernel)) {
		if (o->qvalues) s->cnt_fn = scan_counter_fn(o->kernel);
		else s->pf_fn = scan_kernel_fn(o->kernel);
		s->pf_k = s->pf_fn ? scan_kernel_k(o->kernel) : s->cnt_fn ? 3 : 0;
	}
	pthread_mutex_init(&s->lock, NULL);
	pthread_cond_init(&s->can_push, NULL);
	pthread_cond_init(&s->can_pop, NULL);
	if ((s->mf = calloc(set->n, sizeof *s->mf)) == NULL || (s->widths = malloc(set->n * sizeof *s->widths)) == NULL) goto nomem;
	for (k = 0; k < set->n; k++) s->widths[k] = set->a[k].w;
	if ((r = spill_open(&s->spill, s->widths, err)) < 0) {
		scan_free(s);
		return r;
	}
	if (prepare_all(s, set, bg, pseudo) < 0) goto nomem;
	for (k = 0; k < set->n; k++) {
		const motif_filter_t *m = &s->mf[k];
		if (!m->active) {
			ksprintf(&weak, "%s%s", n_weak++ ? ", " : "", set->a[k].id);
			continue;
		}
		if (m->pwm.w > s->max_w) s->max_w = m->pwm.w;
		if (m->pwm.max_q > s->max_q) s->max_q = m->pwm.max_q;
	}
	if (n_weak) {
		if (o->use_min_score)
			ts_log(TS_LOG_WARN, "scan", "%d motif(s) cannot reach score %g and will report nothing: %s", n_weak, o->min_score, weak.s);
		else
			ts_log(TS_LOG_WARN, "scan", "%d motif(s) cannot reach p < %g and will report nothing: %s", n_weak,
			       o->use_qv_thresh ? o->qv_thresh : o->thresh, weak.s);
	}
	free(weak.s);
	if ((s->inline_hist = malloc((s->max_q + 2) * sizeof *s->inline_hist)) == NULL || scratch_init(&s->inline_sc) < 0) goto nomem;
	if (make_groups(s) < 0 || (s->pf_fn && pack_tables(s) < 0)) goto nomem;
	if ((r = pool_start(s)) < 0) {
		scan_free(s);
		return ts_fail(err, r, "cannot start %d threads", o->threads);
	}
	*out = s;
	return TS_OK;
nomem:
	free(weak.s);
	scan_free(s);
	return ts_fail(err, TS_ENOMEM, "out of memory building %d motif filters", set->n);
}

/* FIMO's genomic-coordinate convention: a record named "chr:start-end"
 * (1-based) reports hits on "chr" at genomic positions. */
static int parse_genomic_name(const char *name, char **chrom, int64_t *offset)
{
	const char *colon = strrchr(name, ':'), *p;
	char *end;
	long long a, b;
	if (!colon || colon == name) return 0;
	a = strtoll(colon + 1, &end, 10);
	if (end == colon + 1 || *end != '-' || a < 1) return 0;
	p = end + 1;
	b = strtoll(p, &end, 10);
	if (end == p || *end != '\0' || b < a - 1) return 0;
	if ((*chrom = strndup(name, colon - name)) == NULL) return -1;
	*offset = a - 1;
	return 1;
}

static int add_record(scan_t *s, const sio_rec_t *rec, int kind, int pgc)
{
	scan_rec_t *r;
	if (s->n_recs == s->m_recs) {
		int64_t m = s->m_recs ? 2 * s->m_recs : 256;
		scan_rec_t *a = realloc(s->recs, m * sizeof *a);
		if (!a) return TS_ENOMEM;
		s->recs = a;
		s->m_recs = m;
	}
	r = &s->recs[s->n_recs];
	memset(r, 0, sizeof *r);
	if ((r->name = strdup(rec->name)) == NULL) return TS_ENOMEM;
	if (kind == SIO_FAIDX) {
		if ((r->chrom = strdup(rec->chrom)) == NULL) return TS_ENOMEM;
		r->offset = rec->offset;
	} else if (pgc && parse_genomic_name(rec->name, &r->chrom, &r->offset) < 0) {
		return TS_ENOMEM;
	}
	s->n_recs++;
	return TS_OK;
}

static void show_progress(scan_t *s, int final)
{
	int64_t n;
	pthread_mutex_lock(&s->lock);
	n = spill_count(s->spill);
	pthread_mutex_unlock(&s->lock);
	fprintf(stderr, "\r[M::scan] %.1f Mbp scanned, %lld hits so far%s", s->bases / 1e6, (long long)n, final ? "\n" : "");
}

int scan_input(scan_t *s, const char *path, const sio_opts_t *so_in, int pgc, char *err)
{
	sio_opts_t so = *so_in;
	sio_reader_t *rd;
	sio_rec_t rec;
	int r, kind;
	int64_t next_report = 10000000;
	so.chunk = s->opt.chunk > 0 ? s->opt.chunk : SCAN_CHUNK;
	so.overlap = s->max_w > 1 ? s->max_w - 1 : 0;
	if (so.chunk <= so.overlap) so.chunk = so.overlap + 1;
	if ((r = sio_open(&rd, path, &so, err)) < 0) return r;
	kind = sio_kind(rd);
	while ((r = sio_read(rd, &rec)) == TS_OK) {
		seqbuf_t *buf;
		int g;
		if (rec.is_first && (r = add_record(s, &rec, kind, pgc)) < 0) break;
		if (s->opt.n_shards > 1 && s->chunk_no++ % s->opt.n_shards != s->opt.shard - 1) continue;
		if ((buf = chunk_new(rec.seq, rec.n, s->max_w + BLOCK + PF_ROUND, s->pf_k)) == NULL) {
			r = TS_ENOMEM;
			break;
		}
		buf->refs = s->n_groups;
		s->bases += rec.is_first ? rec.n : rec.n - so.overlap;
		for (g = 0; g < s->n_groups && r >= 0; g++) {
			job_t *j = calloc(1, sizeof *j);
			if (j == NULL) {
				/* the jobs not created will not release their references */
				if (__atomic_sub_fetch(&buf->refs, s->n_groups - g, __ATOMIC_ACQ_REL) == 0) chunk_free(buf);
				r = TS_ENOMEM;
				break;
			}
			j->buf = buf;
			j->seq = buf->seq;
			j->group = g;
			j->k0 = s->group[g];
			j->k1 = s->group[g + 1];
			j->rec = (uint32_t)(s->n_recs - 1);
			j->rec_info = s->recs[j->rec];
			j->chunk_no = s->chunks_scanned;
			j->beg = rec.beg;
			j->n = rec.n;
			j->last = rec.is_last;
			j->n_starts = rec.is_last ? rec.n : rec.n - so.overlap;
			r = submit(s, j);
		}
		s->chunks_scanned++;
		if (r < 0) break;
		if (s->opt.progress && s->bases >= next_report) {
			show_progress(s, 0);
			next_report = s->bases + 10000000;
		}
	}
	if (r == TS_EOF) r = TS_OK;
	else if (r == TS_ENOMEM) ts_fail(err, r, "out of memory scanning %s", path);
	else if (r < 0 && r != TS_EOF) ts_fail(err, r, "%s", sio_error(rd)[0] ? sio_error(rd) : "scan failed");
	sio_close(rd);
	if (s->opt.progress) show_progress(s, 1);
	return r;
}

/* ------------------------------------------------------ 5. q-values, sort */

/* Per-motif BH: q(s) = min over levels s' <= s (p' >= p) of m·pv[s']/R(s'),
 * R(s') = tests with score >= s'.  Levels with no test cannot be a j. */
static int qvalues_per_motif(motif_filter_t *m, double *q)
{
	int s;
	uint64_t R = 0;
	double best = 1.0;
	double *ratio = malloc((m->pwm.max_q + 1) * sizeof *ratio);
	if (!ratio || pwm_pv_full(&m->pwm) < 0) {
		free(ratio);
		return TS_ENOMEM;
	}
	for (s = m->pwm.max_q; s >= 0; s--) {
		uint64_t c = hist_get(m, s);
		R += c;
		ratio[s] = c ? (double)m->tests * m->pwm.pv[s] / (double)R : INFINITY;
	}
	for (s = 0; s <= m->pwm.max_q; s++) {
		if (ratio[s] < best) best = ratio[s];
		q[s] = best;
	}
	free(ratio);
	return pwm_pv_trim(&m->pwm, m->thresh_q);
}

typedef struct {
	double pv;
	uint64_t count;
	uint32_t motif;
	int32_t level;
} level_t;

static int cmp_level_pv(const void *a, const void *b)
{
	const level_t *x = a, *y = b;
	if (x->pv != y->pv) return x->pv < y->pv ? -1 : 1;
	if (x->motif != y->motif) return x->motif < y->motif ? -1 : 1;
	return x->level - y->level;
}

/* Run scope: every motif's levels in one list, sorted by p-value. */
static int qvalues_run(scan_t *s, double **q)
{
	int64_t n = 0, i, j, total = 0;
	uint64_t R = 0;
	level_t *lv;
	int k, t;
	double best = 1.0, *ratio;
	for (k = 0; k < s->n_mf; k++)
		if (s->mf[k].active)
			for (t = 0; t <= s->mf[k].pwm.max_q; t++) n += hist_get(&s->mf[k], t) > 0;
	if ((lv = malloc((n ? n : 1) * sizeof *lv)) == NULL) return TS_ENOMEM;
	for (k = 0, i = 0; k < s->n_mf; k++) {
		motif_filter_t *m = &s->mf[k];
		if (!m->active) continue;
		if (pwm_pv_full(&m->pwm) < 0) {
			free(lv);
			return TS_ENOMEM;
		}
		total += m->tests;
		for (t = 0; t <= m->pwm.max_q; t++)
			if (hist_get(m, t)) lv[i++] = (level_t){m->pwm.pv[t], hist_get(m, t), (uint32_t)k, t};
		if (pwm_pv_trim(&m->pwm, m->thresh_q) < 0) {
			free(lv);
			return TS_ENOMEM;
		}
	}
	qsort(lv, n, sizeof *lv, cmp_level_pv);
	if ((ratio = malloc((n ? n : 1) * sizeof *ratio)) == NULL) {
		free(lv);
		return TS_ENOMEM;
	}
	/* R for a group of equal p-values is the count up to the group's end */
	for (i = 0; i < n; i = j) {
		for (j = i; j < n && lv[j].pv == lv[i].pv; j++) R += lv[j].count;
		for (t = i; t < j; t++) ratio[t] = (double)total * lv[t].pv / (double)R;
	}
	/* levels without tests keep q = 1 unless a smaller ratio lies above them */
	for (k = 0; k < s->n_mf; k++)
		if (s->mf[k].active)
			for (t = 0; t <= s->mf[k].pwm.max_q; t++) q[k][t] = 1.0;
	for (i = n - 1; i >= 0; i--) {
		if (ratio[i] < best) best = ratio[i];
		q[lv[i].motif][lv[i].level] = best;
	}
	free(ratio);
	free(lv);
	return TS_OK;
}

/* Move the q-values of hit levels into the motif; free the full array and
 * the histogram. */
static int keep_hit_levels(motif_filter_t *m, double **q)
{
	int n_lv = m->pwm.max_q - m->thresh_q + 1;
	if ((m->qv = malloc(n_lv * sizeof *m->qv)) == NULL) return TS_ENOMEM;
	memcpy(m->qv, *q + m->thresh_q, n_lv * sizeof *m->qv);
	free(*q);
	*q = NULL;
	free(m->hist);
	m->hist = NULL;
	return TS_OK;
}

int scan_finish(scan_t *s, char *err)
{
	int k, r = TS_OK;
	double **q = NULL;
	pool_stop(s);
	if (s->failed) return ts_fail(err, s->failed, s->failed == TS_EIO ? "scan failed: cannot write hits to a temporary file" : "scan failed: out of memory");
	for (k = 0; k < s->n_mf; k++) s->tests += s->mf[k].tests;
	if (s->opt.qvalues) {
		/* q of every level first (per motif: one motif at a time), then
		 * keep the levels a hit can have (>= thresh_q) */
		if ((q = calloc(s->n_mf, sizeof *q)) == NULL) return ts_fail(err, TS_ENOMEM, "out of memory");
		for (k = 0; k < s->n_mf && r == TS_OK; k++)
			if (s->mf[k].active && (q[k] = malloc((s->mf[k].pwm.max_q + 1) * sizeof **q)) == NULL) r = TS_ENOMEM;
			else if (s->mf[k].active && !s->opt.qv_run_scope && (r = qvalues_per_motif(&s->mf[k], q[k])) == TS_OK)
				r = keep_hit_levels(&s->mf[k], &q[k]);
		if (r == TS_OK && s->opt.qv_run_scope) {
			r = qvalues_run(s, q);
			for (k = 0; k < s->n_mf && r == TS_OK; k++)
				if (s->mf[k].active) r = keep_hit_levels(&s->mf[k], &q[k]);
		}
		for (k = 0; k < s->n_mf; k++) free(q[k]);
		free(q);
		if (r < 0) return ts_fail(err, r, "out of memory computing q-values");
	}
	if ((r = spill_rewind(s->spill)) < 0) return ts_fail(err, r, r == TS_EIO ? "cannot read hits back from a temporary file" : "out of memory");
	return TS_OK;
}

int scan_next_hit(scan_t *s, scan_hit_t *h, const char **text)
{
	int r;
	while ((r = spill_next(s->spill, h, text)) == 1)
		if (!s->opt.use_qv_thresh || scan_hit_qvalue(s, h) < s->opt.qv_thresh) break;
	return r;
}

double scan_hit_pvalue(const scan_t *s, const scan_hit_t *h)
{
	return pwm_pvalue(&s->mf[h->motif].pwm, h->level);
}

double scan_hit_qvalue(const scan_t *s, const scan_hit_t *h)
{
	const motif_filter_t *m = &s->mf[h->motif];
	return m->qv ? m->qv[h->level - m->thresh_q] : NAN;
}

int scan_write_text(scan_t *s, FILE *fp, int64_t *per_motif, int64_t *n, int *out_failed)
{
	return spill_write_text(s->spill, fp, s->opt.threads, per_motif, n, out_failed);
}

const scan_rec_t *scan_recs(const scan_t *s, int64_t *n)
{
	*n = s->n_recs;
	return s->recs;
}

void scan_totals(const scan_t *s, int64_t *bases, int64_t *tests)
{
	*bases = s->bases;
	*tests = s->tests;
}

void scan_free(scan_t *s)
{
	int k;
	int64_t i;
	if (s == NULL) return;
	if (s->n_workers) pool_stop(s);
	for (k = 0; s->mf && k < s->n_mf; k++) {
		int strand;
		for (strand = 0; strand < 2 && s->arena && s->mf[k].active; strand++)  /* pack_tables() owns them */
			s->mf[k].pf[strand].tab = NULL, s->mf[k].pf[strand].off = NULL, s->mf[k].f[strand].col = NULL;
		pwm_free(&s->mf[k].pwm);
		filter_free(&s->mf[k].f[0]);
		filter_free(&s->mf[k].f[1]);
		prefilter_free(&s->mf[k].pf[0]);
		prefilter_free(&s->mf[k].pf[1]);
		counter_free(&s->mf[k].cnt[0]);
		counter_free(&s->mf[k].cnt[1]);
		free(s->mf[k].hist);
		free(s->mf[k].qv);
	}
	free(s->mf);
	free(s->arena);
	free(s->shard_seen);
	free(s->group);
	spill_close(s->spill);
	free(s->widths);
	for (i = 0; i < s->n_recs; i++) {
		free(s->recs[i].name);
		free(s->recs[i].chrom);
	}
	free(s->recs);
	scratch_free(&s->inline_sc);
	free(s->inline_hist);
	while (s->queue_head) {
		job_t *j = s->queue_head;
		s->queue_head = j->next;
		job_free(j);
	}
	pthread_mutex_destroy(&s->lock);
	pthread_cond_destroy(&s->can_push);
	pthread_cond_destroy(&s->can_pop);
	free(s);
}

/* ------------------------------------------------------ 6. shards */

/* A partial file (gzip): the magic line, the shard, a fingerprint of the
 * bank (per motif: width, hit threshold, best score, whether active, and a
 * checksum of its integer scores) and options, the input's records, the
 * bases read and per motif the tests and their counts per score level over
 * the levels that occur, then the hits with their matched sequences.
 * Integers are little-endian as on every machine tessera builds on. */
#define PARTIAL_MAGIC "tessera-scan-partial 1\n"
#define LOAD_RUN 32768  /* hits per run when a shard is loaded */

static uint64_t bank_checksum(const motif_filter_t *m)
{
	uint64_t h = 1469598103934665603ull;
	int i;
	for (i = 0; i < 4 * m->pwm.w; i++) h = (h ^ (uint64_t)(uint32_t)m->pwm.q[i]) * 1099511628211ull;
	return h;
}

typedef struct {
	gzFile z;
	int bad;
} pstream_t;

static void put(pstream_t *p, const void *v, size_t n)
{
	if (!p->bad && n && gzwrite(p->z, v, (unsigned)n) != (int)n) p->bad = 1;
}

static void get(pstream_t *p, void *v, size_t n)
{
	if (!p->bad && n && gzread(p->z, v, (unsigned)n) != (int)n) p->bad = 1;
}

static void put_i64(pstream_t *p, int64_t v) { put(p, &v, sizeof v); }

static int64_t get_i64(pstream_t *p)
{
	int64_t v = 0;
	get(p, &v, sizeof v);
	return v;
}

static void put_str(pstream_t *p, const char *t)
{
	put_i64(p, t ? (int64_t)strlen(t) : -1);
	if (t) put(p, t, strlen(t));
}

/* a string of at most 1 MB, or NULL for a stored NULL; *bad on error */
static char *get_str(pstream_t *p, int *is_null)
{
	int64_t n = get_i64(p);
	char *t;
	*is_null = n == -1;
	if (p->bad || n < -1 || n > (1 << 20)) {
		p->bad = 1;
		return NULL;
	}
	if (n == -1) return NULL;
	if ((t = malloc(n + 1)) == NULL) {
		p->bad = 2;
		return NULL;
	}
	get(p, t, n);
	t[n] = '\0';
	return t;
}

static void put_header(pstream_t *p, const scan_t *s)
{
	int k;
	put(p, PARTIAL_MAGIC, strlen(PARTIAL_MAGIC));
	put_i64(p, s->opt.shard), put_i64(p, s->opt.n_shards);
	put_i64(p, s->n_mf), put_i64(p, s->opt.qvalues), put_i64(p, s->opt.both_strands), put_i64(p, s->opt.chunk);
	for (k = 0; k < s->n_mf; k++) {
		const motif_filter_t *m = &s->mf[k];
		put_i64(p, m->pwm.w), put_i64(p, m->thresh_q), put_i64(p, m->pwm.max_q), put_i64(p, m->active);
		put_i64(p, (int64_t)bank_checksum(m));
	}
}

int scan_save_partial(scan_t *s, const char *path, char *err)
{
	ts_outfile_t out;
	pstream_t p = {NULL, 0};
	scan_hit_t hit;
	const char *text;
	int64_t i;
	int k, q, r = TS_OK, fd;
	pool_stop(s);
	if (s->failed) return ts_fail(err, s->failed, "scan failed: out of memory");
	if ((r = ts_outfile_open(&out, path, err)) < 0) return r;
	fflush(out.fp);
	if ((fd = dup(fileno(out.fp))) < 0 || (p.z = gzdopen(fd, "wb1")) == NULL) {
		if (fd >= 0) close(fd);
		ts_outfile_abort(&out);
		return ts_fail(err, TS_EIO, "%s: cannot write", path);
	}
	put_header(&p, s);
	put_i64(&p, s->n_recs);
	for (i = 0; i < s->n_recs; i++) put_str(&p, s->recs[i].name), put_str(&p, s->recs[i].chrom), put_i64(&p, s->recs[i].offset);
	put_i64(&p, s->bases);
	for (k = 0; k < s->n_mf; k++) {
		const motif_filter_t *m = &s->mf[k];
		int lo = 0, hi = -1;
		put_i64(&p, (int64_t)m->tests);
		if (!s->opt.qvalues || !m->active) continue;
		for (q = 0; q <= m->pwm.max_q; q++)
			if (hist_get(m, q)) {
				if (hi < 0) lo = q;
				hi = q;
			}
		put_i64(&p, lo), put_i64(&p, hi);
		for (q = lo; q <= hi; q++) {
			uint64_t c = hist_get(m, q);
			put(&p, &c, sizeof c);
		}
	}
	put_i64(&p, spill_count(s->spill));
	if ((r = spill_rewind(s->spill)) < 0) p.bad = 1;
	while (!p.bad && (r = spill_next(s->spill, &hit, &text)) == 1) {
		put_i64(&p, hit.motif), put_i64(&p, hit.rec), put_i64(&p, hit.pos), put_i64(&p, hit.level), put_i64(&p, hit.strand);
		put(&p, &hit.score, sizeof hit.score);
		put(&p, text, s->mf[hit.motif].pwm.w);
	}
	if (r < 0) p.bad = 1;
	if (gzclose(p.z) != Z_OK || p.bad) {
		ts_outfile_abort(&out);
		return ts_fail(err, TS_EIO, "%s: write failed", path);
	}
	return ts_outfile_commit(&out, err);
}

/* The state of one shard: checked against s, then added to it. */
static int load_partial(scan_t *s, pstream_t *p, const char *path, char *err)
{
	char magic[sizeof PARTIAL_MAGIC];
	int64_t shard, n_shards, i, n, first = s->shard_seen == NULL;
	int k, is_null;
	get(p, magic, strlen(PARTIAL_MAGIC));
	magic[strlen(PARTIAL_MAGIC)] = '\0';
	if (p->bad || strcmp(magic, PARTIAL_MAGIC) != 0) return ts_fail(err, TS_EDATA, "%s: not a partial file of 'tessera scan --shard'", path);
	shard = get_i64(p), n_shards = get_i64(p);
	if (p->bad || n_shards < 1 || n_shards > 1000000 || shard < 1 || shard > n_shards)
		return ts_fail(err, TS_EDATA, "%s: corrupt (shard %lld of %lld)", path, (long long)shard, (long long)n_shards);
	if (first) {
		if ((s->shard_seen = calloc(n_shards, 1)) == NULL) return ts_fail(err, TS_ENOMEM, "out of memory");
		s->opt.n_shards = (int)n_shards;
	}
	if (n_shards != s->opt.n_shards)
		return ts_fail(err, TS_EDATA, "%s: shard %lld of %lld, but the others are of %d", path, (long long)shard, (long long)n_shards,
			       s->opt.n_shards);
	if (s->shard_seen[shard - 1]) return ts_fail(err, TS_EDATA, "%s: shard %lld/%lld given twice", path, (long long)shard, (long long)n_shards);
	s->shard_seen[shard - 1] = 1;
	s->n_shards_seen++;
	if (get_i64(p) != s->n_mf || get_i64(p) != s->opt.qvalues || get_i64(p) != s->opt.both_strands || get_i64(p) != s->opt.chunk)
		return ts_fail(err, TS_EDATA, "%s: made with other motifs or options (number of motifs, --text, --norc)", path);
	for (k = 0; k < s->n_mf; k++) {
		const motif_filter_t *m = &s->mf[k];
		if (get_i64(p) != m->pwm.w || get_i64(p) != m->thresh_q || get_i64(p) != m->pwm.max_q || get_i64(p) != m->active ||
		    (uint64_t)get_i64(p) != bank_checksum(m))
			return ts_fail(err, TS_EDATA, "%s: motif %d differs from this run's (other motif file, background, pseudocount or threshold?)",
				       path, k + 1);
	}
	/* every shard read the whole input: the records must agree */
	n = get_i64(p);
	if (p->bad || n < 0 || (!first && n != s->n_recs)) return ts_fail(err, TS_EDATA, "%s: its input had other records", path);
	for (i = 0; i < n; i++) {
		char *name = get_str(p, &is_null), *chrom = get_str(p, &is_null);
		int64_t offset = get_i64(p);
		int same = 1;
		if (p->bad || name == NULL) {
			free(name), free(chrom);
			return p->bad == 2 ? ts_fail(err, TS_ENOMEM, "out of memory") : ts_fail(err, TS_EDATA, "%s: truncated", path);
		}
		if (first) {
			sio_rec_t rec = {0};
			rec.name = name;
			if (add_record(s, &rec, 0, 0) < 0) {
				free(name), free(chrom);
				return ts_fail(err, TS_ENOMEM, "out of memory");
			}
			s->recs[i].chrom = chrom, chrom = NULL;
			s->recs[i].offset = offset;
		} else {
			same = strcmp(name, s->recs[i].name) == 0 && offset == s->recs[i].offset;
		}
		free(name), free(chrom);
		if (!same) return ts_fail(err, TS_EDATA, "%s: its input had other records (record %lld)", path, (long long)i + 1);
	}
	s->bases += get_i64(p);
	for (k = 0; k < s->n_mf; k++) {
		motif_filter_t *m = &s->mf[k];
		int64_t lo, hi, q;
		m->tests += (uint64_t)get_i64(p);
		if (!s->opt.qvalues || !m->active) continue;
		lo = get_i64(p), hi = get_i64(p);
		if (p->bad || lo < 0 || hi > m->pwm.max_q || (hi >= 0 && lo > hi)) return ts_fail(err, TS_EDATA, "%s: corrupt counts", path);
		if (hi >= 0 && m->hist_bytes != 8) {  /* the counts of all shards may outgrow 32 bits: add in 64 */
			uint64_t *wide = malloc((size_t)(m->pwm.max_q + 1) * sizeof *wide);
			if (wide == NULL) return ts_fail(err, TS_ENOMEM, "out of memory");
			for (q = 0; q <= m->pwm.max_q; q++) wide[q] = hist_get(m, (int)q);
			free(m->hist);
			m->hist = wide;
			m->hist_bytes = 8;
		}
		for (q = lo; q <= hi; q++) {
			uint64_t c = 0;
			get(p, &c, sizeof c);
			((uint64_t *)m->hist)[q] += c;
		}
	}
	n = get_i64(p);
	if (p->bad || n < 0) return ts_fail(err, TS_EDATA, "%s: truncated", path);
	{	/* the shard's hits come sorted: any stretch of them is a run */
		hitbuf_t hb = {0};
		char text[1024];
		for (i = 0; i < n && !p->bad; i++) {
			scan_hit_t h;
			int64_t motif = get_i64(p), rec = get_i64(p);
			memset(&h, 0, sizeof h);
			h.pos = get_i64(p), h.level = (int32_t)get_i64(p), h.strand = (char)get_i64(p);
			get(p, &h.score, sizeof h.score);
			h.motif = (uint32_t)motif, h.rec = (uint32_t)rec;
			if (p->bad || motif < 0 || motif >= s->n_mf || rec < 0 || rec >= s->n_recs || !s->mf[h.motif].active ||
			    (h.strand != '+' && h.strand != '-') ||
			    h.level < s->mf[h.motif].thresh_q || h.level > s->mf[h.motif].pwm.max_q || s->mf[h.motif].pwm.w > (int)sizeof text) {
				p->bad = 1;
				break;
			}
			get(p, text, s->mf[h.motif].pwm.w);
			if (hitbuf_add(&hb, &h, text, s->mf[h.motif].pwm.w) < 0) p->bad = 2;
			if (!p->bad && (hb.n == LOAD_RUN || i == n - 1)) {
				int r = spill_add_run(s->spill, hb.a, hb.n, hb.text);
				if (r < 0) p->bad = r == TS_ENOMEM ? 2 : 3;
				hb.n = 0, hb.text_len = 0;
			}
		}
		hitbuf_free(&hb);
	}
	if (p->bad == 2) return ts_fail(err, TS_ENOMEM, "out of memory");
	if (p->bad == 3) return ts_fail(err, TS_EIO, "cannot write hits to a temporary file");
	if (p->bad) return ts_fail(err, TS_EDATA, "%s: truncated or corrupt", path);
	return TS_OK;
}

int scan_load_partial(scan_t *s, const char *path, char *err)
{
	pstream_t p = {NULL, 0};
	int r;
	pool_stop(s);  /* a gather scans nothing */
	if ((p.z = gzopen(path, "rb")) == NULL) return ts_fail(err, TS_EIO, "%s: %s", path, strerror(errno));
	r = load_partial(s, &p, path, err);
	if (r == TS_OK && gzgetc(p.z) != -1) r = ts_fail(err, TS_EDATA, "%s: data after the end", path);
	gzclose(p.z);
	return r;
}

int scan_partials_complete(const scan_t *s, char *err)
{
	int k;
	if (s->shard_seen == NULL) return ts_fail(err, TS_EUSAGE, "no partial file given");
	for (k = 0; k < s->opt.n_shards; k++)
		if (!s->shard_seen[k]) return ts_fail(err, TS_EDATA, "shard %d of %d is missing", k + 1, s->opt.n_shards);
	return TS_OK;
}
