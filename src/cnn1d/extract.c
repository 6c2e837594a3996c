/* extract: filters → motifs from their strongest sites (see extract.h).
 * Two passes over the sequences: the largest activation of each filter,
 * then the counts of the windows above the threshold. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cnn1d/extract.h"
#include "util/log.h"

typedef struct {
	const net_t *n;
	int K, W, S;
	double *z;        /* pre-activations of one sequence, [s][p][k] */
	double *zmax;     /* K: largest pre-activation (act is increasing) */
	double *zthr;     /* K: a site needs z > zthr */
	double *count;    /* K·W·4 */
	int64_t *nsites;  /* K */
} extractor_t;

static double act(const net_t *n, double z) { return n->a.act == NET_RELU ? (z > 0 ? z : 0) : exp(z); }

/* Pass 1: zmax[k] = max over every window of every sequence. */
static void pass_max(extractor_t *e, const data_seq_t *q)
{
	int P = q->len - e->W + 1, s, r, k;
	for (s = 0; s < e->S; s++) net_conv(e->n, q->x, q->len, s, e->z + (size_t)s * P * e->K);
	for (r = 0; r < e->S * P; r++)
		for (k = 0; k < e->K; k++) e->zmax[k] = fmax(e->zmax[k], e->z[(size_t)r * e->K + k]);
}

/* Pass 2: count the bases of every window above threshold, in the
 * filter's orientation. */
static void pass_count(extractor_t *e, const data_seq_t *q)
{
	int P = q->len - e->W + 1, W = e->W, s, p, j, k;
	for (s = 0; s < e->S; s++) net_conv(e->n, q->x, q->len, s, e->z + (size_t)s * P * e->K);
	for (s = 0; s < e->S; s++)
		for (p = 0; p < P; p++)
			for (k = 0; k < e->K; k++) {
				double *c = e->count + (size_t)k * W * 4;
				if (!(e->z[((size_t)s * P + p) * e->K + k] > e->zthr[k])) continue;
				e->nsites[k]++;
				for (j = 0; j < W; j++) {
					int b = s ? q->x[p + W - 1 - j] : q->x[p + j];
					if (b < 4) c[4 * j + (s ? 3 - b : b)] += 1;
				}
			}
}

/* The activation threshold t·A_k as a pre-activation threshold: ReLU
 * z > t·A (A = zmax > 0); exp: e^z > t·e^zmax ⇔ z > zmax + ln t. */
static void set_thresholds(extractor_t *e, double t)
{
	int k;
	for (k = 0; k < e->K; k++) {
		double A = act(e->n, e->zmax[k]);
		if (!(A > 0)) e->zthr[k] = INFINITY;
		else if (e->n->a.act == NET_RELU) e->zthr[k] = t * A;
		else e->zthr[k] = t > 0 ? e->zmax[k] + log(t) : -INFINITY;
	}
}

static int make_set(const extractor_t *e, const data_t *d, motif_set_t **out, extract_info_t *info)
{
	motif_set_t *set = calloc(1, sizeof *set);
	double comp[4] = {0, 0, 0, 0}, tot = 0;
	int k, j, b, i;
	int64_t l;
	if (set == NULL || (set->a = calloc(e->K, sizeof *set->a)) == NULL) goto nomem;
	set->m = e->K;
	set->strands = 2;
	set->has_bg = 1;
	set->format = MOTIF_FMT_MEME;
	for (i = 0; i < d->n; i++)
		for (l = 0; l < d->a[i].len; l++)
			if (d->a[i].x[l] < 4) comp[d->a[i].x[l]]++, tot++;
	for (b = 0; b < 4; b++) set->bg[b] = tot > 0 ? comp[b] / tot : 0.25;
	for (k = 0; k < e->K; k++) {
		const double *c = e->count + (size_t)k * e->W * 4;
		motif_t *m = &set->a[set->n];
		char id[32];
		info[k] = (extract_info_t){k, e->nsites[k], act(e->n, e->zmax[k]), -1};
		if (e->nsites[k] == 0) continue;
		snprintf(id, sizeof id, "filter%d", k);
		if ((m->id = strdup(id)) == NULL || (m->p = malloc((size_t)e->W * 4 * sizeof *m->p)) == NULL) {
			free(m->id);
			goto nomem;
		}
		m->w = e->W;
		m->nsites = (double)e->nsites[k];
		for (j = 0; j < e->W; j++) {
			double t = c[4 * j] + c[4 * j + 1] + c[4 * j + 2] + c[4 * j + 3];
			for (b = 0; b < 4; b++) m->p[4 * j + b] = t > 0 ? c[4 * j + b] / t : 0.25;
		}
		info[k].motif = set->n++;
	}
	*out = set;
	return TS_OK;
nomem:
	motif_set_free(set);
	return TS_ENOMEM;
}

int extract_motifs(const net_t *n, const data_t *d, double threshold, motif_set_t **set, extract_info_t **info, char *err)
{
	extractor_t e = {n, n->a.K, n->a.W, n->a.rc_tie ? 2 : 1, NULL, NULL, NULL, NULL, NULL};
	char why[TS_ERRLEN];
	int i, k, s = TS_OK;
	*set = NULL;
	*info = NULL;
	if (!(threshold >= 0 && threshold < 1)) return ts_fail(err, TS_EUSAGE, "the threshold must be in [0, 1), not %g", threshold);
	if (d->n == 0) return ts_fail(err, TS_EDATA, "no sequences to extract motifs from");
	for (i = 0; i < d->n; i++)
		if (net_check_len(n, d->a[i].len, why) < 0) return ts_fail(err, TS_EDATA, "sequence %s: %s", d->a[i].name, why);
	e.z = malloc((size_t)e.S * (d->max_len - e.W + 1) * e.K * sizeof *e.z);
	e.zmax = malloc(e.K * sizeof *e.zmax);
	e.zthr = malloc(e.K * sizeof *e.zthr);
	e.count = calloc((size_t)e.K * e.W * 4, sizeof *e.count);
	e.nsites = calloc(e.K, sizeof *e.nsites);
	*info = malloc(e.K * sizeof **info);
	if (!e.z || !e.zmax || !e.zthr || !e.count || !e.nsites || !*info) goto nomem;
	for (k = 0; k < e.K; k++) e.zmax[k] = -INFINITY;
	for (i = 0; i < d->n; i++) pass_max(&e, &d->a[i]);
	set_thresholds(&e, threshold);
	for (i = 0; i < d->n; i++) pass_count(&e, &d->a[i]);
	if (make_set(&e, d, set, *info) == TS_OK) goto done;
nomem:
	s = ts_fail(err, TS_ENOMEM, "out of memory extracting motifs");
	free(*info);
	*info = NULL;
done:
	free(e.z);
	free(e.zmax);
	free(e.zthr);
	free(e.count);
	free(e.nsites);
	return s;
}
