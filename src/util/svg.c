/* svg: sequence logos, bar charts and line charts as inline SVG (svg.h). */
#include <math.h>
#include <string.h>
#include "util/svg.h"

/* Letter outlines in a unit box (y down), filled even-odd so A's inner
 * triangle is a hole; drawn with a translate + scale per letter. */
static const char *const GLYPH[4] = {
	"M0,1L0.4,0H0.6L1,1H0.8L0.69,0.72H0.31L0.2,1ZM0.37,0.56H0.63L0.5,0.2Z",
	"M0.96,0.28A0.5,0.5 0 1 0 0.96,0.72L0.78,0.64A0.31,0.31 0 1 1 0.78,0.36Z",
	"M0.96,0.28A0.5,0.5 0 1 0 0.98,0.66V0.5H0.55V0.64H0.8A0.31,0.31 0 1 1 0.78,0.36Z",
	"M0,0H1V0.17H0.59V1H0.41V0.17H0Z",
};
static const char *const COLOUR[4] = {"#109648", "#255c99", "#f7b32b", "#d62839"};

void svg_escape(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default: fputc(*s, fp);
		}
	}
}

void svg_logo(FILE *fp, const double (*p)[4], int w, int width, int height)
{
	const double left = 28, bottom = 16, plot_h = height - bottom - 4, col_w = w > 0 ? (width - left - 4) / w : 0;
	int i, b, k;
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n",
		width, height, width, height);
	/* y axis: 0, 1, 2 bits */
	fprintf(fp, "<path d=\"M%.1f,4V%.1f\" stroke=\"#444\" fill=\"none\"/>\n", left - 2, 4 + plot_h);
	for (k = 0; k <= 2; k++)
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" font-size=\"9\" text-anchor=\"end\" font-family=\"sans-serif\">%d</text>\n",
			left - 5, 4 + plot_h - k * plot_h / 2 + 3, k);
	fprintf(fp, "<text x=\"8\" y=\"%.1f\" font-size=\"9\" font-family=\"sans-serif\" transform=\"rotate(-90 8 %.1f)\" "
		    "text-anchor=\"middle\">bits</text>\n", 4 + plot_h / 2, 4 + plot_h / 2);
	for (i = 0; i < w; i++) {
		double ic = 2, y = 4 + plot_h;
		int order[4] = {0, 1, 2, 3};
		for (b = 0; b < 4; b++)
			if (p[i][b] > 0) ic += p[i][b] * log2(p[i][b]);
		if (ic < 0) ic = 0;
		/* smallest first (bottom) */
		for (b = 1; b < 4; b++)
			for (k = b; k > 0 && p[i][order[k]] < p[i][order[k - 1]]; k--) {
				int t = order[k];
				order[k] = order[k - 1], order[k - 1] = t;
			}
		for (k = 0; k < 4; k++) {
			double h = p[i][order[k]] * ic * plot_h / 2;
			if (h < 0.05) continue;
			y -= h;
			fprintf(fp, "<path transform=\"translate(%.2f %.2f) scale(%.2f %.2f)\" fill=\"%s\" fill-rule=\"evenodd\" d=\"%s\"/>\n",
				left + i * col_w + 0.5, y, col_w - 1, h, COLOUR[order[k]], GLYPH[order[k]]);
		}
		fprintf(fp, "<text x=\"%.1f\" y=\"%d\" font-size=\"8\" text-anchor=\"middle\" font-family=\"sans-serif\">%d</text>\n",
			left + (i + 0.5) * col_w, height - 4, i + 1);
	}
	fputs("</svg>\n", fp);
}

