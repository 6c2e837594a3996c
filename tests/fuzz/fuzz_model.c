/* fuzz_model: libFuzzer entry point for the CNN model file loader
 * (net_json_read: jansson, then the format, version, architecture and every
 * tensor's shape checked).  An accepted model is written back and must read
 * again to the same weights (the exact round trip the header promises). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cnn1d/net_json.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path("model", ".json");
	char err[TS_ERRLEN];
	net_t n, m;
	FILE *fp;
	if (fuzz_write(path, data, size) < 0) return 0;
	memset(&n, 0, sizeof n);
	if (net_json_read(path, &n, err) != TS_OK) return 0;
	if ((fp = fopen(path, "w")) == NULL) abort();  /* the input is read: write the model over it */
	if (net_json_write(&n, NULL, fp) != TS_OK) abort();
	fclose(fp);
	memset(&m, 0, sizeof m);
	if (net_json_read(path, &m, err) != TS_OK) abort();
	net_free(&m);
	net_free(&n);
	return 0;
}
