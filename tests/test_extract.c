/* test_extract: motifs from filters, their similarity, and logos.
 *
 * - the Pearson similarity of a motif with itself is 1 at offset 0 on '+',
 *   with its reverse complement 1 at offset 0 on '-', and a part of it is
 *   found at the offset it was cut from; uniform columns follow the rules;
 * - a filter set to a PWM's log-odds gives back that PWM from sequences
 *   where it is planted on either strand (similarity > 0.8, sites on both
 *   strands put in the filter's orientation), for ReLU and exp; a ReLU
 *   filter that is never active gives no motif, a constant exp filter has
 *   every window as a site;
 * - a logo is one well-formed SVG document (checked with xmllint when
 *   installed). */
#include <criterion/criterion.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_rng.h>
#include "cnn1d/extract.h"
#include "cnn1d/motifcmp.h"
#include "io/logo.h"
#include "util/log.h"

static const char consensus[] = "GATTACAGG";  /* not its own reverse complement */

/* A motif with the consensus base at probability q per column. */
static void make_motif(motif_t *m, const char *cons, double q)
{
	int i, b, w = (int)strlen(cons);
	memset(m, 0, sizeof *m);
	m->id = strdup("m");
	m->w = w;
	m->p = malloc(4 * w * sizeof *m->p);
	m->nsites = 100;
	for (i = 0; i < w; i++)
		for (b = 0; b < 4; b++) m->p[4 * i + b] = "ACGT"[b] == cons[i] ? q : (1 - q) / 3;
	/* vary the columns a little so no two are alike */
	for (i = 0; i < w; i++) {
		int c = (int)(strchr("ACGT", cons[i]) - "ACGT"), o = (c + 1) % 4;
		m->p[4 * i + c] -= 0.01 * i;
		m->p[4 * i + o] += 0.01 * i;
	}
}

static void motif_free(motif_t *m)
{
	free(m->id);
	free(m->p);
}

static void revcomp(const motif_t *m, motif_t *r)
{
	int i, b;
	*r = *m;
	r->id = strdup("rc");
	r->p = malloc(4 * m->w * sizeof *r->p);
	for (i = 0; i < m->w; i++)
		for (b = 0; b < 4; b++) r->p[4 * i + b] = m->p[4 * (m->w - 1 - i) + 3 - b];
}

Test(motifcmp, self_reverse_complement_and_parts)
{
	motif_t m, r, part;
	mcmp_match_t x;
	make_motif(&m, consensus, 0.85);
	revcomp(&m, &r);
	x = mcmp_compare(&m, &m);
	cr_assert(fabs(x.sim - 1) < 1e-12, "self %.15g", x.sim);
	cr_assert_eq(x.offset, 0);
	cr_assert_eq(x.overlap, m.w);
	cr_assert_eq(x.strand, '+');
	x = mcmp_compare(&m, &r);
	cr_assert(fabs(x.sim - 1) < 1e-12, "rc %.15g", x.sim);
	cr_assert_eq(x.offset, 0);
	cr_assert_eq(x.strand, '-');
	/* columns 2..7 of m, found at offset 2 */
	part = m;
	part.w = 6;
	part.p = m.p + 4 * 2;
	x = mcmp_compare(&m, &part);
	cr_assert(fabs(x.sim - 1) < 1e-12 && x.offset == 2 && x.strand == '+' && x.overlap == 6, "part: %g at %d %c", x.sim, x.offset, x.strand);
	motif_free(&m);
	motif_free(&r);
}

Test(motifcmp, column_rules_and_ic)
{
	double u[4] = {0.25, 0.25, 0.25, 0.25}, a[4] = {1, 0, 0, 0}, t[4] = {0, 0, 0, 1}, h[4] = {0.5, 0.5, 0, 0};
	motif_t m = {.id = "x", .w = 1, .p = a};
	cr_assert_eq(mcmp_column_r(u, u), 1);
	cr_assert_eq(mcmp_column_r(u, a), 0);
	cr_assert(fabs(mcmp_column_r(a, a) - 1) < 1e-15);
	cr_assert(fabs(mcmp_column_r(a, t) + 1.0 / 3) < 1e-15, "%.17g", mcmp_column_r(a, t));
	cr_assert(fabs(mcmp_column_ic(a) - 2) < 1e-15);
	cr_assert(fabs(mcmp_column_ic(u)) < 1e-15);
	cr_assert(fabs(mcmp_column_ic(h) - 1) < 1e-15);
	cr_assert(fabs(mcmp_ic(&m) - 2) < 1e-15);
}

/* n random sequences of length len; every other one carries a site drawn
 * from m, on a random strand when both. */
static void plant(data_t *d, const motif_t *m, int n, int len, int both, unsigned long seed)
{
	gsl_rng *rng = gsl_rng_alloc(gsl_rng_mt19937);
	int i, j, b;
	gsl_rng_set(rng, seed);
	memset(d, 0, sizeof *d);
	for (i = 0; i < n; i++) {
		uint8_t *x = malloc(len);
		char name[32];
		for (j = 0; j < len; j++) x[j] = (uint8_t)gsl_rng_uniform_int(rng, 4);
		if (i % 2) {
			int at = (int)gsl_rng_uniform_int(rng, len - m->w + 1), rc = both && gsl_rng_uniform(rng) < 0.5;
			for (j = 0; j < m->w; j++) {
				double u = gsl_rng_uniform(rng), c = 0;
				for (b = 0; b < 3 && (c += m->p[4 * j + b]) <= u; b++) {}
				if (rc) x[at + m->w - 1 - j] = (uint8_t)(3 - b);
				else x[at + j] = (uint8_t)b;
			}
		}
		snprintf(name, sizeof name, "s%d", i);
		cr_assert_eq(data_add(d, name, x, len, i % 2, 0), TS_OK);
	}
	gsl_rng_free(rng);
}

