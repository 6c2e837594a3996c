/* metrics: exact areas under the ROC and precision-recall curves.
 *
 * auROC is the Mann–Whitney statistic: the probability that a random
 * positive scores above a random negative, ties counting one half,
 *     auROC = (Σ_{positives} rank − n₊(n₊+1)/2) / (n₊·n₋)
 * with ranks 1..n by increasing score and tied scores given their mean rank
 * (midranks), so it is exact and independent of the input order.
 * auPRC is average precision with tied scores taken as one threshold:
 * sorting by decreasing score and stepping over each group of equal scores,
 *     auPRC = Σ_groups (R_g − R_{g−1})·P_g
 * with R_g = TP_g/n₊ and P_g = TP_g/(TP_g + FP_g) after the group (the
 * step-wise interpolation of scikit-learn's average_precision_score). */
#ifndef TS_METRICS_H
#define TS_METRICS_H

/** n scores and is_pos[i] (0/1) → *out; NaN when either class is absent.
 *  @return TS_OK or TS_ENOMEM. */
int metrics_auroc(const double *score, const int *is_pos, int n, double *out);
int metrics_auprc(const double *score, const int *is_pos, int n, double *out);

#endif
