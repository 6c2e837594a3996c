/* test_pairs: pair sources (io/pairs) and pair-HMM parameter files
 * (pairhmm/json) — what the CLI reads before the engine sees anything.
 *
 * Pairing: records 1–2, 3–4 of one file, or record k of two files; an odd
 * count or unequal files are errors that name the record left without a
 * partner.  Parameters: written with 17 digits they read back exactly, and
 * every malformed field is an error naming the file and the field. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include "io/pairs.h"
#include "pairhmm/json.h"
#include "pairhmm/pairset.h"
#include "util/log.h"

#define FX "data/fixtures/pairhmm/"

static pair_set_t *read_ok(const char *p1, const char *p2)
{
	pair_set_t *s = NULL;
	char err[TS_ERRLEN] = "";
	int st = pairs_read(p1, p2, &s, err);
	cr_assert_eq(st, TS_OK, "pairs_read(%s, %s): %s", p1, p2 ? p2 : "NULL", err);
	return s;
}

static void assert_codes(const uint8_t *x, int64_t n, const char *want)
{
	int64_t i;
	cr_assert_eq(n, (int64_t)strlen(want));
	for (i = 0; i < n; i++) {
		static const char *letters = "=ACMGRSVTWYHKDBN";
		cr_assert_eq(x[i] & 0x10, 0, "soft-mask bit kept at %lld", (long long)i);
		cr_assert_eq(letters[x[i]], want[i], "base %lld: %c, want %c", (long long)i, letters[x[i]], want[i]);
	}
}

Test(pairs, consecutive_records)
{
	const char *files[] = {FX "pairs.fa", FX "pairs.fa.gz"};
	int f;
	for (f = 0; f < 2; f++) {
		pair_set_t *s = read_ok(files[f], NULL);
		cr_assert_eq(s->n, 2);
		cr_assert_str_eq(s->a[0].name1, "p1a");
		cr_assert_str_eq(s->a[0].name2, "p1b");
		cr_assert_str_eq(s->a[1].name1, "p2a");
		cr_assert_str_eq(s->a[1].name2, "p2b");
		assert_codes(s->a[0].x, s->a[0].n, "ACGTNACGTAC");  /* lowercase read as uppercase */
		assert_codes(s->a[0].y, s->a[0].m, "ACGGTACGTAC");
		assert_codes(s->a[1].x, s->a[1].n, "TTTT");
		assert_codes(s->a[1].y, s->a[1].m, "TTGTT");
		cr_assert_eq(pairs_residues(s), 11 + 11 + 4 + 5);
		pairs_free(s);
	}
}

Test(pairs, n_is_nt16_15)
{
	pair_set_t *s = read_ok(FX "pairs.fa", NULL);
	cr_assert_eq(s->a[0].x[4], 15);
	cr_assert_eq(s->a[0].x[5], 1);  /* 'a': A without the soft-mask bit */
	pairs_free(s);
}

Test(pairs, two_files_by_order)
{
	pair_set_t *s = read_ok(FX "a.fa", FX "b.fa");
	cr_assert_eq(s->n, 2);
	cr_assert_str_eq(s->a[0].name1, "a1");
	cr_assert_str_eq(s->a[0].name2, "b1");
	cr_assert_str_eq(s->a[1].name1, "a2");
	cr_assert_str_eq(s->a[1].name2, "b2");
	assert_codes(s->a[1].x, s->a[1].n, "GGCC");
	assert_codes(s->a[1].y, s->a[1].m, "GGC");
	pairs_free(s);
}

Test(pairs, engine_view_points_into_the_set)
{
	pair_set_t *s = read_ok(FX "pairs.fa", NULL);
	phmm_pair_t *v = phmm_pairs_view(s, 0);
	int64_t k;
	cr_assert_not_null(v);
	for (k = 0; k < s->n; k++) {
		cr_assert_eq(v[k].x, s->a[k].x);
		cr_assert_eq(v[k].n, s->a[k].n);
		cr_assert_eq(v[k].y, s->a[k].y);
		cr_assert_eq(v[k].m, s->a[k].m);
	}
	free(v);
	pairs_free(s);
}

Test(pairs, odd_count_names_the_last_record)
{
	pair_set_t *s = (pair_set_t *)1;
	char err[TS_ERRLEN];
	cr_assert_eq(pairs_read(FX "odd.fa", NULL, &s, err), TS_EDATA);
	cr_assert_null(s);
	cr_assert_str_eq(err, FX "odd.fa: odd number of records (3): record 3 'o3' has no partner");
}

Test(pairs, unequal_files_name_the_one_that_ran_out)
{
	pair_set_t *s;
	char err[TS_ERRLEN];
	const char *want = FX "b_short.fa: ran out after 1 records, but " FX "a.fa has 2: record 2 'a2' has no partner";
	cr_assert_eq(pairs_read(FX "a.fa", FX "b_short.fa", &s, err), TS_EDATA);
	cr_assert_str_eq(err, want);
	cr_assert_eq(pairs_read(FX "b_short.fa", FX "a.fa", &s, err), TS_EDATA);
	cr_assert_str_eq(err, want);
}

Test(pairs, missing_file_is_io_error)
{
	pair_set_t *s;
	char err[TS_ERRLEN];
	cr_assert_eq(pairs_read(FX "nonexistent.fa", NULL, &s, err), TS_EIO);
	cr_assert(strstr(err, "nonexistent.fa") != NULL, "%s", err);
}

