/* pwm: motif → integer-scaled log-odds filter and its exact p-value table.
 * The maths is in pwm.h. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cnn1d/pwm.h"
#include "util/log.h"
#include "util/parse.h"
#include "util/vec8.h"

/* A frequency of exactly 0 (only possible with --motif-pseudo 0) would give
 * −∞; it is floored here so scaling stays finite (about −33 bits). */
#define PWM_MIN_FREQ 1e-10

/* The integer-scaled filter of motif m, without its p-value table. */
static int build_matrix(pwm_t *p, const motif_t *m, const double bg[4], double pseudo)
{
	int i, x, w = m->w;
	/* FIMO keeps nsites as an integer (truncated), so do we */
	double nsites = m->nsites >= 1 ? floor(m->nsites) : m->nsites;
	double lo_min = INFINITY, lo_max = -INFINITY;
	memset(p, 0, sizeof *p);
	p->w = w;
	p->lo = malloc(4 * w * sizeof *p->lo);
	p->q = malloc(4 * w * sizeof *p->q);
	if (!p->lo || !p->q) return TS_ENOMEM;
	for (i = 0; i < w; i++) {
		/* rows of a file rounded to 6 decimals sum to 1 ± 2e-6: normalise
		 * exactly, as FIMO and Biopython do */
		const double *row = &m->p[4 * i];
		double sum = row[0] + row[1] + row[2] + row[3];
		for (x = 0; x < 4; x++) {
			double f = (pseudo * bg[x] + nsites * row[x] / sum) / (nsites + pseudo);
			double lo = log2((f > PWM_MIN_FREQ ? f : PWM_MIN_FREQ) / bg[x]);
			p->lo[4 * i + x] = lo;
			if (lo < lo_min) lo_min = lo;
			if (lo > lo_max) lo_max = lo;
		}
	}
	p->offset = floor(lo_min);
	if (lo_max <= p->offset) lo_max = p->offset + 1;  /* all entries equal */
	p->scale = floor(PWM_RANGE / (lo_max - p->offset));
	for (i = 0; i < w; i++) {
		int best = 0;
		for (x = 0; x < 4; x++) {
			int q = (int)floor((p->lo[4 * i + x] - p->offset) * p->scale + 0.5);
			p->q[4 * i + x] = q;
			if (q > best) best = q;
		}
		p->max_q += best;
	}
	memcpy(p->bg, bg, sizeof p->bg);
	return TS_OK;
}

int pwm_build(pwm_t *p, const motif_t *m, const double bg[4], double pseudo)
{
	if (build_matrix(p, m, bg, pseudo) < 0 || pwm_pv_full(p) < 0) {
		pwm_free(p);
		return TS_ENOMEM;
	}
	return TS_OK;
}

/* The band of levels from max_q − gap doubles until its lowest level's
 * p-value reaches thresh (or the band is the whole table): a DP restricted
 * to a band of width g costs w·g steps instead of about w²·R/2.  The first
 * band reaches down to μ + z·σ of the score under the background with
 * exp(−z²/2) = 64·thresh.  The bundled motifs' tails are heavier than
 * that Gaussian bound suggests: with 4·thresh, 621 of the 879 needed their
 * band doubled at p < 1e-4 (2.6 DPs a motif); with 64·thresh 74 do, and
 * the DPs take a third fewer steps at every threshold from 1e-2 to 1e-8. */
int pwm_build_tail(pwm_t *p, const motif_t *m, const double bg[4], double pseudo, double thresh)
{
	int gap, i, x;
	double mu = 0, var = 0, z = thresh > 0 && 64 * thresh < 1 ? sqrt(2 * log(1 / (64 * thresh))) : 0, low;
	if (build_matrix(p, m, bg, pseudo) < 0) goto nomem;
	for (i = 0; i < p->w; i++) {
		double e = 0, e2 = 0;
		for (x = 0; x < 4; x++) {
			e += bg[x] * p->q[4 * i + x];
			e2 += bg[x] * p->q[4 * i + x] * p->q[4 * i + x];
		}
		mu += e;
		var += e2 - e * e;
	}
	low = thresh > 0 ? mu + z * sqrt(var > 0 ? var : 0) : p->max_q;  /* thresh 0: any band will do */
	for (gap = low < p->max_q - 16 ? p->max_q - (int)low : 16;; gap *= 2) {
		int from = gap < p->max_q ? p->max_q - gap : 0;
		if (pwm_pv_from(p, from) < 0) goto nomem;
		if (from == 0 || pwm_pvalue(p, from) >= thresh) return TS_OK;
	}
nomem:
	pwm_free(p);
	return TS_ENOMEM;
}

int pwm_pv_full(pwm_t *p) { return pwm_pv_from(p, 0); }

