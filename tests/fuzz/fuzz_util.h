/* fuzz_util: helpers shared by the libFuzzer targets whose parser reads a
 * path (as htslib-style readers do): the input goes to one temporary file
 * per process, in /dev/shm when it exists so the disk is not worn. */
#ifndef TS_FUZZ_UTIL_H
#define TS_FUZZ_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "util/log.h"

static char fuzz_scratch[256];

static void fuzz_cleanup(void) { unlink(fuzz_scratch); }

/* Path of this process's scratch file, "<dir>/fuzz_<tag>.<pid><suffix>",
 * removed when libFuzzer exits. */
static const char *fuzz_path(const char *tag, const char *suffix)
{
	char *path = fuzz_scratch;
	if (!path[0]) {
		const char *dir = access("/dev/shm", W_OK) == 0 ? "/dev/shm" : "/tmp";
		snprintf(path, sizeof fuzz_scratch, "%s/fuzz_%s.%d%s", dir, tag, (int)getpid(), suffix);
		ts_set_verbosity(TS_LOG_QUIET);
		atexit(fuzz_cleanup);
	}
	return path;
}

/* Write the input to `path`; 0 ok, -1 if the file cannot be written. */
static int fuzz_write(const char *path, const uint8_t *data, size_t size)
{
	FILE *fp = fopen(path, "wb");
	int bad;
	if (fp == NULL) return -1;
	bad = fwrite(data, 1, size, fp) != size;
	return fclose(fp) != 0 || bad ? -1 : 0;
}

#endif
