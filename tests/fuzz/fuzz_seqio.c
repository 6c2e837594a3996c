/* fuzz_seqio: libFuzzer entry point for the sequence reader (FASTA/FASTQ,
 * plain, gzip and bgzip).  The input is written to a file (seqio reads
 * paths, as htslib does) and read twice: whole records, and in chunks of 7
 * with overlap 3, which must agree.
 *
 * Mutated compressed bytes almost never pass the CRC, so the decompressed
 * path would see little: a first byte 0x01 means "gzip the rest", 0x02
 * "bgzip the rest", so the parser behind the decompressor is fuzzed too
 * (the Makefile seeds both forms).  Any other input is written as is, which
 * still fuzzes the gzip/BGZF framing itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>
#include <htslib/bgzf.h>
#include "io/seqio.h"
#include "fuzz_util.h"

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

static int write_gzip(const char *path, const uint8_t *data, size_t size)
{
	gzFile gz = gzopen(path, "wb");
	if (gz == NULL) return -1;
	if (size > 0 && gzwrite(gz, data, (unsigned)size) != (int)size) {
		gzclose(gz);
		return -1;
	}
	return gzclose(gz) == Z_OK ? 0 : -1;
}

static int write_bgzf(const char *path, const uint8_t *data, size_t size)
{
	BGZF *fp = bgzf_open(path, "w");
	if (fp == NULL) return -1;
	if (bgzf_write(fp, data, size) != (ssize_t)size) {
		bgzf_close(fp);
		return -1;
	}
	return bgzf_close(fp) == 0 ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *path = fuzz_path("seqio", "");
	int s_whole, s_chunk, w;
	if (size > 0 && data[0] == 0x01) w = write_gzip(path, data + 1, size - 1);
	else if (size > 0 && data[0] == 0x02) w = write_bgzf(path, data + 1, size - 1);
	else w = fuzz_write(path, data, size);
	if (w < 0) return 0;
	int64_t whole = drain(path, 0, 0, &s_whole), chunked = drain(path, 7, 3, &s_chunk);
	if (s_whole != s_chunk || (s_whole == TS_EOF && whole != chunked)) abort();
	return 0;
}
