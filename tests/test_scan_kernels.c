/* test_scan_kernels: every prefilter kernel this CPU has gives exactly the
 * hits of the scalar block-table kernel (the oracle, itself checked against
 * brute force in test_scan.c): same windows, strands, integer levels and
 * bit-identical scores, for all bundled motifs, thresholds 1e-2..1e-8,
 * records shorter than the motifs, N runs, IUPAC codes, soft-masking, chunk
 * boundaries and two threads.  With q-values every window is counted: the
 * counting kernels must give the scalar count's tests, levels and q-values. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cnn1d/scan.h"
#include "scan_collect.h"
#include "io/motif.h"
#include "util/log.h"

#define JASPAR "data/motifs/JASPAR2024_CORE_vertebrates_non-redundant_pfms_transfac.txt"

/* Records of lengths 1..20000: random ACGT with runs of N (up to 300),
 * single IUPAC codes and lowercase stretches. */
static void write_records(const char *fa, unsigned seed)
{
	static const int lens[] = {20000, 1, 3, 7, 12, 29, 64, 65, 257, 4099, 9000};
	FILE *fp = fopen(fa, "w");
	size_t r;
	cr_assert_not_null(fp);
	srand(seed);
	for (r = 0; r < sizeof lens / sizeof *lens; r++) {
		int i, run = 0;
		fprintf(fp, ">r%zu\n", r);
		for (i = 0; i < lens[r]; i++) {
			int u = rand() % 10000;
			char c = "ACGT"[rand() & 3];
			if (run == 0 && u < 3) run = 1 + rand() % 300;
			if (run > 0) {
				c = 'N';
				run--;
			} else if (u < 20) {
				c = "RYKMSWBDHVN"[rand() % 11];
			}
			if ((i / 500) % 3 == 2) c |= 0x20;
			fputc(c, fp);
			if (i % 70 == 69) fputc('\n', fp);
		}
		fputc('\n', fp);
	}
	fclose(fp);
}

static scan_t *run_scan_q(const char *fa, const motif_set_t *set, scan_kernel_t kern, double thresh, int threads, int64_t chunk,
			  int qvalues)
{
	static const double bg[4] = {0.25, 0.25, 0.25, 0.25};
	scan_opts_t o;
	sio_opts_t io;
	scan_t *s;
	char err[TS_ERRLEN];
	scan_opts_init(&o);
	o.kernel = kern;
	o.thresh = thresh;
	o.qvalues = qvalues;
	o.threads = threads;
	o.chunk = chunk;
	sio_opts_init(&io);
	cr_assert_eq(scan_init(&s, set, bg, 0.1, &o, err), TS_OK, "%s", err);
	cr_assert_eq(scan_input(s, fa, &io, 0, err), TS_OK, "%s", err);
	cr_assert_eq(scan_finish(s, err), TS_OK, "%s", err);
	return s;
}

/* the tests run in parallel: one input file each */
#define FA_FILTER "tests/tmp/scan_kernels_filter.fa"
#define FA_COUNT "tests/tmp/scan_kernels_count.fa"
#define FA_TEXT "tests/tmp/scan_kernels_text.fa"
#define FA_APPEND "tests/tmp/scan_kernels_append.fa"

static scan_t *run_scan(const motif_set_t *set, scan_kernel_t kern, double thresh, int threads, int64_t chunk)
{
	return run_scan_q(FA_FILTER, set, kern, thresh, threads, chunk, 0);
}

