/* logo: sequence logos as self-contained SVG, no external tools or fonts.
 *
 * Column i is a stack of the four letters, each as tall as its share of the
 * column's information content, p_b · IC_i with IC_i = 2 + Σ_b p_b log2 p_b
 * bits (uniform background, no small-sample correction), the tallest on
 * top; the y axis spans 0..2 bits.  Letters are filled SVG paths drawn in a
 * 100×100 box and scaled to their height, so a letter's height is exact
 * whatever fonts the viewer has (text is used only for labels). */
#ifndef TS_LOGO_H
#define TS_LOGO_H

#include <stdio.h>
#include "io/motif.h"

/** Write the logo of m as one SVG document, with `title` (may be NULL: the
 *  motif's id and name) above it.  @return 0, or -1 on a write error. */
int logo_write_svg(FILE *fp, const motif_t *m, const char *title);

/** The same <svg> element without the XML declaration, to inline in HTML. */
int logo_svg_element(FILE *fp, const motif_t *m, const char *title);

/** File name of m's logo in a directory: its id with every character other
 *  than letters, digits, '.', '-' and '_' replaced by '_', then ".svg"
 *  (written into out, at most size bytes). */
void logo_file_name(const motif_t *m, char *out, size_t size);

/** One logo per motif of set in dir (created if missing), each written
 *  atomically; titles[i] (or NULL, or titles NULL) as the title of motif i.
 *  @return TS_OK, or TS_EIO with "path: why" in err. */
int logo_write_dir(const char *dir, const motif_set_t *set, char *const *titles, char *err);

#endif
