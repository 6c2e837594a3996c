/* pairhmm_fit: `tessera pairhmm fit` (one EM fit) and `tessera pairhmm test`
 * (two nested fits and their likelihood-ratio test).
 *
 * The alternative of a test is started from the null's optimum rather than
 * from the generic start: EM only climbs, so lnL_alt >= lnL_null holds by
 * construction and D >= 0 up to the tolerance, as nested models require. */
#include <jansson.h>
#include <math.h>
#include <stdio.h>
#include "cli/pairhmm_cli.h"
#include "pairhmm/json.h"
#include "util/log.h"

typedef struct {
	const phc_opts_t *o;
	const phc_input_t *in;
	const phmm_fit_t *fit, *alt;
	const phmm_lrt_t *lrt;
} report_t;

static int write_fit_report(FILE *fp, const void *arg)
{
	const report_t *r = arg;
	phc_report_input(fp, r->o, r->in);
	phc_report_model(fp, r->o->tie_str, r->fit);
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

int phc_fit(const phc_opts_t *o)
{
	phc_input_t in = {0};
	phmm_params_t start;
	phmm_fit_t fit;
	json_t *j = NULL;
	int s;
	if ((s = phc_load_params(o, &start)) < 0 || (s = phc_load_pairs(o, &in)) < 0) goto done;
	if ((s = phc_em(o, &in, o->tie, &start, o->tie_str, &fit)) < 0) goto done;
	if ((j = json_with(o, &in, phmm_fit_to_json(&fit))) == NULL) {
		phc_error("out of memory");
		s = TS_ENOMEM;
		goto done;
	}
	{
		report_t r = {o, &in, &fit, NULL, NULL};
		phc_output_t outs[2] = {
			{o->out_path ? o->out_path : "-", write_fit_report, &r},
			{o->json_path, phc_write_json, j},
		};
		s = phc_write_outputs(outs, 2);
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
	if ((j = test_json(o, &in, &null, &alt, &lrt)) == NULL) {
		phc_error("out of memory");
		s = TS_ENOMEM;
		goto done;
	}
	{
		report_t r = {o, &in, &null, &alt, &lrt};
		phc_output_t outs[2] = {
			{o->out_path ? o->out_path : "-", write_test_report, &r},
			{o->json_path, phc_write_json, j},
		};
		s = phc_write_outputs(outs, 2);
	}
done:
	json_decref(j);
	phc_input_free(&in);
	return ts_exit_code(s);
}