/* K = 2, W = 12: filter 0 = the motif's log-odds, filter 1 never active. */
static void pwm_net(net_t *n, const motif_t *m, int act, int rc)
{
	net_arch_t a = {NET_CONV, act, NET_POOL_MAX, 2, 12, 0, rc, 2};
	motif_set_t set = {.n = 1, .m = 1, .a = (motif_t *)m};
	char err[TS_ERRLEN];
	cr_assert_eq(net_init(n, &a, NULL, err), TS_OK, "%s", err);
	cr_assert_eq(net_init_motifs(n, &set, 0.1, err), TS_OK, "%s", err);
	n->conv_b[1] = -1;
}

static void check_extraction(int act, int rc, int both)
{
	motif_t m;
	data_t d;
	net_t n;
	motif_set_t *set;
	extract_info_t *info;
	mcmp_match_t x;
	char err[TS_ERRLEN];
	make_motif(&m, consensus, 0.85);
	plant(&d, &m, 600, 80, both, 5);
	pwm_net(&n, &m, act, rc);
	cr_assert_eq(extract_motifs(&n, &d, 0.5, &set, &info, err), TS_OK, "%s", err);
	cr_assert_str_eq(set->a[0].id, "filter0");
	cr_assert_eq(info[0].motif, 0);
	if (act == NET_RELU) {  /* z = −1: never active */
		cr_assert_eq(set->n, 1, "%d motifs", set->n);
		cr_assert_eq(info[1].motif, -1);
		cr_assert_eq(info[1].nsites, 0);
	} else {  /* e^−1 everywhere: every window is at the maximum */
		cr_assert_eq(set->n, 2, "%d motifs", set->n);
		cr_assert_eq(info[1].nsites, 600 * (80 - 12 + 1) * (rc ? 2 : 1));
	}
	cr_assert_eq(set->a[0].nsites, (double)info[0].nsites);
	/* ReLU: z > max/2, about every planted site; exp: z > max − ln 2, the best */
	cr_assert(act == NET_EXP ? info[0].nsites > 20 && info[0].nsites < 300 : info[0].nsites > 200 && info[0].nsites < 450,
		  "filter 0: %lld sites", (long long)info[0].nsites);
	x = mcmp_compare(&set->a[0], &m);
	cr_log_info("act %d rc %d both %d: %lld sites, similarity %.4f at %d %c", act, rc, both, (long long)info[0].nsites, x.sim,
		    x.offset, x.strand);
	cr_assert(x.sim > 0.8, "similarity %.4f", x.sim);
	cr_assert_eq(x.strand, '+');
	cr_assert_eq(x.offset, 1);  /* a 9-wide motif centred in 12 columns */
	free(info);
	motif_set_free(set);
	net_free(&n);
	data_free(&d);
	motif_free(&m);
}

Test(extract, planted_pwm_relu) { check_extraction(NET_RELU, 0, 0); }
Test(extract, planted_pwm_both_strands_rc_tie) { check_extraction(NET_RELU, 1, 1); }
Test(extract, planted_pwm_exp) { check_extraction(NET_EXP, 1, 1); }

Test(extract, errors)
{
	motif_t m;
	data_t d = {0};
	net_t n;
	motif_set_t *set;
	extract_info_t *info;
	char err[TS_ERRLEN];
	make_motif(&m, consensus, 0.85);
	pwm_net(&n, &m, NET_RELU, 0);
	cr_assert_eq(extract_motifs(&n, &d, 0.5, &set, &info, err), TS_EDATA);
	cr_assert_eq(data_add(&d, "tiny", calloc(5, 1), 5, 0, 0), TS_OK);
	cr_assert_eq(extract_motifs(&n, &d, 0.5, &set, &info, err), TS_EDATA);
	cr_assert(strstr(err, "sequence tiny: length 5 is shorter than the filter width 12"), "%s", err);
	cr_assert_eq(extract_motifs(&n, &d, 1.5, &set, &info, err), TS_EUSAGE);
	data_free(&d);
	net_free(&n);
	motif_free(&m);
}

Test(logo, well_formed_svg)
{
	motif_t m;
	char path[] = "tests/tmp/logo_XXXXXX", cmd[256], name[64];
	FILE *fp;
	int fd;
	make_motif(&m, consensus, 0.85);
	free(m.id);
	m.id = strdup("a<b>&\"c/d");
	logo_file_name(&m, name, sizeof name);
	cr_assert_str_eq(name, "a_b___c_d.svg");
	fd = mkstemp(path);
	cr_assert(fd >= 0);
	fp = fdopen(fd, "w");
	cr_assert_eq(logo_write_svg(fp, &m, NULL), 0);
	fclose(fp);
	if (system("command -v xmllint > /dev/null 2>&1") == 0) {
		snprintf(cmd, sizeof cmd, "xmllint --noout %s", path);
		cr_assert_eq(system(cmd), 0, "xmllint rejects %s", path);
	} else {
		cr_log_warn("xmllint not installed: the SVG is not checked for well-formedness");
	}
	remove(path);
	motif_free(&m);
}