Test(scan_kernels, every_kernel_equals_scalar, .timeout = 600)
{
	static const double thresholds[] = {1e-2, 1e-4, 1e-6, 1e-8};
	motif_set_t *set;
	char err[TS_ERRLEN];
	size_t t;
	int k, n_kernels = 0;
	ts_verbosity = TS_LOG_ERROR;  /* motifs that cannot reach a threshold are warned about */
	cr_assert_eq(motif_read(JASPAR, &set, err), TS_OK, "%s", err);
	write_records(FA_FILTER, 7);
	for (t = 0; t < sizeof thresholds / sizeof *thresholds; t++) {
		scan_t *ref = run_scan(set, SCAN_KERNEL_SCALAR, thresholds[t], 1, 0);
		collected_t cref = scan_collect(ref, set);
		int64_t n_ref = cref.n, n, i;
		const scan_hit_t *want = cref.a;
		if (thresholds[t] >= 1e-4) cr_assert_gt(n_ref, 100, "only %lld hits at %g", (long long)n_ref, thresholds[t]);
		for (k = SCAN_KERNEL_C; k < SCAN_KERNEL_COUNT; k++) {
			if (!scan_kernel_supported((scan_kernel_t)k)) continue;
			n_kernels += t == 0;
			/* small chunks: windows cross many chunk boundaries */
			scan_t *s = run_scan(set, (scan_kernel_t)k, thresholds[t], k % 2 ? 2 : 1, k % 2 ? 1000 : 0);
			collected_t c = scan_collect(s, set);
			const scan_hit_t *got = c.a;
			n = c.n;
			cr_assert_eq(n, n_ref, "%s at %g: %lld hits, scalar %lld", scan_kernel_label(k), thresholds[t], (long long)n,
				     (long long)n_ref);
			for (i = 0; i < n; i++) {
				const scan_hit_t *g = &got[i], *e = &want[i];
				cr_assert(g->motif == e->motif && g->rec == e->rec && g->pos == e->pos && g->strand == e->strand &&
						  g->level == e->level && g->score == e->score,
					  "%s at %g, hit %lld: motif %u rec %u pos %lld %c level %d, scalar motif %u rec %u pos %lld %c level %d",
					  scan_kernel_label(k), thresholds[t], (long long)i, g->motif, g->rec, (long long)g->pos, g->strand,
					  g->level, e->motif, e->rec, (long long)e->pos, e->strand, e->level);
				cr_assert_str_eq(c.text[i], cref.text[i]);
			}
			collected_free(&c);
			scan_free(s);
		}
		collected_free(&cref);
		scan_free(ref);
	}
	cr_assert_geq(n_kernels, 1);  /* at least the plain-C twin */
	motif_set_free(set);
}

/* scan_format_fn of the test: every field of the hit, and its record */
static int format_test(void *ctx, const scan_hit_t *h, const char *matched, double pvalue, const scan_rec_t *rec, kstring_t *out)
{
	(void)ctx;
	return ksprintf(out, "%u %s %lld %c %d %.17g %.17g %s\n", h->motif, rec->name, (long long)h->pos, h->strand, h->level, h->score,
			pvalue, matched) < 0 ? TS_ENOMEM : TS_OK;
}

/* Hits formatted in the scanning threads (opts.format) are written as the
 * lines of the hits scan_next_hit gives, in the same order, with their
 * count per motif: every kernel, small chunks, 1–3 threads, enough hits at
 * 1e-2 that jobs write several text runs, written after a header already
 * in the FILE's buffer, to a temporary file (a regular file: with 2 and 3
 * threads each motif group is written by a thread of its own at its place)
 * and to a memory stream (written in order). */
