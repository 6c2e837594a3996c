/* vec8: vectors of 8 doubles for exact loops, and the target clones that
 * run them in the widest registers the CPU has.
 *
 * GCC's -O2 leaves loops of unknown length scalar; written with these
 * vector types they run 8 lanes at a time (one AVX-512 register, two AVX2
 * ones, four SSE2 ones by default).  Each lane's products and sums are
 * rounded as in scalar code — C11 mode forbids contracting them into FMA —
 * so every clone gives the bits of the plain loop it replaces. */
#ifndef TS_VEC8_H
#define TS_VEC8_H

typedef double ts_vd8 __attribute__((vector_size(64)));
/* unaligned access, through a type aligned like a double that may alias one */
typedef double ts_vd8u __attribute__((vector_size(64), aligned(8), may_alias));
#define TS_VD8_LD(p) ((ts_vd8) * (const ts_vd8u *)(p))
#define TS_VD8_ST(p, v) ((void)(*(ts_vd8u *)(p) = (v)))
#define TS_VD8_SPLAT(x) ((ts_vd8){(x), (x), (x), (x), (x), (x), (x), (x)})

#if defined(__x86_64__) && defined(__GNUC__) && !defined(TS_NO_CLONES)
#define TS_VD8_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define TS_VD8_CLONES
#endif

#endif
