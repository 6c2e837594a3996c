#!/usr/bin/env python3
"""Summarise the LRT p-values of datasets simulated under a symmetric truth:
the fraction below 0.05 and 0.01 (with the binomial standard error) and the
Kolmogorov-Smirnov test of uniformity.  Reads one p-value per line on stdin."""
import math
import sys

ps = sorted(float(x) for x in sys.stdin if x.strip())
n = len(ps)
d = max(max((i + 1) / n - p, p - i / n) for i, p in enumerate(ps))
# asymptotic Kolmogorov distribution with Stephens' small-sample correction
lam = (math.sqrt(n) + 0.12 + 0.11 / math.sqrt(n)) * d
ks_p = min(1.0, max(0.0, 2 * sum((-1) ** (k - 1) * math.exp(-2 * k * k * lam * lam) for k in range(1, 101))))
for alpha in (0.05, 0.01):
    frac = sum(p < alpha for p in ps) / n
    se = math.sqrt(alpha * (1 - alpha) / n)
    print(f"  p < {alpha}: {frac:.3f} of {n} datasets (expected {alpha}, binomial SE {se:.3f})")
print(f"  Kolmogorov-Smirnov vs U(0,1): D = {d:.4f}, p = {ks_p:.3g}")