/* Levels held beyond both ends of a column, all 0: a term src[t − q] that
 * falls outside the band reads 0 instead of being skipped (0 + x and x + 0
 * are x exactly), and a vector may run past the band's end. */
#define PV_PAD (PWM_RANGE + 8)

/* One column of the DP over levels t = 0..n−1 of dst, 8 at a time:
 *     dst[t] = ((src[t − q0]·b0 + src[t − q1]·b1) + src[t − q2]·b2) + src[t − q3]·b3
 * in the order of the terms given.  src and dst have PV_PAD zeros before
 * and after. */
TS_VD8_CLONES static void pv_column(double *restrict dst, const double *restrict src, int n, const int q[4], const double b[4])
{
	const double *s0 = src - q[0], *s1 = src - q[1], *s2 = src - q[2], *s3 = src - q[3];
	const ts_vd8 b0 = TS_VD8_SPLAT(b[0]), b1 = TS_VD8_SPLAT(b[1]), b2 = TS_VD8_SPLAT(b[2]), b3 = TS_VD8_SPLAT(b[3]);
	int t;
	for (t = 0; t < n; t += 8) TS_VD8_ST(dst + t, TS_VD8_LD(s0 + t) * b0 + TS_VD8_LD(s1 + t) * b1 + TS_VD8_LD(s2 + t) * b2 + TS_VD8_LD(s3 + t) * b3);
}

int pwm_pv_from(pwm_t *p, int from)
{
	int i, x, w = p->w, top = 0, need = p->max_q, n, base = 0;
	double *pdf, *next, *pv;
	if (from < 0) from = 0;
	if (from > p->max_q + 1) from = p->max_q + 1;
	n = p->max_q + 2 - from;
	/* levels base..top of a column are held, at pdf[0..top − base] */
	pdf = calloc(n + 2 * PV_PAD, sizeof *pdf), next = calloc(n + 2 * PV_PAD, sizeof *next), pv = malloc(n * sizeof *pv);
	if (!pdf || !next || !pv) {
		free(pdf);
		free(next);
		free(pv);
		return TS_ENOMEM;
	}
	pdf += PV_PAD, next += PV_PAD;
	/* pdf of the integer score, one column at a time:
	 * pdf_i[s] = Σ_x bg[x] · pdf_{i-1}[s − q[i][x]]
	 * The terms of each sum are added in a fixed order (largest q first,
	 * then smaller x): that of adding pdf_{i-1}[s'] · bg[x] to
	 * pdf_i[s' + q[i][x]] for s' ascending, x ascending.
	 * Only levels that can still reach `from` are kept: after column i, with
	 * rest_i the best score of the columns after it, pdf_i[s] for
	 * s < lo_i = from − rest_i never contributes to a level ≥ from, and
	 * pdf_i[s] for s ≥ lo_i reads pdf_{i−1} at levels ≥ lo_{i−1} only, so
	 * every value kept is computed with the same terms, in the same order,
	 * as in the full table.  A column holds at most max_q − from + 1 levels,
	 * a number that never decreases from one column to the next, so the
	 * zeros past its end are never overwritten by an earlier column. */
	pdf[0] = 1.0;
	for (i = 0; i < w; i++) {
		const int *q = &p->q[4 * i];
		int col_max = 0, order[4] = {0, 1, 2, 3}, a, b, lo, qa[4];
		double ba[4];
		for (x = 0; x < 4; x++)
			if (q[x] > col_max) col_max = q[x];
		need -= col_max;  /* rest_i */
		lo = from - need > 0 ? from - need : 0;
		for (a = 1; a < 4; a++)  /* insertion sort: q descending, x ascending */
			for (b = a; b > 0 && q[order[b - 1]] < q[order[b]]; b--) {
				int t = order[b];
				order[b] = order[b - 1];
				order[b - 1] = t;
			}
		/* level lo + t of the new column reads level lo + t − q of the old,
		 * held at pdf[lo + t − q − base] */
		for (a = 0; a < 4; a++) qa[a] = q[order[a]] - (lo - base), ba[a] = p->bg[order[a]];
		pv_column(next, pdf, top + col_max + 1 - lo, qa, ba);
		top += col_max;
		base = lo;
		double *t = pdf;
		pdf = next;
		next = t;
	}
	/* pv[Q] = Σ_{s ≥ Q} pdf[s], summed from the top so small tails keep their precision */
	pv[n - 1] = 0;
	for (i = p->max_q; i >= from; i--) pv[i - from] = pv[i - from + 1] + pdf[i - base];
	free(pdf - PV_PAD);
	free(next - PV_PAD);
	free(p->pv);
	p->pv = pv;
	p->pv_base = from;
	return TS_OK;
}

