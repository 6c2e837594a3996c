/* pairhmm_fit: `tessera pairhmm fit` (one EM fit) and `tessera pairhmm test`
 * (two nested fits and their likelihood-ratio test).
 *
 * The alternative of a test is started from the null's optimum rather than
 * from the generic start: EM only climbs, so lnL_alt >= lnL_null holds by
 * construction and D >= 0 up to the tolerance, as nested models require. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "cli/cli.h"
#include "cli/pairhmm_cli.h"
#include "pairhmm/boot.h"
#include "pairhmm/json.h"
#include "util/log.h"

typedef struct {
	const phc_opts_t *o;
	const phc_input_t *in;
	const phmm_fit_t *fit, *alt;
	const phmm_lrt_t *lrt;
	const phmm_boot_t *boot;  /* NULL unless --bootstrap */
	const phmm_ci_t *ci;      /* NULL unless --ci */
} report_t;

/* --ci and --bootstrap results, after the model blocks. */
static void report_resampling(FILE *fp, const report_t *r)
{
	int c;
	if (r->boot)
		fprintf(fp, "Parametric bootstrap: %d of %d datasets simulated under the fitted null (observed lengths,\n"
			    "global alignment) gave D* >= D: p = %.4g.  Assumes the null generated the data and pairs are\n"
			    "independent; it does not assume the chi-square approximation.\n\n",
			r->boot->n_ge, r->boot->B, r->boot->p);
	if (r->ci) {
		fprintf(fp, "95%% intervals (%d resamples of the pairs, percentile; assume pairs independent)\n", r->ci->B);
		for (c = 0; c < CI_N; c++) fprintf(fp, "  %-6s [%.6g, %.6g]\n", phmm_ci_names[c], r->ci->lo[c], r->ci->hi[c]);
		fprintf(fp, "\n");
	}
}

static json_t *resampling_json(const phmm_boot_t *boot, const phmm_ci_t *ci)
{
	json_t *j = json_object();
	int c;
	if (j == NULL) return NULL;
	if (boot) {
		json_t *b = json_pack("{s:i, s:i, s:f}", "B", boot->B, "n_ge", boot->n_ge, "p", boot->p);
		if (b == NULL || json_object_set_new(j, "bootstrap", b) < 0) goto fail;
	}
	if (ci) {
		json_t *o = json_object();
		if (o == NULL || json_object_set_new(j, "ci", o) < 0) goto fail;
		json_object_set_new(o, "B", json_integer(ci->B));
		for (c = 0; c < CI_N; c++)
			if (json_object_set_new(o, phmm_ci_names[c], json_pack("[o, o]", phmm_json_num(ci->lo[c]), phmm_json_num(ci->hi[c]))) < 0) goto fail;
	}
	return j;
fail:
	json_decref(j);
	return NULL;
}

/* --ci: intervals for the parameters of `spec` fitted from `fit`. */
static int run_ci(const phc_opts_t *o, const phc_input_t *in, const phmm_fit_t *fit, phmm_ci_t *ci)
{
	char err[TS_ERRLEN];
	int s = phmm_boot_ci(in->view, in->set->n, fit->spec, &fit->params, o->ci_b, o->seed, &o->em, ci, err);
	if (s < 0) phc_error("--ci: %s", err);
	return s;
}

static int write_fit_report(FILE *fp, const void *arg)
{
	const report_t *r = arg;
	phc_report_input(fp, r->o, r->in);
	phc_report_model(fp, r->o->tie_str, r->fit);
	report_resampling(fp, r);
	return ferror(fp) ? TS_EIO : TS_OK;
}

static int write_test_report(FILE *fp, const void *arg)
{
	const report_t *r = arg;
	char name[160];
	phc_report_input(fp, r->o, r->in);
	snprintf(name, sizeof name, "null = %s", r->o->null_str);
	phc_report_model(fp, name, r->fit);
	snprintf(name, sizeof name, "alt = %s", r->o->alt_str);
	phc_report_model(fp, name, r->alt);
	phc_report_lrt(fp, r->fit, r->alt, r->lrt, r->o->bam != NULL);
	report_resampling(fp, r);
	return ferror(fp) ? TS_EIO : TS_OK;
}

