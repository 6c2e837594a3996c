/* scan_count: the 16-bit level tables of the counting kernels (q-values),
 * their plain-C kernel (the twin of counter_avx512bw) and its choice.  The
 * maths is in scan_kernel.h. */
#include <stdlib.h>
#include <string.h>
#include "cnn1d/scan_kernel.h"
#include "util/log.h"

int counter_build(counter_t *f, const pwm_t *p, int reverse, int T)
{
	int j, c, t, w = p->w;
	f->w = w;
	f->ng = (w + 2) / 3;
	f->T = (uint16_t)T;
	f->sentinel = (uint16_t)(p->max_q + 1);
	if ((f->tab = malloc((size_t)f->ng * 64 * sizeof *f->tab)) == NULL) return TS_ENOMEM;
	for (j = 0; j < f->ng; j++)
		for (c = 0; c < 64; c++) {
			int sum = 0;
			for (t = 0; t < 3 && 3 * j + t < w; t++) {
				int i = 3 * j + t, x = (c >> (2 * (2 - t))) & 3;
				sum += reverse ? p->q[4 * (w - 1 - i) + 3 - x] : p->q[4 * i + x];
			}
			f->tab[64 * j + c] = (uint16_t)sum;
		}
	return TS_OK;
}

void counter_free(counter_t *f)
{
	free(f->tab);
	memset(f, 0, sizeof *f);
}

int counter_c(const counter_t *f, const uint8_t *code, const int32_t *namb, int n, uint16_t *lv, uint32_t *cand)
{
	int i, j, nc = 0;
	for (i = 0; i < n; i++) {
		unsigned q = 0;
		for (j = 0; j < f->ng; j++) q += f->tab[64 * j + code[i + 3 * j]];
		if (namb[i + f->w] != namb[i]) q = f->sentinel;
		else if (q >= f->T) cand[nc++] = i;
		lv[i] = (uint16_t)q;
	}
	return nc;
}

counter_fn scan_counter_fn(scan_kernel_t k)
{
	if (k == SCAN_KERNEL_C) return counter_c;
#if defined(__x86_64__) || defined(__i386__)
	if (k == SCAN_KERNEL_AVX512BW || k == SCAN_KERNEL_AVX512VBMI) return counter_avx512bw;
#endif
	return NULL;
}
