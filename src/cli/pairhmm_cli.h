/* pairhmm_cli: what the files of `tessera pairhmm` share — the parsed
 * options, loading pairs and parameters, and the human report.  Private to
 * src/cli. */
#ifndef TS_PAIRHMM_CLI_H
#define TS_PAIRHMM_CLI_H

#include <stdint.h>
#include <stdio.h>
#include "io/pairs.h"
#include "pairhmm/dp.h"
#include "pairhmm/em.h"
#include "pairhmm/lrt.h"
#include "pairhmm/model.h"

/* Errors as "[E::pairhmm] file:line/record: message". */
#define phc_error(...) ts_log(TS_LOG_ERROR, "pairhmm", __VA_ARGS__)

typedef struct {
	const char *sub;                     /* fit, test, align, simulate */
	const char *pairs1, *pairs2;         /* PAIRS (or -1) and -2 */
	const char *params_path;             /* --params-in (fit, test) or --params (align, simulate) */
	const char *json_path, *out_path, *aln_path;
	const char *mqc_path, *sample;       /* --mqc (test), --sample */
	const char *tie_str, *null_str, *alt_str;
	unsigned tie, null_spec, alt_spec;
	phmm_em_opts_t em;
	int mea;
	int64_t n_sim;
	unsigned long seed;
	/* pairs from read alignments (--bam) */
	const char *bam, *ref;
	char **regions;
	int n_regions, flag_exclude, min_mapq, glocal;
	int64_t pad, band;      /* band: half-width; 0 unbanded */
	int boot_b, ci_b;       /* --bootstrap B, --ci B */
} phc_opts_t;

#define PHC_DEFAULT_BAND 32

int phc_fit(const phc_opts_t *o);
int phc_test(const phc_opts_t *o);
int phc_align(const phc_opts_t *o);
int phc_simulate(const phc_opts_t *o);

/* Loading, shared by fit, test and align: the pairs and their engine view,
 * and the start (or fixed) parameters.  Errors are logged here; the return
 * value is a status. */
typedef struct {
	pair_set_t *set;
	phmm_pair_t *view;
	int64_t residues;
} phc_input_t;

int phc_load_pairs(const phc_opts_t *o, phc_input_t *in);
void phc_input_free(phc_input_t *in);
int phc_load_params(const phc_opts_t *o, phmm_params_t *p);

/* One EM fit with progress at --verbose; `label` names it in logs. */
int phc_em(const phc_opts_t *o, const phc_input_t *in, unsigned spec, const phmm_params_t *start, const char *label,
	   phmm_fit_t *fit);

/* Outputs written together: each is opened (a temporary file beside it),
 * written, and only when all succeeded renamed into place.  A NULL path
 * skips the output; "-" is stdout. */
typedef struct {
	const char *path;
	int (*write)(FILE *fp, const void *arg);  /* 0 or a status */
	const void *arg;
} phc_output_t;

int phc_write_outputs(const phc_output_t *outs, int n);
int phc_write_json(FILE *fp, const void *json);  /* arg: a json_t */

/* {"command", "input": {"pairs1", "pairs2"}, "n_pairs", "n_residues"}, the
 * head of every JSON output that reads pairs; NULL when out of memory. */
struct json_t;
struct json_t *phc_json_head(const phc_opts_t *o, const phc_input_t *in);

/* The human report (pairhmm_report.c), in the manner of PAML's codeml. */
void phc_report_input(FILE *fp, const phc_opts_t *o, const phc_input_t *in);
void phc_report_model(FILE *fp, const char *label, const phmm_fit_t *f);
void phc_report_params(FILE *fp, const phmm_params_t *p);
void phc_report_lrt(FILE *fp, const phmm_fit_t *null, const phmm_fit_t *alt, const phmm_lrt_t *l, int reads);
void phc_report_alignment(FILE *fp, int64_t k, const pair_rec_t *pr, const phmm_aln_t *a);

/** The posterior line's character for probability p: '*' for p >= 0.95,
 *  else the digit floor(10p + 0.5) (0: p < 0.05, 1: [0.05, 0.15), …,
 *  9: [0.85, 0.95)), as in HMMER's PP line. */
char phc_pp_char(double p);

#endif
