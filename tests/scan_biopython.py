#!/usr/bin/env python3
"""scan_biopython: check every score of `tessera scan` against Biopython.

    scan_biopython.py [--norc] [--bfile uniform|motif] [--pseudo A] MOTIFS.meme SEQS.fa HITS.tsv

HITS.tsv must hold EVERY window: tessera scan --min-score -1000 --no-qvalue
--no-pgc [--norc] [--bfile --uniform--].  For each motif, Bio.motifs builds
the PSSM from counts nsites·f (nsites truncated to an integer, as tessera and
FIMO store it) and per-letter pseudocounts a·bg[x], so that
    f'[i][x] = (nsites·f[i][x] + a·bg[x]) / (nsites + a)
then .log_odds(bg) (log2, see Bio.motifs.matrix).  The background is the one
tessera uses: the motif file's own (or uniform), averaged with its reverse
complement when both strands are scanned, smoothed as (f + 5e-7)/(1 + 4·5e-7).

Checked: the set of (motif, sequence, start, strand) windows is exactly the
set of windows with only A, C, G, T (either case), and each printed score
equals Biopython's to the printed precision ('%g', 6 significant digits).
Exit 0 when everything matches, 1 otherwise, with the first mismatches on
stderr.
"""
import argparse
import math
import sys

from Bio import SeqIO
from Bio.motifs import Motif

LETTERS = "ACGT"


def read_meme(path):
    """Minimal MEME reader: background (or None) and [(id, nsites, rows)].
    Bio.motifs' 'minimal' reader rounds counts to integers and rejects a
    non-integer nsites, so the matrices are read here and handed to Bio."""
    bg, motifs = None, []
    lines = open(path).read().splitlines()
    i = 0
    while i < len(lines):
        line = lines[i].strip()
        if line.startswith("Background letter frequencies"):
            toks = []
            i += 1
            while i < len(lines) and lines[i].strip():
                toks += lines[i].split()
                i += 1
            bg = {toks[k]: float(toks[k + 1]) for k in range(0, len(toks), 2)}
            continue
        if line.startswith("MOTIF "):
            mid = line.split()[1]
            i += 1
            while "letter-probability matrix" not in lines[i]:
                i += 1
            stat = lines[i].replace("= ", "=").split()
            kv = dict(t.split("=", 1) for t in stat if "=" in t)
            w = int(kv["w"])
            nsites = float(kv.get("nsites", 20))
            rows = [list(map(float, lines[i + 1 + r].split())) for r in range(w)]
            motifs.append((mid, nsites, rows))
            i += 1 + w
            continue
        i += 1
    return bg, motifs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--norc", action="store_true")
    ap.add_argument("--bfile", choices=["uniform", "motif"], default="motif")
    ap.add_argument("--pseudo", type=float, default=0.1)
    ap.add_argument("motifs")
    ap.add_argument("fasta")
    ap.add_argument("tsv")
    a = ap.parse_args()

    file_bg, motifs = read_meme(a.motifs)
    bg = dict(file_bg) if (file_bg and a.bfile == "motif") else dict.fromkeys(LETTERS, 0.25)
    s = sum(bg.values())
    bg = {x: bg[x] / s for x in LETTERS}
    if not a.norc:
        at, cg = (bg["A"] + bg["T"]) / 2, (bg["C"] + bg["G"]) / 2
        bg = {"A": at, "C": cg, "G": cg, "T": at}
    bg = {x: (bg[x] + 5e-7) / (1 + 4 * 5e-7) for x in LETTERS}

    pssms = {}
    for mid, nsites, rows in motifs:
        n = math.floor(nsites) if nsites >= 1 else nsites
        counts = {x: [n * r[k] for r in rows] for k, x in enumerate(LETTERS)}
        m = Motif(alphabet=LETTERS, counts=counts)
        pwm = m.counts.normalize(pseudocounts={x: a.pseudo * bg[x] for x in LETTERS})
        pssm = pwm.log_odds(bg)
        rc = pssm.reverse_complement()
        w = len(rows)
        pssms[mid] = (w, [[pssm[x][i] for x in LETTERS] for i in range(w)],
                      [[rc[x][i] for x in LETTERS] for i in range(w)])

    expected = {}
    for rec in SeqIO.parse(a.fasta, "fasta"):
        seq = str(rec.seq).upper()
        code = [LETTERS.find(c) for c in seq]
        for mid, (w, fwd, rev) in pssms.items():
            for p in range(len(seq) - w + 1):
                win = code[p:p + w]
                if min(win) < 0:
                    continue
                for strand, mat in (("+", fwd), ("-", rev)):
                    if strand == "-" and a.norc:
                        continue
                    expected[(mid, rec.id, p + 1, strand)] = math.fsum(mat[i][win[i]] for i in range(w))

    bad, exact, near, seen = [], 0, 0, set()
    with open(a.tsv) as f:
        header = f.readline()
        if not header.startswith("motif_id\t"):
            bad.append("no TSV header")
        for line in f:
            t = line.rstrip("\n").split("\t")
            key = (t[0], t[2], int(t[3]), t[5])
            if key in seen:
                bad.append("window reported twice: %s" % (key,))
                continue
            seen.add(key)
            if key not in expected:
                bad.append("window not expected (N or out of range): %s" % (key,))
                continue
            want, got = expected[key], float(t[6])
            if "%g" % want == t[6] or float("%g" % want) == got:
                exact += 1
            elif abs(want - got) <= 5e-6 * max(1.0, abs(want)):
                near += 1  # a last-digit rounding tie: still within the printed precision
            else:
                bad.append("%s: tessera %s, Biopython %.9g" % (key, t[6], want))
    missing = [k for k in expected if k not in seen]
    for k in missing[:5]:
        bad.append("window missing from tessera's output: %s" % (k,))
    if len(missing) > 5:
        bad.append("... %d windows missing in all" % len(missing))
    print("[M::scan_biopython] %d windows, %d equal as printed, %d within 5e-6 relative, %d problems"
          % (len(expected), exact, near, len(bad)), file=sys.stderr)
    for b in bad[:20]:
        print("[E::scan_biopython] " + b, file=sys.stderr)
    return 1 if bad or not expected else 0


if __name__ == "__main__":
    sys.exit(main())
