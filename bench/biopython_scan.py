#!/usr/bin/env python3
"""Reference run for bench/scan.sh: Bio.motifs scanning one JASPAR motif over
a FASTA at p < 1e-4 with the same model as tessera (uniform background,
pseudocount 0.1 spread by background = 0.025 per base).  Prints the hit count."""
import gzip
import sys

from Bio import SeqIO, motifs

motif_file, motif_id, fasta = sys.argv[1:4]
with open(motif_file) as fh:
    m = next(x for x in motifs.parse(fh, "transfac", strict=False) if x.get("AC", x.name) == motif_id or x.name == motif_id)
pssm = m.counts.normalize(pseudocounts=0.025).log_odds()
threshold = pssm.distribution(precision=10**4).threshold_fpr(1e-4)
opener = gzip.open if fasta.endswith(".gz") else open
hits = 0
with opener(fasta, "rt") as fh:
    for rec in SeqIO.parse(fh, "fasta"):
        hits += sum(1 for _ in pssm.search(rec.seq, threshold=threshold, both=True))
print(hits)
