/* test_scan: the convolution kernels against a brute-force oracle.
 *
 * The oracle scores every window of every motif on both strands directly
 * from the pwm's columns (no block tables, no chunks, no early abandon),
 * skips windows with a non-ACGT base, calls a hit when pv[Q] < thresh, and
 * computes Benjamini–Hochberg q-values by sorting every test's p-value.  The
 * scanner must return exactly the same hits, scores, p-values and q-values,
 * for small chunks (many chunk boundaries), any thread count, with and
 * without q-values. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cnn1d/scan.h"
#include "scan_collect.h"
#include "io/motif.h"
#include "util/log.h"

#define JASPAR "data/motifs/JASPAR2024_CORE_vertebrates_non-redundant_pfms_transfac.txt"
#define THRESH 1e-3

typedef struct {
	char name[32];
	char *seq;
	int64_t len;
} rec_t;

typedef struct {
	int motif, rec, strand;
	int64_t pos;
	double score, pvalue, qvalue;
} ohit_t;

/* Deterministic random DNA with N runs, IUPAC codes and soft-masked stretches. */
static void make_records(rec_t *recs, int n, unsigned seed, const char *path)
{
	const int64_t lens[] = {7001, 2500, 777, 40};
	FILE *fp = fopen(path, "w");
	int r;
	int64_t i;
	cr_assert_not_null(fp);
	srand(seed);
	for (r = 0; r < n; r++) {
		recs[r].len = lens[r];
		snprintf(recs[r].name, sizeof recs[r].name, "rand%d", r);
		recs[r].seq = malloc(recs[r].len + 1);
		for (i = 0; i < recs[r].len; i++) {
			int u = rand() % 1000;
			recs[r].seq[i] = u < 5 ? 'N' : u < 7 ? "RYKMSWBDHV"[rand() % 10] : "ACGT"[rand() & 3];
			if ((i / 300) % 4 == 1 && recs[r].seq[i] != 'N') recs[r].seq[i] |= 0x20;  /* lowercase */
		}
		recs[r].seq[recs[r].len] = '\0';
		fprintf(fp, ">%s\n", recs[r].name);
		for (i = 0; i < recs[r].len; i += 61) fprintf(fp, "%.61s\n", recs[r].seq + i);
	}
	fclose(fp);
}

/* Four slices of the real E. coli genome, read through seqio. */
static void make_records_real(rec_t *recs, int n, unsigned seed, const char *path)
{
	char *regs[] = {"NC_000913.3:1-7001", "NC_000913.3:1000001-1002500", "NC_000913.3:3000001-3000777",
			"NC_000913.3:4641613-4641652"};
	sio_opts_t o;
	sio_reader_t *r;
	sio_rec_t rec;
	char err[TS_ERRLEN];
	FILE *fp = fopen(path, "w");
	int i = 0;
	(void)seed;
	cr_assert_not_null(fp);
	sio_opts_init(&o);
	o.regions = regs;
	o.n_regions = n;
	cr_assert_eq(sio_open(&r, "data/genome/ecoli_k12_mg1655.fa.gz", &o, err), TS_OK, "%s", err);
	while (sio_read(r, &rec) == TS_OK) {
		recs[i].len = rec.n;
		snprintf(recs[i].name, sizeof recs[i].name, "real%d", i);
		recs[i].seq = malloc(rec.n + 1);
		sio_decode(rec.seq, rec.n, recs[i].seq);
		recs[i].seq[rec.n] = '\0';
		fprintf(fp, ">%s\n%s\n", recs[i].name, recs[i].seq);
		i++;
	}
	cr_assert_eq(i, n);
	sio_close(r);
	fclose(fp);
}

static int nt4_of(char c)
{
	switch (c & ~0x20) {
	case 'A': return 0;
	case 'C': return 1;
	case 'G': return 2;
	case 'T': return 3;
	default: return 4;
	}
}

