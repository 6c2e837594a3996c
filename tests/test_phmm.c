/* test_phmm: the pair HMM against independent truths.
 *
 * Forward = backward = brute-force enumeration of every alignment (short
 * pairs, N and IUPAC codes included); expected counts = finite-difference
 * derivatives of lnL in each log-parameter; count identities; Viterbi and MEA
 * = exhaustive best paths; EM never lowers lnL; and a simulation with known
 * parameters is recovered. */
#include <criterion/criterion.h>
#include <gsl/gsl_rng.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "pairhmm/dp.h"
#include "pairhmm/dp_impl.h"
#include "pairhmm/dp_simd_impl.h"
#include "pairhmm/boot.h"
#include "pairhmm/em.h"
#include "pairhmm/lrt.h"
#include "pairhmm/pairset.h"
#include "pairhmm/sim.h"
#include "util/log.h"

static void random_params(phmm_params_t *p, gsl_rng *r)
{
	double s = 0;
	int a, b;
	p->tau = 0.02 + 0.1 * gsl_rng_uniform(r);
	p->dX = 0.05 + 0.2 * gsl_rng_uniform(r);
	p->dY = 0.05 + 0.2 * gsl_rng_uniform(r);
	p->eX = 0.1 + 0.6 * gsl_rng_uniform(r);
	p->eY = 0.1 + 0.6 * gsl_rng_uniform(r);
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) s += p->p[a][b] = 0.1 + gsl_rng_uniform(r) + (a == b);
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) p->p[a][b] /= s;
	for (s = 0, a = 0; a < 4; a++) s += p->qX[a] = 0.2 + gsl_rng_uniform(r);
	for (a = 0; a < 4; a++) p->qX[a] /= s;
	for (s = 0, a = 0; a < 4; a++) s += p->qY[a] = 0.2 + gsl_rng_uniform(r);
	for (a = 0; a < 4; a++) p->qY[a] /= s;
}

/* nt16 codes: mostly bases, some N and IUPAC */
static void random_seq(uint8_t *s, int n, gsl_rng *r)
{
	static const uint8_t codes[] = {1, 2, 4, 8, 1, 2, 4, 8, 15, 5, 10};
	int i;
	for (i = 0; i < n; i++) s[i] = codes[gsl_rng_uniform_int(r, sizeof codes)];
}

/* Sum (or max) of the probabilities of every path from state s at (i,j). */
static double enumerate(const phmm_tables_t *t, const phmm_pair_t *pr, int s, int64_t i, int64_t j, int use_max)
{
	static const int tr[3][4] = {{PH_MM, PH_MX, PH_MY, PH_ME}, {PH_XM, PH_XX, -1, PH_XE}, {PH_YM, -1, PH_YY, PH_YE}};
	double tot = 0, v;
	if (pr->lo && (j < pr->lo[i] || j > pr->hi[i])) return 0;  /* outside the band */
#define TAKE(x) (v = (x), tot = use_max ? (v > tot ? v : tot) : tot + v)
	if (i == pr->n && (j == pr->m || pr->glocal)) TAKE(t->t[tr[s][3]]);
	if (i < pr->n && j < pr->m) TAKE(t->t[tr[s][0]] * t->pm[pr->x[i]][pr->y[j]] * enumerate(t, pr, 0, i + 1, j + 1, use_max));
	if (tr[s][1] >= 0 && i < pr->n) TAKE(t->t[tr[s][1]] * t->qx[pr->x[i]] * enumerate(t, pr, 1, i + 1, j, use_max));
	if (tr[s][2] >= 0 && j < pr->m) TAKE(t->t[tr[s][2]] * t->qy[pr->y[j]] * enumerate(t, pr, 2, i, j + 1, use_max));
#undef TAKE
	return tot;
}

Test(phmm, forward_backward_equal_enumeration)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int n, m, rep;
	gsl_rng_set(r, 11);
	for (n = 0; n <= 4; n++)
		for (m = 0; m <= 4; m++)
			for (rep = 0; rep < 8; rep++) {
				phmm_params_t p;
				phmm_tables_t t;
				uint8_t x[4], y[4];
				phmm_pair_t pr = {.x = x, .n = n, .y = y, .m = m};
				double f, b, e;
				random_params(&p, r);
				phmm_tables(&p, &t);
				random_seq(x, n, r);
				random_seq(y, m, r);
				e = log(enumerate(&t, &pr, 0, 0, 0, 0));
				cr_assert_eq(phmm_forward(&t, &pr, &f), TS_OK);
				cr_assert_eq(phmm_backward(&t, &pr, &b), TS_OK);
				cr_assert(fabs(f - e) <= 1e-10 * fabs(e) + 1e-12, "n %d m %d: forward %.15g enumeration %.15g", n, m, f, e);
				cr_assert(fabs(b - f) <= 1e-10 * fabs(f) + 1e-12, "n %d m %d: backward %.15g forward %.15g", n, m, b, f);
				phmm_counts_t c;
				double le;
				phmm_counts_zero(&c);
				cr_assert_eq(phmm_expect(&t, &pr, &c, &le), TS_OK);
				cr_assert(fabs(le - f) <= 1e-10 * fabs(f) + 1e-12);
			}
	gsl_rng_free(r);
}

