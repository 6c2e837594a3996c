/* scan_prefilter: building the quantised deficit tables of scan_kernel.h,
 * their plain-C kernel (the twin the SIMD kernels are tested against), and
 * the choice of kernel by CPU at run time. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cnn1d/scan_kernel.h"
#include "util/log.h"
#include "util/vec8.h"

/* integer score of column i for base x on the filter's strand */
static int column(const pwm_t *p, int reverse, int i, int x)
{
	return reverse ? p->q[4 * (p->w - 1 - i) + 3 - x] : p->q[4 * i + x];
}

typedef struct {
	int32_t off;
	double mean;      /* expected e_j under the background: ordering key */
	double prob[64];  /* background probability of each code */
	uint8_t tab[PF_TAB];
} lookup_t;

static int cmp_lookup(const void *a, const void *b)
{
	const lookup_t *x = a, *y = b;
	if (x->mean != y->mean) return x->mean > y->mean ? -1 : 1;
	return x->off - y->off;
}

/* next[e + s] += dist[s] · pe for s = 0..n−1, 8 at a time (lane s is the
 * scalar loop's sum); writes up to 7 entries past e + n − 1. */
TS_VD8_CLONES static void add_scaled(double *restrict next, const double *restrict dist, double pe, int n)
{
	const ts_vd8 v = TS_VD8_SPLAT(pe);
	int s;
	for (s = 0; s < n; s += 8) TS_VD8_ST(next + s, TS_VD8_LD(next + s) + TS_VD8_LD(dist + s) * v);
}

/* P_j(e) = Σ_{c: e_j(c) = e} prob_j(c) into pe[0..255] */
static void deficit_probs(const lookup_t *l, int n_codes, double *pe)
{
	int c;
	memset(pe, 0, 256 * sizeof *pe);
	for (c = 0; c < n_codes; c++) pe[l->tab[c]] += l->prob[c];
}

/* Lookups to add before the first test (scan_kernel.h): dist[s] is the
 * probability that a random window's partial sum is s ≤ lim,
 *     dist_j[s] = Σ_e P_j(e) · dist_{j−1}[s − e],   dist_0 = P_0,
 * (terms added by e ascending) and a vector of 64 windows stays alive with
 * probability 1 − (1 − Σ_s dist_j[s])^64.  Entries past lim are scratch:
 * never read for an entry ≤ lim. */
static int first_test(const prefilter_t *f, const lookup_t *lk, int n_codes)
{
	double dist[256 + 8], next[256 + 8], pe[256];
	int j, s, e, lim = f->lim;
	deficit_probs(&lk[0], n_codes, pe);
	memset(dist, 0, sizeof dist);
	memcpy(dist, pe, (lim + 1) * sizeof *dist);
	for (j = 1; j < f->ng; j++) {
		double alive = 0;
		deficit_probs(&lk[j], n_codes, pe);
		memset(next, 0, sizeof next);
		for (e = 0; e <= lim; e++)
			if (pe[e] > 0) add_scaled(next + e, dist, pe[e], lim - e + 1);
		memcpy(dist, next, sizeof dist);
		for (s = 0; s <= lim; s++) alive += dist[s];
		if (1 - pow(1 - alive, PF_LANES) < PF_ALIVE) return j + 1;
	}
	return f->ng;
}

int prefilter_build(prefilter_t *f, const pwm_t *p, int reverse, int T, int k)
{
	int slack = p->max_q - T, d = slack / 254 + 1, j, c, t, n_codes = 1 << (2 * k);
	lookup_t *lk;
	memset(f, 0, sizeof *f);
	f->k = k;
	f->ng = (p->w + k - 1) / k;
	if (f->ng < 2) f->ng = 2;  /* the kernels start with two lookups; a second past w adds 0 */
	f->lim = (uint8_t)(slack / d);
	f->off = malloc(f->ng * sizeof *f->off);
	f->tab = malloc((size_t)f->ng * PF_TAB);
	lk = malloc(f->ng * sizeof *lk);
	if (!f->off || !f->tab || !lk) {
		free(lk);
		prefilter_free(f);
		return TS_ENOMEM;
	}
	for (j = 0; j < f->ng; j++) {
		int s[64], best = 0;
		lookup_t *l = &lk[j];
		l->off = k * j;
		for (c = 0; c < n_codes; c++) {
			s[c] = 0;
			for (t = 0; t < k && l->off + t < p->w; t++) s[c] += column(p, reverse, l->off + t, (c >> (2 * (k - 1 - t))) & 3);
			if (s[c] > best) best = s[c];
		}
		l->mean = 0;
		for (c = 0; c < n_codes; c++) {
			int e = (best - s[c]) / d;
			double prob = 1;
			for (t = 0; t < k; t++) prob *= l->off + t < p->w ? p->bg[(c >> (2 * (k - 1 - t))) & 3] : 0.25;
			l->prob[c] = prob;
			l->mean += prob * (e < 255 ? e : 255);
		}
		for (c = 0; c < PF_TAB; c++) {
			int e = (best - s[c % n_codes]) / d;
			l->tab[c] = (uint8_t)(e < 255 ? e : 255);
		}
	}
	qsort(lk, f->ng, sizeof *lk, cmp_lookup);
	for (j = 0; j < f->ng; j++) {
		f->off[j] = lk[j].off;
		memcpy(f->tab + (size_t)j * PF_TAB, lk[j].tab, PF_TAB);
	}
	f->first = first_test(f, lk, n_codes);
	free(lk);
	return TS_OK;
}

