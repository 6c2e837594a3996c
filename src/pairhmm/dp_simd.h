/* dp_simd: the forward algorithm of dp.h in single precision along
 * anti-diagonals, with AVX2 (8 cells per vector) and AVX-512 (16) kernels,
 * their plain-C twin, run-time dispatch, and a double-precision redo; and
 * (phmm_expect_fast, dp_simd_fb.c) the forward–backward with expected
 * counts that the EM runs, checked and redone in double the same way.
 * Subnormal floats are flushed to 0 while a kernel runs (they would cost
 * ~100 cycles per operation).
 *
 * Anti-diagonals.  Cells with i + j = d depend only on diagonals d−1 and d−2,
 * so a whole diagonal is computed at once.  Indexing a diagonal by i:
 *   fM_d[i] = p[x_i, y_{d−i}] · (t_MM fM_{d−2}[i−1] + t_XM fX_{d−2}[i−1] + t_YM fY_{d−2}[i−1])
 *   fX_d[i] = qX[x_i]         · (t_MX fM_{d−1}[i−1] + t_XX fX_{d−1}[i−1])
 *   fY_d[i] = qY[y_{d−i}]     · (t_MY fM_{d−1}[i]   + t_YY fY_{d−1}[i])
 * (x_i, y_j 1-based; y is stored reversed so that y_{d−i} runs forward with
 * i; p[x,y] is looked up in a per-pair table.)  The forward pass keeps, per
 * cell, not f but the three sums in brackets that its successors read
 * (S = t_MM fM + t_XM fX + t_YM fY, SX = t_MX fM + t_XX fX, SY = t_MY fM +
 * t_YY fY): a cell then reads three floats instead of seven, and the arrays
 * are placed so that the reads and writes are aligned (dp_simd_impl.h).
 *
 * Scaling.  Diagonal d is stored as f̂_d = f_d · 2^{s_d} with an integer
 * exponent s_d chosen before computing it, so that the larger of diagonals
 * d−1 and d−2 has its maximum near 2^100 in that scale: the shifts
 * 2^{s_d − s_{d−1}} and 2^{s_d − s_{d−2}} (exact powers of two) are folded
 * into the seven transition coefficients of the diagonal, so rescaling costs
 * nothing per cell.  A diagonal's cells thus span 2^102 down to 2^−126
 * (≈ e^158; subnormals are flushed) without underflow, whatever the pair's
 * length, and
 * ln P = ln(τ·(f̂M + f̂X + f̂Y)(n, m)) − s_{n+m} ln 2.
 *
 * Redo criterion.  The float kernels return PHMM_REDO, and
 * phmm_forward_fast() then runs phmm_forward() (double, row-scaled), when
 *   (a) a non-zero table entry lies outside [2^−60, 16] (it would round or
 *       underflow in float), or
 *   (b) both previous diagonals are entirely 0 (everything underflowed), a
 *       shift exceeds 2^60 per diagonal, or a maximum is not finite, or
 *   (c) the end mass is not finite and positive, or
 *   (d) precision is in doubt: float rounds each of the ~n+m factors of a
 *       path by up to 2^−24, so |error of ln P| ≲ (n+m+2)·2^−23; the result
 *       is kept only if that bound is ≤ 10^−6·|ln P| (pairs whose ln P is
 *       tiny per residue, e.g. runs of N under near-1 transitions; with
 *       free ends, m is the expected number of residues of y aligned, as
 *       the flanks lie on no path), or
 *   (e) (retired: a length-imbalance rule that (f) subsumes), or
 *   (f) underflow may have lost mass: a second float pass runs from the
 *       other end (the pair reversed, transitions transposed, τ as start),
 *       and its diagonal maxima bound the backward value b of every cell;
 *       a value under float's range holds < 2^−126 (stored), so the forward
 *       mass lost is ≤ Σ_d cells_d · f_max(d) · 2^−226 · 3·b_max(d).  The
 *       result is kept only if that bound is < 10^−8·P and the two passes
 *       agree to 10^−7 (relative, in ln P).  This costs a second pass, so
 *       phmm_forward_fast runs at half a kernel's pass speed.
 * (f) catches pairs whose paths spread a diagonal beyond float's 251 bits:
 * unbalanced lengths (every path holds ≥ |n − m| gap residues, early or
 * late; 299 × 69 unrelated: ln P off by 0.3 without it), or an alignment
 * ending in a long gap (10 kb pairs: ln P off by 4.5).  The bound is
 * conservative: some pairs whose float result was right are redone.  phmm_forward has a similar limit per row (2^1074):
 * it returns TS_EDATA on unrelated pairs from about 2 kb and on very
 * unbalanced ones (10 kb × 12 kb related).
 *
 * Dispatch.  The first call picks AVX-512 (avx512f+avx512bw) > AVX2
 * (avx2+fma) > scalar with __builtin_cpu_supports and caches it;
 * TESSERA_KERNEL=scalar, avx2, avx512 or f32c forces one (a kernel the CPU lacks falls back to
 * scalar).  Banded pairs run on the band's cells (a band that narrows
 * leftwards goes to double); glocal pairs always use phmm_forward().
 *
 * Stripes.  On AVX-512, pairs run first by stripes of 16 rows held in
 * registers (dp_stripe.c): the forward–backward with counts, banded or
 * not, global or glocal, in segments of stripes past 16 MB of kept forward
 * (x ≥ 16, ≤ 4 codes in y); the
 * forward alone without a band and below ~500 × 600, two stripes at a
 * time.  That is where the diagonals' per-diagonal work costs most (a read's band: ~33 cells a
 * diagonal); what the stripes refuse, the diagonals try before double.
 *
 * Batches.  The EM runs its short global unbanded pairs 16 at a time, a
 * pair per AVX-512 lane (dp_batch.c, phmm_expect_batch below); a pair the
 * batch's checks refuse goes through phmm_expect_fast alone. */