/* Parameters far from round decimals, so the round trip is a real test. */
static void odd_params(phmm_params_t *p)
{
	int a, b;
	double s = 0;
	p->dX = 1.0 / 37;
	p->dY = M_PI / 100;
	p->eX = 1 / M_E;
	p->eY = 0.3333333333333333;
	p->tau = 1e-3 / 7;
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) s += p->p[a][b] = (a == b ? 10.0 : 1.0) / (3 + a + b);
	for (a = 0; a < 4; a++)
		for (b = 0; b < 4; b++) p->p[a][b] /= s;
	for (a = 0; a < 4; a++) {
		p->qX[a] = (a + 1) / 10.0;
		p->qY[a] = (4 - a) / 10.0;
	}
}

static void assert_params_near(const phmm_params_t *x, const phmm_params_t *y, double tol)
{
	int a, b;
	cr_assert_float_eq(x->dX, y->dX, tol);
	cr_assert_float_eq(x->dY, y->dY, tol);
	cr_assert_float_eq(x->eX, y->eX, tol);
	cr_assert_float_eq(x->eY, y->eY, tol);
	cr_assert_float_eq(x->tau, y->tau, tol);
	for (a = 0; a < 4; a++) {
		cr_assert_float_eq(x->qX[a], y->qX[a], tol);
		cr_assert_float_eq(x->qY[a], y->qY[a], tol);
		for (b = 0; b < 4; b++) cr_assert_float_eq(x->p[a][b], y->p[a][b], tol, "p[%d][%d]", a, b);
	}
}

Test(params_json, round_trip_through_a_file)
{
	phmm_params_t p, q;
	char err[TS_ERRLEN], path[] = "tests/tmp/params_rt.json";
	json_t *j;
	FILE *fp;
	odd_params(&p);
	cr_assert_not_null(j = phmm_params_to_json(&p));
	cr_assert_not_null(fp = fopen(path, "w"), "cannot write %s (run from the top directory)", path);
	cr_assert_eq(phmm_json_dump(j, fp), 0);
	fclose(fp);
	json_decref(j);
	memset(&q, 0, sizeof q);
	cr_assert_eq(phmm_params_read(path, &q, err), TS_OK, "%s", err);
	assert_params_near(&p, &q, 1e-15);
	cr_assert_eq(memcmp(&p, &q, sizeof p), 0, "17 digits should round-trip bit for bit");
}

Test(params_json, fit_json_is_a_parameter_file)
{
	phmm_fit_t f;
	phmm_params_t q;
	char err[TS_ERRLEN];
	json_t *j, *spec;
	memset(&f, 0, sizeof f);
	odd_params(&f.params);
	f.spec = PHMM_SPEC_TIED;
	f.np = 21;
	f.lnL = -1234.5;
	f.iterations = 7;
	f.converged = 1;
	cr_assert_not_null(j = phmm_fit_to_json(&f));
	cr_assert_eq(json_integer_value(json_object_get(j, "np")), 21);
	cr_assert_float_eq(json_real_value(json_object_get(j, "lnL")), -1234.5, 0);
	cr_assert(json_is_true(json_object_get(j, "converged")));
	spec = json_object_get(j, "spec");
	cr_assert(json_is_array(spec));
	cr_assert_eq(json_array_size(spec), 3);
	cr_assert_eq(phmm_params_from_json(j, "fit", &q, err), TS_OK, "%s", err);
	assert_params_near(&f.params, &q, 1e-15);
	json_decref(j);
}

Test(params_json, nested_and_top_level_files_agree)
{
	phmm_params_t a, b;
	char err[TS_ERRLEN];
	cr_assert_eq(phmm_params_read(FX "params.json", &a, err), TS_OK, "%s", err);
	cr_assert_eq(phmm_params_read(FX "params_nested.json", &b, err), TS_OK, "%s", err);
	assert_params_near(&a, &b, 0);
	cr_assert_float_eq(a.dY, 0.03, 0);
	cr_assert_float_eq(a.qY[3], 0.3, 0);
}

Test(params_json, non_finite_numbers_are_null)
{
	json_t *j = phmm_json_num(-INFINITY);
	cr_assert(json_is_null(j));
	json_decref(j);
}

/* Each malformed field, and the message naming it. */
Test(params_json, malformed_fields)
{
	static const struct {
		const char *file, *msg;
	} cases[] = {
		{"bad_missing.json", ": 'eY' is missing"},
		{"bad_type.json", ": 'dX' is not a number"},
		{"bad_len.json", ": 'qX' is not an array of 4 numbers (A, C, G, T)"},
		{"bad_row.json", ": 'match[2]'[1] is not a number"},
		{"bad_rows.json", ": 'match' is not an array of 4 rows (A, C, G, T)"},
		{"bad_syntax.json", ":2: unexpected token near '}'"},
	};
	size_t i;
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		phmm_params_t p;
		char err[TS_ERRLEN], path[256], want[512];
		snprintf(path, sizeof path, FX "%s", cases[i].file);
		snprintf(want, sizeof want, "%s%s", path, cases[i].msg);
		cr_assert_eq(phmm_params_read(path, &p, err), TS_EDATA, "%s: %s", path, err);
		cr_assert_str_eq(err, want);
	}
}

Test(params_json, out_of_range_is_rejected_by_the_model_check)
{
	phmm_params_t p;
	char err[TS_ERRLEN];
	cr_assert_eq(phmm_params_read(FX "bad_range.json", &p, err), TS_EDATA);
	cr_assert(strncmp(err, FX "bad_range.json: ", strlen(FX "bad_range.json: ")) == 0, "%s", err);
}

Test(params_json, missing_file_is_io_error)
{
	phmm_params_t p;
	char err[TS_ERRLEN];
	cr_assert_eq(phmm_params_read(FX "nonexistent.json", &p, err), TS_EIO);
	cr_assert_str_eq(err, FX "nonexistent.json: No such file or directory");
}
