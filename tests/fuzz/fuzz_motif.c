/* fuzz_motif: libFuzzer entry point for the motif reader (all three formats
 * go through format detection, so one target covers them). */
#include <stddef.h>
#include <stdint.h>
#include "io/motif.h"
#include "util/log.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char err[TS_ERRLEN];
	motif_set_t *set = NULL;
	if (motif_read_mem("fuzz", (const char *)data, size, &set, err) == TS_OK) {
		FILE *fp = fopen("/dev/null", "w");
		if (fp) {
			motif_write_meme(fp, set);
			fclose(fp);
		}
	}
	motif_set_free(set);
	return 0;
}