Test(scan_kernels, formatted_text_equals_hits, .timeout = 600)
{
	static const double bg[4] = {0.25, 0.25, 0.25, 0.25}, thresholds[] = {1e-2, 1e-5};
	motif_set_t *set;
	char err[TS_ERRLEN];
	size_t t;
	int k;
	ts_verbosity = TS_LOG_ERROR;
	cr_assert_eq(motif_read(JASPAR, &set, err), TS_OK, "%s", err);
	write_records(FA_TEXT, 11);
	for (t = 0; t < sizeof thresholds / sizeof *thresholds; t++) {
		scan_t *ref = run_scan_q(FA_TEXT, set, SCAN_KERNEL_SCALAR, thresholds[t], 1, 0, 0);
		collected_t c = scan_collect(ref, set);
		kstring_t want = {0, 0, NULL};
		int64_t i, *count = calloc(set->n, sizeof *count), *want_count = calloc(set->n, sizeof *want_count);
		int64_t n_recs;
		const scan_rec_t *recs = scan_recs(ref, &n_recs);
		cr_assert(count && want_count);
		for (i = 0; i < c.n; i++) {
			cr_assert_eq(format_test(NULL, &c.a[i], c.text[i], scan_hit_pvalue(ref, &c.a[i]), &recs[c.a[i].rec], &want), TS_OK);
			want_count[c.a[i].motif]++;
		}
		if (t == 0) cr_assert_gt(want.l, 3 << 20, "too few hits to fill several text runs");
		for (k = SCAN_KERNEL_SCALAR; k < SCAN_KERNEL_COUNT; k++) {
			scan_opts_t o;
			sio_opts_t io;
			scan_t *s;
			char *got = NULL;
			size_t got_len = 0;
			int64_t n = 0;
			int out_failed;
			FILE *fp;
			if (!scan_kernel_supported((scan_kernel_t)k)) continue;
			cr_assert_not_null(fp = k % 2 ? tmpfile() : open_memstream(&got, &got_len));
			scan_opts_init(&o);
			o.kernel = (scan_kernel_t)k;
			o.thresh = thresholds[t];
			o.qvalues = 0;
			o.threads = 1 + k % 3;
			o.chunk = k % 2 ? 1000 : 0;
			o.format = format_test;
			sio_opts_init(&io);
			cr_assert_eq(scan_init(&s, set, bg, 0.1, &o, err), TS_OK, "%s", err);
			cr_assert_eq(scan_input(s, FA_TEXT, &io, 0, err), TS_OK, "%s", err);
			cr_assert_eq(scan_finish(s, err), TS_OK, "%s", err);
			memset(count, 0, set->n * sizeof *count);
			fputs("#\n", fp);  /* a header in fp's buffer goes first */
			cr_assert_eq(scan_write_text(s, fp, count, &n, &out_failed), TS_OK);
			if (k % 2) {
				got_len = (size_t)ftell(fp);
				cr_assert((got = malloc(got_len)) != NULL);
				rewind(fp);
				cr_assert_eq(fread(got, 1, got_len, fp), got_len);
			}
			fclose(fp);
			cr_assert_eq(got_len, want.l + 2, "%s at %g: %zu bytes, want %zu", scan_kernel_label(k), thresholds[t], got_len, want.l + 2);
			cr_assert(memcmp(got, "#\n", 2) == 0 && memcmp(got + 2, want.s, want.l) == 0, "%s at %g: text differs", scan_kernel_label(k),
				  thresholds[t]);
			cr_assert_eq(n, c.n);
			cr_assert(memcmp(count, want_count, set->n * sizeof *count) == 0, "%s at %g: lines per motif differ", scan_kernel_label(k),
				  thresholds[t]);
			free(got);
			scan_free(s);
		}
		free(want.s);
		free(count);
		free(want_count);
		collected_free(&c);
		scan_free(ref);
	}
	motif_set_free(set);
}

Test(scan_kernels, counting_kernels_equal_scalar, .timeout = 600)
{
	static const double thresholds[] = {1e-2, 1e-5};
	motif_set_t *set;
	char err[TS_ERRLEN];
	size_t t;
	int k;
	ts_verbosity = TS_LOG_ERROR;
	cr_assert_eq(motif_read(JASPAR, &set, err), TS_OK, "%s", err);
	write_records(FA_COUNT, 8);
	for (t = 0; t < sizeof thresholds / sizeof *thresholds; t++) {
		scan_t *ref = run_scan_q(FA_COUNT, set, SCAN_KERNEL_SCALAR, thresholds[t], 1, 0, 1);
		collected_t cref = scan_collect(ref, set);
		int64_t bases_ref, tests_ref, bases, tests, i;
		scan_totals(ref, &bases_ref, &tests_ref);
		for (k = SCAN_KERNEL_C; k < SCAN_KERNEL_COUNT; k++) {
			if (!scan_kernel_supported((scan_kernel_t)k)) continue;
			scan_t *s = run_scan_q(FA_COUNT, set, (scan_kernel_t)k, thresholds[t], k % 2 ? 2 : 1, k % 2 ? 1000 : 0, 1);
			collected_t c = scan_collect(s, set);
			scan_totals(s, &bases, &tests);
			cr_assert_eq(tests, tests_ref, "%s: %lld tests, scalar %lld", scan_kernel_label(k), (long long)tests, (long long)tests_ref);
			cr_assert_eq(c.n, cref.n, "%s at %g: %lld hits, scalar %lld", scan_kernel_label(k), thresholds[t], (long long)c.n,
				     (long long)cref.n);
			for (i = 0; i < c.n; i++) {
				const scan_hit_t *g = &c.a[i], *e = &cref.a[i];
				cr_assert(g->motif == e->motif && g->rec == e->rec && g->pos == e->pos && g->strand == e->strand &&
						  g->level == e->level && g->score == e->score,
					  "%s at %g, hit %lld differs", scan_kernel_label(k), thresholds[t], (long long)i);
				cr_assert_eq(scan_hit_qvalue(s, g), scan_hit_qvalue(ref, e));
				cr_assert_str_eq(c.text[i], cref.text[i]);
			}
			collected_free(&c);
			scan_free(s);
		}
		collected_free(&cref);
		scan_free(ref);
	}
	motif_set_free(set);
}