/* ∂lnL/∂log θ = E[count of θ] for every transition and emission entry. */
Test(phmm, expected_counts_are_derivatives)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	phmm_params_t p;
	phmm_tables_t t;
	uint8_t x[60], y[50];
	phmm_pair_t pr = {.x = x, .n = 60, .y = y, .m = 50};
	phmm_counts_t c;
	double lnL, h = 1e-5;
	int k, a, b;
	gsl_rng_set(r, 5);
	random_params(&p, r);
	random_seq(x, 60, r);
	random_seq(y, 50, r);
	phmm_tables(&p, &t);
	phmm_counts_zero(&c);
	cr_assert_eq(phmm_expect(&t, &pr, &c, &lnL), TS_OK);
	for (k = 0; k < PH_NTRANS; k++) {
		phmm_tables_t tp = t, tm = t;
		double lp, lm;
		tp.t[k] *= exp(h);
		tm.t[k] *= exp(-h);
		phmm_forward(&tp, &pr, &lp);
		phmm_forward(&tm, &pr, &lm);
		double d = (lp - lm) / (2 * h);
		cr_assert(fabs(d - c.t[k]) <= 1e-5 * fabs(d) + 1e-8, "transition %d: derivative %.10g, count %.10g", k, d, c.t[k]);
	}
	/* emissions: perturb one parameter, rebuild the code tables (N sums) */
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) {
			phmm_params_t pp = p, pm = p;
			phmm_tables_t tp, tm;
			double lp, lm;
			pp.p[a][b] *= exp(h);
			pm.p[a][b] *= exp(-h);
			phmm_tables(&pp, &tp);
			phmm_tables(&pm, &tm);
			phmm_forward(&tp, &pr, &lp);
			phmm_forward(&tm, &pr, &lm);
			double d = (lp - lm) / (2 * h);
			cr_assert(fabs(d - c.m[a][b]) <= 1e-5 * fabs(d) + 1e-8, "match %d%d: derivative %.10g, count %.10g", a, b, d, c.m[a][b]);
		}
	for (a = 0; a < 4; a++) {
		phmm_params_t xp = p, xm = p, yp = p, ym = p;
		phmm_tables_t t1, t2, t3, t4;
		double l1, l2, l3, l4;
		xp.qX[a] *= exp(h);
		xm.qX[a] *= exp(-h);
		yp.qY[a] *= exp(h);
		ym.qY[a] *= exp(-h);
		phmm_tables(&xp, &t1);
		phmm_tables(&xm, &t2);
		phmm_tables(&yp, &t3);
		phmm_tables(&ym, &t4);
		phmm_forward(&t1, &pr, &l1);
		phmm_forward(&t2, &pr, &l2);
		phmm_forward(&t3, &pr, &l3);
		phmm_forward(&t4, &pr, &l4);
		cr_assert(fabs((l1 - l2) / (2 * h) - c.x[a]) <= 1e-5 * fabs(c.x[a]) + 1e-8, "qX %d", a);
		cr_assert(fabs((l3 - l4) / (2 * h) - c.y[a]) <= 1e-5 * fabs(c.y[a]) + 1e-8, "qY %d", a);
	}
	gsl_rng_free(r);
}

static phmm_params_t truth(void)
{
	phmm_params_t p;
	int a, b;
	double s = 0;
	phmm_params_default(&p);
	p.dX = 0.03;
	p.dY = 0.015;
	p.eX = 0.35;
	p.eY = 0.5;
	p.tau = 0.005;
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) s += p.p[a][b] = a == b ? 0.2 : 0.05 / 3;
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) p.p[a][b] /= s;
	p.qX[0] = p.qY[0] = 0.3;
	p.qX[1] = p.qY[1] = 0.2;
	p.qX[2] = p.qY[2] = 0.2;
	p.qX[3] = p.qY[3] = 0.3;
	return p;
}

typedef struct {
	phmm_sim_t *sims;
	phmm_pair_t *pairs;
	int64_t n, residues;
} dataset_t;

static void simulate(dataset_t *d, const phmm_params_t *p, int64_t n, unsigned long seed)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int64_t i;
	gsl_rng_set(r, seed);
	d->n = n;
	d->residues = 0;
	d->sims = calloc(n, sizeof *d->sims);
	d->pairs = calloc(n, sizeof *d->pairs);
	for (i = 0; i < n; i++) {
		cr_assert_eq(phmm_simulate(p, r, &d->sims[i]), TS_OK);
		d->pairs[i] = (phmm_pair_t){.x = d->sims[i].x, .n = d->sims[i].n, .y = d->sims[i].y, .m = d->sims[i].m};
		d->residues += d->sims[i].n + d->sims[i].m;
	}
	gsl_rng_free(r);
}

static void dataset_free(dataset_t *d)
{
	int64_t i;
	for (i = 0; i < d->n; i++) phmm_sim_free(&d->sims[i]);
	free(d->sims);
	free(d->pairs);
}

/* Every residue is emitted once: M + X emissions = n, M + Y = m; one end per
 * pair; transitions into M equal M emissions, into X the X emissions.  To
 * rel in double (phmm_expect); the E-step's float forward–backward
 * (phmm_expect_fast) holds them to its precision, and takes the X emissions
 * of a row as 1 − its M posteriors, summed in float: within 10^-6 of the
 * residues in all, as test_dp_simd.c bounds every count. */
