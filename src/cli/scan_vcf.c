/* scan_vcf: `tessera scan --vcf` — which variants make or break a motif
 * match.  For every ALT of every record (symbolic and breakend alleles are
 * skipped and counted), the reference and alternate windows around the
 * change (cnn1d/varscan.h) are scanned, in batches, by the scan engine
 * itself (its kernels, threads and threshold) to find the (variant, motif)
 * pairs with a window overlapping the change at p < thresh in either
 * allele; for those, the best overlapping window of each allele is scored
 * exactly and reported: scores, p-values, Δscore = alt − ref, log2 of
 * p_ref/p_alt, and gain/loss/neutral by --effect-thresh on that log ratio.
 *
 * REF is checked against the genome: a mismatch is a warning naming the
 * variant, which is skipped and counted.  Batches keep memory flat: the
 * variants of one batch, their windows and their records for --out-vcf. */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/mman.h>
#include <unistd.h>
#include <htslib/faidx.h>
#include <htslib/kstring.h>
#include <htslib/synced_bcf_reader.h>
#include <htslib/vcf.h>
#include "cli/scan_vcf.h"
#include "cnn1d/varscan.h"
#include "util/log.h"
#include "util/outfile.h"

#define vcf_error(...) ts_log(TS_LOG_ERROR, "scan", __VA_ARGS__)
#define BATCH 20000  /* alternate alleles per batch */

typedef struct {
	char *chrom, *id, *ref, *alt;
	int64_t pos;        /* 0-based */
	int rec;            /* record of the batch (for --out-vcf), alt index */
	int alt_index;
	vs_alleles_t win;
} var_t;

typedef struct {
	const scan_vcf_opts_t *o;
	const motif_set_t *set;
	pwm_t *pwm;
	int *active, flank;
	faidx_t *fai;
	var_t *v;
	int nv, cap_v;      /* a record's alleles always fit: v grows past BATCH */
	bcf1_t **recs;       /* --out-vcf: the batch's records, annotated in place */
	kstring_t *ann;      /* their TFBS annotations */
	int nrec;
	FILE *tsv;
	htsFile *vout;
	bcf_hdr_t *hdr;      /* the reader's (with TFBS when writing --out-vcf) */
	int n_ctg, n_id;     /* its contigs and tags when the output header was written */
	int batches;
	int64_t n_records, n_alleles, n_symbolic, n_same, n_mismatch, n_rows, n_outside;
} vcf_run_t;

static void var_free(var_t *v)
{
	free(v->chrom), free(v->id), free(v->ref), free(v->alt);
	vs_alleles_free(&v->win);
}

/* A symbolic (<DEL>), breakend (A[chr:1[), missing (*, .) or non-DNA allele. */
static int not_a_sequence(const char *a)
{
	if (!*a) return 1;
	for (; *a; a++)
		if (!strchr("ACGTNacgtn", *a)) return 1;
	return 0;
}

/* The windows of one REF → ALT, or 1 when REF does not match the genome (or
 * the position is past its end): a warning, and the variant is skipped. */
