/* pairhmm_report: the human report of `tessera pairhmm`, laid out like
 * PAML codeml's main output — a block per model headed "lnL(np: K):", then
 * the parameters, then the test — so readers used to codeml find things
 * where they expect.  Every number here is also in the --json output, with
 * full precision; the report prints lnL with 6 decimals (as codeml) and
 * probabilities with 8. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cli/pairhmm_cli.h"
#include "util/log.h"

#define ALN_WIDTH 60  /* alignment columns per line */

static const char BASES[4] = {'A', 'C', 'G', 'T'};

void phc_report_input(FILE *fp, const phc_opts_t *o, const phc_input_t *in)
{
	const pair_set_t *ps = in->set;
	fprintf(fp, "tessera pairhmm %s\n", o->sub);
	if (o->bam) {
		fprintf(fp, "pairs: reads of %s against %s (%lld of %lld reads passed the filters", o->bam, o->ref,
			(long long)ps->reads_used, (long long)ps->reads_seen);
		if (ps->reads_no_seq) fprintf(fp, "; %lld mapped without a stored sequence, SEQ '*', skipped", (long long)ps->reads_no_seq);
		if (ps->reads_spliced)
			fprintf(fp, "; %lld spliced, cut at their introns (CIGAR N) into %lld pairs", (long long)ps->reads_spliced,
				(long long)ps->splice_pieces);
		fprintf(fp, ")\n");
		fprintf(fp, "sequence 1 = the read, sequence 2 = the reference: X = insertion in the read, Y = deletion from the read\n");
		fprintf(fp, "mode %s, pad %lld, band %s%lld\n", o->glocal ? "glocal" : "global", (long long)o->pad,
			o->band ? "+-" : "none", (long long)o->band);
		fprintf(fp, "CIGARs: %lld insertions (%lld bases), %lld deletions (%lld bases) in %lld aligned bases: "
			"I/D events %.3f, bases %.3f\n", (long long)ps->cigar_ins, (long long)ps->cigar_ins_bases, (long long)ps->cigar_del,
			(long long)ps->cigar_del_bases, (long long)ps->cigar_aligned, ps->cigar_del ? (double)ps->cigar_ins / ps->cigar_del : 0.0,
			ps->cigar_del_bases ? (double)ps->cigar_ins_bases / ps->cigar_del_bases : 0.0);
	} else if (o->pairs2) {
		fprintf(fp, "pairs: %s + %s (paired by record order)\n", o->pairs1, o->pairs2);
	} else {
		fprintf(fp, "pairs: %s (consecutive records)\n", o->pairs1);
	}
	fprintf(fp, "%lld pairs, %lld residues\n\n", (long long)ps->n, (long long)in->residues);
}

void phc_report_params(FILE *fp, const phmm_params_t *p)
{
	int a, b;
	fprintf(fp, "Transitions\n");
	fprintf(fp, "  dX  (gap open, X)    %.8f\n", p->dX);
	fprintf(fp, "  dY  (gap open, Y)    %.8f\n", p->dY);
	fprintf(fp, "  eX  (gap extend, X)  %.8f\n", p->eX);
	fprintf(fp, "  eY  (gap extend, Y)  %.8f\n", p->eY);
	fprintf(fp, "  tau (end)            %.8f\n", p->tau);
	fprintf(fp, "  mean gap length X = 1/(1-eX)  %.6f\n", 1 / (1 - p->eX));
	fprintf(fp, "  mean gap length Y = 1/(1-eY)  %.6f\n", 1 / (1 - p->eY));
	fprintf(fp, "\nMatch emissions p[a][b] (rows: sequence 1, columns: sequence 2)\n     ");
	for (b = 0; b < 4; b++) fprintf(fp, " %11c", BASES[b]);
	for (a = 0; a < 4; a++) {
		fprintf(fp, "\n  %c  ", BASES[a]);
		for (b = 0; b < 4; b++) fprintf(fp, " %11.8f", p->p[a][b]);
	}
	fprintf(fp, "\n\nInsert emissions\n     ");
	for (b = 0; b < 4; b++) fprintf(fp, " %11c", BASES[b]);
	fprintf(fp, "\n  qX ");
	for (b = 0; b < 4; b++) fprintf(fp, " %11.8f", p->qX[b]);
	fprintf(fp, "\n  qY ");
	for (b = 0; b < 4; b++) fprintf(fp, " %11.8f", p->qY[b]);
	fprintf(fp, "\n");
}

