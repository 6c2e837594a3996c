/* fuzz_bg: libFuzzer entry point for the MEME background file reader
 * (pwm_bg_read, scan --bfile).  On success the frequencies must be a
 * distribution: finite, positive, summing to 1. */
#include <math.h>
#include <stdlib.h>
#include "cnn1d/pwm.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path("bg", "");
	char err[TS_ERRLEN];
	double bg[4] = {0.25, 0.25, 0.25, 0.25}, sum = 0;
	int i;
	if (fuzz_write(path, data, size) < 0) return 0;
	if (pwm_bg_read(path, bg, err) != TS_OK) return 0;
	for (i = 0; i < 4; i++) {
		if (!isfinite(bg[i]) || bg[i] <= 0) abort();
		sum += bg[i];
	}
	if (fabs(sum - 1) > 1e-9) abort();
	return 0;
}
