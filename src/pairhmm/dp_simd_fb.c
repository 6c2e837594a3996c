/* dp_simd_fb: expected counts (phmm_expect) by a float forward and backward
 * along anti-diagonals, for the EM; the forward is the kernel of dp_simd.h.
 *
 * Backward.  g_s(i,j) is the probability of the rest of the pair from cell
 * (i,j) in state s, its own emission included (g = e·b), so that
 *   gM_d[i] = p[x_i,y_j] · (MM gM_{d+2}[i+1] + MX gX_{d+1}[i+1] + MY gY_{d+1}[i])
 *   gX_d[i] = qX[x_i]    · (XM gM_{d+2}[i+1] + XX gX_{d+1}[i+1])
 *   gY_d[i] = qY[y_j]    · (YM gM_{d+2}[i+1] + YY gY_{d+1}[i])
 * (j = d − i), with E a virtual M cell (n+1, m+1) of value 1 on diagonal
 * n+m+2 reached by τ, and P = MM gM(1,1) + MX gX(1,0) + MY gY(0,1) (B
 * behaves like M).  Each diagonal has its own power-of-2 scale, chosen as in
 * the forward.
 *
 * Counts.  With f the forward (emission included):
 *   posterior of s at (i,j):       f_s(i,j) g_s(i,j) / (e_s(i,j) P)
 *   expected transitions s → M:    Σ f_s(i−1,j−1) t_sM gM(i,j) / P, and so on,
 * accumulated while the backward sweeps down: diagonal d needs the forward
 * diagonals d, d−1, d−2.  They are all kept when they fit in FB_FULL_BYTES;
 * otherwise every S ≈ √(n+m)-th pair of forward diagonals is kept and each
 * block of S is recomputed when the backward reaches it (a second forward).
 *
 * Trust.  The float result is kept only if (a)–(d) of dp_simd.h hold, P from
 * the forward and from the backward agree to 2·10^−7 (relative, in ln P),
 * and on every diagonal d the posterior mass of its cells plus the expected
 * M steps that jump over it (d−1 → d+1) is 1 within 10^−4: mass lost to
 * underflow in either pass breaks this.  Otherwise the pair is redone in
 * double (phmm_expect). */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "pairhmm/dp_impl.h"
#include "pairhmm/dp_simd.h"
#include "pairhmm/dp_simd_impl.h"
#include "util/log.h"

#define FB_ALL_BYTES ((int64_t)4 << 20)
#define FB_BLOCK_BYTES ((int64_t)512 << 10)
#define FB_CKPT_BYTES ((int64_t)64 << 20)
#define OCC_TOL 1e-4
#define LNP_TOL 2e-7

/* ------------------------------------------------------ plain-C kernel */

float phmm_bdiag_c(const phmm_f32_in_t *in, const phmm_bdiag_t *a, float sums[5])
{
	const float *c = a->c;
	float mx = 0, s[5] = {0};
	int64_t i;
	for (i = a->ilo; i <= a->ihi; i++) {
		const int64_t k = a->yoff + i;
		const int32_t idx = in->xi[i] + in->yi[k];
		const float gm2 = a->g2[0][i + 1];
		/* the sums before the emission: ĝ = e·S; vX, vY the X→X and Y→Y
		 * steps out of the cell */
		const float vX = c[4] * a->g1[1][i + 1], vY = c[6] * a->g1[2][i];
		const float SM = c[0] * gm2 + c[3] * a->g1[1][i + 1] + c[5] * a->g1[2][i];
		const float SX = c[1] * gm2 + vX, SY = c[2] * gm2 + vY;
		/* the forward gap cells times b, but for their shift */
		const float uX = in->qxs[i] * a->b * a->SX1[i - 1], uY = in->qys[k] * a->b * a->SY1[i];
		float gM = in->pmf[idx] * SM, gX = in->qxs[i] * SX, gY = in->qys[k] * SY, pM;
		a->g[0][i] = gM, a->g[1][i] = gX, a->g[2][i] = gY;
		if (gM > mx) mx = gM;
		if (gX > mx) mx = gX;
		if (gY > mx) mx = gY;
		pM = a->S2[i - 1] * (gM * a->b);
		s[0] += pM;
		s[1] += uX * SX;
		s[2] += uY * SY;
		s[3] += uX * vX;
		s[4] += uY * vY;
		a->accM[in->yi[k] * a->mstride + i] += pM * a->pa;
	}
	memcpy(sums, s, sizeof s);
	return mx;
}

