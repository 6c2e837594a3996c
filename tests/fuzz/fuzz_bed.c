/* fuzz_bed: libFuzzer entry point for the BED region reader.  The input is
 * the BED file; the regions are read from an indexed reference FASTA (the
 * fixture data/fixtures/seq/ref.fa, or $TS_FUZZ_REF), through seqio as
 * `view --bed` and `scan --bed` do.  Every delivered window must lie inside
 * its contig. */
#include <stdlib.h>
#include "io/seqio.h"
#include "fuzz_util.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *ref;
	const char *path = fuzz_path("bed", ".bed");
	char err[TS_ERRLEN];
	sio_opts_t o;
	sio_reader_t *r;
	sio_rec_t rec;
	if (ref == NULL && (ref = getenv("TS_FUZZ_REF")) == NULL) ref = "data/fixtures/seq/ref.fa";
	if (fuzz_write(path, data, size) < 0) return 0;
	sio_opts_init(&o);
	o.bed = path;
	o.chunk = 64;
	o.overlap = 5;
	if (sio_open(&r, ref, &o, err) < 0) return 0;
	while (sio_read(r, &rec) == TS_OK)
		if (rec.n < 0 || rec.n > 64 || rec.beg < 0 || rec.offset < 0) abort();
	sio_close(r);
	return 0;
}
