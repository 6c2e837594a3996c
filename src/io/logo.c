/* logo: SVG sequence logos (see logo.h). */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "io/logo.h"
#include "util/log.h"
#include "util/outfile.h"
#include "util/svg.h"

/* Geometry in px: column width, height of 2 bits, margins. */
enum { COL_W = 30, STACK_H = 120, LEFT = 44, RIGHT = 10, TOP = 28, BOTTOM = 26 };

/* A, C, G, T in a 100×100 box (y downwards), filled even-odd. */
static const char *const glyph[4] = {
	"M0 100L38 0H62L100 100H78L69 74H31L22 100ZM38 56H62L50 22Z",
	"M93 30A46 50 0 1 0 93 70L75 62A27 31 0 1 1 75 38Z",
	"M93 30A46 50 0 1 0 97 58V46H56V60H76A27 31 0 1 1 75 38Z",
	"M0 0H100V16H59V100H41V16H0Z",
};
static const char *const colour[4] = {"#109648", "#255C99", "#F7B32B", "#D62839"};

static void put_axes(FILE *fp, int w)
{
	int b, i;
	fprintf(fp, "<g font-family=\"sans-serif\" font-size=\"10\" fill=\"#000\">\n");
	fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n", LEFT - 4, TOP, LEFT - 4, TOP + STACK_H);
	for (b = 0; b <= 2; b++) {
		int y = TOP + STACK_H - b * STACK_H / 2;
		fprintf(fp, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#000\"/>\n", LEFT - 8, y, LEFT - 4, y);
		fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"end\">%d</text>\n", LEFT - 10, y + 3, b);
	}
	fprintf(fp, "<text transform=\"translate(12 %d) rotate(-90)\" text-anchor=\"middle\">bits</text>\n", TOP + STACK_H / 2);
	for (i = 0; i < w; i++)
		fprintf(fp, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\">%d</text>\n", LEFT + i * COL_W + COL_W / 2, TOP + STACK_H + 14, i + 1);
	fprintf(fp, "</g>\n");
}

/* One column: letters by increasing height, stacked from the baseline. */
static void put_column(FILE *fp, const double *p, int i)
{
	double ic = 2, h[4], y = TOP + STACK_H;
	int order[4] = {0, 1, 2, 3}, a, b;
	for (b = 0; b < 4; b++)
		if (p[b] > 0) ic += p[b] * log2(p[b]);
	if (ic < 0) ic = 0;
	for (b = 0; b < 4; b++) h[b] = p[b] * ic * STACK_H / 2;
	for (a = 1; a < 4; a++)  /* insertion sort, stable: ties keep A, C, G, T order */
		for (b = a; b > 0 && h[order[b]] < h[order[b - 1]]; b--) {
			int t = order[b];
			order[b] = order[b - 1], order[b - 1] = t;
		}
	for (a = 0; a < 4; a++) {
		int k = order[a];
		if (h[k] < 0.01) continue;
		y -= h[k];
		fprintf(fp, "<path fill=\"%s\" fill-rule=\"evenodd\" transform=\"translate(%d %.3f) scale(%.4f %.5f)\" d=\"%s\"/>\n", colour[k],
			LEFT + i * COL_W + 1, y, (COL_W - 2) / 100.0, h[k] / 100, glyph[k]);
	}
}

int logo_write_svg(FILE *fp, const motif_t *m, const char *title)
{
	fprintf(fp, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	return logo_svg_element(fp, m, title);
}

int logo_svg_element(FILE *fp, const motif_t *m, const char *title)
{
	int W = LEFT + m->w * COL_W + RIGHT, H = TOP + STACK_H + BOTTOM, i;
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\">\n", W, H, W, H);
	fprintf(fp, "<title>");
	if (title) svg_escape(fp, title);
	else {
		svg_escape(fp, m->id);
		if (m->alt) fputc(' ', fp), svg_escape(fp, m->alt);
	}
	fprintf(fp, "</title>\n<rect width=\"100%%\" height=\"100%%\" fill=\"#fff\"/>\n");
	fprintf(fp, "<text x=\"%d\" y=\"18\" font-family=\"sans-serif\" font-size=\"12\">", LEFT);
	if (title) svg_escape(fp, title);
	else {
		svg_escape(fp, m->id);
		if (m->alt) fputc(' ', fp), svg_escape(fp, m->alt);
	}
	fprintf(fp, "</text>\n");
	put_axes(fp, m->w);
	for (i = 0; i < m->w; i++) put_column(fp, m->p + 4 * i, i);
	fprintf(fp, "</svg>\n");
	return ferror(fp) ? -1 : 0;
}

void logo_file_name(const motif_t *m, char *out, size_t size)
{
	size_t i, n = strlen(m->id);
	if (size < 5) {
		if (size) out[0] = '\0';
		return;
	}
	if (n > size - 5) n = size - 5;
	for (i = 0; i < n; i++) {
		char c = m->id[i];
		out[i] = isalnum((unsigned char)c) || c == '.' || c == '-' || c == '_' ? c : '_';
	}
	if (n > 0 && out[0] == '.') out[0] = '_';  /* no hidden files, no ".." */
	strcpy(out + n, ".svg");
}

int logo_write_dir(const char *dir, const motif_set_t *set, char *const *titles, char *err)
{
	struct stat st;
	int i, s = TS_OK;
	if (mkdir(dir, 0777) < 0 && errno != EEXIST) return ts_fail(err, TS_EIO, "%s: cannot create the directory: %s", dir, strerror(errno));
	if (stat(dir, &st) < 0 || !S_ISDIR(st.st_mode)) return ts_fail(err, TS_EIO, "%s: not a directory", dir);
	char (*names)[256] = malloc((set->n ? set->n : 1) * sizeof *names);
	if (names == NULL) return ts_fail(err, TS_ENOMEM, "out of memory");
	for (i = 0; i < set->n; i++) {
		char *name = names[i], *path;
		ts_outfile_t of;
		int k;
		logo_file_name(&set->a[i], name, 256);
		/* ids that differ only in replaced characters ("a/b", "a_b") or
		 * past the length limit would share a file: the later ones get
		 * their place in the set, "a_b.3.svg" */
		for (k = 0; k < i && strcmp(names[k], name) != 0; k++) {}
		if (k < i) {  /* a free "base.N.svg": N = i+1, then i+1+n, ... (ids may look like that too) */
			char base[256];
			int64_t tag = i + 1;
			size_t len = strlen(name) - 4;
			if (len > 230) len = 230;
			memcpy(base, name, len), base[len] = '\0';
			do {
				snprintf(name, 256, "%.230s.%lld.svg", base, (long long)tag);
				tag += set->n;
				for (k = 0; k < i && strcmp(names[k], name) != 0; k++) {}
			} while (k < i);
		}
		if ((path = malloc(strlen(dir) + strlen(name) + 2)) == NULL) {
			free(names);
			return ts_fail(err, TS_ENOMEM, "out of memory");
		}
		sprintf(path, "%s/%s", dir, name);
		if ((s = ts_outfile_open(&of, path, err)) == TS_OK && logo_write_svg(of.fp, &set->a[i], titles ? titles[i] : NULL) < 0) {
			ts_outfile_abort(&of);
			s = ts_fail(err, TS_EIO, "%s: write failed", path);
		} else if (s == TS_OK) {
			s = ts_outfile_commit(&of, err);
		}
		free(path);
		if (s < 0) break;
	}
	free(names);
	return s < 0 ? s : TS_OK;
}