/* ------------------------------------------------------------- driver */


/* Diagonal slots: 3 arrays (S, SX, SY of the forward, or M, X, Y of the
 * backward) of stride_of(the diagonal's length) floats each (slot_floats);
 * the cells i of diagonal d sit at slot + st·stride + FB_FRONT + ((shift(d)
 * + lo) mod 16) + i − lo, so that every slot being 64-byte aligned gives
 * the alignment phmm_sum_shift() promises.  Diagonals −2, −1 (zeros before
 * B) and n+m+1, n+m+2 (after the end; E is cell n+1 of n+m+2) have one
 * cell. */
typedef struct {
	const phmm_tables_t *t;
	phmm_f32_in_t in;
	phmm_sdiag_fn fwd;
	phmm_bdiag_fn bwd;
	phmm_sdiag_t fa;   /* the forward kernel's argument; fa.t holds MM XM YM MX
			    * XX MY YY as the forward sums use them (set once) */
	int64_t n, m, D, W;
	float **fslot;     /* forward slot of diagonal d at fslot[d + 2] (d ≥ −2) */
	int64_t *sf, *sg;  /* exponents of f and g by diagonal, at [d + 2] */
	float *fmax, *gmax;
	float *zero;       /* a slot of zeros (diagonals −2, −1) */
	int64_t *lo, *hi;  /* the cells lo[d]..hi[d] of diagonal d (within the band) */
	int64_t *stride, *off;  /* slot geometry of diagonal d at [d + 2] (cell0) */
} fb_t;

/* FB_FRONT cells before a diagonal's first (the kernels read 16 before it),
 * the alignment shift (≤ 15), and 20 after its last (the backward reads 16
 * and zeroes 19 past it): short banded diagonals make the slack count */
#define FB_FRONT 16
static inline int64_t stride_of(int64_t cells) { return (cells + FB_FRONT + 15 + 20 + 15) & ~(int64_t)15; }

static inline int64_t geom(const fb_t *s, int64_t d, int64_t *lo)
{
	if (d < 0 || d > s->D) {
		*lo = d < 0 ? 0 : s->n;
		return stride_of(1);
	}
	*lo = s->lo[d];
	return stride_of(s->hi[d] - *lo + 1);
}

static int64_t slot_floats(const fb_t *s, int64_t d)
{
	int64_t lo;
	return 3 * geom(s, d, &lo);
}

/* Fill stride and off for d = −2 .. D+2 (cell0 runs once per array per
 * diagonal: short banded diagonals make it count). */
static void slot_geometry(fb_t *s)
{
	int64_t d, lo;
	for (d = -2; d <= s->D + 2; d++) {
		s->stride[d + 2] = geom(s, d, &lo);
		s->off[d + 2] = FB_FRONT + ((phmm_sum_shift(d) + lo) & 15) - lo;
	}
}

static inline float *cell0(const fb_t *s, float *slot, int64_t d, int st)
{
	return slot + st * s->stride[d + 2] + s->off[d + 2];
}

/* Forward diagonal d, in sum form, into fslot[d + 2], from d−1 and d−2
 * (recursion and scale of dp_simd.h; B is diagonal 0).  Two cells on each
 * side are zeroed: the backward reads f̂ of d+1 and d+2 from cells i−2 to
 * i+2.  Other cells of the slot keep what they held (the kernels mask the
 * lanes that read them). */
