/* scan_vcf: `tessera scan --vcf` (scan_vcf.c), called by cmd_scan once the
 * motifs, background and scan options are known.  Private to src/cli. */
#ifndef TS_SCAN_VCF_H
#define TS_SCAN_VCF_H

#include "cnn1d/scan.h"
#include "io/motif.h"

typedef struct {
	const char *vcf, *ref, *out_path, *out_vcf, *regions;  /* regions: "chr:beg-end,..." or NULL */
	double effect_thresh;   /* |log2 p_ref/p_alt| for gain/loss [1] */
	const scan_opts_t *so;  /* threshold, strands, threads */
	double bg[4], pseudo;
} scan_vcf_opts_t;

/** Run the variant scan; returns the process exit code. */
int scan_vcf_run(const scan_vcf_opts_t *o, const motif_set_t *set);

#endif