static void check_identities(int fast, double rel)
{
	phmm_params_t p = truth();
	phmm_tables_t t;
	dataset_t d;
	phmm_counts_t c;
	double lnL, nx = 0, ny = 0, match = 0, xs = 0, ys = 0, end;
	char err[TS_ERRLEN];
	int64_t i;
	int a, b;
	simulate(&d, &p, 30, 3);
	phmm_tables(&p, &t);
	phmm_counts_zero(&c);
	if (fast) cr_assert_eq(phmm_estep(d.pairs, d.n, &p, 2, &c, &lnL, err), TS_OK, "%s", err);
	for (i = 0; !fast && i < d.n; i++) cr_assert_eq(phmm_expect(&t, &d.pairs[i], &c, &lnL), TS_OK);
	for (i = 0; i < d.n; i++) nx += d.pairs[i].n, ny += d.pairs[i].m;
	for (a = 0; a < 4; a++) {
		for (b = 0; b < 4; b++) match += c.m[a][b];
		xs += c.x[a];
		ys += c.y[a];
	}
	end = c.t[PH_ME] + c.t[PH_XE] + c.t[PH_YE];
	cr_assert(fabs(match + xs - nx) < rel * nx, "%.10g + %.10g != %.10g", match, xs, nx);
	cr_assert(fabs(match + ys - ny) < rel * ny);
	cr_assert(fabs(end - d.n) < rel * d.n, "end count %.12g for %lld pairs", end, (long long)d.n);
	cr_assert(fabs(c.t[PH_MM] + c.t[PH_XM] + c.t[PH_YM] - match) < rel * match);
	cr_assert(fabs(c.t[PH_MX] + c.t[PH_XX] - xs) < rel * (xs + 1) + (fast ? 1e-6 * nx : 0), "MX+XX %.10g, X %.10g, n %.0f",
		  c.t[PH_MX] + c.t[PH_XX], xs, nx);
	dataset_free(&d);
}

Test(phmm, count_identities) { check_identities(0, 1e-9); }
Test(phmm, count_identities_estep_float) { check_identities(1, 1e-6); }

typedef struct {
	double prev;
	int n;
} mono_t;

static void check_monotone(int iter, double lnL, void *arg)
{
	mono_t *m = arg;
	if (iter > 0) cr_assert(lnL >= m->prev - 1e-10 * fabs(m->prev), "EM lowered lnL at iteration %d: %.12g < %.12g", iter, lnL, m->prev);
	m->prev = lnL;
	m->n++;
}

Test(phmm, em_never_lowers_lnL, .timeout = 300)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	unsigned specs[3] = {PHMM_SPEC_TIED, PHMM_SPEC_UNTIED, PHMM_TIE_MATCH_SYMMETRY};
	int k;
	gsl_rng_set(r, 9);
	for (k = 0; k < 3; k++) {
		phmm_params_t p, start;
		dataset_t d;
		phmm_em_opts_t o;
		phmm_fit_t fit;
		mono_t mono = {0, 0};
		char err[TS_ERRLEN];
		random_params(&p, r);
		p.tau = 0.02;
		simulate(&d, &p, 40, 100 + k);
		phmm_params_default(&start);
		phmm_em_opts_init(&o);
		o.on_iter = check_monotone;
		o.arg = &mono;
		o.tol = 1e-12;
		o.max_iter = 60;
		cr_assert_eq(phmm_em_fit(d.pairs, d.n, specs[k], &start, &o, &fit, err), TS_OK, "%s", err);
		cr_assert_gt(mono.n, 5);
		dataset_free(&d);
	}
	gsl_rng_free(r);
}

/* Viterbi's score is the best single path; MEA's, the best sum of cell
 * posteriors over model-valid paths: both against exhaustive search. */
typedef struct {
	double prob[4096];
	uint8_t cells[4096][16][3];  /* i, j, state of each column */
	int len[4096], n;
} paths_t;

static void all_paths(const phmm_tables_t *t, const phmm_pair_t *pr, paths_t *ps, uint8_t cur[16][3], int len, int s,
		      int64_t i, int64_t j, double prob)
{
	static const int tr[3][4] = {{PH_MM, PH_MX, PH_MY, PH_ME}, {PH_XM, PH_XX, -1, PH_XE}, {PH_YM, -1, PH_YY, PH_YE}};
	if (i == pr->n && j == pr->m && t->t[tr[s][3]] > 0) {
		cr_assert_lt(ps->n, 4096);
		ps->prob[ps->n] = prob * t->t[tr[s][3]];
		memcpy(ps->cells[ps->n], cur, sizeof ps->cells[0]);
		ps->len[ps->n++] = len;
	}
	if (i < pr->n && j < pr->m) {
		cur[len][0] = (uint8_t)(i + 1), cur[len][1] = (uint8_t)(j + 1), cur[len][2] = 0;
		all_paths(t, pr, ps, cur, len + 1, 0, i + 1, j + 1, prob * t->t[tr[s][0]] * t->pm[pr->x[i]][pr->y[j]]);
	}
	if (tr[s][1] >= 0 && i < pr->n) {
		cur[len][0] = (uint8_t)(i + 1), cur[len][1] = (uint8_t)j, cur[len][2] = 1;
		all_paths(t, pr, ps, cur, len + 1, 1, i + 1, j, prob * t->t[tr[s][1]] * t->qx[pr->x[i]]);
	}
	if (tr[s][2] >= 0 && j < pr->m) {
		cur[len][0] = (uint8_t)i, cur[len][1] = (uint8_t)(j + 1), cur[len][2] = 2;
		all_paths(t, pr, ps, cur, len + 1, 2, i, j + 1, prob * t->t[tr[s][2]] * t->qy[pr->y[j]]);
	}
}

