/* boot: parametric bootstrap of the LRT and pair-resampling intervals
 * (see boot.h for the maths and the assumptions). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_sort.h>
#include <gsl/gsl_statistics_double.h>
#include "pairhmm/boot.h"
#include "pairhmm/lrt.h"
#include "util/log.h"

const char *const phmm_ci_names[CI_N] = {"dX", "dY", "eX", "eY", "tau", "dX/dY", "eX/eY"};

static double lse(double a, double b)
{
	if (a == -INFINITY) return b;
	if (b == -INFINITY) return a;
	return a > b ? a + log1p(exp(b - a)) : b + log1p(exp(a - b));
}

static double lg(double x) { return x > 0 ? log(x) : -INFINITY; }

/* Index drawn in proportion to exp(lw[k]), k < n. */
static int draw_log(gsl_rng *rng, const double *lw, int n)
{
	double tot = -INFINITY, u, acc = 0;
	int k;
	for (k = 0; k < n; k++) tot = lse(tot, lw[k]);
	u = gsl_rng_uniform(rng);
	for (k = 0; k < n - 1; k++)
		if (u < (acc += exp(lw[k] - tot))) return k;
	return n - 1;
}

int phmm_simulate_total(const phmm_params_t *p, int64_t total, gsl_rng *rng, phmm_sim_t *s)
{
	/* log transitions from M, X, Y to M, X, Y, E */
	const double t[3][4] = {
		{lg(1 - p->dX - p->dY - p->tau), lg(p->dX), lg(p->dY), lg(p->tau)},
		{lg(1 - p->eX - p->tau), lg(p->eX), -INFINITY, lg(p->tau)},
		{lg(1 - p->eY - p->tau), -INFINITY, lg(p->eY), lg(p->tau)},
	};
	/* transitions do not depend on the position, so the weight of the path
	 * suffixes depends on the residues left, r, only:
	 * W_S(0) = τ,  W_S(r) = t_SM W_M(r−2) + t_SX W_X(r−1) + t_SY W_Y(r−1) */
	double *W = malloc(3 * (total + 1) * sizeof *W);
	int64_t r;
	int S;
	memset(s, 0, sizeof *s);
	if (!W) return TS_ENOMEM;
	for (r = 0; r <= total; r++)
		for (S = 0; S < 3; S++) {
			double w = r == 0 ? t[S][3] : -INFINITY;
			if (r >= 2) w = lse(w, t[S][0] + W[3 * (r - 2)]);
			if (r >= 1) w = lse(w, lse(t[S][1] + W[3 * (r - 1) + 1], t[S][2] + W[3 * (r - 1) + 2]));
			W[3 * r + S] = w;
		}
	if (W[3 * total] == -INFINITY) {
		free(W);
		return TS_EDATA;
	}
	s->x = malloc(total + 1);
	s->y = malloc(total + 1);
	s->states = malloc(total + 1);
	if (!s->x || !s->y || !s->states) {
		free(W);
		phmm_sim_free(s);
		return TS_ENOMEM;
	}
	for (r = total, S = 0; r > 0;) {
		double lw[3] = {
			r >= 2 ? t[S][0] + W[3 * (r - 2)] : -INFINITY,
			t[S][1] + W[3 * (r - 1) + 1],
			t[S][2] + W[3 * (r - 1) + 2],
		};
		S = draw_log(rng, lw, 3);
		phmm_sim_column(p, rng, S, s);
		r -= S == 0 ? 2 : 1;
	}
	s->states[s->len] = '\0';
	free(W);
	return TS_OK;
}

