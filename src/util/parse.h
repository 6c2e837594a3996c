/* parse: strict number parsing for command-line values and data files.
 * Unlike atoi/atof, the whole string must be consumed and in range. */
#ifndef TS_PARSE_H
#define TS_PARSE_H

#include <stdint.h>

/** Parse a decimal integer in [min, max]; 0 on success, -1 otherwise. */
int ts_parse_int64(const char *s, int64_t min, int64_t max, int64_t *out);
int ts_parse_int(const char *s, int min, int max, int *out);

/** Parse a finite double (strtod syntax); 0 on success, -1 otherwise. */
int ts_parse_double(const char *s, double *out);

/** Parse an integer that may be written 0x… (hex), 0… (octal) or decimal,
 *  like samtools' -f/-F flag arguments. */
int ts_parse_flag(const char *s, int *out);

#endif