static int make_windows(vcf_run_t *r, var_t *v, char *err)
{
	int64_t lb, cb, ce, re, len, got, i, nr = (int64_t)strlen(v->ref);
	char *left = NULL, *right = NULL, *gref = NULL;
	int st = TS_OK;
	len = faidx_seq_len(r->fai, v->chrom);
	if (len < 0) {
		ts_log(TS_LOG_WARN, "scan", "%s:%lld %s: contig not in the reference %s: skipped", v->chrom, (long long)v->pos + 1, v->id,
		       r->o->ref);
		r->n_outside++;
		return 1;
	}
	if (v->pos + nr > len) {
		ts_log(TS_LOG_WARN, "scan", "%s:%lld %s: REF runs past the end of %s (%lld bp): skipped", v->chrom, (long long)v->pos + 1,
		       v->id, v->chrom, (long long)len);
		r->n_outside++;
		return 1;
	}
	if ((gref = faidx_fetch_seq64(r->fai, v->chrom, v->pos, v->pos + nr - 1, &got)) == NULL || got != nr)
		st = ts_fail(err, TS_EIO, "%s: cannot read %s:%lld-%lld", r->o->ref, v->chrom, (long long)v->pos + 1, (long long)(v->pos + nr));
	for (i = 0; st == TS_OK && i < nr; i++)
		if (toupper((unsigned char)gref[i]) != toupper((unsigned char)v->ref[i]) && toupper((unsigned char)v->ref[i]) != 'N') {
			ts_log(TS_LOG_WARN, "scan", "%s:%lld %s: REF %s but the reference has %.*s: skipped", v->chrom, (long long)v->pos + 1,
			       v->id, v->ref, (int)nr, gref);
			r->n_mismatch++;
			free(gref);
			return 1;
		}
	free(gref);
	if (st < 0) return st;
	vs_flank_range(v->ref, v->alt, v->pos, r->flank, &lb, &cb, &ce, &re);
	if (re > len) re = len;
	left = cb > lb ? faidx_fetch_seq64(r->fai, v->chrom, lb, cb - 1, &got) : strdup("");
	if (left == NULL || (cb > lb && got != cb - lb)) st = ts_fail(err, TS_EIO, "%s: cannot read %s", r->o->ref, v->chrom);
	if (st == TS_OK) {
		right = re > ce ? faidx_fetch_seq64(r->fai, v->chrom, ce, re - 1, &got) : strdup("");
		if (right == NULL || (re > ce && got != re - ce)) st = ts_fail(err, TS_EIO, "%s: cannot read %s", r->o->ref, v->chrom);
	}
	if (st == TS_OK && vs_alleles(v->ref, v->alt, v->pos, left, cb - lb, right, re - ce, &v->win) < 0) st = ts_fail(err, TS_ENOMEM, "out of memory");
	free(left);
	free(right);
	return st;
}

/* Phase 1: the batch's windows, one after the other with an N between
 * (windows holding N are not scanned), as one FASTA record in memory,
 * scanned by the scan engine; cand[j·n + k] is set when motif k has a
 * window overlapping the change of variant j at p < thresh in either allele. */
static int find_candidates(vcf_run_t *r, unsigned char *cand, char *err)
{
	const int n_mf = r->set->n, n_win = 2 * r->nv;
	scan_t *s = NULL;
	scan_opts_t so = *r->o->so;
	sio_opts_t io;
	char path[64];
	FILE *fp = NULL;
	scan_hit_t hit;
	const char *text;
	int64_t *off = malloc((n_win + 1) * sizeof *off), at = 0;
	int fd = -1, j, k, st;
	so.qvalues = 0, so.use_qv_thresh = 0, so.progress = 0, so.n_shards = 0;
	if (off == NULL) return ts_fail(err, TS_ENOMEM, "out of memory");
	if ((fd = memfd_create("tessera-vcf", 0)) < 0 || (fp = fdopen(fd, "w+")) == NULL) {
		if (fd >= 0) close(fd);
		free(off);
		return ts_fail(err, TS_EIO, "cannot create an in-memory file");
	}
	fputs(">windows\n", fp);
	for (j = 0; j < r->nv; j++)
		for (k = 0; k < 2; k++) {
			const vs_alleles_t *w = &r->v[j].win;
			int64_t t;
			off[2 * j + k] = at;
			for (t = 0; t < w->n[k]; t++) fputc("ACGTN"[w->nt4[k][t]], fp);
			fputc('N', fp);
			at += w->n[k] + 1;
		}
	off[n_win] = at;
	fputc('\n', fp);
	if (fflush(fp) != 0) {
		fclose(fp);
		free(off);
		return ts_fail(err, TS_ENOMEM, "out of memory writing the variant windows");
	}
	snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
	sio_opts_init(&io);
	{	/* the scan's warnings (motifs that cannot reach the threshold) once */
		int keep = ts_verbosity;
		if (r->batches++ > 0 && ts_verbosity > TS_LOG_ERROR) ts_verbosity = TS_LOG_ERROR;
		st = scan_init(&s, r->set, r->o->bg, r->o->pseudo, &so, err);
		ts_verbosity = keep;
	}
	if (st == TS_OK) st = scan_input(s, path, &io, 0, err);
	if (st == TS_OK) st = scan_finish(s, err);
	while (st == TS_OK && (st = scan_next_hit(s, &hit, &text)) == 1) {
		const scan_hit_t *h = &hit;
		{
			int lo = 0, hi = n_win - 1;
			while (lo < hi) {  /* the last window starting at or before the hit */
				int mid = (lo + hi + 1) / 2;
				if (off[mid] <= h->pos) lo = mid;
				else hi = mid - 1;
			}
			if (vs_overlaps(&r->v[lo / 2].win, lo % 2, h->pos - off[lo], r->pwm[h->motif].w))
				cand[(size_t)(lo / 2) * n_mf + h->motif] = 1;
		}
		st = TS_OK;
	}
	if (st < 0 && !err[0]) ts_fail(err, st, "cannot read the hits back from a temporary file");
	scan_free(s);
	fclose(fp);
	free(off);
	return st;
}