static int fwd_diag(fb_t *s, int64_t d)
{
	const int64_t ilo = s->lo[d], ihi = s->hi[d];
	phmm_sdiag_t *a = &s->fa;
	float *cur[3], mx;
	int64_t sd;
	int st;
	for (st = 0; st < 3; st++) cur[st] = cell0(s, s->fslot[d + 2], d, st);
	if (d == 0) {  /* B = (0,0), value 1 = 2^100 · 2^−100, left as from M */
		static const int out_of_b[3] = {PH_MM, PH_MX, PH_MY};
		for (st = 0; st < 3; st++) {
			memset(cur[st] - 2, 0, 5 * sizeof(float));
			cur[st][0] = (float)(s->t->t[out_of_b[st]] * ldexp(1, PHMM_TARGET_EXP));
		}
		s->fmax[2] = ldexpf(1, PHMM_TARGET_EXP);
		s->sf[2] = PHMM_TARGET_EXP;
		return TS_OK;
	}
	if (phmm_f32_next_scale(s->fmax[d + 1], s->sf[d + 1], s->fmax[d], s->sf[d], &sd) != TS_OK) return PHMM_REDO;
	a->f2 = (float)phmm_pow2(sd - s->sf[d]), a->f1 = (float)phmm_pow2(sd - s->sf[d + 1]);
	a->S = cur[0], a->SX = cur[1], a->SY = cur[2];
	a->S2 = cell0(s, s->fslot[d], d - 2, 0);
	a->SX1 = cell0(s, s->fslot[d + 1], d - 1, 1), a->SY1 = cell0(s, s->fslot[d + 1], d - 1, 2);
	a->ilo = ilo, a->ihi = ihi, a->yoff = s->m - d;
	mx = s->fwd(&s->in, a);
	for (st = 0; st < 3; st++) cur[st][ilo - 2] = cur[st][ilo - 1] = cur[st][ihi + 1] = cur[st][ihi + 2] = 0;
	if (!isfinite(mx)) return PHMM_REDO;
	s->fmax[d + 2] = mx, s->sf[d + 2] = sd;
	return TS_OK;
}

typedef struct {
	double tr[PH_NTRANS], post[3];  /* transitions; posterior totals of M, X, Y */
	double *occ, *jump;  /* per diagonal: posterior mass of its cells; M steps into it */
	float *accM;         /* M posteriors by row and renumbered code of y */
} fb_counts_t;

/* Backward diagonal d into gs (3 rotating slots) with its counts; frac is
 * 2^(⌊log2 P⌋ − log2 P). */
