/* test_motif: the three motif formats agree on the JASPAR 2024 release, MEME
 * output reads back unchanged, and every malformed fixture is rejected with
 * its exact "file:line: message". */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <htslib/kstring.h>
#include "io/motif.h"
#include "util/log.h"

#define FIX "data/fixtures/motif/"
#define JASPAR_TRANSFAC "data/motifs/JASPAR2024_CORE_vertebrates_non-redundant_pfms_transfac.txt"
#define JASPAR_MEME FIX "JASPAR2024_CORE_vertebrates_non-redundant.from_transfac.meme.gz"
#define JASPAR_JASPAR FIX "JASPAR2024_CORE_vertebrates_non-redundant.from_transfac.jaspar.gz"

static motif_set_t *read_ok(const char *path)
{
	char err[TS_ERRLEN] = "";
	motif_set_t *set = NULL;
	int st = motif_read(path, &set, err);
	cr_assert_eq(st, TS_OK, "%s: %s", path, err);
	return set;
}

static void assert_same_matrices(const motif_set_t *a, const motif_set_t *b, double eps, int same_alt)
{
	int i, k;
	cr_assert_eq(a->n, b->n);
	for (i = 0; i < a->n; i++) {
		const motif_t *x = &a->a[i], *y = &b->a[i];
		cr_assert_str_eq(x->id, y->id);
		if (same_alt) {
			cr_assert_eq(x->alt == NULL, y->alt == NULL, "%s", x->id);
			if (x->alt) cr_assert_str_eq(x->alt, y->alt);
		}
		cr_assert_eq(x->w, y->w, "%s", x->id);
		for (k = 0; k < 4 * x->w; k++)
			cr_assert(fabs(x->p[k] - y->p[k]) <= eps, "%s[%d]: %.9f vs %.9f", x->id, k, x->p[k], y->p[k]);
	}
}

/* JASPAR's own three exports of the same release.  The MEME file prints
 * count/total with 6 decimals (error <= 5e-7), so 1e-6 holds for it too. */
Test(motif, jaspar_release_three_formats_agree)
{
	motif_set_t *tf = read_ok(JASPAR_TRANSFAC), *ja = read_ok(JASPAR_JASPAR), *me = read_ok(JASPAR_MEME);
	int i;
	cr_assert_eq(tf->n, 879);
	cr_assert_eq(tf->format, MOTIF_FMT_TRANSFAC);
	cr_assert_eq(ja->format, MOTIF_FMT_JASPAR);
	cr_assert_eq(me->format, MOTIF_FMT_MEME);
	assert_same_matrices(tf, ja, 1e-12, 1);
	assert_same_matrices(tf, me, 1e-6, 1);
	cr_assert_str_eq(tf->a[0].id, "MA0004.1");
	cr_assert_str_eq(tf->a[0].alt, "Arnt");
	cr_assert_eq(tf->a[0].w, 6);
	cr_assert_float_eq(tf->a[0].p[0], 0.2, 1e-12);
	for (i = 0; i < tf->n; i++) {
		/* nsites from counts follows JASPAR's MEME export exactly */
		cr_assert_float_eq(tf->a[i].nsites, ja->a[i].nsites, 1e-9, "%s", tf->a[i].id);
		cr_assert_float_eq(tf->a[i].nsites, me->a[i].nsites, 1e-9, "%s", tf->a[i].id);
		cr_assert(me->a[i].url != NULL);
	}
	cr_assert_eq(me->has_bg, 1);
	cr_assert_eq(ja->has_bg, 0);
	motif_set_free(tf);
	motif_set_free(ja);
	motif_set_free(me);
}

static motif_set_t *write_and_read(const motif_set_t *set, const char *path)
{
	FILE *fp;
	mkdir("tests/tmp", 0777);
	cr_assert((fp = fopen(path, "w")) != NULL);
	cr_assert_eq(motif_write_meme(fp, set), 0);
	cr_assert_eq(fclose(fp), 0);
	return read_ok(path);
}