/* Genomic 1-based start of window s of allele k: the reference position for
 * a window starting before or after the change, the change's start for one
 * starting inside an insertion. */
static int64_t genomic_start(const vs_alleles_t *w, int k, int64_t s)
{
	if (s < w->a[k]) return w->ref_beg + s + 1;
	if (s >= w->b[k]) return w->ref_beg + w->b[0] + (s - w->b[k]) + 1;
	return w->ref_beg + w->a[0] + 1;
}

/* An INFO-safe copy of a name: no space, comma, semicolon, equals or bar. */
static void put_info_safe(kstring_t *ks, const char *t)
{
	for (; t && *t; t++) kputc(strchr(" ,;=|\t", *t) ? '_' : *t, ks);
}

/* Phase 2: the exact best window of each allele for every candidate. */
static int report_batch(vcf_run_t *r, const unsigned char *cand)
{
	const int n_mf = r->set->n, both = r->o->so->both_strands;
	int j, k;
	for (j = 0; j < r->nv; j++) {
		var_t *v = &r->v[j];
		for (k = 0; k < n_mf; k++) {
			vs_best_t b[2];
			double p[2] = {NAN, NAN}, d, lr;
			const char *effect;
			int a;
			if (!cand[(size_t)j * n_mf + k]) continue;
			for (a = 0; a < 2; a++) {
				vs_best(&r->pwm[k], &v->win, a, both, &b[a]);
				if (b[a].q >= 0) p[a] = pwm_pvalue(&r->pwm[k], b[a].q);
			}
			d = b[0].q >= 0 && b[1].q >= 0 ? b[1].score - b[0].score : NAN;
			lr = isfinite(p[0]) && isfinite(p[1]) ? log2(p[0] / p[1]) : NAN;
			effect = !isfinite(lr) ? (b[1].q < 0 ? "loss" : "gain") : lr >= r->o->effect_thresh ? "gain"
										   : lr <= -r->o->effect_thresh ? "loss" : "neutral";
			if (r->tsv) {
				fprintf(r->tsv, "%s\t%lld\t%s\t%s\t%s\t%s\t%s", v->chrom, (long long)v->pos + 1, v->id, v->ref, v->alt,
					r->set->a[k].id, r->set->a[k].alt ? r->set->a[k].alt : "");
				for (a = 0; a < 2; a++) {
					if (b[a].q < 0) fputs("\t.\tNA\tNA\tNA", r->tsv);
					else
						fprintf(r->tsv, "\t%c\t%lld\t%.6g\t%.3g", b[a].strand, (long long)genomic_start(&v->win, a, b[a].s),
							b[a].score, p[a]);
				}
				if (isfinite(d)) fprintf(r->tsv, "\t%.6g", d);
				else fputs("\tNA", r->tsv);
				if (isfinite(lr)) fprintf(r->tsv, "\t%.4g\t%s\n", lr, effect);
				else fprintf(r->tsv, "\tNA\t%s\n", effect);
			}
			if (r->vout) {
				kstring_t *ks = &r->ann[v->rec];
				if (ks->l) kputc(',', ks);
				ksprintf(ks, "%d|%s|", v->alt_index, r->set->a[k].id);
				put_info_safe(ks, r->set->a[k].alt);
				ksprintf(ks, "|%c|%.3g|%c|%.3g|", b[0].q >= 0 ? b[0].strand : '.', p[0], b[1].q >= 0 ? b[1].strand : '.', p[1]);
				if (isfinite(d)) ksprintf(ks, "%.4g", d);
				else kputs("NA", ks);
				ksprintf(ks, "|%s", effect);
			}
			r->n_rows++;
		}
	}
	return TS_OK;
}

