/* varscan: allele windows and the best overlapping motif match (varscan.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "cnn1d/varscan.h"
#include "util/log.h"

static uint8_t nt4_of(char c)
{
	switch (toupper((unsigned char)c)) {
	case 'A': return 0;
	case 'C': return 1;
	case 'G': return 2;
	case 'T': return 3;
	default: return 4;
	}
}

/* Lengths of the common prefix, then of the common suffix of the rest. */
static void trim(const char *ref, const char *alt, int64_t *pre, int64_t *suf)
{
	int64_t nr = (int64_t)strlen(ref), na = (int64_t)strlen(alt), p = 0, s = 0;
	while (p < nr && p < na && toupper((unsigned char)ref[p]) == toupper((unsigned char)alt[p])) p++;
	while (s < nr - p && s < na - p && toupper((unsigned char)ref[nr - 1 - s]) == toupper((unsigned char)alt[na - 1 - s])) s++;
	*pre = p, *suf = s;
}

void vs_flank_range(const char *ref, const char *alt, int64_t pos, int flank, int64_t *left_beg, int64_t *change_beg,
		    int64_t *change_end, int64_t *right_end)
{
	int64_t pre, suf, nr = (int64_t)strlen(ref);
	trim(ref, alt, &pre, &suf);
	*change_beg = pos + pre;
	*change_end = pos + nr - suf;
	*left_beg = *change_beg - flank > 0 ? *change_beg - flank : 0;
	*right_end = *change_end + flank;
}

int vs_alleles(const char *ref, const char *alt, int64_t pos, const char *left, int64_t nleft, const char *right,
	       int64_t nright, vs_alleles_t *v)
{
	int64_t pre, suf, nr = (int64_t)strlen(ref), na = (int64_t)strlen(alt), i, k;
	const char *mid[2];
	int64_t nmid[2];
	memset(v, 0, sizeof *v);
	trim(ref, alt, &pre, &suf);
	mid[0] = ref + pre, nmid[0] = nr - pre - suf;
	mid[1] = alt + pre, nmid[1] = na - pre - suf;
	v->trim = pre;
	v->ref_beg = pos + pre - nleft;
	for (k = 0; k < 2; k++) {
		uint8_t *w;
		v->n[k] = nleft + nmid[k] + nright;
		if ((w = v->nt4[k] = malloc(v->n[k] ? v->n[k] : 1)) == NULL) {
			vs_alleles_free(v);
			return TS_ENOMEM;
		}
		for (i = 0; i < nleft; i++) w[i] = nt4_of(left[i]);
		for (i = 0; i < nmid[k]; i++) w[nleft + i] = nt4_of(mid[k][i]);
		for (i = 0; i < nright; i++) w[nleft + nmid[k] + i] = nt4_of(right[i]);
		v->a[k] = nleft;
		v->b[k] = nleft + nmid[k];
	}
	return TS_OK;
}

void vs_alleles_free(vs_alleles_t *v)
{
	free(v->nt4[0]);
	free(v->nt4[1]);
	memset(v, 0, sizeof *v);
}

int vs_overlaps(const vs_alleles_t *v, int k, int64_t s, int w)
{
	int64_t a = v->a[k], b = v->b[k];
	if (a == b) return s <= a - 1 && s + w - 1 >= a;
	return s <= b - 1 && s + w - 1 >= a;
}

void vs_best(const pwm_t *p, const vs_alleles_t *v, int k, int both, vs_best_t *best)
{
	const int w = p->w;
	const uint8_t *x = v->nt4[k];
	int64_t a = v->a[k], b = v->b[k], lo = a - w + 1, hi = a == b ? a - 1 : b - 1, s;
	int strand, i;
	best->q = -1, best->s = 0, best->strand = '+', best->score = 0;
	if (lo < 0) lo = 0;
	if (hi > v->n[k] - w) hi = v->n[k] - w;
	for (s = lo; s <= hi; s++) {
		int ok = 1;
		for (i = 0; i < w && ok; i++) ok = x[s + i] < 4;
		if (!ok) continue;
		for (strand = 0; strand <= !!both; strand++) {
			int32_t q = 0;
			for (i = 0; i < w; i++) q += strand ? p->q[4 * (w - 1 - i) + 3 - x[s + i]] : p->q[4 * i + x[s + i]];
			if (q > best->q) {
				best->q = q, best->s = s, best->strand = strand ? '-' : '+';
				best->score = pwm_score(p, x + s, strand);
			}
		}
	}
}
