#!/bin/sh
# bench/dp: GCUPS (cells (n+1)(m+1) per CPU second, one core) of the pair-HMM
# kernels (dp_simd.h): forward + backward + expected counts (what the EM
# runs) and the forward alone, each float kernel next to the double scalar
# code, on random related pairs of 150x200, 400x500 (the stripes' range),
# 1 kb x 1.2 kb and 10 kb x 12 kb,
# a 2 kb pair whose alignment ends in a 150-base gap, a 3 kb pair banded
# to 16 cells either side of its diagonal, as a read against its reference,
# and a 20 kb one banded to 32 (past the stripes' 16 MB: in segments);
# and the batches (dp_batch.c), 16 pairs of the size at once, as the EM runs
# short unbanded pairs.  The issue's
# targets: forward >= 3 GCUPS, forward+backward+counts >= 1 GCUPS per core.
# Builds bench/dp_kernels from libtessera.a.
set -eu
cd "$(dirname "$0")/.."
make --no-print-directory bench/dp_kernels >/dev/null
echo "== pair-HMM kernels, GCUPS per core (CPU time, best of 5 rounds of 0.2 s; default parameters)"
grep -m1 'model name' /proc/cpuinfo 2>/dev/null | sed 's/^model name[[:space:]]*: /   CPU: /' || true
./bench/dp_kernels 150x200 400x500 1000x1200 10000x12000 2000x2000+150 3000x3000/16 20000x20000/32
