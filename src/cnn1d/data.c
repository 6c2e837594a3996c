/* data: labelled sequences in memory (see data.h). */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cnn1d/data.h"
#include "io/peaks.h"
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
	s->set = DATA_SPLIT;
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

/* The windows become "{chrom}:beg-end" regions (braces: names may hold ':')
 * that seqio reads from the reference through its faidx source. */
int data_read_peaks(data_t *d, const char *bed, const char *ref, int flank, int label, int64_t *n_dropped,
		    int64_t *first_dropped, char *err)
{
	peaks_t pk;
	sio_opts_t o;
	char **reg = NULL;
	int i, s;
	if ((s = peaks_read(bed, ref, flank, &pk, err)) < 0) return s;
	*n_dropped = pk.n_dropped;
	*first_dropped = pk.first_dropped;
	if (pk.n == 0) {
		s = ts_fail(err, TS_EDATA, "%s: no peak has a window of %d bases inside the reference", bed, 2 * flank + 1);
		goto done;
	}
	if ((reg = calloc(pk.n, sizeof *reg)) == NULL) goto nomem;
	for (i = 0; i < pk.n; i++) {
		size_t len = strlen(pk.a[i].chrom) + 48;
		if ((reg[i] = malloc(len)) == NULL) goto nomem;
		snprintf(reg[i], len, "{%s}:%lld-%lld", pk.a[i].chrom, (long long)pk.a[i].beg + 1, (long long)pk.a[i].end);
	}
	sio_opts_init(&o);
	o.regions = reg;
	o.n_regions = pk.n;
	s = data_read(d, ref, label, &o, err);
	goto done;
nomem:
	s = ts_fail(err, TS_ENOMEM, "out of memory reading %s", bed);
done:
	for (i = 0; reg && i < pk.n; i++) free(reg[i]);
	free(reg);
	peaks_free(&pk);
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