static int flush_batch(vcf_run_t *r, char *err)
{
	unsigned char *cand = NULL;
	int j, st = TS_OK;
	if (r->nv > 0) {
		if ((cand = calloc((size_t)r->nv * r->set->n, 1)) == NULL) return ts_fail(err, TS_ENOMEM, "out of memory");
		st = find_candidates(r, cand, err);
		if (st == TS_OK) st = report_batch(r, cand);
		free(cand);
	}
	for (j = 0; st == TS_OK && r->vout && j < r->nrec; j++) {
		if (r->ann[j].l && bcf_update_info_string(r->hdr, r->recs[j], "TFBS", r->ann[j].s) < 0)
			st = ts_fail(err, TS_ENOMEM, "out of memory annotating a record");
		if (st == TS_OK && bcf_write(r->vout, r->hdr, r->recs[j]) < 0) st = ts_fail(err, TS_EIO, "%s: write failed", r->o->out_vcf);
	}
	for (j = 0; j < r->nrec; j++) {
		bcf_destroy(r->recs[j]);
		free(r->ann[j].s);
	}
	for (j = 0; j < r->nv; j++) var_free(&r->v[j]);
	r->nv = r->nrec = 0;
	if (st == TS_OK && r->tsv && ferror(r->tsv)) st = ts_fail(err, TS_EIO, "%s: write failed", r->o->out_path);
	return st;
}

/* A record htslib could not parse fully, or with no REF (a line of too few
 * columns, spaces for tabs): an error naming it, since it would otherwise be
 * scanned as nothing.  POS 0 (telomeric, VCF 4.1) is valid: its alleles are
 * outside the reference. */
static int check_record(vcf_run_t *r, bcf1_t *rec, char *err)
{
	const char *chrom = bcf_seqname(r->hdr, rec);
	/* an undeclared contig or tag is not an error: htslib declares it (below) */
	if ((rec->errcode & ~(BCF_ERR_CTG_UNDEF | BCF_ERR_TAG_UNDEF)) || rec->n_allele < 1 || chrom == NULL)
		return ts_fail(err, TS_EDATA, "%s: record %lld (%s:%lld) is malformed: %s", r->o->vcf, (long long)r->n_records,
			       chrom ? chrom : "?", (long long)rec->pos + 1,
			       rec->n_allele < 1 ? "no REF and ALT columns (are the columns separated by tabs?)" : "htslib could not parse it");
	/* htslib adds a contig or tag missing from the header to its copy as it
	 * meets it; the output header is written already, and a BCF refers to
	 * it by number */
	if (r->vout && hts_get_format(r->vout)->format == bcf &&
	    (r->hdr->n[BCF_DT_CTG] != r->n_ctg || r->hdr->n[BCF_DT_ID] != r->n_id))
		return ts_fail(err, TS_EDATA, "%s: record %lld (%s:%lld) uses a contig, INFO or FILTER not declared in the header, which "
			       "a BCF --out-vcf cannot hold: declare it (bcftools reheader) or write VCF", r->o->vcf, (long long)r->n_records,
			       chrom, (long long)rec->pos + 1);
	return TS_OK;
}

