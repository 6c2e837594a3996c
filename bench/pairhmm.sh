#!/bin/sh
# bench/pairhmm: (1) calibration of the LRT of symmetry: DATASETS datasets of
# PAIRS pairs simulated under a symmetric truth (tessera's default parameters:
# dX = dY = 0.02, eX = eY = 0.4, tau = 0.01), each tested tied vs untied; the
# p-values should be uniform.  (2) speed and memory of EM on simulated data
# and of one 20 kb x 20 kb pair (checkpointed forward-backward, Viterbi).
set -eu
cd "$(dirname "$0")/.."
T=bench/tmp/pairhmm
mkdir -p $T
TESSERA=${TESSERA:-./tessera}
DATASETS=${DATASETS:-1000}
PAIRS=${PAIRS:-50}

echo "== LRT calibration: $DATASETS datasets x $PAIRS pairs under a symmetric truth"
seq 1 "$DATASETS" | xargs -P "$(nproc)" -I{} sh -c \
	"$TESSERA pairhmm simulate -n $PAIRS --seed {} -o $T/cal{}.fa && $TESSERA pairhmm test --quiet --json $T/cal{}.json $T/cal{}.fa > /dev/null && rm -f $T/cal{}.fa"
for i in $(seq 1 "$DATASETS"); do
	/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['lrt']['p'])" $T/cal$i.json
done | /usr/bin/python3 bench/calibration.py
rm -f $T/cal*.json

echo "== EM speed: tied + untied fits (test) of 2,000 simulated pairs; the float kernels vs TESSERA_KERNEL=scalar (double)"
$TESSERA pairhmm simulate -n 2000 --seed 99 -o $T/em.fa
cells=$(/usr/bin/python3 -c "
seqs=[]; cur=[]
for line in open('$T/em.fa'):
    if line.startswith('>'):
        if cur: seqs.append(sum(len(x) for x in cur)); cur=[]
    else: cur.append(line.strip())
seqs.append(sum(len(x) for x in cur))
print(sum((seqs[i]+1)*(seqs[i+1]+1) for i in range(0,len(seqs),2)))")
for kernel in scalar default; do
	for th in 1 2; do
		if [ $kernel = default ]; then unset TESSERA_KERNEL; else export TESSERA_KERNEL=$kernel; fi
		/usr/bin/time -f "%U %S %e %M" -o $T/time.txt $TESSERA pairhmm test -@ $th --json $T/em_$kernel.json -o $T/em_$kernel.txt $T/em.fa
		unset TESSERA_KERNEL
		read u s e kb < $T/time.txt
		iters=$(/usr/bin/python3 -c "import json; d=json.load(open('$T/em_$kernel.json')); print(d['null']['iterations'] + d['alt']['iterations'] + 2)")
		printf '  %-7s -@ %d: %5.2f CPU s, %5.2f wall s, %d E-steps, %.1f M cells/E-step, %.0f M cells/s (CPU), %d MiB\n' $kernel $th \
			"$(echo "$u + $s" | bc)" "$e" "$iters" "$(echo "$cells / 1000000" | bc -l)" \
			"$(echo "$cells * $iters / ($u + $s) / 1000000" | bc -l)" $((kb / 1024))
	done
	grep '^LRT' $T/em_$kernel.txt | sed "s/^/  $kernel: /"
done

echo "== one 20 kb x 20 kb pair (about 10% divergence with indels)"
/usr/bin/python3 - "$T/long.fa" <<'PY'
import random, sys
r = random.Random(20)
a = [r.choice("ACGT") for _ in range(20000)]
b = []
for c in a:
    u = r.random()
    if u < 0.01: continue                    # deletion in b
    if u < 0.02: b.append(r.choice("ACGT"))   # insertion in b
    b.append(c if r.random() > 0.08 else r.choice("ACGT"))
b = b[:20000] + [r.choice("ACGT") for _ in range(max(0, 20000 - len(b)))]
with open(sys.argv[1], "w") as f:
    f.write(">a\n%s\n>b\n%s\n" % ("".join(a), "".join(b)))
PY
/usr/bin/time -f "  fit, 2 E-steps (--max-iter 1): %e s wall, %M KB peak RSS" $TESSERA pairhmm fit --max-iter 1 $T/long.fa > /dev/null
/usr/bin/time -f "  align (Viterbi + path posteriors): %e s wall, %M KB peak RSS" $TESSERA pairhmm align --params data/fixtures/pairhmm/params.json $T/long.fa > /dev/null

BOOTSETS=${BOOTSETS:-100}
echo "== parametric bootstrap calibration: $BOOTSETS symmetric datasets x 20 pairs, B = 19 each"
seq 1 "$BOOTSETS" | xargs -P "$(nproc)" -I{} sh -c \
	"$TESSERA pairhmm simulate -n 20 --seed {}000 -o $T/boot{}.fa && $TESSERA pairhmm test --quiet --bootstrap 19 --seed {} --json $T/boot{}.json $T/boot{}.fa > /dev/null && rm -f $T/boot{}.fa"
for i in $(seq 1 "$BOOTSETS"); do
	/usr/bin/python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['bootstrap']['p'])" $T/boot$i.json
