/* model: tying specs, parameter checks, DP tables and the closed-form M-step
 * of the pair HMM (the maths is in model.h). */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "pairhmm/model.h"
#include "util/log.h"

static const struct {
	const char *name;
	unsigned bit;
} tie_groups[] = {
	{"gap-open", PHMM_TIE_GAP_OPEN},
	{"gap-extend", PHMM_TIE_GAP_EXTEND},
	{"insert-emission", PHMM_TIE_INSERT_EMISSION},
	{"match-symmetry", PHMM_TIE_MATCH_SYMMETRY},
};
#define N_TIE_GROUPS (sizeof tie_groups / sizeof tie_groups[0])

int phmm_tie_parse(const char *s, unsigned *spec, char *err)
{
	char buf[256], *tok, *save = NULL;
	size_t i;
	if (strcmp(s, "tied") == 0) return *spec = PHMM_SPEC_TIED, TS_OK;
	if (strcmp(s, "untied") == 0) return *spec = PHMM_SPEC_UNTIED, TS_OK;
	if (strcmp(s, "none") == 0) return *spec = 0, TS_OK;
	if (strlen(s) >= sizeof buf) return ts_fail(err, TS_EUSAGE, "tying spec '%.40s…' is too long", s);
	/* strtok would skip empty items: "" and ",gap-open," are typos, not specs */
	if (s[0] == '\0' || s[0] == ',' || s[strlen(s) - 1] == ',' || strstr(s, ",,"))
		return ts_fail(err, TS_EUSAGE, "tying spec '%s' has an empty item (use tied, untied, none, or a comma-separated list of "
			       "gap-open, gap-extend, insert-emission, match-symmetry)", s);
	strcpy(buf, s);
	*spec = 0;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		for (i = 0; i < N_TIE_GROUPS && strcmp(tok, tie_groups[i].name) != 0; i++) {}
		if (i == N_TIE_GROUPS)
			return ts_fail(err, TS_EUSAGE, "unknown tying group '%s' (use tied, untied, none, or a list of "
			               "gap-open, gap-extend, insert-emission, match-symmetry)", tok);
		*spec |= tie_groups[i].bit;
	}
	return TS_OK;
}

void phmm_tie_format(unsigned spec, char *buf, size_t n)
{
	size_t i, used = 0;
	buf[0] = '\0';
	for (i = 0; i < N_TIE_GROUPS; i++)
		if (spec & tie_groups[i].bit) used += snprintf(buf + used, used < n ? n - used : 0, "%s%s", used ? "," : "", tie_groups[i].name);
	if (used == 0) snprintf(buf, n, "none");
}

int phmm_free_params(unsigned spec)
{
	return (spec & PHMM_TIE_MATCH_SYMMETRY ? 9 : 15) + (spec & PHMM_TIE_INSERT_EMISSION ? 3 : 6) + 1 +
	       (spec & PHMM_TIE_GAP_OPEN ? 1 : 2) + (spec & PHMM_TIE_GAP_EXTEND ? 1 : 2);
}

void phmm_params_default(phmm_params_t *p)
{
	int a, b;
	memset(p, 0, sizeof *p);
	p->dX = p->dY = 0.02;
	p->eX = p->eY = 0.4;
	p->tau = 0.01;
	for (a = 0; a < 4; a++) {
		for (b = 0; b < 4; b++) p->p[a][b] = a == b ? 0.85 / 4 : 0.15 / 12;
		p->qX[a] = p->qY[a] = 0.25;
	}
}

static int sums_to_one(const double *v, int n)
{
	double s = 0;
	int i;
	for (i = 0; i < n; i++) {
		if (!(v[i] >= 0 && v[i] <= 1)) return 0;
		s += v[i];
	}
	return fabs(s - 1) <= 1e-6;
}

int phmm_params_check(const phmm_params_t *p, char *err)
{
	const double v[5] = {p->dX, p->dY, p->eX, p->eY, p->tau};
	static const char *names[5] = {"dX", "dY", "eX", "eY", "tau"};
	int i;
	for (i = 0; i < 5; i++)
		if (!(v[i] >= 0 && v[i] < 1)) return ts_fail(err, TS_EDATA, "%s = %g is not a probability in [0, 1)", names[i], v[i]);
	if (!(p->tau > 0)) return ts_fail(err, TS_EDATA, "tau must be > 0 (every alignment ends)");
	if (!(p->dX + p->dY + p->tau < 1)) return ts_fail(err, TS_EDATA, "dX + dY + tau = %g must be < 1", p->dX + p->dY + p->tau);
	if (!(p->eX + p->tau < 1)) return ts_fail(err, TS_EDATA, "eX + tau = %g must be < 1", p->eX + p->tau);
	if (!(p->eY + p->tau < 1)) return ts_fail(err, TS_EDATA, "eY + tau = %g must be < 1", p->eY + p->tau);
	if (!sums_to_one(&p->p[0][0], 16)) return ts_fail(err, TS_EDATA, "match emissions must be in [0, 1] and sum to 1");
	if (!sums_to_one(p->qX, 4)) return ts_fail(err, TS_EDATA, "qX must be in [0, 1] and sum to 1");
	if (!sums_to_one(p->qY, 4)) return ts_fail(err, TS_EDATA, "qY must be in [0, 1] and sum to 1");
	return TS_OK;
}