static int bwd_diag(fb_t *s, int64_t d, float *const gs[3], double log2P, double frac, fb_counts_t *o)
{
	static const int to2[3] = {PH_MM, PH_XM, PH_YM}, to1[4] = {PH_MX, PH_XX, PH_MY, PH_YY};
	static const int to_end[3] = {PH_ME, PH_XE, PH_YE};
	const int64_t n = s->n, m = s->m, D = s->D, ilo = s->lo[d], ihi = s->hi[d];
	phmm_bdiag_t a;
	float sums[5], mx;
	double e, ea, scale, c2, c1, pa, post[3], xx, yy;
	int64_t sd;
	int st, k;
	const int64_t i1 = (d + 1) + 2, i2 = (d + 2) + 2;  /* index of d+1, d+2 in sg/gmax */
	if (phmm_f32_next_scale(s->gmax[i1], s->sg[i1], s->gmax[i2], s->sg[i2], &sd) != TS_OK) return PHMM_REDO;
	for (st = 0; st < 3; st++) {
		a.g[st] = cell0(s, gs[d % 3], d, st);
		a.g1[st] = cell0(s, gs[(d + 1) % 3], d + 1, st);
		a.g2[st] = cell0(s, gs[(d + 2) % 3], d + 2, st);
	}
	a.S2 = cell0(s, s->fslot[d], d - 2, 0);
	a.SX1 = cell0(s, s->fslot[d + 1], d - 1, 1), a.SY1 = cell0(s, s->fslot[d + 1], d - 1, 2);
	for (k = 0; k < 3; k++) a.c[k] = (float)(s->t->t[d == D ? to_end[k] : to2[k]] * phmm_pow2(sd - s->sg[i2]));
	for (k = 0; k < 4; k++) a.c[3 + k] = (float)(s->t->t[to1[k]] * phmm_pow2(sd - s->sg[i1]));
	/* Ĝ = ĝ·b, and a posterior is f̂·Ĝ·(2^−100/e)·a with a·b = 2^E,
	 * E = 100 − s_f − s_g − log2 P.  At every cell f̂·ĝ ≤ e·2^(100−E) (its
	 * posterior is ≤ 1) and ĝ ≤ 2^(PHMM_TARGET_EXP + 4) (scale and table
	 * bound), so b = 2^min(E, −20) keeps Ĝ and f̂·Ĝ (≤ 2^104) finite, and the
	 * integer a = 2^max(0, ⌈E + 20⌉) carries the rest; E > 106 (the two
	 * passes peaking > 200 bits apart on this diagonal) is left to double.
	 * The kernel multiplies Ĝ by the forward sums, f̂/(e·shift): a product
	 * out of float's range becomes inf and fails the occupancy check. */
	e = PHMM_TARGET_EXP - (double)s->sf[d + 2] - (double)sd - log2P;
	ea = e > -20 ? ceil(e + 20) : 0;
	if (!(e > -148 && e <= 106)) return PHMM_REDO;
	a.b = (float)(phmm_pow2((int64_t)(PHMM_TARGET_EXP - s->sf[d + 2] - sd - floor(log2P) - ea)) * frac);  /* 2^(e − ea) */
	scale = phmm_pow2((int64_t)ea - 100);  /* a, with the 2^−100 of a posterior */
	c2 = phmm_pow2(s->sf[d + 2] - s->sf[d]);       /* the forward shifts d−2 → d, */
	c1 = phmm_pow2(s->sf[d + 2] - s->sf[d + 1]);   /* and d−1 → d */
	pa = c2 * scale;
	if (!(pa >= 0x1p-126 && pa <= 0x1p127)) return PHMM_REDO;
	a.pa = (float)pa;
	a.accM = o->accM + PHMM_PAD;
	a.mstride = n + 1 + 2 * PHMM_PAD;
	a.ilo = ilo, a.ihi = ihi, a.yoff = m - d;
	mx = s->bwd(&s->in, &a, sums);
	for (st = 0; st < 3; st++) {
		a.g[st][ilo - 1] = 0;
		memset(a.g[st] + ihi + 1, 0, (PHMM_VMAX + 3) * sizeof(float));
	}
	if (!isfinite(mx)) return PHMM_REDO;
	s->gmax[d + 2] = mx, s->sg[d + 2] = sd;
	post[0] = sums[0] * c2 * scale, post[1] = sums[1] * c1 * scale, post[2] = sums[2] * c1 * scale;
	/* gap steps out of d (sums[3], sums[4]: scaled as the X and Y
	 * posteriors); X visits come from M or X, so MX = X visits − XX */
	xx = sums[3] * c1 * scale, yy = sums[4] * c1 * scale;
	o->tr[PH_XX] += xx, o->tr[PH_MX] += post[1] - xx;
	o->tr[PH_YY] += yy, o->tr[PH_MY] += post[2] - yy;
	for (st = 0; st < 3; st++) o->post[st] += post[st];
	o->occ[d] = post[0] + post[1] + post[2];
	o->jump[d] = post[0];  /* every M visit on d came by an M step from d−2 */
	return TS_OK;
}

/* Forward diagonals [d0, d1) into the slots `where` (already pointing at
 * them); d0−1 and d0−2 must be there. */
static int fwd_range(fb_t *s, int64_t d0, int64_t d1)
{
	int64_t d;
	int r;
	for (d = d0; d < d1; d++)
		if ((r = fwd_diag(s, d)) != TS_OK) return r;
	return TS_OK;
}

