#!/bin/sh
# bench: throughput and peak memory of tessera's sequence reader, each next to
# a reference tool doing the same job in the same script (best of 3 runs).
# Input: the demo E. coli genome repeated 20 times as one 92.8 Mbp record, in
# plain, gzip and bgzip form.  Needs GNU time, bc, samtools, bgzip.
# Writes only to bench/tmp/.
set -eu
cd "$(dirname "$0")/.."
T=bench/tmp
mkdir -p $T
TESSERA=${TESSERA:-./tessera}
GENOME=data/genome/ecoli_k12_mg1655.fa.gz
for tool in /usr/bin/time bc samtools bgzip; do
	command -v $tool >/dev/null || { echo "[E::bench] $tool is needed (Debian: time, bc, samtools, tabix)" >&2; exit 1; }
done

# best-of-3 wall time (s) and the peak RSS (MiB) of that run: prints "secs mib"
measure() {
	best=""
	for i in 1 2 3; do
		t0=$(date +%s%N)
		/usr/bin/time -f "%M" -o $T/rss.txt "$@" >/dev/null 2>$T/err.txt || { cat $T/err.txt >&2; exit 1; }
		t1=$(date +%s%N)
		s=$(echo "scale=3; ($t1 - $t0) / 1000000000" | bc)
		if [ -z "$best" ] || [ "$(echo "$s < $best" | bc)" = 1 ]; then best=$s; rss=$(cat $T/rss.txt); fi
	done
	echo "$best $((rss / 1024))"
}

row() {  # row LABEL CMD...
	label=$1
	shift
	set -- $(measure "$@")
	printf '%-50s %7s s %7s Mbp/s %6s MiB\n' "$label" "$1" "$(echo "scale=1; $MBP / $1" | bc)" "$2"
}

if [ ! -s $T/big.fa.bgz.fai ]; then
	{ echo ">big"; for i in $(seq 20); do zcat $GENOME | grep -v "^>"; done; } | $TESSERA view -w 60 - > $T/big.fa
	gzip -1 -c $T/big.fa > $T/big.fa.gz
	bgzip -@2 -c $T/big.fa > $T/big.fa.bgz
	samtools faidx $T/big.fa
	samtools faidx $T/big.fa.bgz
fi
MBP=$(awk '{ printf "%.2f", $2 / 1e6 }' $T/big.fa.fai)

echo "tessera $($TESSERA --version | head -n 1 | cut -d' ' -f2), $(samtools --version | head -n 1); $(nproc) cores; one record of $MBP Mbp"
printf '%-50s %9s %13s %10s\n' "job" "wall" "throughput" "peak RSS"
row "tessera view (plain FASTA)"                    $TESSERA view $T/big.fa
row "  ref: samtools faidx big (plain)"             samtools faidx $T/big.fa big
row "tessera view (gzip)"                           $TESSERA view $T/big.fa.gz
row "  ref: zcat (decompression alone)"             zcat $T/big.fa.gz
row "tessera view (bgzip)"                          $TESSERA view $T/big.fa.bgz
row "tessera view -@ 2 (bgzip)"                     $TESSERA view -@ 2 $T/big.fa.bgz
row "  ref: samtools faidx big (bgzip)"             samtools faidx $T/big.fa.bgz big
row "tessera view -r big (bgzip, faidx windows)"    $TESSERA view -r big $T/big.fa.bgz
row "tessera view --stats (bgzip)"                  $TESSERA view --stats $T/big.fa.bgz
