/* pairhmm_sim: `tessera pairhmm simulate` — pairs drawn from the pair HMM as
 * consecutive FASTA records (the input `fit` and `test` read), with their
 * true alignments beside them, for checking that a fit recovers the truth.
 *
 * Randomness: one GSL MT19937 generator seeded once with --seed (default 1),
 * pairs drawn in order, so the output depends on the seed alone.  GSL maps
 * seed 0 to its default seed 4357. */
#include <gsl/gsl_rng.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include "cli/pairhmm_cli.h"
#include "io/seqio.h"
#include "pairhmm/json.h"
#include "pairhmm/sim.h"
#include "util/log.h"

#define FASTA_WIDTH 60

typedef struct {
	const phmm_sim_t *sims;
	int64_t n;
} sims_t;

static void put_record(FILE *fp, int64_t k, int side, const uint8_t *seq, int64_t len, char *text)
{
	int64_t i;
	fprintf(fp, ">sim%lld_%d\n", (long long)k, side);
	sio_decode(seq, len, text);
	for (i = 0; i < len; i += FASTA_WIDTH) {
		fwrite(text + i, 1, len - i < FASTA_WIDTH ? len - i : FASTA_WIDTH, fp);
		fputc('\n', fp);
	}
}

static int write_fasta(FILE *fp, const void *arg)
{
	const sims_t *s = arg;
	int64_t k, max = 0;
	char *text;
	for (k = 0; k < s->n; k++) {
		if (s->sims[k].n > max) max = s->sims[k].n;
		if (s->sims[k].m > max) max = s->sims[k].m;
	}
	if ((text = malloc(max + 1)) == NULL) return TS_ENOMEM;
	for (k = 0; k < s->n; k++) {
		put_record(fp, k + 1, 1, s->sims[k].x, s->sims[k].n, text);
		put_record(fp, k + 1, 2, s->sims[k].y, s->sims[k].m, text);
	}
	free(text);
	return ferror(fp) ? TS_EIO : TS_OK;
}

static int write_aln(FILE *fp, const void *arg)
{
	const sims_t *s = arg;
	int64_t k;
	fputs("pair\tstates\n", fp);
	for (k = 0; k < s->n; k++) fprintf(fp, "sim%lld\t%s\n", (long long)k + 1, s->sims[k].states);
	return ferror(fp) ? TS_EIO : TS_OK;
}

/* {"command", "rng", "seed", "n", "params", "pairs": [{"pair", "n", "m", "states"}]} */
static json_t *sim_json(const phc_opts_t *o, const phmm_params_t *p, const phmm_sim_t *sims)
{
	json_t *j = json_object(), *arr = json_array();
	char name[32];
	int64_t k;
	int bad = j == NULL || arr == NULL;
	for (k = 0; !bad && k < o->n_sim; k++) {
		json_t *e = json_object();
		snprintf(name, sizeof name, "sim%lld", (long long)k + 1);
		bad = e == NULL || json_object_set_new(e, "pair", json_string(name)) | json_object_set_new(e, "n", json_integer(sims[k].n)) |
					   json_object_set_new(e, "m", json_integer(sims[k].m)) |
					   json_object_set_new(e, "states", json_string(sims[k].states)) | json_array_append_new(arr, e);
	}
	if (!bad)
		bad = json_object_set_new(j, "command", json_string("simulate")) | json_object_set_new(j, "rng", json_string("mt19937")) |
		      json_object_set_new(j, "seed", json_integer((json_int_t)o->seed)) | json_object_set_new(j, "n", json_integer(o->n_sim)) |
		      json_object_set_new(j, "params", phmm_params_to_json(p)) | json_object_set_new(j, "pairs", arr);
	else
		json_decref(arr);
	if (!bad) return j;
	json_decref(j);
	return NULL;
}

int phc_simulate(const phc_opts_t *o)
{
	phmm_params_t p;
	phmm_sim_t *sims = NULL;
	gsl_rng *rng = NULL;
	json_t *j = NULL;
	int64_t k, done = 0;
	int s;
	if ((s = phc_load_params(o, &p)) < 0) goto done;
	if ((sims = calloc(o->n_sim, sizeof *sims)) == NULL || (rng = gsl_rng_alloc(gsl_rng_mt19937)) == NULL) {
		phc_error("out of memory (%lld pairs)", (long long)o->n_sim);
		s = TS_ENOMEM;
		goto done;
	}
	gsl_rng_set(rng, o->seed);
	for (done = 0; done < o->n_sim; done++)
		if ((s = phmm_simulate(&p, rng, &sims[done])) < 0) {
			phc_error("simulating pair %lld: %s", (long long)done + 1, s == TS_ENOMEM ? "out of memory" : "failed");
			goto done;
		}
	ts_log(TS_LOG_INFO, "pairhmm", "%lld pairs simulated with seed %lu", (long long)o->n_sim, o->seed);
	if (o->json_path && (j = sim_json(o, &p, sims)) == NULL) {
		phc_error("out of memory");
		s = TS_ENOMEM;
		goto done;
	}
	{
		sims_t ss = {sims, o->n_sim};
		phc_output_t outs[3] = {
			{o->out_path ? o->out_path : "-", write_fasta, &ss},
			{o->aln_path, write_aln, &ss},
			{o->json_path, phc_write_json, j},
		};
		s = phc_write_outputs(outs, 3);
	}
done:
	for (k = 0; sims && k <= done && k < o->n_sim; k++) phmm_sim_free(&sims[k]);  /* a failed draw may hold memory too */
	free(sims);
	if (rng) gsl_rng_free(rng);
	json_decref(j);
	return ts_exit_code(s);
}
