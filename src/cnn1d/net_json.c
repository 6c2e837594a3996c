/* net_json: the model file (format in net_json.h). */
#include <errno.h>
#include <math.h>
#include <string.h>
#include "cnn1d/net_json.h"
#include "util/log.h"

static const char *const layer_names[] = {"conv", "local", NULL};
static const char *const act_names[] = {"relu", "exp", NULL};
static const char *const pool_names[] = {"", "max", "avg", "both", NULL};

static int put(json_t *o, const char *key, json_t *v)
{
	return v == NULL || json_object_set_new(o, key, v) < 0 ? -1 : 0;
}

static json_t *int_array(const int *v, int n)
{
	json_t *a = json_array();
	int i;
	for (i = 0; a && i < n; i++)
		if (json_array_append_new(a, json_integer(v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

static json_t *tensor(const double *x, const int *shape, int rank, const char *axes)
{
	json_t *o = json_object(), *d = json_array();
	size_t i, size = 1;
	int r, bad = 0;
	for (r = 0; r < rank; r++) size *= shape[r];
	for (i = 0; d && i < size; i++) bad |= json_array_append_new(d, json_real(x[i])) < 0;
	if (o == NULL || d == NULL || bad) goto fail;
	if (put(o, "shape", int_array(shape, rank)) < 0) goto fail;
	{
		char buf[128], *tok, *save = NULL;
		json_t *a = json_array();
		snprintf(buf, sizeof buf, "%s", axes);
		for (tok = strtok_r(buf, ",", &save); a && tok; tok = strtok_r(NULL, ",", &save)) bad |= json_array_append_new(a, json_string(tok)) < 0;
		if (bad) json_decref(a);
		if (bad || put(o, "axes", a) < 0) goto fail;
	}
	if (put(o, "data", d) < 0) {
		d = NULL;
		goto fail;
	}
	return o;
fail:
	json_decref(d);
	json_decref(o);
	return NULL;
}

static json_t *arch_json(const net_t *n)
{
	json_t *o = json_object(), *cl = json_array();
	int c, bad = 0;
	for (c = 0; cl && c < n->a.n_class; c++) bad |= json_array_append_new(cl, json_string(n->class_name[c])) < 0;
	if (o == NULL || cl == NULL || bad) {
		json_decref(cl);
		json_decref(o);
		return NULL;
	}
	bad |= put(o, "layer", json_string(layer_names[n->a.layer])) | put(o, "activation", json_string(act_names[n->a.act])) |
	       put(o, "pooling", json_string(pool_names[n->a.pool])) | put(o, "filters", json_integer(n->a.K)) |
	       put(o, "width", json_integer(n->a.W)) | put(o, "length", json_integer(n->a.len)) |
	       put(o, "rc_tie", json_boolean(n->a.rc_tie)) | put(o, "classes", cl) |
	       put(o, "output", json_string(n->n_out == 1 ? "sigmoid" : "softmax"));
	if (!bad) return o;
	json_decref(o);
	return NULL;
}

int net_json_write(const net_t *n, const json_t *training, FILE *fp)
{
	int cw[4] = {n->n_bank, n->a.W, 4, n->a.K}, cb[2] = {n->n_bank, n->a.K}, dw[2] = {n->n_out, n->n_feat}, db[1] = {n->n_out};
	json_t *o = json_object(), *t = json_object();
	size_t i;
	int bad = 0, s = TS_EIO;
	for (i = 0; i < n->n_param; i++)
		if (!isfinite(n->param[i])) {
			s = TS_EDATA;
			goto done;
		}
	if (o == NULL || t == NULL) goto done;
	bad |= put(t, "conv_w", tensor(n->conv_w, cw, 4, "bank,column,base,filter")) |
	       put(t, "conv_b", tensor(n->conv_b, cb, 2, "bank,filter")) |
	       put(t, "dense_w", tensor(n->dense_w, dw, 2, "output,feature")) | put(t, "dense_b", tensor(n->dense_b, db, 1, "output"));
	bad |= put(o, "format", json_string("tessera-cnn1d")) | put(o, "version", json_integer(NET_JSON_VERSION)) |
	       put(o, "architecture", arch_json(n)) | put(o, "tensors", t);
	t = NULL;
	if (training) bad |= json_object_set(o, "training", (json_t *)training) < 0;
	if (bad) goto done;
	if (json_dumpf(o, fp, JSON_INDENT(1) | JSON_REAL_PRECISION(17)) == 0 && fputc('\n', fp) != EOF && !ferror(fp)) s = TS_OK;
done:
	json_decref(t);
	json_decref(o);
	return s;
}

/* ---- reading: every field checked, every error names the file */

static int get_int(const json_t *o, const char *key, const char *path, int lo, int hi, int *v, char *err)
{
	json_t *x = json_object_get(o, key);
	if (x == NULL) return ts_fail(err, TS_EDATA, "%s: architecture: '%s' is missing", path, key);
	if (!json_is_integer(x) || json_integer_value(x) < lo || json_integer_value(x) > hi)
		return ts_fail(err, TS_EDATA, "%s: architecture: '%s' is not an integer in %d..%d", path, key, lo, hi);
	*v = (int)json_integer_value(x);
	return TS_OK;
}

static int get_name(const json_t *o, const char *key, const char *const *names, const char *path, int *v, char *err)
{
	const char *s = json_string_value(json_object_get(o, key));
	int i;
	if (s == NULL) return ts_fail(err, TS_EDATA, "%s: architecture: '%s' is missing or not a string", path, key);
	for (i = 0; names[i]; i++)
		if (names[i][0] && strcmp(s, names[i]) == 0) {
			*v = i;
			return TS_OK;
		}
	return ts_fail(err, TS_EDATA, "%s: architecture: '%s' is '%s', not a known value", path, key, s);
}

/* Tensor `key` of t has the shape the architecture implies and that many
 * numbers' room in 'data' (sizes in size_t: a shape may not fit an int). */
static int check_tensor(const json_t *t, const char *key, const size_t *shape, int rank, const char *path, char *err)
{
	json_t *o = json_object_get(t, key), *sh, *d;
	size_t size = 1;
	int r;
	if (!json_is_object(o)) return ts_fail(err, TS_EDATA, "%s: tensor '%s' is missing", path, key);
	sh = json_object_get(o, "shape");
	for (r = 0; r < rank; r++) size *= shape[r];
	if (!json_is_array(sh) || (int)json_array_size(sh) != rank)
		return ts_fail(err, TS_EDATA, "%s: tensor '%s': 'shape' is not %d integers", path, key, rank);
	for (r = 0; r < rank; r++)
		if ((size_t)json_integer_value(json_array_get(sh, r)) != shape[r] || !json_is_integer(json_array_get(sh, r)))
			return ts_fail(err, TS_EDATA, "%s: tensor '%s': shape[%d] is not %zu, as the architecture implies", path, key, r,
				       shape[r]);
	d = json_object_get(o, "data");
	if (!json_is_array(d) || json_array_size(d) != size)
		return ts_fail(err, TS_EDATA, "%s: tensor '%s': 'data' is not an array of %zu numbers", path, key, size);
	return TS_OK;
}

static int read_arch(const json_t *a, const json_t *t, const char *path, net_t *n, char *err)
{
	net_arch_t arch;
	json_t *cl = json_object_get(a, "classes"), *rc = json_object_get(a, "rc_tie");
	char **names = NULL, why[TS_ERRLEN];
	int s, c;
	if (!json_is_object(a)) return ts_fail(err, TS_EDATA, "%s: 'architecture' is missing or not an object", path);
	if ((s = get_name(a, "layer", layer_names, path, &arch.layer, err)) < 0 ||
	    (s = get_name(a, "activation", act_names, path, &arch.act, err)) < 0 ||
	    (s = get_name(a, "pooling", pool_names, path, &arch.pool, err)) < 0 ||
	    (s = get_int(a, "filters", path, 1, 100000, &arch.K, err)) < 0 ||
	    (s = get_int(a, "width", path, 1, 10000, &arch.W, err)) < 0 ||
	    (s = get_int(a, "length", path, 0, 1000000, &arch.len, err)) < 0)
		return s;
	if (!json_is_boolean(rc)) return ts_fail(err, TS_EDATA, "%s: architecture: 'rc_tie' is missing or not true/false", path);
	arch.rc_tie = json_is_true(rc);
	if (!json_is_array(cl) || json_array_size(cl) < 2 || json_array_size(cl) > 10000)
		return ts_fail(err, TS_EDATA, "%s: architecture: 'classes' is not an array of 2 or more names", path);
	arch.n_class = (int)json_array_size(cl);
	{	/* written by net_json_write; optional, but if given it must be what the classes imply */
		const json_t *out = json_object_get(a, "output");
		const char *want = arch.n_class == 2 ? "sigmoid" : "softmax";
		if (out && (!json_is_string(out) || strcmp(json_string_value(out), want) != 0))
			return ts_fail(err, TS_EDATA, "%s: architecture: 'output' must be \"%s\" for %d classes", path, want, arch.n_class);
	}
	if ((names = calloc(arch.n_class, sizeof *names)) == NULL) return ts_fail(err, TS_ENOMEM, "out of memory");
	for (c = 0; c < arch.n_class; c++)
		if ((names[c] = (char *)json_string_value(json_array_get(cl, c))) == NULL) {
			free(names);
			return ts_fail(err, TS_EDATA, "%s: architecture: classes[%d] is not a string", path, c);
		}
	{	/* a small file must not make a huge network: the convolution is
		 * checked before anything is allocated (net_init checks the rest) */
		size_t cw[4] = {arch.layer == NET_LOCAL && arch.len >= arch.W ? (size_t)(arch.len - arch.W + 1) : 1, (size_t)arch.W, 4,
				(size_t)arch.K};
		if (json_is_object(t) && (s = check_tensor(t, "conv_w", cw, 4, path, err)) < 0) {
			free(names);
			return s;
		}
	}
	s = net_init(n, &arch, names, why);
	free(names);
	if (s == TS_EUSAGE) return ts_fail(err, TS_EDATA, "%s: architecture: %s", path, why);
	return s < 0 ? ts_fail(err, s, "%s: %s", path, why) : TS_OK;
}

static int read_tensor(const json_t *t, const char *key, const int *shape, int rank, double *x, const char *path, char *err)
{
	json_t *d;
	size_t i, size = 1, sz[4];
	int r, s;
	for (r = 0; r < rank; r++) sz[r] = (size_t)shape[r], size *= sz[r];
	if ((s = check_tensor(t, key, sz, rank, path, err)) < 0) return s;
	d = json_object_get(json_object_get(t, key), "data");
	for (i = 0; i < size; i++) {
		json_t *v = json_array_get(d, i);
		if (!json_is_number(v)) return ts_fail(err, TS_EDATA, "%s: tensor '%s': data[%zu] is not a number", path, key, i);
		x[i] = json_number_value(v);
	}
	return TS_OK;
}

static int read_model(const json_t *j, const char *path, net_t *n, char *err)
{
	json_t *v = json_object_get(j, "version"), *t;
	const char *fmt = json_string_value(json_object_get(j, "format"));
	int s;
	if (!json_is_object(j) || fmt == NULL || strcmp(fmt, "tessera-cnn1d") != 0)
		return ts_fail(err, TS_EDATA, "%s: not a tessera cnn1d model (no \"format\": \"tessera-cnn1d\")", path);
	if (!json_is_integer(v) || json_integer_value(v) < 1)
		return ts_fail(err, TS_EDATA, "%s: 'version' is missing or not a positive integer", path);
	if (json_integer_value(v) > NET_JSON_VERSION)
		return ts_fail(err, TS_EDATA, "%s: model version %lld is newer than this tessera reads (%d): upgrade tessera", path,
			       (long long)json_integer_value(v), NET_JSON_VERSION);
	t = json_object_get(j, "tensors");
	if ((s = read_arch(json_object_get(j, "architecture"), t, path, n, err)) < 0) return s;
	{
		int cw[4] = {n->n_bank, n->a.W, 4, n->a.K}, cb[2] = {n->n_bank, n->a.K}, dw[2] = {n->n_out, n->n_feat},
		    db[1] = {n->n_out};
		if (!json_is_object(t)) s = ts_fail(err, TS_EDATA, "%s: 'tensors' is missing or not an object", path);
		else if ((s = read_tensor(t, "conv_w", cw, 4, n->conv_w, path, err)) == TS_OK &&
			 (s = read_tensor(t, "conv_b", cb, 2, n->conv_b, path, err)) == TS_OK &&
			 (s = read_tensor(t, "dense_w", dw, 2, n->dense_w, path, err)) == TS_OK)
			s = read_tensor(t, "dense_b", db, 1, n->dense_b, path, err);
	}
	if (s < 0) net_free(n);
	return s;
}

int net_json_read(const char *path, net_t *n, char *err)
{
	json_error_t je;
	json_t *j;
	FILE *fp = fopen(path, "r");
	int s;
	memset(n, 0, sizeof *n);
	if (fp == NULL) return ts_fail(err, TS_EIO, "%s: %s", path, strerror(errno));
	j = json_loadf(fp, JSON_REJECT_DUPLICATES, &je);
	fclose(fp);
	if (j == NULL) return ts_fail(err, TS_EDATA, "%s:%d: not valid JSON: %s", path, je.line, je.text);
	s = read_model(j, path, n, err);
	json_decref(j);
	return s;
}
