#!/bin/sh
# bench/scan: `tessera scan` on the bundled E. coli genome (4.64 Mbp, both
# strands) with all 879 bundled JASPAR motifs at p < 1e-4, for 1 and 2
# threads, with and without q-values; then one motif (CTCF, MA0139.2) next to
# Biopython's Bio.motifs run in this script on the same model.  FIMO and
# MOODS are not in Debian: their figures on the same data, measured once on
# this machine class, are quoted from shared/reference/motif-peers.md.
set -eu
cd "$(dirname "$0")/.."
T=bench/tmp
mkdir -p $T
TESSERA=${TESSERA:-./tessera}
GENOME=data/genome/ecoli_k12_mg1655.fa.gz
MOTIFS=data/motifs/JASPAR2024_CORE_vertebrates_non-redundant_pfms_transfac.txt
MBP=4.641652
ALL_COLS=8870     # columns of all 879 motifs
CTCF_COLS=15

# cpu wall rss_mib hits, for one command writing hits to $T/out.tsv
run() {
	/usr/bin/time -f "%U %S %e %M" -o $T/time.txt "$@" > $T/out.tsv 2>$T/err.txt || { cat $T/err.txt >&2; exit 1; }
	read u s e kb < $T/time.txt
	if [ "$(head -c 1 $T/out.tsv)" = "m" ]; then hits=$(($(wc -l < $T/out.tsv) - 1))
	else hits=$(cat $T/out.tsv)  # the reference script prints its hit count
	fi
	echo "$(echo "$u + $s" | bc) $e $((kb / 1024)) $hits"
}

row() {  # row LABEL COLS CMD...
	label=$1 cols=$2
	shift 2
	set -- $(run "$@")
	printf '%-44s %7s %7s %9s %10s %7s %9s\n' "$label" "$1" "$2" \
		"$(echo "scale=3; $MBP / $1" | bc)" "$(echo "$cols * 4641652 * 2 / $1" | bc | awk '{ printf "%.2e", $1 }')" "$3" "$4"
}

printf '%-44s %7s %7s %9s %10s %7s %9s\n' "job (E. coli, p < 1e-4)" "CPU s" "wall s" "Mbp/s" "cols*pos/s" "RSS MiB" "hits"
row "tessera scan, 879 motifs, q-values, -@ 1"  $ALL_COLS $TESSERA scan -@ 1 $GENOME
row "tessera scan, 879 motifs, q-values, -@ 2"  $ALL_COLS $TESSERA scan -@ 2 $GENOME
row "tessera scan, 879 motifs, --text, -@ 1"    $ALL_COLS $TESSERA scan --text -@ 1 $GENOME
row "tessera scan, 879 motifs, --text, -@ 2"    $ALL_COLS $TESSERA scan --text -@ 2 $GENOME
row "tessera scan, CTCF, uniform bg, --text"    $CTCF_COLS $TESSERA scan --motif MA0139.2 --bfile --uniform-- --text $GENOME
if /usr/bin/python3 -c 'import Bio' 2>/dev/null; then
	row "  ref: Bio.motifs 1.80, CTCF, same model"  $CTCF_COLS /usr/bin/python3 bench/biopython_scan.py $MOTIFS MA0139.2 $GENOME
else
	echo "  ref: Bio.motifs skipped (python3-biopython not installed)"
fi
echo "  quoted (motif-peers.md, same data): FIMO 5.5.8 --text 879 motifs 846.4 CPU s, 10.9 MiB, 760,051 hits;"
echo "  MOODS 1.9.4.1 18.6 CPU s, 391 MiB, 1,003,910 hits (770,999 from width >= 7); FIMO CTCF 0.98 s, 1,109 hits"
