/* svg: small inline SVG charts for tessera's HTML report — bar charts and
 * line charts — written straight to a stream, no scripts (sequence logos are
 * io/logo.h).  Numbers are printed with fixed decimals, so the same input
 * gives the same bytes. */
#ifndef TS_SVG_H
#define TS_SVG_H

#include <stdio.h>

/** Bar chart of n values (x labels lab[i], may be NULL) in width × height
 *  pixels, with axis titles; bars start at 0. */
void svg_bars(FILE *fp, const double *v, int n, const char *const *lab, int width, int height, const char *xtitle,
	      const char *ytitle);

/** Line chart of up to 4 series of n points each (x = 1..n), named in a
 *  legend; NAN values leave a gap.  y from min(0, data) to the data's max. */
void svg_lines(FILE *fp, const double *const *series, const char *const *names, int n_series, int n, int width,
	       int height, const char *xtitle, const char *ytitle);

/** Text with &, <, >, " and ' escaped for HTML and SVG, and control
 *  characters (not allowed in XML) other than tab and newline dropped. */
void svg_escape(FILE *fp, const char *s);

#endif
