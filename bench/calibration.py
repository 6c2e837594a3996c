#!/usr/bin/env python3
"""Summarise p-values of datasets simulated under the null: the fraction at or
below 0.05 and 0.01 (with the binomial standard error) and the
Kolmogorov-Smirnov test of uniformity.  Reads one p-value per line on stdin.

With --discrete B the p-values are bootstrap p-values (1 + k)/(B + 1): they
are randomised to p - U/(B + 1), U ~ U(0,1) from a fixed seed, which is
exactly U(0,1) under the null, before the KS test."""
import math
import random
import sys

ps = [float(x) for x in sys.stdin if x.strip()]
n = len(ps)
B = int(sys.argv[2]) if len(sys.argv) > 2 and sys.argv[1] == "--discrete" else 0
for alpha in (0.05, 0.01) if not B else (0.05, 0.1, 0.25, 0.5):
    frac = sum(p <= alpha + 1e-12 for p in ps) / n
    se = math.sqrt(alpha * (1 - alpha) / n)
    print(f"  p <= {alpha}: {frac:.3f} of {n} datasets (expected {alpha}, binomial SE {se:.3f})")
if B:
    rng = random.Random(1)
    ps = [p - rng.random() / (B + 1) for p in ps]
ps.sort()
d = max(max((i + 1) / n - p, p - i / n) for i, p in enumerate(ps))
# asymptotic Kolmogorov distribution with Stephens' small-sample correction
lam = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * d
ks_p = min(1.0, max(0.0, 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))))
print(f"  Kolmogorov-Smirnov vs U(0,1){' (randomised)' if B else ''}: D = {d:.4f}, p = {ks_p:.3g}")
