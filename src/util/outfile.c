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
	if (path != NULL && path[0] == '\0') return ts_fail(err, TS_EUSAGE, "an output file name is empty ('-' is standard output)");
	if (path == NULL || strcmp(path, "-") == 0) {
		of->fp = stdout;
		return TS_OK;
	}
	of->path = strdup(path);
	if (of->path == NULL) {
		status = ts_fail(err, TS_ENOMEM, "out of memory");
		goto fail;
	}
	if ((lstat(path, &st) == 0 && S_ISLNK(st.st_mode)) || (stat(path, &st) == 0 && !S_ISREG(st.st_mode))) {
		/* A device, FIFO or terminal (-o /dev/null, a named pipe), or a
		 * symbolic link (/dev/stdout → /proc/self/fd/1, whatever stdout is),
		 * is written in place: renaming a temporary file over it would
		 * replace /dev/null, or the link, with a regular file (as root), and
		 * output meant for the shell's redirection would be lost. */
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
	return ts_outfile_commit_all(of, 1, err);
}

int ts_outfile_commit_all(ts_outfile_t *of, int n, char *err)
{
	int k, status = TS_OK;
	/* phase 1: everything written and closed, nothing renamed yet */
	for (k = 0; k < n && status == TS_OK; k++) {
		int bad;
		if (of[k].fp == NULL) continue;
		bad = fflush(of[k].fp) != 0 || ferror(of[k].fp);
		if (of[k].fp != stdout) {
			bad |= fclose(of[k].fp) != 0;
			of[k].fp = NULL;
		}
		if (bad) status = ts_fail(err, TS_EIO, "%s: write failed: %s", of[k].path ? of[k].path : "standard output", strerror(errno));
	}
	/* phase 2: rename all, or remove all */
	for (k = 0; k < n; k++) {
		if (status != TS_OK && of[k].fp != NULL && of[k].fp != stdout) fclose(of[k].fp);  /* not reached in phase 1 */
		if (of[k].tmp && status == TS_OK && rename(of[k].tmp, of[k].path) != 0)
			status = ts_fail(err, TS_EIO, "%s: cannot move the result into place: %s", of[k].path, strerror(errno));
		if (of[k].tmp && status != TS_OK) unlink(of[k].tmp);
		free(of[k].path);
		free(of[k].tmp);
		memset(&of[k], 0, sizeof of[k]);
	}
	return status;
}

int ts_outfile_distinct(const char *const *paths, const char *const *opts, int n, char *err)
{
	int a, b;
	struct stat sa, sb;
	for (a = 0; a < n; a++)
		for (b = a + 1; b < n; b++) {
			int ea, eb;
			if (!paths[a] || !paths[b] || strcmp(paths[a], "-") == 0 || strcmp(paths[b], "-") == 0) continue;
			ea = stat(paths[a], &sa) == 0, eb = stat(paths[b], &sb) == 0;
			/* devices and pipes (/dev/null twice) may take several outputs */
			if ((ea && !S_ISREG(sa.st_mode)) || (eb && !S_ISREG(sb.st_mode))) continue;
			if ((!ea && !eb && strcmp(paths[a], paths[b]) == 0) ||
			    (ea && eb && sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino))
				return opts ? ts_fail(err, TS_EUSAGE, "%s and %s name the same file (%s): each output needs its own", opts[a],
						      opts[b], paths[a])
					    : ts_fail(err, TS_EUSAGE, "two outputs name the same file (%s): each needs its own", paths[a]);
		}
	return TS_OK;
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
