#!/usr/bin/python3
"""vcf_oracle: what `tessera scan --vcf` must report, found another way.

make GENOME.fa OUT.vcf WORK.fa SEED: random variants on the genome (SNVs,
  MNPs, insertions, deletions, some at record ends, multi-allelic records,
  one REF mismatch, one symbolic allele) as a VCF; and, for every ALT, two
  records in WORK.fa: the whole reference record and the whole record with
  the ALT substituted.
expect GENOME.fa OUT.vcf HITS.tsv THRESH: from the hits of `tessera scan
  --text --thresh 1` on WORK.fa (every window of the whole sequences), the
  best p-value of each motif over the windows overlapping the change in each
  allele; prints "id alt motif p_ref p_alt" for the pairs where either is
  below THRESH, as --vcf must report them (p-values formatted %.3g)."""
import random
import sys


def read_fasta(path):
    seqs, name = {}, None
    for line in open(path):
        line = line.strip()
        if line.startswith(">"):
            name = line[1:].split()[0]
            seqs[name] = []
        elif name:
            seqs[name].append(line)
    return {k: "".join(v) for k, v in seqs.items()}


def variants(vcf):
    for line in open(vcf):
        if line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        for i, alt in enumerate(f[4].split(",")):
            yield f[0], int(f[1]) - 1, f[2], f[3], alt, i


def change(ref, alt, pos):
    """The changed interval in the reference and in the alternate sequence."""
    p = 0
    while p < len(ref) and p < len(alt) and ref[p].upper() == alt[p].upper():
        p += 1
    s = 0
    while s < len(ref) - p and s < len(alt) - p and ref[-1 - s].upper() == alt[-1 - s].upper():
        s += 1
    return (pos + p, pos + len(ref) - s), (pos + p, pos + len(alt) - s)


def overlaps(start, w, ab):
    a, b = ab
    if a == b:
        return start <= a - 1 and start + w - 1 >= a
    return start <= b - 1 and start + w - 1 >= a


def make(genome, out_vcf, work, seed):
    g = read_fasta(genome)
    r = random.Random(int(seed))
    names = list(g)
    rows = []
    for k in range(70):
        c = names[k % len(names)]
        s = g[c]
        kind = k % 5
        pos = 0 if k % 13 == 0 else len(s) - 6 if k % 13 == 1 else r.randrange(1, len(s) - 6)
        if kind == 0:
            ref = s[pos]
            alts = [b for b in "ACGT" if b != ref.upper()][:1 + k % 3]
        elif kind == 1:
            ref = s[pos:pos + 3]
            alts = ["".join(r.choice("ACGT") for _ in ref)]
        elif kind == 2:
            ref = s[pos]
            alts = [ref + "".join(r.choice("ACGT") for _ in range(1 + k % 6))]
        elif kind == 3:
            ref = s[pos:pos + 2 + k % 5]
            alts = [ref[0]]
        else:
            ref = s[pos:pos + 2]
            alts = [ref[0], ref + r.choice("ACGT")]
        alts = [a for a in alts if a.upper() != ref.upper()]
        if "N" in ref.upper() or not alts:
            continue
        rows.append((c, pos, "v%d" % k, ref, ",".join(alts)))
    # overlapping variants: each is compared with the reference alone
    c = names[1]
    s = g[c]
    rows.append((c, 300, "ovl_snv", s[300], "ACGT"[("ACGT".index(s[300].upper()) + 1) % 4]))
    rows.append((c, 298, "ovl_del", s[298:304], s[298]))
    rows.append((c, 300, "ovl_ins", s[300], s[300] + "GATTACA"))
    c = names[0]
    rows.append((c, 100, "mismatch", "".join("T" if b != "T" else "A" for b in g[c][100:103]), "A"))
    rows.append((c, 200, "symbolic", g[c][200], "<DEL>"))
    rows.sort(key=lambda x: (names.index(x[0]), x[1]))
    with open(out_vcf, "w") as f:
        f.write("##fileformat=VCFv4.2\n")
        for c in names:
            f.write("##contig=<ID=%s,length=%d>\n" % (c, len(g[c])))
        f.write("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n")
        for c, pos, vid, ref, alt in rows:
            f.write("%s\t%d\t%s\t%s\t%s\t.\t.\t.\n" % (c, pos + 1, vid, ref, alt))
    with open(work, "w") as f:
        for c, pos, vid, ref, alt, i in variants(out_vcf):
            if vid in ("mismatch", "symbolic"):
                continue
            s = g[c]
            f.write(">%s.%d.ref\n%s\n>%s.%d.alt\n%s\n" % (vid, i, s, vid, i, s[:pos] + alt + s[pos + len(ref):]))


def expect(genome, vcf, hits, thresh):
    g = read_fasta(genome)
    best = {}
    for line in open(hits):
        if line.startswith("motif_id") or line.startswith("#"):
            continue
        f = line.rstrip("\n").split("\t")
        key = (f[2], f[0])
        w = int(f[4]) - int(f[3]) + 1
        best.setdefault(key, []).append((int(f[3]) - 1, w, float(f[7])))
    motifs = sorted({k[1] for k in best})
    for c, pos, vid, ref, alt, i in variants(vcf):
        if vid in ("mismatch", "symbolic"):
            continue
        chg = change(ref, alt, pos)
        for m in motifs:
            p = []
            for k, allele in enumerate(("ref", "alt")):
                ws = [pv for s, w, pv in best.get(("%s.%d.%s" % (vid, i, allele), m), []) if overlaps(s, w, chg[k])]
                p.append(min(ws) if ws else None)
            if any(x is not None and x < float(thresh) for x in p):
                print(vid, alt, m, *("%.3g" % x if x is not None else "NA" for x in p))


{"make": make, "expect": expect}[sys.argv[1]](*sys.argv[2:])
