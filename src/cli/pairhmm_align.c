/* pairhmm_align: `tessera pairhmm align` — a Viterbi (or MEA) alignment of
 * each pair, with the posterior probability of each column.  Without
 * --params the untied model is first fitted to the same pairs by EM, so the
 * alignments use parameters estimated from the data they align. */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli/pairhmm_cli.h"
#include "pairhmm/json.h"
#include "util/log.h"

typedef struct {
	const phc_input_t *in;
	phmm_aln_t *alns;
} alns_t;

static int write_alignments(FILE *fp, const void *arg)
{
	const alns_t *a = arg;
	int64_t k;
	for (k = 0; k < a->in->set->n; k++) phc_report_alignment(fp, k + 1, &a->in->set->a[k], &a->alns[k]);
	return ferror(fp) ? TS_EIO : TS_OK;
}

static json_t *aln_json(int64_t k, const pair_rec_t *pr, const phmm_aln_t *a)
{
	json_t *o = json_object(), *post = json_array();
	int64_t i;
	int bad = o == NULL || post == NULL;
	for (i = 0; !bad && i < a->len; i++) bad = json_array_append_new(post, phmm_json_num(a->post[i])) < 0;
	if (!bad)
		bad = json_object_set_new(o, "pair", json_integer(k)) | json_object_set_new(o, "name1", json_string(pr->name1)) |
		      json_object_set_new(o, "name2", json_string(pr->name2)) | json_object_set_new(o, "n", json_integer(pr->n)) |
		      json_object_set_new(o, "m", json_integer(pr->m)) | json_object_set_new(o, "lnL", phmm_json_num(a->lnL)) |
		      json_object_set_new(o, "score", phmm_json_num(a->score)) | json_object_set_new(o, "aligned1", json_string(a->ax)) |
		      json_object_set_new(o, "aligned2", json_string(a->ay)) | json_object_set_new(o, "states", json_string(a->state)) |
		      json_object_set_new(o, "y_begin", json_integer(a->y_beg)) | json_object_set_new(o, "y_end", json_integer(a->y_end)) |
		      json_object_set_new(o, "posterior", post);
	else
		json_decref(post);
	if (!bad) return o;
	json_decref(o);
	return NULL;
}

/* {head…, "method", "params", "fit": the EM fit or null, "pairs": […]};
 * "params" at the top level makes this a valid parameter file. */
static json_t *align_json(const phc_opts_t *o, const phc_input_t *in, const phmm_params_t *p, const phmm_fit_t *fit,
			  const phmm_aln_t *alns)
{
	json_t *j = phc_json_head(o, in), *arr = json_array();
	int64_t k;
	int bad = j == NULL || arr == NULL;
	for (k = 0; !bad && k < in->set->n; k++) {
		json_t *a = aln_json(k + 1, &in->set->a[k], &alns[k]);
		bad = a == NULL || json_array_append_new(arr, a) < 0;
	}
	if (!bad)
		bad = json_object_set_new(j, "method", json_string(o->mea ? "mea" : "viterbi")) |
		      json_object_set_new(j, "params", phmm_params_to_json(p)) |
		      json_object_set_new(j, "fit", fit ? phmm_fit_to_json(fit) : json_null()) | json_object_set_new(j, "pairs", arr);
	else
		json_decref(arr);
	if (!bad) return j;
	json_decref(j);
	return NULL;
}

int phc_align(const phc_opts_t *o)
{
	phc_input_t in = {0};
	phmm_params_t p;
	phmm_fit_t fit;
	phmm_tables_t t;
	phmm_aln_t *alns = NULL;
	json_t *j = NULL;
	int64_t k;
	int s, fitted = o->params_path == NULL;
	if ((s = phc_load_params(o, &p)) < 0 || (s = phc_load_pairs(o, &in)) < 0) goto done;
	if (fitted) {
		ts_log(TS_LOG_INFO, "pairhmm", "no --params: fitting the untied model to the %lld pairs by EM first", (long long)in.set->n);
		if ((s = phc_em(o, &in, PHMM_SPEC_UNTIED, &p, "untied", &fit)) < 0) goto done;
		p = fit.params;
	}
	phmm_tables(&p, &t);
	if ((alns = calloc(in.set->n, sizeof *alns)) == NULL) {
		phc_error("out of memory");
		s = TS_ENOMEM;
		goto done;
	}
	for (k = 0; k < in.set->n; k++) {
		s = o->mea ? phmm_mea(&t, &in.view[k], &alns[k]) : phmm_viterbi(&t, &in.view[k], &alns[k]);
		if (s < 0) {
			phc_error("%s: pair %lld (%s, %s): %s", o->pairs1, (long long)k + 1, in.set->a[k].name1, in.set->a[k].name2,
				  s == TS_ENOMEM ? "out of memory" : "probability 0 under the parameters");
			goto done;
		}
	}
	if (o->json_path && (j = align_json(o, &in, &p, fitted ? &fit : NULL, alns)) == NULL) {
		phc_error("out of memory");
		s = TS_ENOMEM;
		goto done;
	}
	{
		alns_t a = {&in, alns};
		phc_output_t outs[2] = {
			{o->out_path ? o->out_path : "-", write_alignments, &a},
			{o->json_path, phc_write_json, j},
		};
		s = phc_write_outputs(outs, 2);
	}
done:
	if (alns)
		for (k = 0; k < in.set->n; k++) phmm_aln_free(&alns[k]);
	free(alns);
	json_decref(j);
	phc_input_free(&in);
	return ts_exit_code(s);
}
