/* metrics: auROC by midranks and auPRC by tie groups (formulas in metrics.h). */
#include <math.h>
#include <stdlib.h>
#include "cnn1d/metrics.h"
#include "util/log.h"

typedef struct {
	double s;
	int pos;
} scored_t;

static int by_score(const void *a, const void *b)
{
	double x = ((const scored_t *)a)->s, y = ((const scored_t *)b)->s;
	return (x > y) - (x < y);
}

/* Copy and sort by increasing score; counts of each class. */
static scored_t *sorted(const double *score, const int *is_pos, int n, int *n_pos)
{
	scored_t *v = malloc((n > 0 ? n : 1) * sizeof *v);
	int i;
	*n_pos = 0;
	if (v == NULL) return NULL;
	for (i = 0; i < n; i++) {
		v[i].s = score[i];
		v[i].pos = !!is_pos[i];
		*n_pos += v[i].pos;
	}
	qsort(v, n, sizeof *v, by_score);
	return v;
}

int metrics_auroc(const double *score, const int *is_pos, int n, double *out)
{
	int n_pos, i, j, k;
	double rank_sum = 0;
	scored_t *v = sorted(score, is_pos, n, &n_pos);
	if (v == NULL) return TS_ENOMEM;
	for (i = 0; i < n; i = j) {
		int pos_in_group = 0;
		for (j = i; j < n && v[j].s == v[i].s; j++) pos_in_group += v[j].pos;
		/* ranks i+1..j share their mean (i + 1 + j) / 2 */
		for (k = 0; k < pos_in_group; k++) rank_sum += (i + 1 + j) / 2.0;
	}
	free(v);
	*out = n_pos == 0 || n_pos == n ? NAN : (rank_sum - n_pos * (n_pos + 1.0) / 2) / ((double)n_pos * (n - n_pos));
	return TS_OK;
}

int metrics_auprc(const double *score, const int *is_pos, int n, double *out)
{
	int n_pos, i, j, tp = 0, fp = 0;
	double ap = 0, last_recall = 0;
	scored_t *v = sorted(score, is_pos, n, &n_pos);
	if (v == NULL) return TS_ENOMEM;
	for (i = n - 1; i >= 0; i = j) {
		for (j = i; j >= 0 && v[j].s == v[i].s; j--) {
			tp += v[j].pos;
			fp += !v[j].pos;
		}
		if (n_pos > 0) {
			double recall = (double)tp / n_pos;
			ap += (recall - last_recall) * tp / (tp + fp);
			last_recall = recall;
		}
	}
	free(v);
	*out = n_pos == 0 || n_pos == n ? NAN : ap;
	return TS_OK;
}