#ifndef TS_PHMM_DP_SIMD_H
#define TS_PHMM_DP_SIMD_H

#include "pairhmm/dp.h"

/* Returned by the float kernels when the result cannot be trusted. */
#define PHMM_REDO 1

typedef enum {
	PHMM_KERNEL_SCALAR = 0,  /* phmm_forward, double precision */
	PHMM_KERNEL_F32_C,       /* the plain-C float twin */
	PHMM_KERNEL_AVX2,
	PHMM_KERNEL_AVX512,
	PHMM_KERNEL_COUNT
} phmm_kernel_t;

/** ln P(x, y), as phmm_forward(), by the fastest kernel available.
 *  @return 0, TS_ENOMEM, or TS_EDATA (probability 0). */
int phmm_forward_fast(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL);

/** ln P(x, y) to double precision, as phmm_forward(), by the same
 *  anti-diagonal sum form in double (AVX-512, else its plain-C twin; a
 *  diagonal's maximum near 2^500, values below 2^−1022 flushed) with
 *  criteria (c), (d), (f) at double's precision: both passes agree to
 *  10^−11, the lost mass is < 10^−13 of P; else phmm_forward().  0,
 *  TS_ENOMEM or TS_EDATA.  The EM's final ln L. */
int phmm_forward_fast64(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL);

/** The double kernel of float kernel k alone, as phmm_forward_kernel(). */
int phmm_forward_kernel64(phmm_kernel_t k, const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL);

/** Name of the kernel phmm_forward_fast() uses: "scalar", "f32c", "avx2"
 *  or "avx512" (static string). */
const char *phmm_kernel_name(void);

/** The name of kernel k, and whether this CPU can run it (1/0). */
const char *phmm_kernel_label(phmm_kernel_t k);
int phmm_kernel_supported(phmm_kernel_t k);

/** Run kernel k alone (no redo), for tests and benches; non-glocal
 *  pairs only, and k must be supported.  PHMM_KERNEL_SCALAR is phmm_forward.
 *  @return 0, PHMM_REDO (see the criterion above), TS_ENOMEM or TS_EDATA. */
int phmm_forward_kernel(phmm_kernel_t k, const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL);

/** The float pass of kernel k alone (criteria b and c only: no redo for
 *  a, d, e), for benches measuring the kernels on any pair.  k ≠ SCALAR. */
int phmm_forward_kernel_pass(phmm_kernel_t k, const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL);

/** The single float pass by stripes of 16 rows held in AVX-512 registers
 *  (dp_stripe.c), which phmm_forward_kernel(PHMM_KERNEL_AVX512) uses for
 *  pairs without a band and with n ≥ PHMM_STRIPE_MIN_N: 0, PHMM_REDO
 *  (criteria b, c; no AVX-512; a band, glocal or an empty sequence) or
 *  TS_ENOMEM.  For tests and benches. */
#define PHMM_STRIPE_MIN_N 16
int phmm_forward_stripe_pass(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL);

/** The stripe forward from both ends with criteria (a)–(f), as
 *  phmm_forward_kernel(): 0, PHMM_REDO (also for a pair stripes do not
 *  take: a band, glocal, n < PHMM_STRIPE_MIN_N, no AVX-512), TS_ENOMEM or
 *  TS_EDATA.  phmm_forward_fast() runs it first on AVX-512. */
