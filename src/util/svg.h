/* svg: small inline SVG figures for tessera's HTML report — sequence logos,
 * bar charts and line charts — written straight to a stream, no scripts,
 * no fonts needed for the logo letters (they are paths).
 *
 * Logo.  Column i of a position frequency matrix p (rows sum to 1) carries
 * IC_i = 2 + Σ_b p_ib log2 p_ib bits (uniform background); letter b is drawn
 * p_ib · IC_i bits tall, letters stacked smallest at the bottom (Schneider &
 * Stephens 1990), the y axis 0–2 bits.
 *
 * Numbers are printed with fixed decimals, so the same input gives the same
 * bytes. */
#ifndef TS_SVG_H
#define TS_SVG_H

#include <stdio.h>

/** Sequence logo of a w-column PFM p (p[i][0..3] = A, C, G, T) in a
 *  width × height pixel box. */
void svg_logo(FILE *fp, const double (*p)[4], int w, int width, int height);

/** Bar chart of n values (x labels lab[i], may be NULL) in width × height
 *  pixels, with axis titles; bars start at 0. */
void svg_bars(FILE *fp, const double *v, int n, const char *const *lab, int width, int height, const char *xtitle,
	      const char *ytitle);

/** Line chart of up to 4 series of n points each (x = 1..n), named in a
 *  legend; NAN values leave a gap.  y from min(0, data) to the data's max. */
void svg_lines(FILE *fp, const double *const *series, const char *const *names, int n_series, int n, int width,
	       int height, const char *xtitle, const char *ytitle);

/** Text with &, <, >, " and ' escaped for HTML and SVG. */
void svg_escape(FILE *fp, const char *s);

#endif
