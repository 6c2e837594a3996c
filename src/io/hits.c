/* hits: writers for FIMO TSV, BED6+2 and GFF3 (see hits.h). */
#include <math.h>
#include <string.h>
#include "io/hits.h"
#include "util/fmt.h"

void hits_write_header(FILE *fp, hits_format_t f)
{
	if (f == HITS_TSV)
		fputs("motif_id\tmotif_alt_id\tsequence_name\tstart\tstop\tstrand\tscore\tp-value\tq-value\tmatched_sequence\n", fp);
	else if (f == HITS_GFF)
		fputs("##gff-version 3\n", fp);
}

int hits_bed_score(double pvalue)
{
	double s = pvalue > 0 ? -10 * log10(pvalue) : 1000;
	if (s > 1000) s = 1000;
	if (s < 0) s = 0;
	return (int)floor(s + 0.5);
}

/* GFF3 values may not hold ; = & , tab or newline unescaped. */
static void put_gff_escaped(FILE *fp, const char *s)
{
	for (; *s; s++) {
		if (*s == ';' || *s == '=' || *s == '&' || *s == ',' || *s == '%' || (unsigned char)*s < 32)
			fprintf(fp, "%%%02X", (unsigned char)*s);
		else
			fputc(*s, fp);
	}
}

/* "%s\t%s\t%s\t%lld\t%lld\t%c\t%g\t%.3g\t%.3g\t%s\n" composed without
 * printf: the 760k lines of a genome scan took longer to print than to find. */
size_t hits_tsv_motif(char *buf, size_t cap, const hit_t *h)
{
	const char *alt = h->motif_alt ? h->motif_alt : "";
	size_t id_len = strlen(h->motif_id), alt_len = strlen(alt);
	if (id_len + alt_len + 2 > cap) return 0;
	memcpy(buf, h->motif_id, id_len);
	buf[id_len] = '\t';
	memcpy(buf + id_len + 1, alt, alt_len);
	buf[id_len + 1 + alt_len] = '\t';
	return id_len + alt_len + 2;
}

size_t hits_tsv_site(char *buf, size_t cap, const hit_t *h)
{
	char *p = buf;
	size_t name_len = strlen(h->seq_name), w = h->matched ? (size_t)h->w : 0;
	if (name_len + w + 5 * TS_FMT_MAX + 16 > cap) return 0;
	memcpy(p, h->seq_name, name_len);
	p += name_len;
	*p++ = '\t';
	p += ts_fmt_i64(p, h->start + 1);
	*p++ = '\t';
	p += ts_fmt_i64(p, h->start + h->w);
	*p++ = '\t';
	*p++ = h->strand;
	*p++ = '\t';
	p += ts_fmt_g(p, h->score, 6);
	*p++ = '\t';
	p += ts_fmt_g(p, h->pvalue, 3);
	*p++ = '\t';
	if (!isnan(h->qvalue)) p += ts_fmt_g(p, h->qvalue, 3);
	*p++ = '\t';
	if (w > 0) memcpy(p, h->matched, w);  /* NULL when the column is left empty */
	p += w;
	*p++ = '\n';
	return p - buf;
}

size_t hits_tsv_line(char *buf, size_t cap, const hit_t *h)
{
	size_t n = hits_tsv_motif(buf, cap, h), m = n ? hits_tsv_site(buf + n, cap - n, h) : 0;
	return m ? n + m : 0;
}

/* One TSV line, written at once; lines too long for the buffer (very long
 * names) go through fprintf. */
static void put_tsv(FILE *fp, const hit_t *h)
{
	char line[1024];
	size_t n = hits_tsv_line(line, sizeof line, h);
	if (n > 0) {
		fwrite(line, 1, n, fp);
		return;
	}
	fprintf(fp, "%s\t%s\t%s\t%lld\t%lld\t%c\t%g\t%.3g\t", h->motif_id, h->motif_alt ? h->motif_alt : "", h->seq_name,
		(long long)h->start + 1, (long long)(h->start + h->w), h->strand, h->score, h->pvalue);
	if (!isnan(h->qvalue)) fprintf(fp, "%.3g", h->qvalue);
	fprintf(fp, "\t%s\n", h->matched ? h->matched : "");
}

void hits_write(FILE *fp, hits_format_t f, const hit_t *h, int64_t n_in_seq)
{
	const char *alt = h->motif_alt ? h->motif_alt : "";
	int has_q = !isnan(h->qvalue);
	if (f == HITS_TSV) {
		put_tsv(fp, h);
	} else if (f == HITS_BED) {
		fprintf(fp, "%s\t%lld\t%lld\t%s\t%d\t%c\t%.3g\t", h->seq_name, (long long)h->start, (long long)(h->start + h->w),
			h->motif_id, hits_bed_score(h->pvalue), h->strand, h->pvalue);
		if (has_q) fprintf(fp, "%.3g", h->qvalue);
		fputc('\n', fp);
	} else {
		double gs = h->pvalue > 0 ? -10 * log10(h->pvalue) : 1000;
		fprintf(fp, "%s\tfimo\tnucleotide_motif\t%lld\t%lld\t%3.3g\t%c\t.\t", h->seq_name, (long long)h->start + 1,
			(long long)(h->start + h->w), gs < 1000 ? gs : 1000, h->strand);
		fputs("Name=", fp);
		put_gff_escaped(fp, h->motif_id);
		fputc('_', fp);
		put_gff_escaped(fp, h->seq_name);
		fprintf(fp, "%c;", h->strand);
		if (*alt) {
			fputs("Alias=", fp);
			put_gff_escaped(fp, alt);
			fputc(';', fp);
		}
		fputs("ID=", fp);
		put_gff_escaped(fp, h->motif_id);
		if (*alt) {
			fputc('-', fp);
			put_gff_escaped(fp, alt);
		}
		fprintf(fp, "-%lld-", (long long)n_in_seq);
		put_gff_escaped(fp, h->seq_name);
		fprintf(fp, ";pvalue=%.3g;", h->pvalue);
		if (has_q) fprintf(fp, "qvalue=%.3g;", h->qvalue);
		if (h->matched) fprintf(fp, "sequence=%s;", h->matched);
		fputc('\n', fp);
	}
}