static int add_record(vcf_run_t *r, bcf1_t *rec, char *err)
{
	int i, rec_index = -1, st;
	bcf_unpack(rec, BCF_UN_STR);
	r->n_records++;
	if ((st = check_record(r, rec, err)) < 0) return st;
	if (r->nv + rec->n_allele > r->cap_v) {
		int cap = r->nv + rec->n_allele + BATCH / 4;
		var_t *v = realloc(r->v, (size_t)cap * sizeof *v);
		if (v == NULL) return ts_fail(err, TS_ENOMEM, "out of memory");
		r->v = v, r->cap_v = cap;
	}
	if (r->vout) {
		if ((r->recs[r->nrec] = bcf_dup(rec)) == NULL) return ts_fail(err, TS_ENOMEM, "out of memory");
		memset(&r->ann[r->nrec], 0, sizeof r->ann[r->nrec]);
		rec_index = r->nrec++;
	}
	for (i = 1; i < rec->n_allele; i++) {
		var_t *v = &r->v[r->nv];
		if (not_a_sequence(rec->d.allele[i]) || not_a_sequence(rec->d.allele[0])) {
			r->n_symbolic++;
			continue;
		}
		if (strcasecmp(rec->d.allele[i], rec->d.allele[0]) == 0) {  /* ALT = REF: nothing changes */
			r->n_same++;
			continue;
		}
		if (rec->pos < 0) {  /* POS 0: before the sequence */
			r->n_outside++;
			continue;
		}
		memset(v, 0, sizeof *v);
		v->chrom = strdup(bcf_seqname(r->hdr, rec));
		v->id = strdup(rec->d.id);
		v->ref = strdup(rec->d.allele[0]);
		v->alt = strdup(rec->d.allele[i]);
		v->pos = rec->pos;
		v->rec = rec_index;
		v->alt_index = i;
		if (!v->chrom || !v->id || !v->ref || !v->alt) {
			var_free(v);
			return ts_fail(err, TS_ENOMEM, "out of memory");
		}
		if ((st = make_windows(r, v, err)) != TS_OK) {
			var_free(v);
			if (st < 0) return st;
			continue;
		}
		r->n_alleles++;
		r->nv++;
	}
	return TS_OK;
}

/* Write to a temporary name beside the destination, renamed on success;
 * "-" is standard output (tmp left empty). */
static htsFile *open_vcf_out(const char *path, char *tmp, size_t size)
{
	size_t n = strlen(path);
	const char *mode = n > 4 && strcmp(path + n - 4, ".bcf") == 0 ? "wb" : n > 3 && strcmp(path + n - 3, ".gz") == 0 ? "wz" : "w";
	if (strcmp(path, "-") == 0) return tmp[0] = '\0', hts_open("-", "w");
	snprintf(tmp, size, "%s.tmp.%d", path, (int)getpid());
	return hts_open(tmp, mode);
}

/* Each -r region names a sequence of the reference, with start ≤ end: a
 * region that cannot hold a variant is a mistake, not an empty result. */
