/* data: labelled sequences in memory (see data.h). */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "cnn1d/data.h"
#include "util/log.h"

int data_add(data_t *d, const char *name, uint8_t *x, int len, int label, int64_t offset)
{
	data_seq_t *s;
	if (d->n == d->m) {
		int m = d->m ? 2 * d->m : 64;
		data_seq_t *a = realloc(d->a, m * sizeof *a);
		if (a == NULL) {
			free(x);
			return TS_ENOMEM;
		}
		d->a = a;
		d->m = m;
	}
	s = &d->a[d->n];
	if ((s->name = strdup(name)) == NULL) {
		free(x);
		return TS_ENOMEM;
	}
	s->x = x;
	s->len = len;
	s->label = label;
	s->offset = offset;
	d->n++;
	if (len > d->max_len) d->max_len = len;
	return TS_OK;
}

int data_read(data_t *d, const char *path, int label, const sio_opts_t *o, char *err)
{
	sio_opts_t whole = *o;
	sio_reader_t *r;
	sio_rec_t rec;
	int s;
	whole.chunk = whole.overlap = 0;
	if ((s = sio_open(&r, path, &whole, err)) < 0) return s;
	while ((s = sio_read(r, &rec)) == TS_OK) {
		uint8_t *x;
		int64_t i;
		if (rec.n > INT_MAX / 2) {
			s = ts_fail(err, TS_EDATA, "%s: record %s is longer than %d bases", path, rec.name, INT_MAX / 2);
			goto done;
		}
		if ((x = malloc(rec.n > 0 ? rec.n : 1)) == NULL) {
			s = ts_fail(err, TS_ENOMEM, "out of memory reading %s", path);
			goto done;
		}
		for (i = 0; i < rec.n; i++) x[i] = sio_nt16_to_nt4[SIO_NT16(rec.seq[i])];
		if ((s = data_add(d, rec.name, x, (int)rec.n, label, rec.offset)) < 0) {
			ts_fail(err, s, "out of memory reading %s", path);
			goto done;
		}
	}
	s = s == TS_EOF ? TS_OK : ts_fail(err, s, "%s", sio_error(r));
done:
	sio_close(r);
	return s;
}

void data_free(data_t *d)
{
	int i;
	for (i = 0; i < d->n; i++) {
		free(d->a[i].name);
		free(d->a[i].x);
	}
	free(d->a);
	memset(d, 0, sizeof *d);
}
