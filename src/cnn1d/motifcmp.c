/* motifcmp: Pearson similarity of motifs and information content (see
 * motifcmp.h). */
#include <math.h>
#include "cnn1d/motifcmp.h"

double mcmp_column_r(const double *u, const double *v)
{
	double mu = (u[0] + u[1] + u[2] + u[3]) / 4, mv = (v[0] + v[1] + v[2] + v[3]) / 4, suv = 0, suu = 0, svv = 0;
	int b;
	for (b = 0; b < 4; b++) {
		suv += (u[b] - mu) * (v[b] - mv);
		suu += (u[b] - mu) * (u[b] - mu);
		svv += (v[b] - mv) * (v[b] - mv);
	}
	if (suu < 1e-24 || svv < 1e-24) return suu < 1e-24 && svv < 1e-24 ? 1 : 0;
	return suv / sqrt(suu * svv);
}

/* Column i of b on a strand: as is, or reverse-complemented. */
static void column(const motif_t *b, int i, char strand, double *out)
{
	const double *c = b->p + 4 * (strand == '+' ? i : b->w - 1 - i);
	int k;
	for (k = 0; k < 4; k++) out[k] = strand == '+' ? c[k] : c[3 - k];
}

mcmp_match_t mcmp_compare(const motif_t *a, const motif_t *b)
{
	mcmp_match_t best = {NAN, 0, '+', 0, -1};
	int min_l = a->w < b->w ? a->w : b->w, o, i, si;
	if (min_l > 5) min_l = 5;
	for (si = 0; si < 2; si++) {
		char strand = si ? '-' : '+';
		for (o = -(b->w - 1); o <= a->w - 1; o++) {
			int lo = o > 0 ? o : 0, hi = o + b->w < a->w ? o + b->w : a->w;
			double sum = 0, bc[4];
			if (hi - lo < min_l) continue;
			for (i = lo; i < hi; i++) {
				column(b, i - o, strand, bc);
				sum += mcmp_column_r(a->p + 4 * i, bc);
			}
			sum /= hi - lo;
			if (isnan(best.sim) || sum > best.sim) best = (mcmp_match_t){sum, o, strand, hi - lo, -1};
		}
	}
	return best;
}

mcmp_match_t mcmp_best(const motif_t *a, const motif_set_t *db)
{
	mcmp_match_t best = {NAN, 0, '+', 0, -1};
	int t;
	for (t = 0; t < db->n; t++) {
		mcmp_match_t m = mcmp_compare(a, &db->a[t]);
		if (!isnan(m.sim) && (isnan(best.sim) || m.sim > best.sim)) best = m, best.target = t;
	}
	return best;
}

double mcmp_column_ic(const double *p)
{
	double h = 2;
	int b;
	for (b = 0; b < 4; b++)
		if (p[b] > 0) h += p[b] * log2(p[b]);
	return h;
}

double mcmp_ic(const motif_t *m)
{
	double ic = 0;
	int i;
	for (i = 0; i < m->w; i++) ic += mcmp_column_ic(m->p + 4 * i);
	return ic;
}