int phmm_forward_stripes(const phmm_tables_t *t, const phmm_pair_t *pr, double *lnL);

/** The stripe forward–backward with its checks (dp_stripe.c), as
 *  phmm_expect_kernel(), banded and glocal pairs too (the only float
 *  forward–backward that takes glocal ones): 0, PHMM_REDO (c unchanged;
 *  also for a pair it does not take: n < PHMM_STRIPE_MIN_N, more than 4
 *  distinct codes in y or 32 table entries, a band whose edges move left,
 *  no AVX-512) or TS_ENOMEM.  phmm_expect_fast() runs it first on
 *  AVX-512. */
int phmm_expect_stripes(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_counts_t *c, double *lnL);

/** Expected counts added to c, and ln P, as phmm_expect(), by the float
 *  forward–backward of dp_simd_fb.c with the fastest kernel, or in double
 *  when the float result cannot be trusted.  0, TS_ENOMEM or TS_EDATA. */
int phmm_expect_fast(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_counts_t *c, double *lnL);

/** The float forward–backward of kernel k alone: 0, PHMM_REDO (c is then
 *  unchanged; always for glocal pairs, which only the stripes take), or
 *  TS_ENOMEM; PHMM_KERNEL_SCALAR runs phmm_expect. */
int phmm_expect_kernel(phmm_kernel_t k, const phmm_tables_t *t, const phmm_pair_t *pr, phmm_counts_t *c, double *lnL);

/* Batches (dp_batch.c): the forward–backward of up to PHMM_BATCH pairs at
 * once, a pair per AVX-512 lane, for the EM's many short pairs.  A pair's
 * result does not depend on the pairs it shares a batch with. */
#define PHMM_BATCH 16
#define PHMM_BATCH_BYTES ((int64_t)16 << 20)  /* a batch's kept forward, at most */

/** Whether a batch whose largest sequences are n and m keeps its forward
 *  within PHMM_BATCH_BYTES (192 bytes for each of (n + 2)(m + 2) cells). */
int phmm_batch_fits(int64_t n, int64_t m);

/** Whether pr can run in a batch: global, unbanded, n, m ≥ 1, ≤ 4 distinct
 *  codes in y, and phmm_batch_fits(n, m). */
int phmm_batch_takes(const phmm_pair_t *pr);

/* Scratch memory for batches, kept between them (one per thread):
 * phmm_batch_ws_init() returns it (NULL: out of memory), and
 * phmm_batch_ws_destroy() frees it (NULL is a no-op).  Where a function
 * takes ws, NULL makes it use and free its own. */
typedef struct phmm_batch_ws phmm_batch_ws_t;
phmm_batch_ws_t *phmm_batch_ws_init(void);
void phmm_batch_ws_destroy(phmm_batch_ws_t *ws);

/** Expected counts of pairs pr[0..np−1] (np ≤ PHMM_BATCH) added to c[k],
 *  and ln P to lnL[k], by the float batch kernel alone: status[k] = 0, or
 *  PHMM_REDO (c[k] unchanged) for a pair its checks refuse — and for all of
 *  them if one is not taken by phmm_batch_takes, if the batch padded to its
 *  largest n and m would keep more than PHMM_BATCH_BYTES, without AVX-512, when
 *  TESSERA_KERNEL forces another kernel, or when the tables do not suit
 *  float (criterion a).  @return 0 or TS_ENOMEM. */
int phmm_expect_batch(phmm_batch_ws_t *ws, const phmm_tables_t *t, const phmm_pair_t *const *pr, int np, phmm_counts_t *c,
		      double *lnL, int *status);

/** The same, each refused pair then run by phmm_expect_fast: status[k] is
 *  phmm_expect_fast's (0, TS_ENOMEM or TS_EDATA) for those.  Returns 0. */
int phmm_expect_fast_batch(phmm_batch_ws_t *ws, const phmm_tables_t *t, const phmm_pair_t *const *pr, int np, phmm_counts_t *c,
			   double *lnL, int *status);

/** One float forward pass of a batch alone (no checks), for benches:
 *  lnL[k] (−inf where P is not finite and positive).  0, PHMM_REDO (as
 *  phmm_expect_batch refuses them all, but for pairs of any length: the
 *  pass keeps two rows) or TS_ENOMEM. */
int phmm_forward_batch_pass(phmm_batch_ws_t *ws, const phmm_tables_t *t, const phmm_pair_t *const *pr, int np, double *lnL);

#endif
