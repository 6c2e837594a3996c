/* scan_kernel: the prefilter that the SIMD scan kernels evaluate, and the
 * kernels (internal to cnn1d/scan*.c).
 *
 * Deficits.  A filter of width w (integer columns col(i, x), best total
 * max_q, hit threshold T) is cut into g = ceil(w/k) lookups of k = 2 or 3
 * consecutive columns (columns past w add 0).  Lookup j covers columns
 * off_j .. off_j+k−1; for the k bases there, as a code c of 2k bits (first
 * base in the highest bits), its deficit is
 *     def_j(c) = max_c' s_j(c') − s_j(c) ≥ 0,     s_j(c) = Σ_t col(off_j + t, c_t)
 * and a window's score is max_q − Σ_j def_j.  So a window is a hit only if
 *     Σ_j def_j ≤ slack = max_q − T.
 * Quantised with d = floor(slack/254) + 1 to bytes, e_j = min(255, floor(def_j/d)),
 * Σ_j e_j ≤ floor(Σ_j def_j / d), so every hit has
 *     Σ_j e_j ≤ lim = floor(slack/d) ≤ 253
 * and with saturating byte adds (255 stays above lim) the test needs no wider
 * lanes.  Any prefix of the lookups is a lower bound of the sum, so a vector
 * of windows is abandoned as soon as every lane exceeds lim (the lookahead
 * of MOODS, with the lookups ordered most selective first).  The first
 * `first` lookups are added without a test (a test whose outcome varies is
 * a mispredicted branch that costs more than a lookup): `first` is the
 * smallest number after which a vector of 64 random windows (0-order
 * background) still has a candidate with probability < PF_ALIVE, from the
 * exact distribution of the quantised partial sums.  Windows that
 * pass are candidates; scan.c re-scores them exactly, so the hits do not
 * depend on the kernel.
 *
 * A 16-entry table (k = 2) is one byte shuffle (pshufb, 16/32/64 lanes); a
 * 64-entry table (k = 3) is one AVX-512 VBMI byte permute (64 lanes). */
#ifndef TS_SCAN_KERNEL_H
#define TS_SCAN_KERNEL_H

#include <stdint.h>
#include "cnn1d/pwm.h"
#include "cnn1d/scan.h"

#define PF_TAB 64          /* bytes per lookup table; 16-entry ones are repeated ×4 */
#define PF_LANES 64        /* positions per AVX-512 vector */
#define PF_ROUND 256       /* the kernels step by up to this many positions */
#define SUB_BLOCK 8192     /* windows each motif scans in turn: codes stay in cache */
#define PF_ALIVE 0.02      /* see `first` above (0.001–0.3 measured; 0.02 fastest) */

typedef struct {
	int k;                 /* columns per lookup: 2 or 3 */
	int ng;                /* lookups, most selective first; at least 2 */
	int first;             /* lookups added before the first test, 2..ng */
	int32_t *off;          /* first column of each lookup */
	uint8_t *tab;          /* ng × PF_TAB quantised deficits e_j(c) */
	uint8_t lim;           /* candidate iff Σ_j e_j ≤ lim */
} prefilter_t;

/* Candidates among n windows starting at code[0..n) (n <= SUB_BLOCK): the
 * positions i of the windows that pass, ascending, into cand[]; returns
 * their number.  code[i] is the k-base code of bases i..i+k−1; the kernel
 * may read codes up to code[ceil(n/PF_ROUND)·PF_ROUND + w]. */
typedef int (*prefilter_fn)(const prefilter_t *f, const uint8_t *code, int n, uint32_t *cand);

/** The prefilter of pwm p (reverse: its reverse-complement filter) for
 *  threshold T <= p->max_q with k-column lookups; 0 or TS_ENOMEM.
 *  Free with prefilter_free(). */
int prefilter_build(prefilter_t *f, const pwm_t *p, int reverse, int T, int k);
void prefilter_free(prefilter_t *f);

/** Columns per lookup of a prefilter kernel (0 for SCAN_KERNEL_SCALAR). */
int scan_kernel_k(scan_kernel_t kern);

/** The kernel function (NULL for SCAN_KERNEL_SCALAR, the block-table oracle in scan.c). */
prefilter_fn scan_kernel_fn(scan_kernel_t kern);

/* Counting (q-values need every window's level).  The exact integer score
 * of a window, Σ_j t_j(code3[i + 3j]) with t_j the 64-entry table of the
 * sums of columns 3j..3j+2 (none past w), is at most w·PWM_RANGE and fits
 * 16 bits for w <= COUNT_MAX_W.  A window with a non-ACGT base (namb[i+w]
 * ≠ namb[i], namb the prefix counts of such bases) gets the level
 * `sentinel` = max_q + 1, which the caller's histogram has as a spare bin. */
#define COUNT_MAX_W 65

typedef struct {
	int w, ng;             /* width, lookups ceil(w/3) */
	uint16_t *tab;         /* ng × 64 sums */
	uint16_t T, sentinel;  /* hit level, level of invalid windows */
} counter_t;

/* Levels of the n <= SUB_BLOCK windows starting at code[0..n) into lv[],
 * and the positions of the valid windows with level >= T into cand[];
 * returns their number.  Reads as prefilter_fn, and namb[0..n+w+31]. */
typedef int (*counter_fn)(const counter_t *f, const uint8_t *code, const int32_t *namb, int n, uint16_t *lv, uint32_t *cand);

/** Tables of pwm p (reverse: its reverse complement) with hit level T;
 *  p->w <= COUNT_MAX_W.  0 or TS_ENOMEM; free with counter_free(). */
int counter_build(counter_t *f, const pwm_t *p, int reverse, int T);
void counter_free(counter_t *f);

/** The counting kernel that goes with a scan kernel (NULL: the scalar
 *  block-table count of scan.c). */
counter_fn scan_counter_fn(scan_kernel_t kern);

int counter_c(const counter_t *f, const uint8_t *code, const int32_t *namb, int n, uint16_t *lv, uint32_t *cand);
int counter_avx512bw(const counter_t *f, const uint8_t *code, const int32_t *namb, int n, uint16_t *lv, uint32_t *cand);

/* plain-C twins of the SIMD kernels, and the SIMD kernels (scan_x86.c) */
int prefilter_c(const prefilter_t *f, const uint8_t *code, int n, uint32_t *cand);
int prefilter_sse41(const prefilter_t *f, const uint8_t *code, int n, uint32_t *cand);
int prefilter_avx2(const prefilter_t *f, const uint8_t *code, int n, uint32_t *cand);
int prefilter_avx512bw(const prefilter_t *f, const uint8_t *code, int n, uint32_t *cand);
int prefilter_avx512vbmi(const prefilter_t *f, const uint8_t *code, int n, uint32_t *cand);

#endif