/* The head of the JSON with `members` appended (their references taken). */
static json_t *json_with(const phc_opts_t *o, const phc_input_t *in, json_t *members)
{
	json_t *j = members ? phc_json_head(o, in) : NULL;
	if (j && json_object_update(j, members) < 0) {
		json_decref(j);
		j = NULL;
	}
	json_decref(members);
	return j;
}

/* MultiQC custom content (https://multiqc.info, "custom content"): one table
 * row per sample, the same section id in every file so MultiQC merges them. */
static json_t *mqc_json(const report_t *r)
{
	const phmm_params_t *a = &r->alt->params;
	const phc_input_t *in = r->in;
	char sample[256];
	json_t *row, *j;
	cli_sample_name(r->o->sample, r->o->bam ? r->o->bam : r->o->pairs1, sample, sizeof sample);
	row = json_pack("{s:I, s:I, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o}", "pairs", (json_int_t)in->set->n, "residues",
			(json_int_t)in->residues, "open_ratio", phmm_json_num(r->lrt->open_ratio), "extend_ratio",
			phmm_json_num(r->lrt->extend_ratio), "dX", phmm_json_num(a->dX), "dY", phmm_json_num(a->dY), "eX",
			phmm_json_num(a->eX), "eY", phmm_json_num(a->eY), "D", phmm_json_num(r->lrt->D), "p",
			phmm_json_num(r->lrt->p), "df", json_integer(r->lrt->df));
	if (row && r->o->bam && in->set->cigar_del > 0)
		json_object_set_new(row, "cigar_id_ratio", phmm_json_num((double)in->set->cigar_ins / in->set->cigar_del));
	if (row && r->boot) json_object_set_new(row, "p_bootstrap", phmm_json_num(r->boot->p));
	j = json_pack("{s:s, s:s, s:s, s:s, s:{s:s, s:s}, s:{s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s, s:s}, s:{s:s}, s:{s:s}}, s:{s:o}}",
		      "id", "tessera_pairhmm_test", "section_name", "tessera: indel symmetry (pair HMM)", "description",
		      r->o->bam ? "Likelihood-ratio test of tied against untied gap parameters. X = insertion in the read, "
				  "Y = deletion from the read; open_ratio = dX/dY, extend_ratio = eX/eY (untied fit)."
				: "Likelihood-ratio test of tied against untied gap parameters. X = insertion in sequence 1, "
				  "Y = insertion in sequence 2; open_ratio = dX/dY, extend_ratio = eX/eY (untied fit).",
		      "plot_type", "table", "pconfig", "id", "tessera_pairhmm_test_table", "title", "tessera pair-HMM symmetry test",
		      "headers", "open_ratio", "title", "dX/dY", "description", "gap opens, X over Y (untied fit)", "extend_ratio",
		      "title", "eX/eY", "description", "gap extensions, X over Y (untied fit)", "D", "title", "LRT D",
		      "description", "2 (lnL untied - lnL tied)", "p", "title", "LRT p", "description", "chi-square p-value of D",
		      "pairs", "title", "pairs", "residues", "title", "residues", "data", sample, row);
	if (j == NULL) json_decref(row);
	return j;
}

static int write_mqc(FILE *fp, const void *arg)
{
	json_t *j = mqc_json(arg);
	int s = j ? phc_write_json(fp, j) : TS_ENOMEM;
	json_decref(j);
	return s;
}

/* The report (stdout or -o), the JSON (--json) and, for a test, MultiQC's
 * (--mqc), written together. */
static int write_both(const phc_opts_t *o, report_t *r, int (*report)(FILE *, const void *), json_t *j)
{
	json_t *extra = resampling_json(r->boot, r->ci);
	phc_output_t outs[3] = {
		{o->out_path ? o->out_path : "-", report, r},
		{o->json_path, phc_write_json, j},
		{r->lrt ? o->mqc_path : NULL, write_mqc, r},
	};
	if (extra == NULL || json_object_update(j, extra) < 0) {
		json_decref(extra);
		phc_error("out of memory");
		return TS_ENOMEM;
	}
	json_decref(extra);
	return phc_write_outputs(outs, 3);
}