/* The threads' writes into a regular file: into a file opened to append
 * (where pwrite would append) the text goes in order after what the file
 * held; into a file opened read-only every write fails, and the failure is
 * the output's (out_failed), not the temporary file's. */
Test(scan_kernels, formatted_text_append_and_write_error, .timeout = 300)
{
	static const char *const path = "tests/tmp/scan_kernels_text_out.txt";
	motif_set_t *set;
	char err[TS_ERRLEN], *got = NULL, *want = NULL;
	size_t want_len = 0;
	int64_t *count, n;
	int out_failed, threads;
	FILE *fp;
	ts_verbosity = TS_LOG_ERROR;
	cr_assert_eq(motif_read(JASPAR, &set, err), TS_OK, "%s", err);
	write_records(FA_APPEND, 13);
	cr_assert_not_null(count = calloc(set->n, sizeof *count));
	for (threads = 1; threads <= 3; threads++) {
		scan_opts_t o;
		sio_opts_t io;
		scan_t *s;
		scan_opts_init(&o);
		o.thresh = 1e-2;
		o.qvalues = 0;
		o.threads = threads;
		o.format = format_test;
		sio_opts_init(&io);
		cr_assert_eq(scan_init(&s, set, (double[4]){0.25, 0.25, 0.25, 0.25}, 0.1, &o, err), TS_OK, "%s", err);
		cr_assert_eq(scan_input(s, FA_APPEND, &io, 0, err), TS_OK, "%s", err);
		cr_assert_eq(scan_finish(s, err), TS_OK, "%s", err);
		if (threads == 1) {  /* the reference: in order, to a memory stream */
			cr_assert_not_null(fp = open_memstream(&want, &want_len));
			cr_assert_eq(scan_write_text(s, fp, count, &n, &out_failed), TS_OK);
		} else if (threads == 2) {
			cr_assert_not_null(fp = fopen(path, "w"));
			fputs("held\n", fp);
			fclose(fp);
			cr_assert_not_null(fp = fopen(path, "a"));
			cr_assert_eq(scan_write_text(s, fp, count, &n, &out_failed), TS_OK);
			fclose(fp);
			cr_assert_not_null(fp = fopen(path, "r"));
			got = malloc(want_len + 6);
			cr_assert_eq(fread(got, 1, want_len + 6, fp), want_len + 5);
			cr_assert(memcmp(got, "held\n", 5) == 0 && memcmp(got + 5, want, want_len) == 0, "appended text differs");
		} else {
			cr_assert_not_null(fp = fopen(path, "r"));
			cr_assert_eq(scan_write_text(s, fp, count, &n, &out_failed), TS_EIO);
			cr_assert_eq(out_failed, 1);
		}
		fclose(fp);
		scan_free(s);
	}
	cr_assert_gt(want_len, 3 << 20, "too few hits to fill several text runs");
	free(got);
	free(want);
	free(count);
	motif_set_free(set);
}
