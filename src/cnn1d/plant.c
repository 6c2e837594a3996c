/* plant: random sequences with planted motif sites (see plant.h). */
#include "cnn1d/plant.h"

void plant_background(uint8_t *x, int len, double gc, gsl_rng *rng)
{
	int i;
	for (i = 0; i < len; i++) {
		double u = gsl_rng_uniform(rng);
		/* A, C, G, T with probabilities (1−gc)/2, gc/2, gc/2, (1−gc)/2 */
		x[i] = u < (1 - gc) / 2 ? 0 : u < 0.5 ? 1 : u < 0.5 + gc / 2 ? 2 : 3;
	}
}

/* A base drawn from column p (4 probabilities). */
static uint8_t draw(const double *p, gsl_rng *rng)
{
	double u = gsl_rng_uniform(rng) * (p[0] + p[1] + p[2] + p[3]), c = 0;
	uint8_t b;
	for (b = 0; b < 3; b++)
		if (u < (c += p[b])) return b;
	return 3;
}

void plant_site(const motif_t *m, uint8_t *x, int len, gsl_rng *rng, int *at, char *strand)
{
	int j, a = (int)gsl_rng_uniform_int(rng, (unsigned long)(len - m->w + 1)), minus = gsl_rng_uniform(rng) < 0.5;
	for (j = 0; j < m->w; j++) {
		uint8_t b = draw(m->p + 4 * j, rng);
		if (minus) x[a + m->w - 1 - j] = 3 - b;
		else x[a + j] = b;
	}
	*at = a;
	*strand = minus ? '-' : '+';
}
