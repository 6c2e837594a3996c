/* outfile: atomic output files.
 *
 * Results are written to a temporary file beside the destination and renamed
 * over it only when everything succeeded, so a killed or failing pipeline step
 * never leaves a half-written result.  "-" (or NULL) means stdout, which is
 * flushed and error-checked instead, and so is an existing destination that
 * is not a regular file (/dev/null, /dev/full, a FIFO): it is written in
 * place, never replaced. */
#ifndef TS_OUTFILE_H
#define TS_OUTFILE_H

#include <stdio.h>

typedef struct ts_outfile {
	FILE *fp;     /* write here */
	char *path;   /* destination, NULL for stdout */
	char *tmp;    /* temporary file, NULL for stdout and non-regular files */
} ts_outfile_t;

/** Open `path` ("-" or NULL: stdout) for writing.
 *  @return TS_OK, or TS_EIO with a message in err.  Caller finishes with
 *  ts_outfile_commit() or ts_outfile_abort(), which free everything. */
int ts_outfile_open(ts_outfile_t *of, const char *path, char *err);

/** Flush, check for write errors (full disk), close and rename into place.
 *  @return TS_OK or TS_EIO (the temporary file is removed). */
int ts_outfile_commit(ts_outfile_t *of, char *err);

/** Discard: close and remove the temporary file; stdout is left as is. */
void ts_outfile_abort(ts_outfile_t *of);

/** Commit n files as one result: all are flushed and checked before any is
 *  renamed into place, so a failure in one (a full disk, --mqc /dev/full)
 *  leaves none of them behind (short of a rename failing midway).  Entries whose fp is NULL are skipped; all
 *  are freed either way.  @return TS_OK or TS_EIO (err names the file). */
int ts_outfile_commit_all(ts_outfile_t *of, int n, char *err);

/** TS_EUSAGE (err names both options) if two of the n output paths name the
 *  same regular file, existing or to be created (NULL, "-", devices and
 *  pipes are ignored: /dev/null may take them all); opts[k] is the option
 *  of paths[k]
 *  (opts NULL: the message names the file only). */
int ts_outfile_distinct(const char *const *paths, const char *const *opts, int n, char *err);

#endif