/* n floats, 64-byte aligned, zeroed if asked (NULL when out of memory) */
static float *aligned_floats(int64_t n, int zeroed)
{
	size_t bytes = ((size_t)n * sizeof(float) + 63) & ~(size_t)63;
	float *p = aligned_alloc(64, bytes ? bytes : 64);
	if (p && zeroed) memset(p, 0, bytes);
	return p;
}

void phmm_fb_codes(const phmm_f32_in_t *in, int64_t n, int64_t m, double tr[PH_NTRANS], const double post[3], const float *accM,
		   const double *yemit, phmm_code_counts_t *cc)
{
	const int64_t ms = n + 1 + 2 * PHMM_PAD;
	int64_t i, k;
	/* the other transitions, from the posteriors: into X, MX + XX = PX, and
	 * out of it, XM + XX + XE = PX, so XM = MX − XE (Y likewise); into M,
	 * MM + XM + YM = PM.  B counts as M. */
	tr[PH_XM] = tr[PH_MX] - tr[PH_XE];
	tr[PH_YM] = tr[PH_MY] - tr[PH_YE];
	tr[PH_MM] = post[0] - tr[PH_XM] - tr[PH_YM];
	/* emissions by code: M by row and code of y; every residue is emitted
	 * once, by M or by its gap state, so X of row i is 1 − M of row i, and
	 * Y of code b is the residues b of y less the M emissions of b */
	{
		const uint32_t ky = (uint32_t)in->ky;
		double m[16][16] = {{0}}, x[16] = {0};  /* locals: cc's are stored on every add otherwise */
		int a, b;
		for (i = 1; i <= n; i++) {
			double row = 0;
			a = (int)((uint32_t)in->xi[i] / ky);
			for (b = 0; b < in->ky; b++) row += accM[b * ms + PHMM_PAD + i], m[a][b] += accM[b * ms + PHMM_PAD + i];
			x[a] += 1 - row;
		}
		for (a = 0; a < 16; a++) {
			for (b = 0; b < 16; b++) cc->m[a][b] += m[a][b];
			cc->x[a] += x[a];
		}
	}
	if (yemit)
		for (k = 0; k < in->ky; k++) cc->y[k] += yemit[k];
	else
		for (k = 0; k < m; k++) cc->y[in->yi[k]] += 1;
	for (k = 0; k < 16; k++)
		for (i = 0; i < 16; i++) cc->y[k] -= cc->m[i][k];
	memcpy(cc->t, tr, sizeof cc->t);
}