/* max over paths of Σ posterior(cell) with posteriors from the same enumeration */
static double best_accuracy(const phmm_tables_t *t, const phmm_pair_t *pr)
{
	static paths_t ps;
	uint8_t cur[16][3];
	double post[5][5][3] = {{{0}}}, P = 0, best = -1;
	int k, c;
	ps.n = 0;
	all_paths(t, pr, &ps, cur, 0, 0, 0, 0, 1.0);
	for (k = 0; k < ps.n; k++) P += ps.prob[k];
	for (k = 0; k < ps.n; k++)
		for (c = 0; c < ps.len[k]; c++) post[ps.cells[k][c][0]][ps.cells[k][c][1]][ps.cells[k][c][2]] += ps.prob[k] / P;
	for (k = 0; k < ps.n; k++) {
		double acc = 0;
		if (ps.prob[k] <= 0) continue;
		for (c = 0; c < ps.len[k]; c++) acc += post[ps.cells[k][c][0]][ps.cells[k][c][1]][ps.cells[k][c][2]];
		if (acc > best) best = acc;
	}
	return best;
}

Test(phmm, viterbi_is_best_path)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int n, m, rep;
	gsl_rng_set(r, 21);
	for (n = 1; n <= 3; n++)
		for (m = 1; m <= 3; m++)
			for (rep = 0; rep < 4; rep++) {
				phmm_params_t p;
				phmm_tables_t t;
				uint8_t x[4], y[4];
				phmm_pair_t pr = {.x = x, .n = n, .y = y, .m = m};
				phmm_aln_t aln;
				random_params(&p, r);
				phmm_tables(&p, &t);
				random_seq(x, n, r);
				random_seq(y, m, r);
				double best = log(enumerate(&t, &pr, 0, 0, 0, 1)), lnL = log(enumerate(&t, &pr, 0, 0, 0, 0));
				cr_assert_eq(phmm_viterbi(&t, &pr, &aln), TS_OK);
				cr_assert(fabs(aln.score - best) < 1e-10 * fabs(best), "viterbi %.12g, best path %.12g", aln.score, best);
				cr_assert(fabs(aln.lnL - lnL) < 1e-10 * fabs(lnL));
				cr_assert_eq((int64_t)strlen(aln.ax), aln.len);
				int64_t k, gx = 0, gy = 0;
				for (k = 0; k < aln.len; k++) {
					cr_assert(aln.post[k] > 0 && aln.post[k] <= 1 + 1e-12);
					gx += aln.ax[k] != '-';
					gy += aln.ay[k] != '-';
				}
				cr_assert_eq(gx, n);
				cr_assert_eq(gy, m);
				phmm_aln_free(&aln);
				cr_assert_eq(phmm_mea(&t, &pr, &aln), TS_OK);
				cr_assert_eq((int64_t)strlen(aln.state), aln.len);
				double sum = 0;
				for (k = 0; k < aln.len; k++) sum += aln.post[k];
				cr_assert(fabs(sum - aln.score) < 1e-9, "MEA score %.12g is not the sum of its posteriors %.12g", aln.score, sum);
				double mea = best_accuracy(&t, &pr);
				cr_assert(fabs(aln.score - mea) < 1e-9, "MEA %.12g, exhaustive best %.12g", aln.score, mea);
				phmm_aln_free(&aln);
			}
	gsl_rng_free(r);
}

/* A 5 kb pair has lnL near −7000: without scaling every cell would underflow. */
Test(phmm, long_pair_no_underflow, .timeout = 300)
{
	phmm_params_t p = truth();
	phmm_tables_t t;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int64_t n = 5000, i;
	uint8_t *x = malloc(n), *y = malloc(n);
	double f, b, e;
	phmm_counts_t c;
	gsl_rng_set(r, 77);
	for (i = 0; i < n; i++) {
		x[i] = (uint8_t)(1 << gsl_rng_uniform_int(r, 4));
		y[i] = gsl_rng_uniform(r) < 0.9 ? x[i] : (uint8_t)(1 << gsl_rng_uniform_int(r, 4));
	}
	phmm_pair_t pr = {.x = x, .n = n, .y = y, .m = n};
	phmm_tables(&p, &t);
	cr_assert_eq(phmm_forward(&t, &pr, &f), TS_OK);
	cr_assert_eq(phmm_backward(&t, &pr, &b), TS_OK);
	phmm_counts_zero(&c);
	cr_assert_eq(phmm_expect(&t, &pr, &c, &e), TS_OK);
	cr_assert(isfinite(f) && f < -1000, "lnL %g", f);
	cr_assert(fabs(b - f) <= 1e-10 * fabs(f), "backward %.15g forward %.15g", b, f);
	cr_assert(fabs(e - f) <= 1e-10 * fabs(f));
	double match = 0;
	int a, k;
	for (a = 0; a < 4; a++)
		for (k = 0; k < 4; k++) match += c.m[a][k];
	cr_assert(fabs(match + c.x[0] + c.x[1] + c.x[2] + c.x[3] - n) < 1e-6 * n);
	free(x);
	free(y);
	gsl_rng_free(r);
}

