/* svg: bar charts and line charts as inline SVG (svg.h). */
#include <math.h>
#include <string.h>
#include "util/svg.h"

void svg_escape(FILE *fp, const char *s)
{
	for (; s && *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", fp); break;
		case '<': fputs("&lt;", fp); break;
		case '>': fputs("&gt;", fp); break;
		case '"': fputs("&quot;", fp); break;
		case '\'': fputs("&#39;", fp); break;
		default:  /* control characters are not allowed in XML */
			if ((unsigned char)*s >= 0x20 || *s == '\t' || *s == '\n') fputc(*s, fp);
		}
	}
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
		double v = lo + (0.5 * hi - 0.5 * lo) * k / 2, y = top + plot_h - plot_h * k / 4;  /* halves: no overflow */
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
			/* in halves: hi − lo of finite values can overflow */
			y = top + plot_h - (0.5 * series[s][i] - 0.5 * lo) / (0.5 * hi - 0.5 * lo) * plot_h;
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