void phc_report_model(FILE *fp, const char *label, const phmm_fit_t *f)
{
	char groups[128];
	phmm_tie_format(f->spec, groups, sizeof groups);
	fprintf(fp, "Model: %s (tied groups: %s)\n", label, groups);
	fprintf(fp, "lnL(np: %d):  %.6f\n", f->np, f->lnL);
	fprintf(fp, "EM: %d iterations, %s\n\n", f->iterations, f->converged ? "converged" : "NOT converged (see --max-iter)");
	phc_report_params(fp, &f->params);
	fprintf(fp, "\n");
}

/* The answer in one sentence: which side opens gaps more often, by how
 * much, and whether the tied model is rejected at the 5% level.  For reads,
 * X is an insertion in the read and Y a deletion from it. */
static void report_verdict(FILE *fp, const phmm_lrt_t *l, int reads)
{
	const char *x = reads ? "insertions" : "X gaps (insertions in sequence 1)";
	const char *y = reads ? "deletions" : "Y gaps (insertions in sequence 2)";
	int x_more = l->open_ratio >= 1;
	fprintf(fp, "Verdict: %s open %.2fx as often as %s (extension ratio eX/eY %.2f); ", x_more ? x : y,
		x_more ? l->open_ratio : 1 / l->open_ratio, x_more ? y : x, l->extend_ratio);
	if (l->p < 0.05) fprintf(fp, "symmetry is rejected (LRT p = %.3g, df = %d).\n\n", l->p, l->df);
	else fprintf(fp, "symmetry is not rejected (LRT p = %.3g, df = %d).\n\n", l->p, l->df);
}

void phc_report_lrt(FILE *fp, const phmm_fit_t *null, const phmm_fit_t *alt, const phmm_lrt_t *l, int reads)
{
	fprintf(fp, "LRT: D = 2(lnL_alt - lnL_null) = %.6f, df = %d, p = %.6g\n\n", l->D, l->df, l->p);
	fprintf(fp, "%-6s %4s %16s %16s %16s\n", "model", "np", "lnL", "AIC", "BIC");
	fprintf(fp, "%-6s %4d %16.6f %16.6f %16.6f\n", "null", null->np, null->lnL, l->aic_null, l->bic_null);
	fprintf(fp, "%-6s %4d %16.6f %16.6f %16.6f\n\n", "alt", alt->np, alt->lnL, l->aic_alt, l->bic_alt);
	fprintf(fp, "Effect sizes (alternative fit)\n");
	fprintf(fp, "  dX/dY = %.6f\n", l->open_ratio);
	fprintf(fp, "  eX/eY = %.6f\n", l->extend_ratio);
	fprintf(fp, "  mean gap length X = 1/(1-eX) = %.6f\n", l->mean_gap_x);
	fprintf(fp, "  mean gap length Y = 1/(1-eY) = %.6f\n\n", l->mean_gap_y);
	report_verdict(fp, l, reads);
	if (reads)
		fprintf(fp, "Note: the LRT treats reads as independent and their errors as following the model; errors\n"
			    "cluster (homopolymers), so p is optimistic.\n");
}

char phc_pp_char(double p)
{
	int d;
	if (!(p >= 0)) return '0';  /* NaN or negative: no support */
	if (p >= 0.95) return '*';
	d = (int)floor(10 * p + 0.5);
	return (char)('0' + (d > 9 ? 9 : d));
}

/* Blocks of ALN_WIDTH columns: sequence 1, sequence 2, posterior. */
void phc_report_alignment(FILE *fp, int64_t k, const pair_rec_t *pr, const phmm_aln_t *a)
{
	int w1 = (int)strlen(pr->name1), w2 = (int)strlen(pr->name2), w = w1 > w2 ? w1 : w2;
	int64_t c, i;
	if (w < 2) w = 2;  /* room for "PP" */
	fprintf(fp, "# pair %lld: %s (%lld bp) vs %s (%lld bp)  lnL %.6f  score %.6f", (long long)k, pr->name1, (long long)pr->n,
		pr->name2, (long long)pr->m, a->lnL, a->score);
	if (a->y_beg > 0 || a->y_end < pr->m)  /* free ends: the rest of sequence 2 is flank */
		fprintf(fp, "  aligned to bases %lld-%lld of sequence 2", (long long)a->y_beg + 1, (long long)a->y_end);
	fputc('\n', fp);
	for (c = 0; c < a->len; c += ALN_WIDTH) {
		int len = (int)(a->len - c < ALN_WIDTH ? a->len - c : ALN_WIDTH);
		fprintf(fp, "%-*s  %.*s\n", w, pr->name1, len, a->ax + c);
		fprintf(fp, "%-*s  %.*s\n", w, pr->name2, len, a->ay + c);
		fprintf(fp, "%-*s  ", w, "PP");
		for (i = c; i < c + len; i++) fputc(phc_pp_char(a->post[i]), fp);
		fputs("\n\n", fp);
	}
	if (a->len == 0) fputc('\n', fp);
}