void prefilter_free(prefilter_t *f)
{
	free(f->off);
	free(f->tab);
	memset(f, 0, sizeof *f);
}

/* Σ_j e_j with byte saturation, window by window, as the SIMD kernels add
 * them lane by lane. */
int prefilter_c(const prefilter_t *f, const uint8_t *code, int n, uint32_t *cand)
{
	int i, nc = 0;
	for (i = 0; i < n; i++) {
		int j, acc = 0;
		for (j = 0; j < f->ng && acc <= f->lim; j++) {
			acc += f->tab[(size_t)j * PF_TAB + code[i + f->off[j]]];
			if (acc > 255) acc = 255;
		}
		if (acc <= f->lim) cand[nc++] = i;
	}
	return nc;
}

/* ------------------------------------------------------ run-time choice */

static const char *const kernel_names[SCAN_KERNEL_COUNT] = {"scalar", "c", "sse41", "avx2", "avx512bw", "avx512vbmi"};
static const int kernel_k[SCAN_KERNEL_COUNT] = {0, 3, 2, 2, 2, 3};

const char *scan_kernel_label(scan_kernel_t k)
{
	return k >= 0 && k < SCAN_KERNEL_COUNT ? kernel_names[k] : "?";
}

int scan_kernel_k(scan_kernel_t k) { return kernel_k[k]; }

int scan_kernel_supported(scan_kernel_t k)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_cpu_init();
	if (k == SCAN_KERNEL_SSE41) return __builtin_cpu_supports("sse4.1");
	if (k == SCAN_KERNEL_AVX2) return __builtin_cpu_supports("avx2");
	if (k == SCAN_KERNEL_AVX512BW) return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw");
	if (k == SCAN_KERNEL_AVX512VBMI)
		return __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512vbmi");
#endif
	return k == SCAN_KERNEL_SCALAR || k == SCAN_KERNEL_C;
}

prefilter_fn scan_kernel_fn(scan_kernel_t k)
{
	switch (k) {
	case SCAN_KERNEL_C: return prefilter_c;
#if defined(__x86_64__) || defined(__i386__)
	case SCAN_KERNEL_SSE41: return prefilter_sse41;
	case SCAN_KERNEL_AVX2: return prefilter_avx2;
	case SCAN_KERNEL_AVX512BW: return prefilter_avx512bw;
	case SCAN_KERNEL_AVX512VBMI: return prefilter_avx512vbmi;
#endif
	default: return NULL;
	}
}

/* The widest kernel the CPU has, unless TESSERA_SCAN_KERNEL names one (one
 * the CPU lacks gives the plain-C kernel; an unknown name is ignored). */
scan_kernel_t scan_kernel_default(void)
{
	const char *env = getenv("TESSERA_SCAN_KERNEL");
	int k;
	for (k = 0; env && *env && k < SCAN_KERNEL_COUNT; k++)
		if (strcmp(env, kernel_names[k]) == 0) {
			if (scan_kernel_supported((scan_kernel_t)k)) return (scan_kernel_t)k;
			ts_warn("TESSERA_SCAN_KERNEL=%s: this CPU lacks it; c used", env);
			return SCAN_KERNEL_C;
		}
	if (env && *env) ts_warn("TESSERA_SCAN_KERNEL=%s is not scalar, c, sse41, avx2, avx512bw or avx512vbmi: ignored", env);
	for (k = SCAN_KERNEL_COUNT - 1; k > SCAN_KERNEL_C; k--)
		if (scan_kernel_supported((scan_kernel_t)k)) return (scan_kernel_t)k;
	return SCAN_KERNEL_C;
}