static int fb_run(fb_t *s, phmm_code_counts_t *cc, double *lnL)
{
	const int64_t n = s->n, m = s->m, D = s->D;
	int64_t full = 0, S, nseg, segmax = 0, acc, d, k, W = 0;
	float *seg = NULL, *ckpt = NULL, *rot = NULL, *gbuf = NULL, *gs[3];
	fb_counts_t o;
	double end[3], endsum = 0, lnP, log2P, Pb, frac = 1;
	int r = TS_ENOMEM, st;
	for (d = 0; d <= D; d++) full += slot_floats(s, d);
	for (d = -2; d <= D + 2; d++)  /* the largest slot: a checkpoint or rotating slot holds any diagonal */
		if (slot_floats(s, d) > W) W = slot_floats(s, d);
	/* blocks of S diagonals that fit in cache (FB_BLOCK_BYTES), unless the
	 * checkpoints, 2 diagonals per block, would exceed FB_CKPT_BYTES */
	S = FB_BLOCK_BYTES / (W * (int64_t)sizeof(float));
	if (S < 8) S = 8;
	if ((D + 1) / S * 2 * W * (int64_t)sizeof(float) > FB_CKPT_BYTES) S = (D + 1) * 2 * W * (int64_t)sizeof(float) / FB_CKPT_BYTES + 1;
	if (S > D + 1 || full * (int64_t)sizeof(float) <= FB_ALL_BYTES) S = D + 1;
	nseg = (D + 1 + S - 1) / S;
	for (k = 0; k < nseg; k++) {
		for (acc = 0, d = k * S; d < (k + 1) * S && d <= D; d++) acc += slot_floats(s, d);
		if (acc > segmax) segmax = acc;
	}
	memset(&o, 0, sizeof o);
	/* 64-byte aligned (the forward kernels' aligned loads and stores); the
	 * forward slots need no zeroing: every cell read is written first, but
	 * for lanes that the kernels mask */
	seg = aligned_floats(segmax, 0);
	ckpt = nseg > 1 ? aligned_floats(2 * nseg * W, 0) : NULL;
	rot = nseg > 1 ? aligned_floats(3 * W, 0) : NULL;
	gbuf = aligned_floats(3 * W, 1);
	o.occ = calloc(D + 2, sizeof *o.occ);
	o.jump = calloc(D + 2, sizeof *o.jump);
	o.accM = calloc((size_t)s->in.ky * (n + 1 + 2 * PHMM_PAD), sizeof *o.accM);
	if (!seg || (nseg > 1 && (!ckpt || !rot)) || !gbuf || !o.occ || !o.jump || !o.accM) goto done;
	s->fslot[0] = s->fslot[1] = s->zero;
	/* pass 1 (only when blocks are recomputed): the forward through 3
	 * rotating slots, keeping diagonals kS−2 and kS−1 of every block k ≥ 1 */
	if (nseg > 1) {
		for (d = 0; d <= D; d++) {
			int64_t b = (d + 2) / S;  /* d = bS−2 or bS−1: a checkpoint of block b */
			float *dst = (d + 2) % S < 2 && b >= 1 && b < nseg ? ckpt + (2 * b + (d + 2) % S) * W : NULL;
			s->fslot[d + 2] = dst ? dst : rot + (d % 3) * W;
			if ((r = fwd_diag(s, d)) != TS_OK) goto done;
		}
	}
	/* pass 2: block by block from the last, the forward of the block, then
	 * the backward through it */
	for (st = 0; st < 3; st++) gs[st] = gbuf + st * W;
	s->sg[D + 3] = s->sg[D + 4] = PHMM_TARGET_EXP;
	s->gmax[D + 3] = 0, s->gmax[D + 4] = ldexpf(1, PHMM_TARGET_EXP);
	cell0(s, gs[(D + 2) % 3], D + 2, 0)[n + 1] = ldexpf(1, PHMM_TARGET_EXP);  /* E */
	log2P = 0;
	for (k = nseg - 1; k >= 0; k--) {
		int64_t d0 = k * S, d1 = d0 + S < D + 1 ? d0 + S : D + 1;
		if (k >= 1) s->fslot[d0 + 1] = ckpt + (2 * k + 1) * W, s->fslot[d0] = ckpt + (2 * k) * W;
		for (acc = 0, d = d0; d < d1; d++) s->fslot[d + 2] = seg + acc, acc += slot_floats(s, d);
		if ((r = fwd_range(s, d0, d1)) != TS_OK) goto done;
		if (k == nseg - 1) {  /* the end: P from the forward, and the E transitions */
			static const int to_end[3] = {PH_ME, PH_XE, PH_YE};
			const int32_t idx = s->in.xi[n] + s->in.yi[0];
			const double c2 = phmm_pow2(s->sf[D + 2] - s->sf[D]), c1 = phmm_pow2(s->sf[D + 2] - s->sf[D + 1]);
			double f[3];  /* the cells (n, m) from their predecessors' sums */
			f[0] = s->in.pmf[idx] * c2 * cell0(s, s->fslot[D], D - 2, 0)[n - 1];
			f[1] = s->in.qxs[n] * c1 * cell0(s, s->fslot[D + 1], D - 1, 1)[n - 1];
			f[2] = s->in.qys[0] * c1 * cell0(s, s->fslot[D + 1], D - 1, 2)[n];
			for (st = 0; st < 3; st++) endsum += end[st] = s->t->t[to_end[st]] * f[st];
			r = PHMM_REDO;
			if (!(endsum > 0 && isfinite(endsum))) goto done;  /* (c) */
			for (st = 0; st < 3; st++) o.tr[to_end[st]] += end[st] / endsum;
			log2P = log2(endsum) - (double)s->sf[D + 2];
			frac = exp2(floor(log2P) - log2P);
		}
		for (d = d1 - 1; d >= (d0 > 1 ? d0 : 1); d--)
			if ((r = bwd_diag(s, d, gs, log2P, frac, &o)) != TS_OK) goto done;
	}
	/* checks (see above) */
	r = PHMM_REDO;
	/* P from the backward, in the scale of diagonal 1 */
	Pb = s->t->t[PH_MM] * ldexp(cell0(s, gs[2], 2, 0)[1], (int)(s->sg[3] - s->sg[4])) +
	     s->t->t[PH_MX] * cell0(s, gs[1], 1, 1)[1] + s->t->t[PH_MY] * cell0(s, gs[1], 1, 2)[0];
	*lnL = lnP = log2P * M_LN2;
	if (!(Pb > 0) || fabs((log2(Pb) - (double)s->sg[3]) * M_LN2 - lnP) > LNP_TOL * fabs(lnP)) goto done;
	for (d = 1; d <= D; d++)
		if (!(fabs(o.occ[d] + (d < D ? o.jump[d + 1] : 0) - 1) <= OCC_TOL)) goto done;
	if ((double)(n + m + 2) * ldexp(1, -23) > 1e-6 * fabs(lnP)) goto done;  /* (d) */
	phmm_fb_codes(&s->in, n, m, o.tr, o.post, o.accM, NULL, cc);
	r = TS_OK;
done:
	free(seg);
	free(ckpt);
	free(rot);
	free(gbuf);
	free(o.occ);
	free(o.jump);
	free(o.accM);
	return r;
}

