/* outfile: write to a temporary file, rename on success (see outfile.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "util/log.h"
#include "util/outfile.h"

int ts_outfile_open(ts_outfile_t *of, const char *path, char *err)
{
	int fd, status;
	struct stat st;
	memset(of, 0, sizeof *of);
	if (path == NULL || strcmp(path, "-") == 0) {
		of->fp = stdout;
		return TS_OK;
	}
	of->path = strdup(path);
	if (of->path == NULL) {
		status = ts_fail(err, TS_ENOMEM, "out of memory");
		goto fail;
	}
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* A device, FIFO or terminal (-o /dev/null, /dev/stdout, a named
		 * pipe) is written in place: renaming a temporary file over it would
		 * replace /dev/null with a regular file when run as root. */
		if ((of->fp = fopen(path, "w")) == NULL) {
			status = ts_fail(err, TS_EIO, "%s: %s", path, strerror(errno));
			goto fail;
		}
		return TS_OK;
	}
	of->tmp = malloc(strlen(path) + 16);
	if (!of->tmp) {
		status = ts_fail(err, TS_ENOMEM, "out of memory");
		goto fail;
	}
	sprintf(of->tmp, "%s.tmp.XXXXXX", path);
	if ((fd = mkstemp(of->tmp)) < 0) {
		status = ts_fail(err, TS_EIO, "%s: cannot create output file: %s", path, strerror(errno));
		goto fail;
	}
	{	/* mkstemp makes 0600; give the result the permissions fopen would */
		mode_t mask = umask(0);
		umask(mask);
		fchmod(fd, 0666 & ~mask);
	}
	if ((of->fp = fdopen(fd, "w")) == NULL) {
		status = ts_fail(err, TS_EIO, "%s: %s", path, strerror(errno));
		close(fd);
		unlink(of->tmp);
		goto fail;
	}
	return TS_OK;
fail:
	free(of->path);
	free(of->tmp);
	memset(of, 0, sizeof *of);
	return status;
}

int ts_outfile_commit(ts_outfile_t *of, char *err)
{
	int status = TS_OK;
	const char *name = of->path ? of->path : "standard output";
	if (of->fp == NULL) return TS_OK;
	if (fflush(of->fp) != 0 || ferror(of->fp)) status = TS_EIO;
	if (of->fp != stdout) {
		if (fclose(of->fp) != 0) status = TS_EIO;
		if (of->tmp && status == TS_OK && rename(of->tmp, of->path) != 0) status = TS_EIO;
		if (of->tmp && status != TS_OK) unlink(of->tmp);
	}
	if (status != TS_OK) ts_fail(err, TS_EIO, "%s: write failed: %s", name, strerror(errno));
	free(of->path);
	free(of->tmp);
	memset(of, 0, sizeof *of);
	return status;
}

void ts_outfile_abort(ts_outfile_t *of)
{
	if (of->fp && of->fp != stdout) {
		fclose(of->fp);
		if (of->tmp) unlink(of->tmp);
	} else if (of->fp) {
		fflush(of->fp);
	}
	free(of->path);
	free(of->tmp);
	memset(of, 0, sizeof *of);
}
