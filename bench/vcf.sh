#!/bin/sh
# bench/vcf: tessera scan --vcf — 100,000 random SNVs on the bundled E. coli
# genome (uniform positions, seeded), every bundled JASPAR motif, p < 1e-4:
# variants per CPU second and peak RSS, for 1 and 2 threads.  (motifbreakR
# and atSNP, the tools users reach for, are R/Bioconductor packages not in
# Debian; no reference run.)
set -eu
cd "$(dirname "$0")/.."
T=bench/tmp/vcf
mkdir -p $T
TESSERA=${TESSERA:-./tessera}
GENOME=data/genome/ecoli_k12_mg1655.fa.gz
N=${N:-100000}
/usr/bin/python3 - "$GENOME" "$N" > $T/snvs.vcf <<'PY'
import gzip, random, sys
seq = "".join(l.strip() for l in gzip.open(sys.argv[1], "rt") if not l.startswith(">"))
r = random.Random(1)
print("##fileformat=VCFv4.2\n##contig=<ID=NC_000913.3,length=%d>" % len(seq))
print("#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO")
for i, p in enumerate(sorted(r.sample(range(len(seq)), int(sys.argv[2])))):
    ref = seq[p]
    print("NC_000913.3\t%d\tsnv%d\t%s\t%s\t.\t.\t." % (p + 1, i, ref, r.choice([b for b in "ACGT" if b != ref])))
PY
echo "== tessera scan --vcf: $N random SNVs, 879 motifs, p < 1e-4"
for th in 1 2; do
	/usr/bin/time -f "%U %S %e %M" -o $T/time.txt $TESSERA scan --quiet -@ $th --vcf $T/snvs.vcf --ref $GENOME -o $T/out.tsv
	read u s e kb < $T/time.txt
	cpu=$(echo "$u + $s" | bc)
	printf '  -@ %d: %.2f CPU s, %.2f wall s, %.0f variants/CPU s, %.0f variants/wall s, %d MiB, %d motif effects (%d gains, %d losses)\n' \
		$th "$cpu" "$e" "$(echo "$N / $cpu" | bc -l)" "$(echo "$N / $e" | bc -l)" $((kb / 1024)) $(($(wc -l < $T/out.tsv) - 1)) \
		"$(grep -c '	gain$' $T/out.tsv)" "$(grep -c '	loss$' $T/out.tsv)"
done
