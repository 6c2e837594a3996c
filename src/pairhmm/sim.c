/* sim: draw pairs and their alignments from the pair HMM (see sim.h). */
#include <stdlib.h>
#include <string.h>
#include "pairhmm/sim.h"
#include "pairhmm/pairset.h"
#include "util/log.h"

int phmm_draw(gsl_rng *rng, const double *prob, int n)
{
	double u = gsl_rng_uniform(rng), acc = 0;
	int i;
	for (i = 0; i < n - 1; i++)
		if (u < (acc += prob[i])) return i;
	return n - 1;
}

static int grow(void **a, int64_t *cap, int64_t need, size_t size)
{
	if (need <= *cap) return 0;
	int64_t c = *cap ? 2 * *cap : 256;
	while (c < need) c *= 2;
	void *b = realloc(*a, c * size);
	if (!b) return -1;
	*a = b;
	*cap = c;
	return 0;
}

void phmm_sim_column(const phmm_params_t *p, gsl_rng *rng, int state, phmm_sim_t *s)
{
	if (state == 0) {
		int ab = phmm_draw(rng, &p->p[0][0], 16);
		s->x[s->n++] = (uint8_t)(1 << (ab / 4));
		s->y[s->m++] = (uint8_t)(1 << (ab % 4));
	} else if (state == 1) {
		s->x[s->n++] = (uint8_t)(1 << phmm_draw(rng, p->qX, 4));
	} else {
		s->y[s->m++] = (uint8_t)(1 << phmm_draw(rng, p->qY, 4));
	}
	s->states[s->len++] = "MXY"[state];
}

int phmm_simulate(const phmm_params_t *p, gsl_rng *rng, phmm_sim_t *s)
{
	/* next-state rows over M, X, Y, E */
	const double row[3][4] = {
		{1 - p->dX - p->dY - p->tau, p->dX, p->dY, p->tau},
		{1 - p->eX - p->tau, p->eX, 0, p->tau},
		{1 - p->eY - p->tau, 0, p->eY, p->tau},
	};
	int64_t cx = 0, cy = 0, cs = 0;
	int state = 0;  /* B behaves like M */
	memset(s, 0, sizeof *s);
	for (;;) {
		int next = phmm_draw(rng, row[state], 4);
		if (next == 3) break;
		if (grow((void **)&s->x, &cx, s->n + 1, 1) || grow((void **)&s->y, &cy, s->m + 1, 1) ||
		    grow((void **)&s->states, &cs, s->len + 2, 1)) {
			phmm_sim_free(s);
			return TS_ENOMEM;
		}
		phmm_sim_column(p, rng, next, s);
		state = next;
	}
	if (grow((void **)&s->states, &cs, s->len + 1, 1)) {
		phmm_sim_free(s);
		return TS_ENOMEM;
	}
	s->states[s->len] = '\0';
	return TS_OK;
}

int phmm_sim_band(const phmm_sim_t *s, int64_t w, int32_t *lo, int32_t *hi)
{
	int32_t *plo = malloc((s->n + 1) * sizeof *plo), *phi = malloc((s->n + 1) * sizeof *phi);
	int64_t c, i = 0, j = 0;
	if (!plo || !phi) {
		free(plo), free(phi);
		return TS_ENOMEM;
	}
	plo[0] = phi[0] = 0;
	for (c = 0; c < s->len; c++) {
		if (s->states[c] == 'Y') {
			phi[i] = (int32_t)++j;
			continue;
		}
		if (s->states[c] == 'M') j++;
		i++;
		plo[i] = phi[i] = (int32_t)j;
	}
	phmm_band_around(plo, phi, s->n, s->m, w, 0, lo, hi);
	free(plo), free(phi);
	return TS_OK;
}

void phmm_sim_free(phmm_sim_t *s)
{
	free(s->x);
	free(s->y);
	free(s->states);
	memset(s, 0, sizeof *s);
}
