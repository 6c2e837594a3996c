/* log: htslib-style diagnostics on stderr and the project's status codes.
 *
 * Messages look like htslib's so pipeline logs read uniformly:
 *   [E::func] error   [W::func] warning   [M::func] progress/info   [D::func] debug
 * The level is set once from --quiet / --verbose.  Library code reports
 * errors as status values with a message buffer (see ts_status below) and
 * logs only warnings and progress; main() decides what is fatal. */
#ifndef TS_LOG_H
#define TS_LOG_H

#include <stddef.h>

enum ts_log_level { TS_LOG_QUIET = 0, TS_LOG_ERROR = 1, TS_LOG_WARN = 2, TS_LOG_INFO = 3, TS_LOG_DEBUG = 4 };

/* Status codes returned by library functions (htslib convention: 0 ok,
 * -1 end of data, more negative = error).  ts_exit_code() maps them to the
 * documented exit codes: 0 ok, 1 usage, 2 bad input data, 3 I/O or resource. */
enum ts_status {
	TS_OK = 0,
	TS_EOF = -1,
	TS_EUSAGE = -2,  /* bad option or argument */
	TS_EDATA = -3,   /* malformed or inconsistent input data */
	TS_EIO = -4,     /* cannot open/read/write a file */
	TS_ENOMEM = -5   /* allocation failed */
};

/* Size of the error message buffers passed to library functions. */
#define TS_ERRLEN 1024

extern int ts_verbosity;  /* current level, default TS_LOG_WARN */

void ts_log(int level, const char *func, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
#define ts_error(...) ts_log(TS_LOG_ERROR, __func__, __VA_ARGS__)
#define ts_warn(...)  ts_log(TS_LOG_WARN, __func__, __VA_ARGS__)
#define ts_info(...)  ts_log(TS_LOG_INFO, __func__, __VA_ARGS__)
#define ts_debug(...) ts_log(TS_LOG_DEBUG, __func__, __VA_ARGS__)

/* Set our level and htslib's together so --quiet silences both. */
void ts_set_verbosity(int level);

/* Write a formatted message into an error buffer of TS_ERRLEN bytes and
 * return `status`, so error paths read `return ts_fail(err, TS_EDATA, ...)`. */
int ts_fail(char *err, int status, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

/* Prefix the message already in err with "where: " (a file name, when the
 * callee knew only the record) and return `status`. */
int ts_fail_in(char *err, int status, const char *where);

int ts_exit_code(int status);

#endif