/* The forward–backward along diagonals with kernels fwd and bwd, counts by
 * renumbered code into cc (zeroed): 0, PHMM_REDO or TS_ENOMEM. */
static int diag_fb(const phmm_tables_t *t, const phmm_pair_t *pr, const phmm_f32_in_t *in, phmm_sdiag_fn fwd, phmm_bdiag_fn bwd,
		   phmm_code_counts_t *cc, double *lnL)
{
	static const int order[7] = {PH_MM, PH_XM, PH_YM, PH_MX, PH_XX, PH_MY, PH_YY};
	const int64_t D = pr->n + pr->m;
	fb_t s;
	int r = TS_OK, a;
	memset(&s, 0, sizeof s);
	s.t = t, s.fwd = fwd, s.bwd = bwd, s.in = *in;
	s.n = pr->n, s.m = pr->m, s.D = D;
	for (a = 0; a < 7; a++) s.fa.t[a] = (float)t->t[order[a]];
	s.W = stride_of((pr->n < pr->m ? pr->n : pr->m) + 1);
	s.fslot = calloc(D + 5, sizeof *s.fslot);
	s.sf = calloc(D + 5, sizeof *s.sf);
	s.sg = calloc(D + 5, sizeof *s.sg);
	s.fmax = calloc(D + 5, sizeof *s.fmax);
	s.gmax = calloc(D + 5, sizeof *s.gmax);
	s.zero = aligned_floats(3 * s.W, 1);
	s.lo = malloc((D + 1) * sizeof *s.lo);
	s.hi = malloc((D + 1) * sizeof *s.hi);
	s.stride = malloc((D + 5) * sizeof *s.stride);
	s.off = malloc((D + 5) * sizeof *s.off);
	if (!s.fslot || !s.sf || !s.sg || !s.fmax || !s.gmax || !s.zero || !s.lo || !s.hi || !s.stride || !s.off) r = TS_ENOMEM;
	if (r == TS_OK) r = phmm_diag_bounds(pr, s.lo, s.hi);
	if (r == TS_OK) {
		slot_geometry(&s);
		s.sf[0] = s.sf[1] = PHMM_TARGET_EXP;
		r = fb_run(&s, cc, lnL);
	}
	free(s.fslot);
	free(s.sf);
	free(s.sg);
	free(s.fmax);
	free(s.gmax);
	free(s.zero);
	free(s.lo);
	free(s.hi);
	free(s.stride);
	free(s.off);
	return r;
}