/* 2,000 pairs from dX 0.03, dY 0.015, eX 0.35, eY 0.5, τ 0.005: the untied fit
 * lies within 3 standard errors of the truth, the standard errors being the
 * spread of the estimates over replicate simulations, and the LRT of tied vs
 * untied rejects at α = 1e-6.  About a minute; skipped under sanitizers. */
Test(phmm, recovers_simulated_asymmetry, .timeout = 1200)
{
#ifdef TS_SANITIZE
	cr_skip_test("statistical recovery test: too slow under sanitizers (runs in make test)");
#endif
	const phmm_params_t p = truth();
	const int R = 5;
	double est[5][5];
	char err[TS_ERRLEN];
	phmm_em_opts_t o;
	phmm_fit_t tied, untied;
	phmm_lrt_t lrt;
	phmm_params_t start;
	int k, rep;
	phmm_em_opts_init(&o);
	o.threads = 2;
	o.tol = 1e-9;
	for (rep = 0; rep < R; rep++) {
		dataset_t d;
		simulate(&d, &p, 2000, 1000 + rep);
		if (rep == 0) {
			phmm_params_default(&start);
			cr_assert_eq(phmm_em_fit(d.pairs, d.n, PHMM_SPEC_TIED, &start, &o, &tied, err), TS_OK, "%s", err);
			cr_assert_eq(phmm_em_fit(d.pairs, d.n, PHMM_SPEC_UNTIED, &tied.params, &o, &untied, err), TS_OK, "%s", err);
			cr_assert_geq(untied.lnL, tied.lnL);
			phmm_lrt(&tied, &untied, d.residues, &lrt);
			cr_assert_eq(lrt.df, 2);
			cr_assert_lt(lrt.p, 1e-6, "LRT p = %g (D = %g)", lrt.p, lrt.D);
		} else {
			cr_assert_eq(phmm_em_fit(d.pairs, d.n, PHMM_SPEC_UNTIED, &p, &o, &untied, err), TS_OK, "%s", err);
		}
		est[rep][0] = untied.params.dX;
		est[rep][1] = untied.params.dY;
		est[rep][2] = untied.params.eX;
		est[rep][3] = untied.params.eY;
		est[rep][4] = untied.params.tau;
		dataset_free(&d);
	}
	const double want[5] = {p.dX, p.dY, p.eX, p.eY, p.tau};
	static const char *names[5] = {"dX", "dY", "eX", "eY", "tau"};
	for (k = 0; k < 5; k++) {
		double mean = 0, var = 0;
		for (rep = 0; rep < R; rep++) mean += est[rep][k] / R;
		for (rep = 0; rep < R; rep++) var += (est[rep][k] - mean) * (est[rep][k] - mean) / (R - 1);
		double se = sqrt(var);
		cr_assert(se > 0);
		cr_assert(fabs(est[0][k] - want[k]) <= 3 * se, "%s = %g, truth %g, SE %g", names[k], est[0][k], want[k], se);
	}
}

/* Every start of a pair: (0,0), or any (0, j) with free reference ends. */
static double enumerate_all(const phmm_tables_t *t, const phmm_pair_t *pr, int use_max)
{
	int64_t j;
	double tot = 0;
	for (j = 0; j <= (pr->glocal ? pr->m : 0); j++) {
		double v = enumerate(t, pr, 0, 0, j, use_max);
		tot = use_max ? (v > tot ? v : tot) : tot + v;
	}
	return tot;
}

/* Bands (random, around the diagonal) and free ends change which paths exist:
 * the DP must still equal enumeration over exactly those paths. */
