/* dp_d: the pair-HMM DP of dp_core.h in double precision (the fast path). */
#define DP_REAL double
#define DP_FN(name) phmm_##name##_d
#include "pairhmm/dp_core.h"
