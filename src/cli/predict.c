/* predict: `tessera predict` — class probabilities of sequences under a
 * trained cnn1d model, and optionally a saliency track (gradient × input).
 * Options and wiring only: the network in cnn1d/net, the file in
 * cnn1d/net_json. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli/cli.h"
#include "cnn1d/net.h"
#include "cnn1d/net_json.h"
#include "io/seqio.h"
#include "util/log.h"
#include "util/outfile.h"

static void usage(FILE *fp)
{
	fprintf(fp,
		"Usage: tessera predict -M MODEL.json [options] INPUT...\n\n"
		"Class probabilities of every sequence under a model from 'tessera train', as TSV:\n"
		"name, then one probability per class (header: name and the class names).\n"
		"INPUT: FASTA/FASTQ (plain or gzip; '-' for stdin), SAM/BAM/CRAM, or regions (-r, --bed).\n\n"
		"  -M, --model FILE         model (JSON) written by 'tessera train'\n"
		"  -o, --output FILE        write here, replaced only on success [stdout]\n"
		"      --saliency FILE      bedGraph of gradient x input at every base for the predicted\n"
		"                           class (its logit; -logit for class 0 of a two-class model)\n"
		"  -r, --region REG, --bed FILE, -T FILE, -f, -F, -q   as in 'tessera view'\n"
		CLI_COMMON_HELP);
}

enum { OPT_SALIENCY = CLI_OPT_CMD, OPT_BED };

static const struct option long_opts[] = {
	{"model", required_argument, NULL, 'M'},
	{"output", required_argument, NULL, 'o'},
	{"saliency", required_argument, NULL, OPT_SALIENCY},
	{"region", required_argument, NULL, 'r'},
	{"bed", required_argument, NULL, OPT_BED},
	{"reference", required_argument, NULL, 'T'},
	CLI_COMMON_LONGOPTS,
	{NULL, 0, NULL, 0}
};

typedef struct {
	const net_t *net;
	net_work_t work;
	uint8_t *x;
	double *sal;
	int cap;
	FILE *out, *bg;  /* bg: saliency, or NULL */
	int64_t n_seq;
} predictor_t;

/* Grow the buffers to len bases.  TS_OK or TS_ENOMEM. */
static int reserve(predictor_t *p, int len)
{
	uint8_t *x;
	double *sal;
	if (len <= p->cap) return TS_OK;
	net_work_free(&p->work);
	if ((x = realloc(p->x, len)) == NULL) return TS_ENOMEM;
	p->x = x;
	if ((sal = realloc(p->sal, len * sizeof *sal)) == NULL) return TS_ENOMEM;
	p->sal = sal;
	if (net_work_init(&p->work, p->net, len) < 0) return TS_ENOMEM;
	p->cap = len;
	return TS_OK;
}

static int predict_record(predictor_t *p, const sio_rec_t *rec, sio_kind_t kind, char *err)
{
	const net_t *net = p->net;
	/* regions of a reference: genomic coordinates; anything else: the record */
	const char *chrom = kind == SIO_FAIDX && rec->chrom ? rec->chrom : rec->name;
	int64_t base = kind == SIO_FAIDX ? rec->offset : 0, i;
	int c, len = (int)rec->n, s;
	char why[TS_ERRLEN];
	if (rec->n > 1000000000) return ts_fail(err, TS_EDATA, "sequence %s: longer than 10^9 bases", rec->name);
	if (net_check_len(net, len, why) < 0) return ts_fail(err, TS_EDATA, "sequence %s: %s", rec->name, why);
	if ((s = reserve(p, len)) < 0) return ts_fail(err, s, "out of memory for sequence %s", rec->name);
	for (i = 0; i < len; i++) p->x[i] = sio_nt16_to_nt4[SIO_NT16(rec->seq[i])];
	net_forward(net, p->x, len, &p->work);
	for (c = 0; c < net->a.n_class; c++)  /* a hand-edited model can overflow */
		if (!isfinite(p->work.prob[c]))
			return ts_fail(err, TS_EDATA, "sequence %s: the model's probabilities are not finite (its weights overflow the "
				       "activations: is the model file edited?)", rec->name);
	fputs(rec->name, p->out);
	for (c = 0; c < net->a.n_class; c++) fprintf(p->out, "\t%.6g", p->work.prob[c]);
	fputc('\n', p->out);
	if (p->bg) {
		net_saliency(net, p->x, len, net_argmax(net, &p->work), &p->work, p->sal);
		for (i = 0; i < len; i++)
			if (!isfinite(p->sal[i]))
				return ts_fail(err, TS_EDATA, "sequence %s: the saliency at base %lld is not finite (the model's weights overflow)",
					       rec->name, (long long)i + 1);
		for (i = 0; i < len; i++) fprintf(p->bg, "%s\t%lld\t%lld\t%.6g\n", chrom, (long long)(base + i), (long long)(base + i + 1), p->sal[i]);
	}
	p->n_seq++;
	return TS_OK;
}