static int check_regions(const scan_vcf_opts_t *o, const faidx_t *fai, char *err)
{
	char *list = strdup(o->regions), *reg, *save = NULL;
	int st = TS_OK;
	if (list == NULL) return ts_fail(err, TS_ENOMEM, "out of memory");
	for (reg = strtok_r(list, ",", &save); reg && st == TS_OK; reg = strtok_r(NULL, ",", &save)) {
		int tid = -1;
		hts_pos_t beg = 0, end = 0;
		const char *e = fai_parse_region(fai, reg, &tid, &beg, &end, HTS_PARSE_THOUSANDS_SEP);
		if (e == NULL || *e != '\0' || tid < 0)
			st = ts_fail(err, TS_EUSAGE, "-r %s: not a region of %s (an unknown sequence, or the start after the end)", reg, o->ref);
		else if (beg < 0 || end <= beg)
			st = ts_fail(err, TS_EUSAGE, "-r %s: empty or reversed region (positions are 1-based, start <= end)", reg);
	}
	free(list);
	return st;
}

int scan_vcf_run(const scan_vcf_opts_t *o, const motif_set_t *set)
{
	vcf_run_t r;
	bcf_srs_t *sr = NULL;
	ts_outfile_t out = {0};
	char err[TS_ERRLEN] = "", vtmp[4096] = "";
	int k, st = TS_OK, out_open = 0;
	memset(&r, 0, sizeof r);
	r.o = o, r.set = set;
	if ((r.fai = fai_load(o->ref)) == NULL) {
		vcf_error("%s: cannot load the reference and its index (samtools faidx %s)", o->ref, o->ref);
		return 3;
	}
	r.pwm = calloc(set->n ? set->n : 1, sizeof *r.pwm);
	r.cap_v = BATCH + 64;
	r.v = calloc(r.cap_v, sizeof *r.v);
	if (!r.pwm || !r.v) {
		st = ts_fail(err, TS_ENOMEM, "out of memory");
		goto done;
	}
	for (k = 0; k < set->n; k++) {
		if (pwm_build(&r.pwm[k], &set->a[k], o->bg, o->pseudo) < 0) {
			st = ts_fail(err, TS_ENOMEM, "out of memory");
			goto done;
		}
		if (r.pwm[k].w - 1 > r.flank) r.flank = r.pwm[k].w - 1;
	}
	if ((sr = bcf_sr_init()) == NULL) {
		st = ts_fail(err, TS_ENOMEM, "out of memory");
		goto done;
	}
	if (o->regions && (st = check_regions(o, r.fai, err)) < 0) goto done;
	if (o->regions && bcf_sr_set_regions(sr, o->regions, 0) < 0) {
		st = ts_fail(err, TS_EUSAGE, "-r %s: not a region list", o->regions);
		goto done;
	}
	if (o->regions) bcf_sr_set_opt(sr, BCF_SR_REQUIRE_IDX);
	if (!bcf_sr_add_reader(sr, o->vcf)) {
		/* only a file that cannot be opened is an I/O error; a bad header,
		 * a plain VCF with -r, a missing index are the input's */
		st = ts_fail(err, sr->errnum == open_failed ? TS_EIO : sr->errnum == no_memory ? TS_ENOMEM : TS_EDATA, "%s: %s%s", o->vcf,
			     bcf_sr_strerror(sr->errnum),
			     o->regions && (sr->errnum == idx_load_failed || sr->errnum == not_bgzf) ? " (-r needs a bgzipped, indexed VCF: bgzip, then bcftools index)" : "");
		goto done;
	}
	r.hdr = bcf_sr_get_header(sr, 0);
	if ((st = ts_outfile_open(&out, o->out_path, err)) < 0) goto done;
	out_open = 1;
	r.tsv = out.fp;
	fputs("chrom\tpos\tid\tref\talt\tmotif_id\tmotif_alt_id\tstrand_ref\tstart_ref\tscore_ref\tp_ref\tstrand_alt\tstart_alt\t"
	      "score_alt\tp_alt\tdelta_score\tlog2_p_ratio\teffect\n", r.tsv);
	if (o->out_vcf) {
		r.recs = calloc(BATCH + 64, sizeof *r.recs);
		r.ann = calloc(BATCH + 64, sizeof *r.ann);
		if (!r.recs || !r.ann) {
			st = ts_fail(err, TS_ENOMEM, "out of memory");
			goto done;
		}
		/* TFBS goes into the reader's own header, so that the tags and
		 * contigs htslib adds to it while reading are written by name */
		if (bcf_hdr_append(r.hdr, "##INFO=<ID=TFBS,Number=.,Type=String,Description=\"Motif matches changed by the allele (tessera scan "
					  "--vcf): ALT index|motif id|motif name|ref strand|ref p-value|alt strand|alt p-value|delta score (bits)|"
					  "effect (gain, loss, neutral)\">") < 0 ||
		    bcf_hdr_sync(r.hdr) < 0) {
			st = ts_fail(err, TS_ENOMEM, "out of memory");
			goto done;
		}
		if ((r.vout = open_vcf_out(o->out_vcf, vtmp, sizeof vtmp)) == NULL || bcf_hdr_write(r.vout, r.hdr) < 0) {
			st = ts_fail(err, TS_EIO, "%s: cannot write", o->out_vcf);
			goto done;
		}
		r.n_ctg = r.hdr->n[BCF_DT_CTG], r.n_id = r.hdr->n[BCF_DT_ID];
	}
	while (st == TS_OK && bcf_sr_next_line(sr)) {
		bcf1_t *rec = bcf_sr_get_line(sr, 0);
		st = add_record(&r, rec, err);
		if (st == TS_OK && (r.nv >= BATCH || r.nrec >= BATCH)) st = flush_batch(&r, err);
	}
	if (st == TS_OK && sr->errnum) st = ts_fail(err, TS_EDATA, "%s: %s", o->vcf, bcf_sr_strerror(sr->errnum));
	if (st == TS_OK) st = flush_batch(&r, err);
	if (st == TS_OK && r.vout) {
		if (hts_close(r.vout) < 0) st = ts_fail(err, TS_EIO, "%s: write failed", o->out_vcf);
		else if (vtmp[0] && rename(vtmp, o->out_vcf) != 0) st = ts_fail(err, TS_EIO, "%s: cannot rename %s", o->out_vcf, vtmp);
		r.vout = NULL;
	}
	if (st == TS_OK) {
		out_open = 0;
		st = ts_outfile_commit(&out, err);
	}
	if (st == TS_OK)
		ts_log(TS_LOG_INFO, "scan", "%lld VCF records, %lld alleles scanned, %lld symbolic, breakend or non-ACGTN skipped, %lld REF mismatches "
					   "skipped, %lld outside the reference; %lld motif effects", (long long)r.n_records, (long long)r.n_alleles,
		       (long long)r.n_symbolic, (long long)r.n_mismatch, (long long)r.n_outside, (long long)r.n_rows);
	if (st == TS_OK && (r.n_symbolic || r.n_same || r.n_mismatch || r.n_outside))
		ts_log(TS_LOG_WARN, "scan", "skipped: %lld symbolic, breakend or non-ACGTN alleles, %lld equal to REF, %lld with REF not matching %s, "
					    "%lld outside it", (long long)r.n_symbolic, (long long)r.n_same, (long long)r.n_mismatch, o->ref,
		       (long long)r.n_outside);
done:
	if (st < 0) vcf_error("%s", err);
	if (out_open) ts_outfile_abort(&out);
	if (r.vout) {
		hts_close(r.vout);
		if (vtmp[0]) unlink(vtmp);
	}
	for (k = 0; k < r.nv; k++) var_free(&r.v[k]);
	for (k = 0; k < r.nrec; k++) bcf_destroy(r.recs[k]), free(r.ann[k].s);
	if (sr) bcf_sr_destroy(sr);
	for (k = 0; r.pwm && k < set->n; k++) pwm_free(&r.pwm[k]);
	free(r.pwm);
	free(r.v);
	free(r.recs);
	free(r.ann);
	fai_destroy(r.fai);
	return ts_exit_code(st);
}