/* stripes: 0, the diagonal kernels fwd and bwd; 1, the stripe
 * forward–backward (dp_stripe.c) first for a pair it takes; 2, the stripes
 * alone (PHMM_REDO for a pair they do not take). */
static int expect_f32(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_sdiag_fn fwd, phmm_bdiag_fn bwd, int stripes,
		      phmm_counts_t *c, double *lnL)
{
	phmm_f32_mem_t mem;
	phmm_f32_in_t in;
	phmm_code_counts_t cc, cn;
	unsigned csr;
	int r, a, b;
	/* (a); empty: double is instant; glocal ends: stripes only */
	if (!phmm_f32_tables_fit(t) || pr->n == 0 || pr->m == 0 || (pr->glocal && !stripes)) return PHMM_REDO;
	memset(&cc, 0, sizeof cc);
	csr = phmm_f32_ftz_on();
	r = phmm_f32_inputs(t, pr, 0, &mem, &in);
	if (r == TS_OK) {
		r = PHMM_REDO;
		if (stripes && phmm_kernel_supported(PHMM_KERNEL_AVX512) && pr->n >= PHMM_STRIPE_MIN_N && in.ky <= 4 &&
		    in.ntab <= 32)
			r = phmm_stripe_fb(t, pr, &in, &cc, lnL);
		if (r == PHMM_REDO && stripes < 2 && !pr->glocal) {
			memset(&cc, 0, sizeof cc);
			r = diag_fb(t, pr, &in, fwd, bwd, &cc, lnL);
		}
	}
	phmm_f32_ftz_restore(csr);
	if (r == TS_OK) {  /* renumbered codes back to nt16 */
		memset(&cn, 0, sizeof cn);
		memcpy(cn.t, cc.t, sizeof cn.t);
		for (a = 0; a < mem.kx; a++) {
			for (b = 0; b < mem.ky; b++) cn.m[mem.cx[a]][mem.cy[b]] += cc.m[a][b];
			cn.x[mem.cx[a]] += cc.x[a];
		}
		for (b = 0; b < mem.ky; b++) cn.y[mem.cy[b]] += cc.y[b];
		phmm_code_counts_share(t, &cn, c);
	}
	phmm_f32_mem_free(&mem);
	return r;
}

int phmm_expect_kernel(phmm_kernel_t k, const phmm_tables_t *t, const phmm_pair_t *pr, phmm_counts_t *c, double *lnL)
{
	phmm_sdiag_fn fwd = phmm_kernel_sdiag(k);
	phmm_bdiag_fn bwd = phmm_kernel_bdiag(k);
	if (!fwd || !bwd) return phmm_expect(t, pr, c, lnL);
	return expect_f32(t, pr, fwd, bwd, 0, c, lnL);
}

int phmm_expect_stripes(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_counts_t *c, double *lnL)
{
	return expect_f32(t, pr, phmm_sdiag_c, phmm_bdiag_c, 2, c, lnL);
}

int phmm_expect_fast(const phmm_tables_t *t, const phmm_pair_t *pr, phmm_counts_t *c, double *lnL)
{
	const phmm_kernel_t k = phmm_kernel_chosen();
	phmm_sdiag_fn fwd = phmm_kernel_sdiag(k);
	phmm_bdiag_fn bwd = phmm_kernel_bdiag(k);
	int r = fwd && bwd ? expect_f32(t, pr, fwd, bwd, k == PHMM_KERNEL_AVX512, c, lnL) : phmm_expect(t, pr, c, lnL);
	return r == PHMM_REDO ? phmm_expect(t, pr, c, lnL) : r;
}