static int cmp_ohit(const void *a, const void *b)
{
	const ohit_t *x = a, *y = b;
	if (x->motif != y->motif) return x->motif - y->motif;
	if (x->rec != y->rec) return x->rec - y->rec;
	if (x->pos != y->pos) return x->pos < y->pos ? -1 : 1;
	return x->strand - y->strand;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* BH q-value of p among all tests (brute force over the sorted p-values):
 * q(p) = min over j with p_(j) >= p of m·p_(j)/j. */
static double bh_qvalue(const double *sorted, int64_t m, double p)
{
	int64_t j;
	double best = 1;
	for (j = m - 1; j >= 0 && sorted[j] >= p; j--) {
		double r = m * sorted[j] / (double)(j + 1);
		if (r < best) best = r;
	}
	return best;
}

/* Every hit of every motif; q-values per motif when `qvalues`. */
static ohit_t *oracle(const motif_set_t *set, const double bg[4], rec_t *recs, int n_recs, int qvalues, int64_t *n_out)
{
	ohit_t *hits = NULL;
	int64_t n = 0, cap = 0;
	int k, r, strand;
	for (k = 0; k < set->n; k++) {
		pwm_t p;
		int64_t first = n, m_tests = 0, i, t;
		double *ps = NULL;
		int64_t ps_cap = 0;
		cr_assert_eq(pwm_build(&p, &set->a[k], bg, 0.1), TS_OK);
		int w = p.w;
		int T = 0;
		while (T <= p.max_q && p.pv[T] >= THRESH) T++;
		for (r = 0; r < n_recs; r++)
			for (i = 0; i + w <= recs[r].len; i++)
				for (strand = 0; strand < 2; strand++) {
					uint8_t nt4[64];
					int j, Q = 0, amb = 0;
					for (j = 0; j < w; j++) amb |= (nt4[j] = nt4_of(recs[r].seq[i + j])) == 4;
					if (amb) continue;
					for (j = 0; j < w; j++) Q += strand ? p.q[4 * (w - 1 - j) + 3 - nt4[j]] : p.q[4 * j + nt4[j]];
					if (m_tests == ps_cap) ps = realloc(ps, (ps_cap = ps_cap ? 2 * ps_cap : 4096) * sizeof *ps);
					ps[m_tests++] = p.pv[Q];
					if (p.pv[Q] >= THRESH) continue;
					cr_assert_geq(Q, T);
					if (n == cap) hits = realloc(hits, (cap = cap ? 2 * cap : 1024) * sizeof *hits);
					hits[n++] = (ohit_t){k, r, strand, i, pwm_score(&p, nt4, strand), p.pv[Q], NAN};
				}
		if (qvalues && n > first) {
			qsort(ps, m_tests, sizeof *ps, cmp_double);
			for (t = first; t < n; t++) hits[t].qvalue = bh_qvalue(ps, m_tests, hits[t].pvalue);
		}
		free(ps);
		pwm_free(&p);
	}
	qsort(hits, n, sizeof *hits, cmp_ohit);
	*n_out = n;
	return hits;
}

/* Every 9th bundled motif (98 motifs, widths 5..33) plus the widest one. */
static motif_set_t *motif_subset(motif_set_t **all)
{
	char err[TS_ERRLEN];
	motif_set_t *sub = calloc(1, sizeof *sub);
	int k, widest = 0;
	cr_assert_eq(motif_read(JASPAR, all, err), TS_OK, "%s", err);
	*sub = **all;
	sub->a = calloc((*all)->n, sizeof *sub->a);
	sub->n = 0;
	for (k = 0; k < (*all)->n; k++)
		if ((*all)->a[k].w > (*all)->a[widest].w) widest = k;
	for (k = 0; k < (*all)->n; k++)
		if (k % 9 == 0 || k == widest) sub->a[sub->n++] = (*all)->a[k];
	return sub;
}

typedef void (*make_fn)(rec_t *, int, unsigned, const char *);

static void compare_with_oracle_on(make_fn make, int threads, int64_t chunk, int qvalues, const double bg[4], const char *fa,
				   unsigned seed)
{
	motif_set_t *all, *sub = motif_subset(&all);
	rec_t recs[4];
	scan_opts_t o;
	scan_t *s;
	sio_opts_t io;
	char err[TS_ERRLEN];
	int64_t n_exp, n_got, i;

	make(recs, 4, seed, fa);
	ohit_t *want = oracle(sub, bg, recs, 4, qvalues, &n_exp);
	scan_opts_init(&o);
	o.thresh = THRESH;
	o.threads = threads;
	o.chunk = chunk;
	o.qvalues = qvalues;
	sio_opts_init(&io);
	cr_assert_eq(scan_init(&s, sub, bg, 0.1, &o, err), TS_OK, "%s", err);
	cr_assert_eq(scan_input(s, fa, &io, 1, err), TS_OK, "%s", err);
	cr_assert_eq(scan_finish(s, err), TS_OK, "%s", err);
	collected_t c = scan_collect(s, sub);
	const scan_hit_t *got = c.a;
	n_got = c.n;
	cr_assert_gt(n_exp, 1000, "the oracle found only %lld hits", (long long)n_exp);
	cr_assert_eq(n_got, n_exp, "threads %d chunk %lld: %lld hits, oracle %lld", threads, (long long)chunk, (long long)n_got,
		     (long long)n_exp);
	for (i = 0; i < n_exp; i++) {
		const scan_hit_t *g = &got[i];
		const ohit_t *e = &want[i];
		cr_assert(g->motif == (uint32_t)e->motif && g->rec == (uint32_t)e->rec && g->pos == e->pos &&
				  g->strand == (e->strand ? '-' : '+'),
			  "hit %lld: got motif %u rec %u pos %lld %c, oracle motif %d rec %d pos %lld %c", (long long)i, g->motif,
			  g->rec, (long long)g->pos, g->strand, e->motif, e->rec, (long long)e->pos, e->strand ? '-' : '+');
		cr_assert_eq(g->score, e->score, "score %.17g vs %.17g", g->score, e->score);
		cr_assert_eq(scan_hit_pvalue(s, g), e->pvalue);
		double q = scan_hit_qvalue(s, g);
		if (qvalues) cr_assert(fabs(q - e->qvalue) <= 1e-12 * e->qvalue, "q %.17g vs %.17g", q, e->qvalue);
		else cr_assert(isnan(q));
	}
	collected_free(&c);
	scan_free(s);
	free(want);
	for (i = 0; i < 4; i++) free(recs[i].seq);
	free(sub->a);
	free(sub);
	motif_set_free(all);
}

static void compare_with_oracle(int threads, int64_t chunk, int qvalues, const double bg[4], const char *fa, unsigned seed)
{
	compare_with_oracle_on(make_records, threads, chunk, qvalues, bg, fa, seed);
}

static const double uniform[4] = {0.25, 0.25, 0.25, 0.25};
static const double gc_rich[4] = {0.2, 0.3, 0.3, 0.2};

Test(scan, oracle_single_thread_small_chunks, .timeout = 300)
{
	compare_with_oracle(1, 500, 1, uniform, "tests/tmp/scan_oracle1.fa", 1);
}

Test(scan, oracle_threads_and_chunks, .timeout = 300)
{
	compare_with_oracle(3, 97, 1, gc_rich, "tests/tmp/scan_oracle2.fa", 2);
}

Test(scan, oracle_without_qvalues_early_abandon, .timeout = 300)
{
	compare_with_oracle(2, 0, 0, uniform, "tests/tmp/scan_oracle3.fa", 3);
}

Test(scan, oracle_real_sequence, .timeout = 300)
{
	compare_with_oracle_on(make_records_real, 2, 1000, 1, gc_rich, "tests/tmp/scan_oracle5.fa", 5);
}

/* q-values over the run: BH over the tests of all motifs pooled. */
Test(scan, run_scope_qvalues, .timeout = 300)
{
	motif_set_t *all, *sub = motif_subset(&all);
	rec_t recs[4];
	scan_opts_t o;
	scan_t *s;
	sio_opts_t io;
	char err[TS_ERRLEN];
	int64_t n, i, m = 0, cap = 0, r;
	double *ps = NULL;
	int k, strand;
	make_records(recs, 4, 4, "tests/tmp/scan_oracle4.fa");
	for (k = 0; k < sub->n; k++) {
		pwm_t p;
		cr_assert_eq(pwm_build(&p, &sub->a[k], uniform, 0.1), TS_OK);
		for (r = 0; r < 4; r++)
			for (i = 0; i + p.w <= recs[r].len; i++)
				for (strand = 0; strand < 2; strand++) {
					int j, Q = 0, amb = 0;
					for (j = 0; j < p.w; j++) {
						int x = nt4_of(recs[r].seq[i + j]);
						if (x == 4) amb = 1;
						else Q += strand ? p.q[4 * (p.w - 1 - j) + 3 - x] : p.q[4 * j + x];
					}
					if (amb) continue;
					if (m == cap) ps = realloc(ps, (cap = cap ? 2 * cap : 1 << 16) * sizeof *ps);
					ps[m++] = p.pv[Q];
				}
		pwm_free(&p);
	}
	qsort(ps, m, sizeof *ps, cmp_double);
	scan_opts_init(&o);
	o.thresh = THRESH;
	o.qv_run_scope = 1;
	sio_opts_init(&io);
	cr_assert_eq(scan_init(&s, sub, uniform, 0.1, &o, err), TS_OK);
	cr_assert_eq(scan_input(s, "tests/tmp/scan_oracle4.fa", &io, 1, err), TS_OK, "%s", err);
	cr_assert_eq(scan_finish(s, err), TS_OK);
	collected_t c = scan_collect(s, sub);
	const scan_hit_t *h = c.a;
	n = c.n;
	int64_t tests, bases;
	scan_totals(s, &bases, &tests);
	cr_assert_eq(tests, m);
	cr_assert_gt(n, 100);
	for (i = 0; i < n; i += 17) {
		double q = bh_qvalue(ps, m, scan_hit_pvalue(s, &h[i])), got = scan_hit_qvalue(s, &h[i]);
		cr_assert(fabs(got - q) <= 1e-12 * q, "hit %lld: q %.17g, oracle %.17g", (long long)i, got, q);
	}
	collected_free(&c);
	scan_free(s);
	free(ps);
	for (i = 0; i < 4; i++) free(recs[i].seq);
	free(sub->a);
	free(sub);
	motif_set_free(all);
}