Test(phmm, banded_and_glocal_equal_enumeration)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int n, m, rep, k = 0;
	gsl_rng_set(r, 31);
	for (n = 1; n <= 4; n++)
		for (m = 1; m <= 5; m++)
			for (rep = 0; rep < 6; rep++) {
				phmm_params_t p;
				phmm_tables_t t;
				uint8_t x[4], y[5];
				int32_t lo[5], hi[5];
				int64_t i;
				phmm_pair_t pr = {.x = x, .n = n, .y = y, .m = m, .glocal = rep & 1};
				random_params(&p, r);
				phmm_tables(&p, &t);
				random_seq(x, n, r);
				random_seq(y, m, r);
				if (rep >= 2) {
					for (i = 0; i <= n; i++) {
						int64_t c = i * m / n, w = 1 + (int64_t)gsl_rng_uniform_int(r, 2);
						lo[i] = (int32_t)(c - w > 0 ? c - w : 0);
						hi[i] = (int32_t)(c + w < m ? c + w : m);
					}
					lo[0] = 0;
					hi[n] = m;
					pr.lo = lo;
					pr.hi = hi;
				}
				double e = enumerate_all(&t, &pr, 0), f, b, le;
				if (e <= 0) continue;
				e = log(e);
				cr_assert_eq(phmm_forward(&t, &pr, &f), TS_OK);
				cr_assert_eq(phmm_backward(&t, &pr, &b), TS_OK);
				cr_assert(fabs(f - e) <= 1e-10 * fabs(e) + 1e-12, "n %d m %d rep %d: forward %.15g enumeration %.15g", n, m, rep, f, e);
				cr_assert(fabs(b - e) <= 1e-10 * fabs(e) + 1e-12, "n %d m %d rep %d: backward %.15g enumeration %.15g", n, m, rep, b, e);
				phmm_counts_t c;
				phmm_counts_zero(&c);
				cr_assert_eq(phmm_expect(&t, &pr, &c, &le), TS_OK);
				cr_assert(fabs(le - e) <= 1e-10 * fabs(e) + 1e-12);
				double end = c.t[PH_ME] + c.t[PH_XE] + c.t[PH_YE];
				cr_assert(fabs(end - 1) < 1e-10, "end count %.12g", end);
				phmm_aln_t aln;
				cr_assert_eq(phmm_viterbi(&t, &pr, &aln), TS_OK);
				double best = log(enumerate_all(&t, &pr, 1));
				cr_assert(fabs(aln.score - best) < 1e-10 * fabs(best), "viterbi %.12g, best path %.12g", aln.score, best);
				phmm_aln_free(&aln);
				k++;
			}
	cr_assert_gt(k, 100);
	gsl_rng_free(r);
}

/* Expected counts are derivatives under a band and free ends too. */
Test(phmm, banded_glocal_counts_are_derivatives)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	phmm_params_t p;
	phmm_tables_t t;
	uint8_t x[40], y[70];
	int32_t lo[41], hi[41];
	int64_t i;
	phmm_pair_t pr = {.x = x, .n = 40, .y = y, .m = 70, .lo = lo, .hi = hi, .glocal = 1};
	phmm_counts_t c;
	double lnL, h = 1e-5;
	int k;
	gsl_rng_set(r, 8);
	random_params(&p, r);
	random_seq(x, 40, r);
	random_seq(y, 70, r);
	for (i = 0; i <= 40; i++) lo[i] = (int32_t)(i + 15 - 6 > 0 ? i + 15 - 6 : 0), hi[i] = (int32_t)(i + 15 + 6);
	phmm_tables(&p, &t);
	phmm_counts_zero(&c);
	cr_assert_eq(phmm_expect(&t, &pr, &c, &lnL), TS_OK);
	for (k = 0; k < PH_NTRANS; k++) {
		phmm_tables_t tp = t, tm = t;
		double lp, lm;
		tp.t[k] *= exp(h);
		tm.t[k] *= exp(-h);
		phmm_forward(&tp, &pr, &lp);
		phmm_forward(&tm, &pr, &lm);
		double d = (lp - lm) / (2 * h);
		cr_assert(fabs(d - c.t[k]) <= 1e-5 * fabs(d) + 1e-8, "transition %d: derivative %.10g, count %.10g", k, d, c.t[k]);
	}
	gsl_rng_free(r);
}

/* The bundled PacBio reads as pairs banded ±32 around their CIGAR paths
 * (*banded, to free), and default tables in *t. */
static pair_set_t *pacbio_banded(phmm_tables_t *t, phmm_pair_t **banded)
{
	pairs_bam_opts_t o = {"data/reads/pacbio_lambdaNEB_ref.fasta", NULL, 0, PAIRS_BAM_EXCLUDE, 0, 0, 0};
	pair_set_t *set;
	phmm_params_t p;
	char err[TS_ERRLEN];
	phmm_params_default(&p);
	phmm_tables(&p, t);
	cr_assert_eq(pairs_from_alignments("data/reads/pacbio_rsii_lambda_subreads.bam", &o, &set, err), TS_OK, "%s", err);
	cr_assert_eq(set->n, 112);
	cr_assert_eq(phmm_pairs_band(set, 32, 0), 0);
	cr_assert_not_null(*banded = phmm_pairs_view(set, 0));
	return set;
}

/* On the bundled PacBio reads, the default band (±32 around the CIGAR path)
 * holds the posterior mass: lnL equals the full matrix's to 1e-9. */
Test(phmm, band_matches_full_matrix_on_real_reads, .timeout = 300)
{
	phmm_tables_t t;
	phmm_pair_t *banded;
	pair_set_t *set = pacbio_banded(&t, &banded);
	int64_t k;
	for (k = 0; k < set->n; k++) {
		phmm_pair_t full = banded[k];
		double a, b;
		full.lo = full.hi = NULL;
		cr_assert_eq(phmm_forward(&t, &banded[k], &a), TS_OK);
		cr_assert_eq(phmm_forward(&t, &full, &b), TS_OK);
		cr_assert(fabs(a - b) <= 1e-9 * fabs(b), "read %s: banded %.12g, full %.12g", set->a[k].name1, a, b);
	}
	free(banded);
	pairs_free(set);
}