int pwm_pv_trim(pwm_t *p, int from)
{
	int n;
	double *pv;
	if (from <= p->pv_base) return TS_OK;
	if (from > p->max_q + 1) from = p->max_q + 1;
	n = p->max_q + 2 - from;  /* keeps the sentinel pv[max_q + 1] = 0 */
	if ((pv = malloc(n * sizeof *pv)) == NULL) return TS_ENOMEM;
	memcpy(pv, p->pv + (from - p->pv_base), n * sizeof *pv);
	free(p->pv);
	p->pv = pv;
	p->pv_base = from;
	return TS_OK;
}

void pwm_free(pwm_t *p)
{
	free(p->lo);
	free(p->q);
	free(p->pv);
	memset(p, 0, sizeof *p);
}

int pwm_threshold(const pwm_t *p, double thresh)
{
	/* pv is non-increasing in Q: binary search for the first pv[Q] < thresh */
	int lo = p->pv_base, hi = p->max_q + 1;
	while (lo < hi) {
		int mid = lo + (hi - lo) / 2;
		if (pwm_pvalue(p, mid) < thresh) hi = mid;
		else lo = mid + 1;
	}
	return lo;
}

int pwm_threshold_score(const pwm_t *p, double min_score)
{
	/* Q/scale + w·offset is within w/(2·scale) of the real score, so a real
	 * score ≥ S implies Q ≥ (S − w·offset)·scale − w/2. */
	double t = (min_score - p->w * p->offset) * p->scale - p->w * 0.5;
	if (t <= 0) return 0;
	if (t > p->max_q) return p->max_q + 1;
	return (int)ceil(t - 1e-9);
}

double pwm_score(const pwm_t *p, const uint8_t *nt4, int reverse)
{
	double s = 0;
	int i, w = p->w;
	for (i = 0; i < w; i++)
		s += reverse ? p->lo[4 * (w - 1 - i) + 3 - nt4[i]] : p->lo[4 * i + nt4[i]];
	return s;
}

void pwm_bg_symmetrize(double bg[4])
{
	double at = (bg[0] + bg[3]) / 2, cg = (bg[1] + bg[2]) / 2;
	bg[0] = bg[3] = at;
	bg[1] = bg[2] = cg;
}

int pwm_bg_read(const char *path, double bg[4], char *err)
{
	static const char letters[] = "ACGT";
	char *line = NULL;
	size_t cap = 0;
	int lineno = 0, seen[4] = {0, 0, 0, 0}, i, s = TS_OK;  /* seen: line of each letter */
	double sum = 0;
	FILE *fp = fopen(path, "r");
	if (fp == NULL) return ts_fail(err, TS_EIO, "%s: %s", path, strerror(errno));
	/* getline, not a fixed buffer: a long comment must not be cut into a
	 * second "line" (nor shift the line numbers of the messages). */
	while (getline(&line, &cap, fp) >= 0) {
		char key[64], val[64], extra[2];
		int n;
		lineno++;
		line[strcspn(line, "#\r\n")] = '\0';
		n = sscanf(line, "%63s %63s %1s", key, val, extra);
		if (n <= 0) continue;
		if (n != 2) {
			s = ts_fail(err, TS_EDATA, "%s:%d: expected a letter (or word) and a frequency", path, lineno);
			goto done;
		}
		if (strlen(key) != 1) continue;  /* higher-order Markov entries: tessera uses order 0 */
		const char *c = strchr(letters, key[0] & ~0x20);
		double v;
		if (c == NULL || key[0] == '\0') {
			s = ts_fail(err, TS_EDATA, "%s:%d: '%s' is not a DNA letter", path, lineno, key);
			goto done;
		}
		if (ts_parse_double(val, &v) < 0 || v <= 0 || v > 1) {
			s = ts_fail(err, TS_EDATA, "%s:%d: frequency '%s' of %s is not a number in (0, 1]", path, lineno, val, key);
			goto done;
		}
		if (seen[c - letters]) {
			s = ts_fail(err, TS_EDATA, "%s:%d: second 0-order frequency for %c (first at line %d)", path, lineno,
				    letters[c - letters], seen[c - letters]);
			goto done;
		}
		bg[c - letters] = v;
		seen[c - letters] = lineno;
	}
	if (ferror(fp)) {  /* e.g. a directory: fopen succeeds, reading fails */
		s = ts_fail(err, TS_EIO, "%s: read failed: %s", path, strerror(errno));
		goto done;
	}
	for (i = 0; i < 4; i++) {
		if (!seen[i]) {
			s = ts_fail(err, TS_EDATA, "%s: no 0-order frequency for %c", path, letters[i]);
			goto done;
		}
		sum += bg[i];
	}
	if (fabs(sum - 1) > 0.01) {
		s = ts_fail(err, TS_EDATA, "%s: 0-order frequencies sum to %g, not 1", path, sum);
		goto done;
	}
	for (i = 0; i < 4; i++) bg[i] /= sum;
done:
	free(line);
	fclose(fp);
	return s;
}