/* A chart's frame: axes, titles and the y range [lo, hi] with 5 ticks. */
static void frame(FILE *fp, int width, int height, double lo, double hi, const char *xtitle, const char *ytitle)
{
	const double left = 64, top = 10, plot_w = width - left - 12, plot_h = height - top - 40;
	int k;
	fprintf(fp, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		    "font-family=\"sans-serif\" font-size=\"10\">\n", width, height, width, height);
	fprintf(fp, "<path d=\"M%.1f,%.1fV%.1fH%.1f\" stroke=\"#444\" fill=\"none\"/>\n", left, top, top + plot_h, left + plot_w);
	for (k = 0; k <= 4; k++) {
		double v = lo + (hi - lo) * k / 4, y = top + plot_h - plot_h * k / 4;
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.4g</text>\n", left - 4, y + 3, v);
		fprintf(fp, "<path d=\"M%.1f,%.1fH%.1f\" stroke=\"#ddd\"/>\n", left, y, left + plot_w);
	}
	fprintf(fp, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">", left + plot_w / 2, height - 4);
	svg_escape(fp, xtitle);
	fprintf(fp, "</text>\n<text x=\"10\" y=\"%.1f\" text-anchor=\"middle\" transform=\"rotate(-90 10 %.1f)\">", top + plot_h / 2,
		top + plot_h / 2);
	svg_escape(fp, ytitle);
	fputs("</text>\n", fp);
}

void svg_bars(FILE *fp, const double *v, int n, const char *const *lab, int width, int height, const char *xtitle,
	      const char *ytitle)
{
	const double left = 64, top = 10, plot_w = width - left - 12, plot_h = height - top - 40, bw = n > 0 ? plot_w / n : 0;
	double hi = 0;
	int i, every = n > 20 ? (n + 19) / 20 : 1;
	for (i = 0; i < n; i++)
		if (v[i] > hi) hi = v[i];
	if (hi <= 0) hi = 1;
	frame(fp, width, height, 0, hi, xtitle, ytitle);
	for (i = 0; i < n; i++) {
		double h = v[i] > 0 ? v[i] / hi * plot_h : 0;
		fprintf(fp, "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" fill=\"#4477aa\"/>\n", left + i * bw + 0.5,
			top + plot_h - h, bw > 1.5 ? bw - 1 : bw, h);
		if (lab && i % every == 0) {
			fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"8\">", left + (i + 0.5) * bw,
				top + plot_h + 11);
			svg_escape(fp, lab[i]);
			fputs("</text>\n", fp);
		}
	}
	fputs("</svg>\n", fp);
}

void svg_lines(FILE *fp, const double *const *series, const char *const *names, int n_series, int n, int width,
	       int height, const char *xtitle, const char *ytitle)
{
	static const char *const colour[4] = {"#4477aa", "#ee6677", "#228833", "#aa3377"};
	const double left = 64, top = 10, plot_w = width - left - 12, plot_h = height - top - 40;
	double lo = 0, hi = 0;
	int s, i, k;
	for (s = 0; s < n_series && s < 4; s++)
		for (i = 0; i < n; i++)
			if (isfinite(series[s][i])) {
				if (series[s][i] > hi) hi = series[s][i];
				if (series[s][i] < lo) lo = series[s][i];
			}
	if (hi <= lo) hi = lo + 1;
	frame(fp, width, height, lo, hi, xtitle, ytitle);
	for (i = 0; i < n; i += n > 10 ? (n + 9) / 10 : 1)
		fprintf(fp, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"8\">%d</text>\n",
			left + (n > 1 ? plot_w * i / (n - 1) : plot_w / 2), top + plot_h + 11, i + 1);
	for (s = 0; s < n_series && s < 4; s++) {
		int pen = 0;
		fprintf(fp, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" d=\"", colour[s]);
		for (i = 0; i < n; i++) {
			double x = left + (n > 1 ? plot_w * i / (n - 1) : plot_w / 2), y;
			if (!isfinite(series[s][i])) {
				pen = 0;
				continue;
			}
			y = top + plot_h - (series[s][i] - lo) / (hi - lo) * plot_h;
			fprintf(fp, "%c%.2f,%.2f", pen ? 'L' : 'M', x, y);
			pen = 1;
		}
		fputs("\"/>\n", fp);
		k = s;
		fprintf(fp, "<rect x=\"%.1f\" y=\"%.1f\" width=\"10\" height=\"3\" fill=\"%s\"/><text x=\"%.1f\" y=\"%.1f\">",
			left + plot_w - 110, top + 6 + 12 * k, colour[s], left + plot_w - 96, top + 10 + 12 * k);
		svg_escape(fp, names[s]);
		fputs("</text>\n", fp);
	}
	fputs("</svg>\n", fp);
}
