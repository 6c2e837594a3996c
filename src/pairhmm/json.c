/* json: pair-HMM parameters, fits and tests to and from JSON.  See json.h. */
#include <errno.h>
#include <math.h>
#include <string.h>
#include "pairhmm/json.h"
#include "util/log.h"

json_t *phmm_json_num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

/* Set a member, taking the reference; a NULL value marks the object failed. */
static int put(json_t *o, const char *key, json_t *v)
{
	return v == NULL || json_object_set_new(o, key, v) < 0 ? -1 : 0;
}

static json_t *vec_to_json(const double *v, int n)
{
	json_t *a = json_array();
	int i;
	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, phmm_json_num(v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *phmm_params_to_json(const phmm_params_t *p)
{
	json_t *o = json_object(), *m = json_array();
	int a, bad = 0;
	if (o == NULL || m == NULL) goto fail;
	for (a = 0; a < 4; a++) bad |= json_array_append_new(m, vec_to_json(p->p[a], 4)) < 0;
	bad |= put(o, "dX", phmm_json_num(p->dX)) | put(o, "dY", phmm_json_num(p->dY));
	bad |= put(o, "eX", phmm_json_num(p->eX)) | put(o, "eY", phmm_json_num(p->eY));
	bad |= put(o, "tau", phmm_json_num(p->tau));
	bad |= put(o, "match", m);
	m = NULL;
	bad |= put(o, "qX", vec_to_json(p->qX, 4)) | put(o, "qY", vec_to_json(p->qY, 4));
	if (!bad) return o;
fail:
	json_decref(m);
	json_decref(o);
	return NULL;
}

/* One number field; integers are numbers too ("dX": 0). */
static int get_num(const json_t *o, const char *key, const char *what, double *v, char *err)
{
	json_t *x = json_object_get(o, key);
	if (x == NULL) return ts_fail(err, TS_EDATA, "%s: '%s' is missing", what, key);
	if (!json_is_number(x)) return ts_fail(err, TS_EDATA, "%s: '%s' is not a number", what, key);
	*v = json_number_value(x);
	return TS_OK;
}

/* An array of exactly n numbers; `label` is how messages name it. */
static int get_vec(const json_t *x, const char *label, const char *what, double *v, int n, char *err)
{
	int i;
	if (x == NULL) return ts_fail(err, TS_EDATA, "%s: '%s' is missing", what, label);
	if (!json_is_array(x) || (int)json_array_size(x) != n)
		return ts_fail(err, TS_EDATA, "%s: '%s' is not an array of %d numbers (A, C, G, T)", what, label, n);
	for (i = 0; i < n; i++) {
		json_t *e = json_array_get(x, i);
		if (!json_is_number(e)) return ts_fail(err, TS_EDATA, "%s: '%s'[%d] is not a number", what, label, i);
		v[i] = json_number_value(e);
	}
	return TS_OK;
}

static int get_match(const json_t *o, const char *what, double p[4][4], char *err)
{
	json_t *m = json_object_get(o, "match");
	char label[32];
	int a, s;
	if (m == NULL) return ts_fail(err, TS_EDATA, "%s: 'match' is missing", what);
	if (!json_is_array(m) || json_array_size(m) != 4)
		return ts_fail(err, TS_EDATA, "%s: 'match' is not an array of 4 rows (A, C, G, T)", what);
	for (a = 0; a < 4; a++) {
		snprintf(label, sizeof label, "match[%d]", a);
		if ((s = get_vec(json_array_get(m, a), label, what, p[a], 4, err)) < 0) return s;
	}
	return TS_OK;
}

int phmm_params_from_json(const json_t *j, const char *what, phmm_params_t *p, char *err)
{
	char why[TS_ERRLEN];
	json_t *nested;
	int s;
	if (!json_is_object(j)) return ts_fail(err, TS_EDATA, "%s: not a JSON object of pair-HMM parameters", what);
	if ((nested = json_object_get(j, "params")) != NULL) {
		if (!json_is_object(nested)) return ts_fail(err, TS_EDATA, "%s: 'params' is not an object", what);
		j = nested;
	}
	if ((s = get_num(j, "dX", what, &p->dX, err)) < 0 || (s = get_num(j, "dY", what, &p->dY, err)) < 0 ||
	    (s = get_num(j, "eX", what, &p->eX, err)) < 0 || (s = get_num(j, "eY", what, &p->eY, err)) < 0 ||
	    (s = get_num(j, "tau", what, &p->tau, err)) < 0 || (s = get_match(j, what, p->p, err)) < 0 ||
	    (s = get_vec(json_object_get(j, "qX"), "qX", what, p->qX, 4, err)) < 0 ||
	    (s = get_vec(json_object_get(j, "qY"), "qY", what, p->qY, 4, err)) < 0)
		return s;
	if ((s = phmm_params_check(p, why)) < 0) return ts_fail(err, TS_EDATA, "%s: %s", what, why);
	return TS_OK;
}

int phmm_params_read(const char *path, phmm_params_t *p, char *err)
{
	json_error_t je;
	json_t *j;
	FILE *fp = fopen(path, "r");
	int s;
	if (fp == NULL) return ts_fail(err, TS_EIO, "%s: %s", path, strerror(errno));
	j = json_loadf(fp, JSON_REJECT_DUPLICATES, &je);
	if (ferror(fp)) {  /* e.g. a directory: not a syntax error, an I/O one */
		int e = errno;
		json_decref(j);
		fclose(fp);
		return ts_fail(err, TS_EIO, "%s: read failed: %s", path, strerror(e));
	}
	fclose(fp);
	if (j == NULL) return ts_fail(err, TS_EDATA, "%s:%d: %s", path, je.line, je.text);
	s = phmm_params_from_json(j, path, p, err);
	json_decref(j);
	return s;
}

/* The spec as a list of group names ("none" is the empty list). */
static json_t *spec_to_json(unsigned spec)
{
	char buf[128], *tok, *save = NULL;
	json_t *a = json_array();
	phmm_tie_format(spec, buf, sizeof buf);
	if (a == NULL || strcmp(buf, "none") == 0) return a;
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save))
		if (json_array_append_new(a, json_string(tok)) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

json_t *phmm_fit_to_json(const phmm_fit_t *f)
{
	json_t *o = json_object();
	int bad;
	if (o == NULL) return NULL;
	bad = put(o, "spec", spec_to_json(f->spec)) | put(o, "np", json_integer(f->np)) | put(o, "lnL", phmm_json_num(f->lnL)) |
	      put(o, "iterations", json_integer(f->iterations)) | put(o, "converged", json_boolean(f->converged)) |
	      put(o, "params", phmm_params_to_json(&f->params));
	if (!bad) return o;
	json_decref(o);
	return NULL;
}

json_t *phmm_lrt_to_json(const phmm_lrt_t *l)
{
	json_t *o = json_object();
	int bad;
	if (o == NULL) return NULL;
	bad = put(o, "D", phmm_json_num(l->D)) | put(o, "df", json_integer(l->df)) | put(o, "p", phmm_json_num(l->p)) |
	      put(o, "aic_null", phmm_json_num(l->aic_null)) | put(o, "aic_alt", phmm_json_num(l->aic_alt)) |
	      put(o, "bic_null", phmm_json_num(l->bic_null)) | put(o, "bic_alt", phmm_json_num(l->bic_alt)) |
	      put(o, "open_ratio", phmm_json_num(l->open_ratio)) | put(o, "extend_ratio", phmm_json_num(l->extend_ratio)) |
	      put(o, "mean_gap_x", phmm_json_num(l->mean_gap_x)) | put(o, "mean_gap_y", phmm_json_num(l->mean_gap_y));
	if (!bad) return o;
	json_decref(o);
	return NULL;
}

int phmm_json_dump(const json_t *j, FILE *fp)
{
	if (json_dumpf(j, fp, JSON_INDENT(2) | JSON_REAL_PRECISION(17)) < 0 || fputc('\n', fp) == EOF) return TS_EIO;
	return ferror(fp) ? TS_EIO : TS_OK;
}