static void assert_round_trip(const char *in, const char *tmp)
{
	motif_set_t *a = read_ok(in), *b = write_and_read(a, tmp);
	int i, k;
	assert_same_matrices(a, b, 1e-6, 1);
	cr_assert_eq(b->has_bg, 1);
	cr_assert_eq(a->strands, b->strands);
	for (k = 0; k < 4; k++) cr_assert_float_eq(a->bg[k], b->bg[k], 1e-6);
	for (i = 0; i < a->n; i++) {
		cr_assert_float_eq(a->a[i].nsites, b->a[i].nsites, 1e-9);
		cr_assert_float_eq(a->a[i].evalue, b->a[i].evalue, 1e-15);
		cr_assert_eq(a->a[i].url == NULL, b->a[i].url == NULL);
		if (a->a[i].url) cr_assert_str_eq(a->a[i].url, b->a[i].url);
	}
	motif_set_free(a);
	motif_set_free(b);
}

Test(motif, round_trip_jaspar_meme) { assert_round_trip(JASPAR_MEME, "tests/tmp/motif_rt1.meme"); }
Test(motif, round_trip_small_meme) { assert_round_trip(FIX "ok.meme", "tests/tmp/motif_rt2.meme"); }
Test(motif, round_trip_strands_plus) { assert_round_trip(FIX "ok_plus_nobg.meme", "tests/tmp/motif_rt3.meme"); }

Test(motif, meme_fields)
{
	motif_set_t *s = read_ok(FIX "ok.meme");
	cr_assert_eq(s->format, MOTIF_FMT_MEME);
	cr_assert_eq(s->n, 2);
	cr_assert_eq(s->has_bg, 1);
	cr_assert_float_eq(s->bg[0], 0.3, 1e-12);
	cr_assert_float_eq(s->bg[1], 0.2, 1e-12);
	cr_assert_eq(s->strands, 2);
	cr_assert_str_eq(s->a[0].alt, "AGL3");
	cr_assert_float_eq(s->a[0].nsites, 12.5, 1e-12);
	cr_assert_float_eq(s->a[0].evalue, 4.1e-9, 1e-20);
	cr_assert_str_eq(s->a[0].url, "http://jaspar.genereg.net/matrix/MA0001.1");
	cr_assert_eq(s->a[0].line, 11);
	/* the second motif's log-odds section is skipped, nsites defaults to 20 */
	cr_assert_null(s->a[1].alt);
	cr_assert_eq(s->a[1].w, 2);
	cr_assert_float_eq(s->a[1].nsites, 20, 1e-12);
	cr_assert_float_eq(s->a[1].p[7], 1.0, 1e-12);
	cr_assert_eq(motif_find(s, "M2"), 1);
	cr_assert_eq(motif_find(s, "nope"), -1);
	motif_set_free(s);
}

Test(motif, meme_no_background_strands_plus)
{
	motif_set_t *s = read_ok(FIX "ok_plus_nobg.meme");
	int b;
	cr_assert_eq(s->has_bg, 0);
	for (b = 0; b < 4; b++) cr_assert_float_eq(s->bg[b], 0.25, 1e-15);
	cr_assert_eq(s->strands, 1);
	cr_assert_eq(s->a[0].w, 2);
	motif_set_free(s);
}

Test(motif, meme_custom_dna_alphabet)
{
	motif_set_t *s = read_ok(FIX "ok_custom_alphabet.meme");
	cr_assert_eq(s->n, 1);
	motif_set_free(s);
}

/* CRLF line ends, P0 columns in T C G A order, consensus letters, and the
 * id/alt rules: AC+ID -> (AC, ID); ID+NA -> (ID, NA); ID only -> (ID, none). */
Test(motif, transfac_crlf_and_names)
{
	motif_set_t *s = read_ok(FIX "ok_crlf.transfac");
	static const double row1[4] = {0.4, 0.2, 0.3, 0.1};
	int b;
	cr_assert_eq(s->format, MOTIF_FMT_TRANSFAC);
	cr_assert_eq(s->n, 3);
	cr_assert_str_eq(s->a[0].id, "MA0001.1");
	cr_assert_str_eq(s->a[0].alt, "AGL3");
	cr_assert_str_eq(s->a[1].id, "NoAc");
	cr_assert_str_eq(s->a[1].alt, "named");
	cr_assert_str_eq(s->a[2].id, "Bare");
	cr_assert_null(s->a[2].alt);
	for (b = 0; b < 4; b++) cr_assert_float_eq(s->a[0].p[b], row1[b], 1e-12);
	cr_assert_float_eq(s->a[0].nsites, 10, 1e-12);
	motif_set_free(s);
}