done | /usr/bin/python3 bench/calibration.py --discrete 19
rm -f $T/boot*.json

echo "== test on the read BAMs (wall time, -@ 2)"
TESSERA_KERNEL=scalar /usr/bin/time -f "  PacBio RS II lambda, 112 reads, scalar double: %e s" $TESSERA pairhmm test -@ 2 \
	--bam data/reads/pacbio_rsii_lambda_subreads.bam --ref data/reads/pacbio_lambdaNEB_ref.fasta -o $T/pb.txt
/usr/bin/time -f "  PacBio RS II lambda, 112 reads: %e s" $TESSERA pairhmm test -@ 2 --bam data/reads/pacbio_rsii_lambda_subreads.bam \
	--ref data/reads/pacbio_lambdaNEB_ref.fasta -o $T/pb.txt
grep '^Verdict' $T/pb.txt | sed 's/^/  /'
TESSERA_KERNEL=scalar /usr/bin/time -f "  the same, --mode glocal, scalar double: %e s" $TESSERA pairhmm test -@ 2 --mode glocal \
	--bam data/reads/pacbio_rsii_lambda_subreads.bam --ref data/reads/pacbio_lambdaNEB_ref.fasta -o $T/pbg.txt
/usr/bin/time -f "  the same, --mode glocal: %e s" $TESSERA pairhmm test -@ 2 --mode glocal --bam data/reads/pacbio_rsii_lambda_subreads.bam \
	--ref data/reads/pacbio_lambdaNEB_ref.fasta -o $T/pbg.txt
grep '^Verdict' $T/pbg.txt | sed 's/^/  /'
ONT=../shared/data/pairhmm/ont_sarscov2_artic_MT007544.bam
if [ -r "$ONT" ]; then
	cp "$ONT" $T/ont.bam && samtools index $T/ont.bam
	TESSERA_KERNEL=scalar /usr/bin/time -f "  ONT SARS-CoV-2, 200 reads, scalar double: %e s" $TESSERA pairhmm test -@ 2 \
		--bam $T/ont.bam -r MN908947.3 --ref ../shared/data/pairhmm/ont_sarscov2_MN908947.3_ref.fasta -o $T/ont.txt
	/usr/bin/time -f "  ONT SARS-CoV-2, 200 reads: %e s" $TESSERA pairhmm test -@ 2 --bam $T/ont.bam -r MN908947.3 \
		--ref ../shared/data/pairhmm/ont_sarscov2_MN908947.3_ref.fasta -o $T/ont.txt
	grep '^Verdict' $T/ont.txt | sed 's/^/  /'
fi