static int predict_input(predictor_t *p, const char *path, const sio_opts_t *io, char *err)
{
	sio_opts_t whole = *io;
	sio_reader_t *r;
	sio_rec_t rec;
	int s;
	whole.chunk = whole.overlap = 0;
	if ((s = sio_open(&r, path, &whole, err)) < 0) return s;
	while ((s = sio_read(r, &rec)) == TS_OK)
		if ((s = predict_record(p, &rec, sio_kind(r), err)) < 0) {
			ts_fail_in(err, s, path);  /* the file of the sequence named */
			goto done;
		}
	s = s == TS_EOF ? TS_OK : ts_fail(err, s, "%s", sio_error(r));
done:
	sio_close(r);
	return s;
}

int cmd_predict(int argc, char **argv)
{
	const char *model = NULL, *out_path = "-", *sal_path = NULL;
	sio_opts_t io;
	net_t net = {0};
	predictor_t p;
	ts_outfile_t out = {0}, bg = {0};
	char err[TS_ERRLEN];
	int ch, s = TS_OK, i, c, exit_code = 1;
	memset(&p, 0, sizeof p);
	sio_opts_init(&io);
	while ((ch = getopt_long(argc, argv, "M:o:r:T:f:F:q:h", long_opts, NULL)) >= 0) {
		int k;
		switch (ch) {
		case 'M': model = optarg; break;
		case 'o': out_path = optarg; break;
		case OPT_SALIENCY: sal_path = optarg; break;
		case OPT_BED: io.bed = optarg; break;
		case 'h': usage(stdout); exit_code = 0; goto done;
		default:
			if ((k = cli_input_opt("predict", ch, optarg, &io)) < 0) {
				exit_code = k == CLI_NOMEM ? 3 : 1;
				goto done;
			}
			if (k || cli_common_opt(ch)) break;
			usage(stderr);
			goto done;
		}
	}
	if (model == NULL) {
		exit_code = cli_usage_error("predict", "no model given (-M MODEL.json)");
		goto done;
	}
	if (optind >= argc) {
		exit_code = cli_usage_error("predict", "no input given");
		goto done;
	}
	{
		const char *paths[2] = {out_path, sal_path}, *opts[2] = {"-o", "--saliency"};
		if (ts_outfile_distinct(paths, opts, 2, err) < 0) {
			exit_code = cli_usage_error("predict", "%s", err);
			goto done;
		}
	}
	if ((s = net_json_read(model, &net, err)) < 0) goto fail;
	p.net = &net;
	if ((s = ts_outfile_open(&out, out_path, err)) < 0) goto fail;
	p.out = out.fp;
	if (sal_path) {
		if ((s = ts_outfile_open(&bg, sal_path, err)) < 0) goto fail;
		p.bg = bg.fp;
	}
	fputs("name", p.out);
	for (c = 0; c < net.a.n_class; c++) fprintf(p.out, "\t%s", net.class_name[c]);
	fputc('\n', p.out);
	for (i = optind; i < argc; i++)
		if ((s = predict_input(&p, argv[i], &io, err)) < 0) goto fail;
	p.out = p.bg = NULL;
	{
		ts_outfile_t both[2] = {out, bg};  /* all or none */
		memset(&out, 0, sizeof out), memset(&bg, 0, sizeof bg);
		if ((s = ts_outfile_commit_all(both, 2, err)) < 0) goto fail;
	}
	ts_log(TS_LOG_INFO, "predict", "%lld sequences", (long long)p.n_seq);
	exit_code = 0;
	goto done;
fail:
	ts_log(TS_LOG_ERROR, "predict", "%s", err);
	exit_code = ts_exit_code(s);
	if (out.fp) ts_outfile_abort(&out);
	if (bg.fp) ts_outfile_abort(&bg);
done:
	net_work_free(&p.work);
	free(p.x);
	free(p.sal);
	net_free(&net);
	free(io.regions);
	return exit_code;
}