/* Decimal counts, unequal position totals (nsites = first total, rounded), the bare
 * pfm variant and a last line without '\n'. */
Test(motif, jaspar_no_final_newline)
{
	motif_set_t *s = read_ok(FIX "ok_nonl.jaspar");
	cr_assert_eq(s->format, MOTIF_FMT_JASPAR);
	cr_assert_eq(s->n, 2);
	cr_assert_float_eq(s->a[0].nsites, 20, 1e-12);
	cr_assert_float_eq(s->a[0].p[8], 0.5 / 20.5, 1e-12);
	cr_assert_null(s->a[1].alt);
	cr_assert_float_eq(s->a[1].p[3], 7.0 / 16, 1e-12);
	cr_assert_float_eq(s->a[1].p[7], 8.0 / 20, 1e-12);
	motif_set_free(s);
}

Test(motif, read_mem_and_detection)
{
	static const char meme[] = "\n\n  MEME version 4\nMOTIF a\nletter-probability matrix:\n1 0 0 0";
	static const char jaspar[] = ">x\n1\n2\n3\n4\n";
	static const char transfac[] = "ID x\nP0 A C G T\n01 1 1 1 1\n//";
	char err[TS_ERRLEN];
	motif_set_t *s;
	cr_assert_eq(motif_read_mem("m", meme, sizeof meme - 1, &s, err), TS_OK, "%s", err);
	cr_assert_eq(s->format, MOTIF_FMT_MEME);
	motif_set_free(s);
	cr_assert_eq(motif_read_mem("j", jaspar, sizeof jaspar - 1, &s, err), TS_OK, "%s", err);
	cr_assert_eq(s->format, MOTIF_FMT_JASPAR);
	motif_set_free(s);
	cr_assert_eq(motif_read_mem("t", transfac, sizeof transfac - 1, &s, err), TS_OK, "%s", err);
	cr_assert_eq(s->format, MOTIF_FMT_TRANSFAC);
	motif_set_free(s);
	cr_assert_eq(motif_read_mem("x", "MOTIF a\n", 8, &s, err), TS_EDATA);
	cr_assert_null(s);
	cr_assert_str_eq(err, "x:1: not a MEME, JASPAR or TRANSFAC motif file");
	cr_assert_str_eq(motif_format_name(MOTIF_FMT_TRANSFAC), "TRANSFAC");
}

Test(motif, missing_file_is_io_error)
{
	char err[TS_ERRLEN];
	motif_set_t *s;
	cr_assert_eq(motif_read(FIX "no_such_file.meme", &s, err), TS_EIO);
	cr_assert_str_eq(err, FIX "no_such_file.meme: No such file or directory");
}

/* Arrays, not pointers: Criterion re-runs the binary for each case, so
 * addresses of string literals need not survive the trip. */
struct bad_case {
	char file[64];
	char msg[160];  /* after "path:" */
};

