/* fuzz_phmm_json: libFuzzer entry point for the pair-HMM parameter file
 * loader (phmm_params_read: jansson, then every field checked).  Accepted
 * parameters are written back and must read again (the round trip the
 * header promises). */
#include <stdlib.h>
#include "pairhmm/json.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path("phmm", ".json");
	char err[TS_ERRLEN];
	phmm_params_t p, q;
	json_t *j;
	if (fuzz_write(path, data, size) < 0) return 0;
	if (phmm_params_read(path, &p, err) != TS_OK) return 0;
	if ((j = phmm_params_to_json(&p)) == NULL) return 0;
	if (phmm_params_from_json(j, "round trip", &q, err) != TS_OK) abort();
	json_decref(j);
	return 0;
}