void phmm_params_tie(phmm_params_t *p, unsigned spec)
{
	int a, b;
	if (spec & PHMM_TIE_GAP_OPEN) p->dX = p->dY = (p->dX + p->dY) / 2;
	if (spec & PHMM_TIE_GAP_EXTEND) p->eX = p->eY = (p->eX + p->eY) / 2;
	if (spec & PHMM_TIE_INSERT_EMISSION)
		for (a = 0; a < 4; a++) p->qX[a] = p->qY[a] = (p->qX[a] + p->qY[a]) / 2;
	if (spec & PHMM_TIE_MATCH_SYMMETRY)
		for (a = 0; a < 4; a++)
			for (b = a + 1; b < 4; b++) p->p[a][b] = p->p[b][a] = (p->p[a][b] + p->p[b][a]) / 2;
}

void phmm_tables(const phmm_params_t *p, phmm_tables_t *t)
{
	int c1, c2, a, b;
	t->t[PH_MM] = 1 - p->dX - p->dY - p->tau;
	t->t[PH_MX] = p->dX;
	t->t[PH_MY] = p->dY;
	t->t[PH_ME] = p->tau;
	t->t[PH_XM] = 1 - p->eX - p->tau;
	t->t[PH_XX] = p->eX;
	t->t[PH_XE] = p->tau;
	t->t[PH_YM] = 1 - p->eY - p->tau;
	t->t[PH_YY] = p->eY;
	t->t[PH_YE] = p->tau;
	/* an nt16 code is the set of bases whose bits it has (A=1 C=2 G=4 T=8) */
	for (c1 = 0; c1 < 16; c1++) {
		t->qx[c1] = t->qy[c1] = 0;
		for (a = 0; a < 4; a++)
			if (c1 >> a & 1) {
				t->qx[c1] += p->qX[a];
				t->qy[c1] += p->qY[a];
			}
		for (c2 = 0; c2 < 16; c2++) {
			t->pm[c1][c2] = 0;
			for (a = 0; a < 4; a++)
				for (b = 0; b < 4; b++)
					if ((c1 >> a & 1) && (c2 >> b & 1)) t->pm[c1][c2] += p->p[a][b];
		}
	}
}

void phmm_counts_zero(phmm_counts_t *c)
{
	memset(c, 0, sizeof *c);
}

void phmm_counts_add(phmm_counts_t *acc, const phmm_counts_t *c)
{
	int i, a, b;
	for (i = 0; i < PH_NTRANS; i++) acc->t[i] += c->t[i];
	for (a = 0; a < 4; a++) {
		for (b = 0; b < 4; b++) acc->m[a][b] += c->m[a][b];
		acc->x[a] += c->x[a];
		acc->y[a] += c->y[a];
	}
}

/* Normalise n counts into v; keep v when there are none. */
/* Estimates below 2^−60 become 0.  An event's expected count C under the
 * current parameters bounds the probability that a pair's path uses it
 * (C ≥ P(used at least once)), and the estimate is C over at most the
 * residues of all pairs, so zeroing it changes ln L by under 2^−60 per
 * residue: far below the EM's tolerance.  Left tiny, such an estimate
 * shrinks by a factor at every iteration (a substitution a small data set
 * never shows) and takes every later E-step out of float's range
 * (criterion (a) of dp_simd.h) into double, ten times slower. */
#define PROB_FLOOR 0x1p-60

static double floored(double v) { return v < PROB_FLOOR ? 0 : v; }

static void normalise(const double *cnt, int n, double *v)
{
	double s = 0, kept = 0;
	int i;
	for (i = 0; i < n; i++) s += cnt[i];
	if (!(s > 0)) return;
	for (i = 0; i < n; i++) kept += cnt[i] / s >= PROB_FLOOR ? cnt[i] : 0;
	for (i = 0; i < n; i++) v[i] = cnt[i] / s >= PROB_FLOOR ? cnt[i] / kept : 0;
}

void phmm_mstep(const phmm_counts_t *c, unsigned spec, phmm_params_t *out)
{
	const double *n = c->t;
	double nM = n[PH_MM] + n[PH_MX] + n[PH_MY], nX = n[PH_XX] + n[PH_XM], nY = n[PH_YY] + n[PH_YM];
	double nE = n[PH_ME] + n[PH_XE] + n[PH_YE], N = nM + nX + nY + nE;
	double m[16], q[4];
	int a, b;
	if (N > 0) out->tau = nE / N;
	/* given τ, each row is a multinomial scaled by (1 − τ) */
	if (spec & PHMM_TIE_GAP_OPEN) {
		if (nM > 0) out->dX = out->dY = floored((1 - out->tau) * (n[PH_MX] + n[PH_MY]) / (2 * nM));
	} else if (nM > 0) {
		out->dX = floored((1 - out->tau) * n[PH_MX] / nM);
		out->dY = floored((1 - out->tau) * n[PH_MY] / nM);
	}
	if (spec & PHMM_TIE_GAP_EXTEND) {
		if (nX + nY > 0) out->eX = out->eY = floored((1 - out->tau) * (n[PH_XX] + n[PH_YY]) / (nX + nY));
	} else {
		if (nX > 0) out->eX = floored((1 - out->tau) * n[PH_XX] / nX);
		if (nY > 0) out->eY = floored((1 - out->tau) * n[PH_YY] / nY);
	}
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++)
			m[4 * a + b] = spec & PHMM_TIE_MATCH_SYMMETRY ? (c->m[a][b] + c->m[b][a]) / 2 : c->m[a][b];
	normalise(m, 16, &out->p[0][0]);
	if (spec & PHMM_TIE_INSERT_EMISSION) {
		for (a = 0; a < 4; a++) q[a] = c->x[a] + c->y[a];
		normalise(q, 4, out->qX);
		memcpy(out->qY, out->qX, sizeof out->qY);
	} else {
		normalise(c->x, 4, out->qX);
		normalise(c->y, 4, out->qY);
	}
}
