#!/bin/sh
# bench/dp: GCUPS (cells (n+1)(m+1) per CPU second, one core) of the pair-HMM
# forward kernels (dp_simd.h) on random related pairs of 150x200, 1 kb x
# 1.2 kb and 10 kb x 12 kb, plus two balanced sizes the float kernels keep
# (criterion e), and phmm_expect for reference.  The issue's target is a
# forward of >= 3 GCUPS per core.  Builds bench/dp_kernels from libtessera.a.
set -eu
cd "$(dirname "$0")/.."
make --no-print-directory bench/dp_kernels >/dev/null
echo "== pair-HMM forward kernels, GCUPS per core (CPU time; default parameters)"
grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/^model name[[:space:]]*: /   CPU: /' || true
./bench/dp_kernels 150 200 1000 1200 10000 12000 2000 2000 10000 10000
