/* fuzz_seqio: libFuzzer entry point for the sequence reader.  The input is
 * written to a file (seqio reads paths, as htslib does) and read twice:
 * whole records, and in chunks of 7 with overlap 3, which must agree. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "io/seqio.h"
#include "util/log.h"

static int64_t drain(const char *path, int64_t chunk, int64_t overlap, int *status)
{
	sio_opts_t o;
	sio_reader_t *r;
	sio_rec_t rec;
	char err[TS_ERRLEN];
	int64_t bases = 0;
	sio_opts_init(&o);
	o.chunk = chunk;
	o.overlap = overlap;
	if ((*status = sio_open(&r, path, &o, err)) < 0) return -1;
	while ((*status = sio_read(r, &rec)) == TS_OK)
		bases += rec.is_first ? rec.n : rec.n - overlap;
	sio_close(r);
	return bases;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char path[64];
	int s_whole, s_chunk;
	FILE *fp;
	if (!path[0]) {
		snprintf(path, sizeof path, "/tmp/fuzz_seqio.%d", (int)getpid());
		ts_set_verbosity(TS_LOG_QUIET);
	}
	if ((fp = fopen(path, "wb")) == NULL) return 0;
	fwrite(data, 1, size, fp);
	fclose(fp);
	int64_t whole = drain(path, 0, 0, &s_whole), chunked = drain(path, 7, 3, &s_chunk);
	if (s_whole != s_chunk || (s_whole == TS_EOF && whole != chunked)) abort();
	return 0;
}