/* Alignments keep only the band's traceback: on the bundled PacBio reads,
 * whose best paths lie inside ±32 of their CIGAR paths, banded Viterbi and
 * MEA give the full matrix's path and score. */
Test(phmm, banded_alignments_match_full_matrix, .timeout = 300)
{
	phmm_tables_t t;
	phmm_pair_t *banded;
	pair_set_t *set = pacbio_banded(&t, &banded);
	int64_t k;
	int mea;
	for (k = 0; k < set->n; k += 7)
		for (mea = 0; mea < 2; mea++) {
			phmm_pair_t full = banded[k];
			phmm_aln_t a, b;
			full.lo = full.hi = NULL;
			cr_assert_eq((mea ? phmm_mea : phmm_viterbi)(&t, &banded[k], &a), TS_OK);
			cr_assert_eq((mea ? phmm_mea : phmm_viterbi)(&t, &full, &b), TS_OK);
			cr_assert(fabs(a.score - b.score) <= 1e-9 * fabs(b.score), "read %s, %s: banded %.12g, full %.12g", set->a[k].name1,
				  mea ? "MEA" : "Viterbi", a.score, b.score);
			cr_assert_str_eq(a.state, b.state, "read %s, %s", set->a[k].name1, mea ? "MEA" : "Viterbi");
			phmm_aln_free(&a), phmm_aln_free(&b);
		}
	free(banded);
	pairs_free(set);
}

/* A read's bootstrap replicate is banded around its true path, as the read
 * is around its CIGAR path: with ±32 the band holds the posterior mass
 * (lnL equals the full matrix's to 1e-9) on replicates of read lengths
 * under a PacBio-like null; the path alone (±0) does not. */
Test(phmm, simulated_band_matches_full_matrix, .timeout = 120)
{
	phmm_params_t p;
	phmm_tables_t t;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int k, narrow_lower = 0;
	phmm_params_default(&p);
	p.dX = 0.04, p.dY = 0.03, p.eX = 0.11, p.eY = 0.04;
	phmm_tables(&p, &t);
	gsl_rng_set(r, 12);
	for (k = 0; k < 12; k++) {
		phmm_sim_t s;
		const int64_t total = 800 + (int64_t)gsl_rng_uniform_int(r, 2200);
		cr_assert_eq(phmm_simulate_total(&p, total, r, &s), TS_OK);
		int32_t *lo = malloc((s.n + 1) * sizeof *lo), *hi = malloc((s.n + 1) * sizeof *hi);
		phmm_pair_t full = {.x = s.x, .n = s.n, .y = s.y, .m = s.m}, banded = full;
		double a, b, c;
		banded.lo = lo, banded.hi = hi;
		cr_assert_eq(phmm_sim_band(&s, 32, lo, hi), TS_OK);
		cr_assert_eq(phmm_forward(&t, &banded, &a), TS_OK);
		cr_assert_eq(phmm_forward(&t, &full, &b), TS_OK);
		cr_assert(fabs(a - b) <= 1e-9 * fabs(b), "%lld x %lld: banded %.12g, full %.12g", (long long)s.n, (long long)s.m, a, b);
		cr_assert_eq(phmm_sim_band(&s, 0, lo, hi), TS_OK);
		cr_assert_eq(phmm_forward(&t, &banded, &c), TS_OK);
		narrow_lower += c < b - 1;
		free(lo), free(hi);
		phmm_sim_free(&s);
	}
	cr_assert_eq(narrow_lower, 12);
	gsl_rng_free(r);
}

/* Bootstrap replicates: exactly n + m residues, and X/Y symmetric under a
 * symmetric model (the reason to condition on the total). */
Test(phmm, simulate_total_length_and_symmetry)
{
	phmm_params_t p;
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int k;
	double nx = 0, ny = 0;
	phmm_params_default(&p);
	gsl_rng_set(r, 4);
	for (k = 0; k < 2000; k++) {
		phmm_sim_t s;
		int64_t total = 1 + (int64_t)gsl_rng_uniform_int(r, 60), c;
		cr_assert_eq(phmm_simulate_total(&p, total, r, &s), TS_OK);
		cr_assert_eq(s.n + s.m, total);
		for (c = 0; c < s.len; c++) nx += s.states[c] == 'X', ny += s.states[c] == 'Y';
		phmm_sim_free(&s);
	}
	/* equal in expectation: within 4 binomial standard deviations */
	cr_assert(fabs(nx - ny) < 4 * sqrt(nx + ny), "X %g vs Y %g columns", nx, ny);
	gsl_rng_free(r);
}

/* A row of an unrelated 600 × 1,800 pair spans more than double's range
 * (a 1,200-base gap at eY = 0.4 is 10^-477): the double pass must fail and
 * the long-double redo must give forward = backward = expect, with the
 * count identities. */
