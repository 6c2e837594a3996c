/* peaks: summit windows from a BED/narrowPeak file (see peaks.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <htslib/bgzf.h>
#include <htslib/faidx.h>
#include <htslib/kstring.h>
#include "io/peaks.h"
#include "util/log.h"
#include "util/parse.h"

#define NARROWPEAK_COLS 10

void peaks_free(peaks_t *p)
{
	int i;
	for (i = 0; i < p->n; i++) free(p->a[i].chrom);
	free(p->a);
	memset(p, 0, sizeof *p);
}

static int add_window(peaks_t *p, const char *chrom, int64_t beg, int64_t end, int64_t line)
{
	if (p->n == p->m) {
		int m = p->m ? 2 * p->m : 256;
		peak_win_t *a = realloc(p->a, m * sizeof *a);
		if (a == NULL) return TS_ENOMEM;
		p->a = a;
		p->m = m;
	}
	if ((p->a[p->n].chrom = strdup(chrom)) == NULL) return TS_ENOMEM;
	p->a[p->n].beg = beg;
	p->a[p->n].end = end;
	p->a[p->n++].line = line;
	return TS_OK;
}

/* Split a line at tabs (and spaces, as the region BED reader does). */
static int split_cols(char *s, char **f, int max)
{
	char *save = NULL;
	int n = 0;
	while (n < max && (f[n] = strtok_r(n ? NULL : s, "\t ", &save)) != NULL) n++;
	return n;
}

/* One peak line → its window (or a dropped count). */
static int parse_peak(peaks_t *p, const faidx_t *fai, const char *bed, int64_t line, char **f, int nf, int flank, char *err)
{
	int64_t start, end, len, summit, off = -1;
	if (nf < 3) return ts_fail(err, TS_EDATA, "%s:%lld: expected at least 3 columns (chrom, start, end)", bed, (long long)line);
	if (ts_parse_int64(f[1], 0, INT64_MAX / 2, &start) < 0 || ts_parse_int64(f[2], 0, INT64_MAX / 2, &end) < 0)
		return ts_fail(err, TS_EDATA, "%s:%lld: start '%s' and end '%s' must be non-negative integers", bed, (long long)line, f[1], f[2]);
	if (end < start)
		return ts_fail(err, TS_EDATA, "%s:%lld: end %lld is before start %lld", bed, (long long)line, (long long)end, (long long)start);
	if (nf == NARROWPEAK_COLS && ts_parse_int64(f[9], -1, INT64_MAX / 2, &off) < 0)
		return ts_fail(err, TS_EDATA, "%s:%lld: narrowPeak summit offset (column 10) '%s' is not an integer >= -1", bed, (long long)line, f[9]);
	if (off >= 0 && off >= end - start)
		return ts_fail(err, TS_EDATA, "%s:%lld: summit offset %lld is outside the peak (%lld bp)", bed, (long long)line, (long long)off,
			       (long long)(end - start));
	if (!faidx_has_seq(fai, f[0])) return ts_fail(err, TS_EDATA, "%s:%lld: sequence '%s' is not in the reference", bed, (long long)line, f[0]);
	len = faidx_seq_len(fai, f[0]);
	summit = off >= 0 ? start + off : start + (end - start) / 2;
	if (summit - flank < 0 || summit + flank + 1 > len) {
		if (p->n_dropped++ == 0) p->first_dropped = line;
		return TS_OK;
	}
	return add_window(p, f[0], summit - flank, summit + flank + 1, line) < 0 ? ts_fail(err, TS_ENOMEM, "out of memory reading %s", bed)
										 : TS_OK;
}

int peaks_read(const char *bed, const char *ref, int flank, peaks_t *p, char *err)
{
	kstring_t line = {0, 0, NULL};
	BGZF *fp = NULL;
	faidx_t *fai = NULL;
	int64_t lineno = 0;
	int ret, s = TS_OK;
	memset(p, 0, sizeof *p);
	if ((fai = fai_load3(ref, NULL, NULL, FAI_CREATE)) == NULL)
		return ts_fail(err, TS_EIO, "%s: cannot open or index the reference (a FASTA, plain or bgzip with its .gzi)", ref);
	if ((fp = strcmp(bed, "-") == 0 ? bgzf_dopen(0, "r") : bgzf_open(bed, "r")) == NULL) {
		s = ts_fail(err, TS_EIO, "%s: %s", bed, strerror(errno));
		goto done;
	}
	while ((ret = bgzf_getline(fp, '\n', &line)) >= 0) {
		char *f[NARROWPEAK_COLS + 1];
		lineno++;
		if (line.l && line.s[line.l - 1] == '\r') line.s[--line.l] = '\0';
		if (line.l == 0 || line.s[0] == '#' || strncmp(line.s, "track", 5) == 0 || strncmp(line.s, "browser", 7) == 0) continue;
		if ((s = parse_peak(p, fai, bed, lineno, f, split_cols(line.s, f, NARROWPEAK_COLS + 1), flank, err)) < 0) goto done;
	}
	if (ret < -1) s = ts_fail(err, TS_EDATA, "%s: read failed after line %lld (truncated or corrupt)", bed, (long long)lineno);
done:
	free(line.s);
	if (fp) bgzf_close(fp);
	fai_destroy(fai);
	if (s < 0) peaks_free(p);
	return s;
}
