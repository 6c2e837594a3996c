/* extract: a trained network's filters as motifs, by the DeepBind/Basset
 * method — the sub-sequences that activate a filter strongly, aligned.
 *
 * For filter k, over every sequence, position p and strand s (both when the
 * model ties strands), the activation a[s][p][k] = act(z) of net.h.  With
 * A_k = the largest of them over the whole input set and t the threshold
 * fraction, every window with a[s][p][k] > t·A_k is a site: the W bases
 * x[p..p+W) on strand 0, their reverse complement on strand 1 (strand 1
 * applies the reverse-complement filter to the forward bases, so the site in
 * the filter's own orientation is the reverse complement).  The motif's
 * column j counts the bases at column j of every site (non-ACGT bases count
 * nowhere), normalised by the column's total; a column with no concrete base
 * is uniform.  nsites is the number of sites.  A filter whose A_k is not > 0
 * (a ReLU filter never active) has no sites and no motif.
 *
 * For a locally connected model "filter k" is the k-th filter of every
 * position's bank, each window scored by its own position's weights. */
#ifndef TS_EXTRACT_H
#define TS_EXTRACT_H

#include <stdint.h>
#include "cnn1d/data.h"
#include "cnn1d/net.h"
#include "io/motif.h"

typedef struct {
	int filter;       /* index in the network */
	int64_t nsites;   /* windows above threshold (0: no motif) */
	double max_act;   /* A_k */
	int motif;        /* index in the motif set, −1 without sites */
} extract_info_t;

/** Motifs of every filter of n with sites in d's sequences (nt4 codes, each
 *  at least W long for conv, the model's length for local: else TS_EDATA
 *  naming the sequence).  Motif ids are "filter<k>" (k from 0), the
 *  background is the base composition of d.
 *  @param set   allocated here (motif_set_free()); only filters with sites
 *  @param info  K entries, allocated here (free())
 *  @return TS_OK, TS_EDATA, TS_EUSAGE (threshold not in [0, 1)), TS_ENOMEM. */
int extract_motifs(const net_t *n, const data_t *d, double threshold, motif_set_t **set, extract_info_t **info, char *err);

#endif