Test(phmm, long_double_redo_when_a_row_overflows_double, .timeout = 300)
{
	gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
	int64_t n = 600, m = 1800, i;
	uint8_t *x = malloc(n), *y = malloc(m);
	phmm_params_t p;
	phmm_tables_t t;
	phmm_counts_t c;
	double f, b, e, d, match = 0, xs = 0;
	int a, k;
	gsl_rng_set(r, 12);
	for (i = 0; i < n; i++) x[i] = (uint8_t)(1 << gsl_rng_uniform_int(r, 4));
	for (i = 0; i < m; i++) y[i] = (uint8_t)(1 << gsl_rng_uniform_int(r, 4));
	phmm_params_default(&p);
	phmm_tables(&p, &t);
	phmm_pair_t pr = {.x = x, .n = n, .y = y, .m = m};
	cr_assert_eq(phmm_forward_d(&t, &pr, &d), TS_EDATA, "the double pass no longer underflows: pick a harder pair");
	cr_assert_eq(phmm_forward(&t, &pr, &f), TS_OK);
	cr_assert_eq(phmm_backward(&t, &pr, &b), TS_OK);
	phmm_counts_zero(&c);
	cr_assert_eq(phmm_expect(&t, &pr, &c, &e), TS_OK);
	cr_assert(fabs(b - f) <= 1e-10 * fabs(f), "backward %.15g forward %.15g", b, f);
	cr_assert(fabs(e - f) <= 1e-10 * fabs(f));
	for (a = 0; a < 4; a++) {
		for (k = 0; k < 4; k++) match += c.m[a][k];
		xs += c.x[a];
	}
	cr_assert(fabs(match + xs - n) < 1e-6 * n, "match + X = %.9g, n = %lld", match + xs, (long long)n);
	free(x);
	free(y);
	gsl_rng_free(r);
}

/* The M-step sets estimates below 2^-60 to 0 (the rest renormalised), so a
 * substitution or gap a data set never shows leaves the float kernels'
 * range (dp_simd.h criterion a) at 0, not at ever smaller values. */
Test(phmm, mstep_zeroes_vanishing_estimates)
{
	phmm_counts_t c;
	phmm_params_t p;
	phmm_tables_t t;
	double kept = 0, s = 0;
	int a, b;
	phmm_counts_zero(&c);
	c.t[PH_MM] = 1000, c.t[PH_MX] = 1e-20, c.t[PH_MY] = 10, c.t[PH_ME] = 1;
	c.t[PH_XM] = 1e-20, c.t[PH_YM] = 9, c.t[PH_YY] = 4, c.t[PH_YE] = 0;
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) c.m[a][b] = a == b ? 250 : 2;
	c.m[0][3] = 1e-25;
	for (a = 0; a < 4; a++) c.x[a] = c.y[a] = 3;
	c.x[2] = 1e-40;
	phmm_params_default(&p);
	phmm_mstep(&c, 0, &p);
	cr_assert_eq(p.p[0][3], 0.0);
	cr_assert_eq(p.dX, 0.0);
	cr_assert_eq(p.qX[2], 0.0);
	cr_assert_gt(p.dY, 0.0);
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) kept += a == 0 && b == 3 ? 0 : c.m[a][b], s += p.p[a][b];
	cr_assert(fabs(s - 1) < 1e-15, "match emissions sum to %.17g", s);
	cr_assert_eq(p.p[1][1], 250 / kept);
	cr_assert_eq(p.qX[0], 1.0 / 3);
	phmm_tables(&p, &t);
	cr_assert(phmm_f32_tables_fit(&t), "the tables stay in the float kernels' range");
}

/* EM on pairs whose A and T never replace each other, from A->T and T->A
 * match emissions of 10^-15: A->T reaches 0 (T->A keeps a small expected
 * count in these pairs and does not), and the likelihood at the fit equals (to 10^-12) the
 * one with that emission put back at 10^-19 — what the EM would otherwise
 * have kept shrinking towards — so zeroing it cost nothing measurable. */
Test(phmm, em_zeroed_estimate_costs_no_likelihood, .timeout = 300)
{
	phmm_params_t truth_p = truth(), start = truth(), back;
	phmm_em_opts_t o;
	phmm_fit_t fit;
	dataset_t d;
	char err[256];
	double s = 0, lnL;
	int a, b;
	truth_p.p[0][3] = truth_p.p[3][0] = 0;
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) s += truth_p.p[a][b];
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) truth_p.p[a][b] /= s;
	simulate(&d, &truth_p, 40, 31);
	start.p[0][3] = start.p[3][0] = 1e-15;  /* so they can sink below 2^-60 within the fit */
	for (s = 0, a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) s += start.p[a][b];
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) start.p[a][b] /= s;
	phmm_em_opts_init(&o);
	cr_assert_eq(phmm_em_fit(d.pairs, d.n, PHMM_SPEC_UNTIED, &start, &o, &fit, err), TS_OK, "%s", err);
	cr_assert_eq(fit.params.p[0][3], 0.0, "A->T emission %g", fit.params.p[0][3]);
	back = fit.params;
	back.p[0][3] = 1e-19;
	for (s = 0, a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) s += back.p[a][b];
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) back.p[a][b] /= s;
	cr_assert_eq(phmm_estep(d.pairs, d.n, &back, 1, NULL, &lnL, err), TS_OK, "%s", err);
	cr_assert(fabs(lnL - fit.lnL) <= 1e-12 * fabs(fit.lnL), "lnL %.15g with the emission back, %.15g zeroed", lnL, fit.lnL);
	dataset_free(&d);
}