int phc_fit(const phc_opts_t *o)
{
	phc_input_t in = {0};
	phmm_params_t start;
	phmm_fit_t fit;
	phmm_ci_t ci;
	json_t *j = NULL;
	int s;
	if ((s = phc_load_params(o, &start)) < 0 || (s = phc_load_pairs(o, &in)) < 0) goto done;
	if ((s = phc_em(o, &in, o->tie, &start, o->tie_str, &fit)) < 0) goto done;
	if (o->ci_b > 0 && (s = run_ci(o, &in, &fit, &ci)) < 0) goto done;
	if ((j = json_with(o, &in, phmm_fit_to_json(&fit))) == NULL) {
		phc_error("out of memory");
		s = TS_ENOMEM;
		goto done;
	}
	{
		report_t r = {o, &in, &fit, NULL, NULL, NULL, o->ci_b > 0 ? &ci : NULL};
		s = write_both(o, &r, write_fit_report, j);
	}
done:
	json_decref(j);
	phc_input_free(&in);
	return ts_exit_code(s);
}

static json_t *test_json(const phc_opts_t *o, const phc_input_t *in, const phmm_fit_t *null, const phmm_fit_t *alt,
			 const phmm_lrt_t *l)
{
	json_t *m = json_object();
	if (m == NULL) return NULL;
	if (json_object_set_new(m, "null", phmm_fit_to_json(null)) < 0 || json_object_set_new(m, "alt", phmm_fit_to_json(alt)) < 0 ||
	    json_object_set_new(m, "lrt", phmm_lrt_to_json(l)) < 0) {
		json_decref(m);
		return NULL;
	}
	return json_with(o, in, m);
}

int phc_test(const phc_opts_t *o)
{
	phc_input_t in = {0};
	phmm_params_t start;
	phmm_fit_t null, alt;
	phmm_lrt_t lrt;
	phmm_boot_t boot;
	phmm_ci_t ci;
	json_t *j = NULL;
	int s;
	if ((s = phc_load_params(o, &start)) < 0 || (s = phc_load_pairs(o, &in)) < 0) goto done;
	if ((s = phc_em(o, &in, o->null_spec, &start, "null", &null)) < 0) goto done;
	if ((s = phc_em(o, &in, o->alt_spec, &null.params, "alt", &alt)) < 0) goto done;
	/* EM from the null optimum cannot go down; a drop beyond the stopping
	 * tolerance means the alternative did not converge. */
	if (alt.lnL < null.lnL - fmax(1e-6, 10 * o->em.tol * fabs(null.lnL)))
		ts_log(TS_LOG_WARN, "pairhmm", "lnL_alt %.6f < lnL_null %.6f: the alternative fit went down (not converged?)", alt.lnL,
		       null.lnL);
	phmm_lrt(&null, &alt, in.residues, &lrt);
	if (o->boot_b > 0) {
		char err[TS_ERRLEN];
		if ((s = phmm_boot_lrt(in.view, in.set->n, &null, o->alt_spec, lrt.D, o->boot_b, o->seed, o->bam ? o->band : 0, &o->em, &boot, err)) < 0) {
			phc_error("--bootstrap: %s", err);
			goto done;
		}
	}
	if (o->ci_b > 0 && (s = run_ci(o, &in, &alt, &ci)) < 0) goto done;
	if ((j = test_json(o, &in, &null, &alt, &lrt)) == NULL) {
		phc_error("out of memory");
		s = TS_ENOMEM;
		goto done;
	}
	{
		report_t r = {o, &in, &null, &alt, &lrt, o->boot_b > 0 ? &boot : NULL, o->ci_b > 0 ? &ci : NULL};
		s = write_both(o, &r, write_test_report, j);
	}
done:
	json_decref(j);
	phc_input_free(&in);
	return ts_exit_code(s);
}
