/* test_peaks: summit windows of peaks read from a reference.
 *
 * - narrowPeak: the summit is start + column 10, or the midpoint when it is
 *   −1; BED3..BED12: the midpoint (a BED12's column 10 is not a summit);
 * - every window is summit ± flank, named chrom:beg-end (1-based), and holds
 *   exactly the bases seqio reads for that region;
 * - windows past a sequence end are dropped and counted, never clipped;
 * - malformed lines and unknown sequences fail naming file and line. */
#include <criterion/criterion.h>
#include <string.h>
#include "cnn1d/data.h"
#include "io/peaks.h"
#include "util/log.h"

#define REF "data/fixtures/seq/ref.fa"
#define CNN "data/fixtures/cnn/"

/* The bases of one region as seqio reads it with -r. */
static void read_region(const char *reg, data_t *d)
{
	sio_opts_t o;
	char *r[1] = {(char *)reg}, err[TS_ERRLEN];
	sio_opts_init(&o);
	o.regions = r;
	o.n_regions = 1;
	cr_assert_eq(data_read(d, REF, 0, &o, err), TS_OK, "%s", err);
	cr_assert_eq(d->n, 1);
}

static void check_windows(const char *bed, int n_expect, const char *const *names, int64_t n_drop, int64_t first)
{
	data_t d = {0};
	int64_t nd = -1, fd = -1;
	char err[TS_ERRLEN];
	int i;
	cr_assert_eq(data_read_peaks(&d, bed, REF, 20, 1, &nd, &fd, err), TS_OK, "%s", err);
	cr_assert_eq(d.n, n_expect);
	cr_assert_eq(nd, n_drop);
	cr_assert_eq(fd, first);
	for (i = 0; i < d.n; i++) {
		data_t one = {0};
		cr_assert_str_eq(d.a[i].name, names[i]);
		cr_assert_eq(d.a[i].len, 41);
		cr_assert_eq(d.a[i].label, 1);
		read_region(names[i], &one);
		cr_assert_eq(d.a[i].offset, one.a[0].offset);
		cr_assert(memcmp(d.a[i].x, one.a[0].x, 41) == 0, "%s: other bases than seqio's region", names[i]);
		data_free(&one);
	}
	data_free(&d);
}

Test(peaks, narrowpeak_summits_and_dropped_windows)
{
	static const char *const names[] = {"chr1:131-171", "chr1:1031-1071", "chr2:181-221"};
	/* p3 (summit 15) and p4 (summit 330 of 333 bp) reach past an end */
	check_windows(CNN "peaks.narrowPeak", 3, names, 2, 4);
}

Test(peaks, bed_midpoints_bed12_is_not_narrowpeak)
{
	static const char *const names[] = {"chr1:2031-2071", "chr2:281-321"};
	check_windows(CNN "peaks.bed", 2, names, 0, 0);
}

Test(peaks, errors_name_file_and_line)
{
	peaks_t p;
	char err[TS_ERRLEN];
	cr_assert_eq(peaks_read(CNN "bad_summit.narrowPeak", REF, 20, &p, err), TS_EDATA);
	cr_assert(strstr(err, "bad_summit.narrowPeak:1: summit offset 250 is outside the peak (200 bp)"), "%s", err);
	cr_assert_eq(peaks_read(CNN "bad_chrom.bed", REF, 20, &p, err), TS_EDATA);
	cr_assert(strstr(err, "bad_chrom.bed:2: sequence 'chrZ' is not in the reference"), "%s", err);
	cr_assert_eq(peaks_read("data/fixtures/seq/bad_cols.bed", REF, 20, &p, err), TS_EDATA);
	cr_assert(strstr(err, "bad_cols.bed:"), "%s", err);
	cr_assert_eq(peaks_read(CNN "no_such.bed", REF, 20, &p, err), TS_EIO);
	cr_assert(strstr(err, "no_such.bed"), "%s", err);
}
