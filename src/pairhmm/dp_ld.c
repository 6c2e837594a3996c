/* dp_ld: the pair-HMM DP of dp_core.h in long double: x87's 15-bit exponent
 * spans 1e±4932, enough for the rows whose range overflows double. */
#define DP_REAL long double
#define DP_FN(name) phmm_##name##_ld
#include "pairhmm/dp_core.h"