ParameterizedTestParameters(motif, malformed)
{
	static struct bad_case cases[] = {
		{"bad_rowsum.meme", "14: position 3 of motif MA0001.1 sums to 0.900000, not 1"},
		{"bad_negative.meme", "12: negative value -0.1"},
		{"bad_number.meme", "12: '0.2x' is not a finite number"},
		{"bad_nan.meme", "13: 'nan' is not a finite number"},
		{"bad_inf.jaspar", "2: 'inf' is not a finite number"},
		{"bad_wlong.meme", "13: motif MA0001.1 has more rows than w= 1"},
		{"bad_truncated.meme", "13: motif MA0001.1 ends after 2 of w= 3 rows"},
		{"bad_columns.meme", "13: row has 3 values, expected 4 (A C G T)"},
		{"bad_columns.transfac", "5: row has 5 values, expected 4 (A C G T)"},
		{"bad_alength.meme", "11: alength= 20: only the 4-letter DNA alphabet is supported"},
		{"bad_alphabet.meme", "3: alphabet ACDEFGHIKLMNPQRSTVWY is not supported (only DNA ACGT)"},
		{"bad_custom_alphabet.meme", "3: only the DNA alphabet ACGT is supported"},
		{"bad_p0.transfac", "2: P0 header must name the 4 columns A, C, G and T"},
		{"bad_empty.meme", "11: motif MA0001.1 is empty (w= 0)"},
		{"bad_norows.meme", "12: motif MA0001.1 has no matrix rows"},
		{"bad_empty.transfac", "1: motif MA0001.1 has no matrix rows"},
		{"bad_duplicate.meme", "16: duplicate motif id MA0001.1 (first at line 10)"},
		{"bad_duplicate.transfac", "6: duplicate motif id MA0001.1 (first at line 1)"},
		{"bad_unterminated.transfac", "7: file ends inside the record starting at line 1 (no '//')"},
		{"bad_short.jaspar", "1: motif MA0001.1 has 3 rows, expected 4 (A, C, G, T)"},
		{"bad_unequal.jaspar", "4: row G of motif MA0001.1 has 2 counts, row A has 3"},
		{"bad_zero.jaspar", "1: position 2 of motif MA0001.1 has no counts (all zero)"},
		{"bad_overflow.jaspar", "1: position 1 of motif MA0001.1: the counts are too large to add up"},
		{"bad_bracket.jaspar", "2: row of motif MA0001.1: unbalanced '[' ']' (expected 'A [ counts ]')"},
		{"bad_zero.transfac", "5: position 2 of motif MA0001.1 has no counts (all zero)"},
		{"bad_bgsum.meme", "3: background frequencies sum to 1.200000, not 1"},
		{"bad_nomotifs.meme", "9: no motifs found"},
		{"bad_empty.txt", "1: no motifs found"},
		{"bad_format.txt", "2: not a MEME, JASPAR or TRANSFAC motif file"},
	};
	return cr_make_param_array(struct bad_case, cases, sizeof cases / sizeof cases[0]);
}

ParameterizedTest(struct bad_case *c, motif, malformed)
{
	char path[256], expect[TS_ERRLEN], err[TS_ERRLEN] = "";
	motif_set_t *s = (motif_set_t *)1;
	snprintf(path, sizeof path, FIX "%s", c->file);
	snprintf(expect, sizeof expect, "%s:%s", path, c->msg);
	cr_assert_eq(motif_read(path, &s, err), TS_EDATA, "%s accepted", path);
	cr_assert_null(s);
	cr_assert_str_eq(err, expect);
}

/* Ids are checked through a table that grows with the set: 3,000 distinct
 * ids are read, and a duplicate of an early one far down the file is found
 * and named with its first line. */
Test(motif, duplicate_id_in_a_large_file)
{
	kstring_t t = {0, 0, NULL};
	motif_set_t *s = NULL;
	char err[TS_ERRLEN] = "";
	int i;
	for (i = 0; i < 3000; i++) ksprintf(&t, ">M%d\nA [ 1 2 ]\nC [ 1 0 ]\nG [ 0 1 ]\nT [ 2 1 ]\n", i);
	cr_assert_eq(motif_read_mem("big", t.s, t.l, &s, err), TS_OK, "%s", err);
	cr_assert_eq(s->n, 3000);
	cr_assert_eq(motif_find(s, "M2999"), 2999);
	motif_set_free(s);
	ksprintf(&t, ">M7\nA [ 1 ]\nC [ 1 ]\nG [ 1 ]\nT [ 1 ]\n");
	cr_assert_eq(motif_read_mem("big", t.s, t.l, &s, err), TS_EDATA);
	cr_assert_str_eq(err, "big:15001: duplicate motif id M7 (first at line 36)");
	free(t.s);
}

/* A gzip file cut short is reported as truncated, not parsed as far as it
 * goes (the cut could fall between motifs and lose the rest silently). */
Test(motif, truncated_gzip)
{
	motif_set_t *set = NULL;
	char err[TS_ERRLEN];
	cr_assert_eq(motif_read("data/fixtures/bad/truncated.meme.gz", &set, err), TS_EDATA);
	cr_assert_null(set);
	cr_assert_str_eq(err, "data/fixtures/bad/truncated.meme.gz: truncated gzip data after 77 bytes (the compressed stream ends early)");
}