int phmm_boot_lrt(const phmm_pair_t *pairs, int64_t n_pairs, const phmm_fit_t *null, unsigned alt_spec, double D, int B,
		  unsigned long seed, int64_t band, const phmm_em_opts_t *o, phmm_boot_t *out, char *err)
{
	phmm_sim_t *sims = calloc(n_pairs ? n_pairs : 1, sizeof *sims);
	phmm_pair_t *v = calloc(n_pairs ? n_pairs : 1, sizeof *v);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int b, r = TS_OK;
	int64_t k;
	int32_t **v_lo = calloc(n_pairs ? n_pairs : 1, sizeof *v_lo), **v_hi = calloc(n_pairs ? n_pairs : 1, sizeof *v_hi);
	memset(out, 0, sizeof *out);
	out->B = B;
	if (!sims || !v || !rng || !v_lo || !v_hi) {
		r = ts_fail(err, TS_ENOMEM, "out of memory");
		goto done;
	}
	for (b = 0; b < B && r == TS_OK; b++) {
		phmm_fit_t f0, f1;
		gsl_rng_set(rng, seed + (unsigned long)b);
		for (k = 0; k < n_pairs && r == TS_OK; k++) {
			phmm_sim_free(&sims[k]);
			if ((r = phmm_simulate_total(&null->params, pairs[k].n + pairs[k].m, rng, &sims[k])) < 0)
				ts_fail(err, r, "bootstrap: cannot simulate pair %lld (%lld residues)", (long long)k + 1,
					(long long)(pairs[k].n + pairs[k].m));
			v[k] = (phmm_pair_t){.x = sims[k].x, .n = sims[k].n, .y = sims[k].y, .m = sims[k].m};
			if (r == TS_OK && band > 0) {
				int32_t *lo = realloc((int32_t *)v_lo[k], (sims[k].n + 1) * sizeof *lo), *hi;
				if (lo) v_lo[k] = lo;
				hi = lo ? realloc((int32_t *)v_hi[k], (sims[k].n + 1) * sizeof *hi) : NULL;
				if (hi) v_hi[k] = hi;
				if (!lo || !hi || phmm_sim_band(&sims[k], band, lo, hi) < 0) r = ts_fail(err, TS_ENOMEM, "out of memory");
				v[k].lo = lo, v[k].hi = hi;
			}
		}
		if (r == TS_OK) r = phmm_em_fit(v, n_pairs, null->spec, &null->params, o, &f0, err);
		if (r == TS_OK) r = phmm_em_fit(v, n_pairs, alt_spec, &f0.params, o, &f1, err);
		if (r == TS_OK && 2 * (f1.lnL - f0.lnL) >= D) out->n_ge++;
	}
	out->p = (1.0 + out->n_ge) / (B + 1.0);
done:
	for (k = 0; sims && k < n_pairs; k++) phmm_sim_free(&sims[k]);
	for (k = 0; v_lo && v_hi && k < n_pairs; k++) free(v_lo[k]), free(v_hi[k]);
	free(v_lo), free(v_hi);
	free(sims);
	free(v);
	if (rng) gsl_rng_free(rng);
	return r;
}

int phmm_boot_ci(const phmm_pair_t *pairs, int64_t n_pairs, unsigned spec, const phmm_params_t *start, int B,
		 unsigned long seed, const phmm_em_opts_t *o, phmm_ci_t *out, char *err)
{
	phmm_pair_t *v = malloc((n_pairs ? n_pairs : 1) * sizeof *v);
	double *est = malloc((size_t)CI_N * (B > 0 ? B : 1) * sizeof *est);
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int b, c, r = TS_OK;
	int64_t k;
	memset(out, 0, sizeof *out);
	out->B = B;
	if (!v || !est || !rng) {
		r = ts_fail(err, TS_ENOMEM, "out of memory");
		goto done;
	}
	for (b = 0; b < B && r == TS_OK; b++) {
		phmm_fit_t f;
		gsl_rng_set(rng, seed + (unsigned long)b);
		for (k = 0; k < n_pairs; k++) v[k] = pairs[gsl_rng_uniform_int(rng, n_pairs)];
		if ((r = phmm_em_fit(v, n_pairs, spec, start, o, &f, err)) < 0) break;
		const phmm_params_t *q = &f.params;
		const double e[CI_N] = {q->dX, q->dY, q->eX, q->eY, q->tau, q->dY > 0 ? q->dX / q->dY : INFINITY,
					q->eY > 0 ? q->eX / q->eY : INFINITY};
		for (c = 0; c < CI_N; c++) est[(size_t)c * B + b] = e[c];
	}
	for (c = 0; r == TS_OK && c < CI_N; c++) {
		double *x = est + (size_t)c * B;
		gsl_sort(x, 1, B);
		out->lo[c] = gsl_stats_quantile_from_sorted_data(x, 1, B, 0.025);
		out->hi[c] = gsl_stats_quantile_from_sorted_data(x, 1, B, 0.975);
	}
done:
	free(v);
	free(est);
	if (rng) gsl_rng_free(rng);
	return r;
}
