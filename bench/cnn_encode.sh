#!/bin/sh
# bench/cnn_encode: the ENCODE ChIP-seq sets of the DeepBind paper (10 TFs,
# 101-bp peak sequences): train on each TF's `_AC` file (positives only)
# against dinucleotide-shuffled negatives (--shuffle-neg, as DeepBind), 10%
# of them held out for early stopping, and report the test auROC on its `_B`
# file (500 positives + 500 shuffled negatives made by DeepBind's authors),
# given with --test-set.  Network: 16 filters of width 24 (DeepBind's ChIP
# detectors), both strands (--rc-tie), ReLU, max pooling, lr 0.01, batch 64,
# at most 30 epochs with patience 5, seed 1, -@ 1.  Also the JASPAR motifs
# the filters match (`tessera motifs extract` on the training positives;
# similarity >= 0.95 over at least 8 columns, as shorter overlaps at a
# filter's edge often correlate well by chance), the 4 most similar names.
#
# Data: CNN_ENCODE_DIR, default ../shared/data/cnn/deepbind_encode (files
# NAME_AC.seq.gz and NAME_B.seq.gz, tab-separated FoldID EventID seq Bound
# with a header line); skipped with a message when absent.
set -eu
cd "$(dirname "$0")/.."
DIR=${CNN_ENCODE_DIR:-../shared/data/cnn/deepbind_encode}
T=bench/tmp/cnn_encode
TESSERA=${TESSERA:-./tessera}
export TESSERA_DATA=${TESSERA_DATA:-$PWD/data}  # the bundled JASPAR, whichever binary runs
THREADS=${CNN_THREADS:-1}
if ! ls "$DIR"/*_AC.seq.gz > /dev/null 2>&1; then
	echo "== ENCODE (DeepBind) benchmark skipped: no $DIR/*_AC.seq.gz"
	exit 0
fi
mkdir -p $T
json_num() { sed -n "s/.*\"$1\": \([-0-9.eE+]*\).*/\1/p" "$2" | head -n 1; }
# FASTA of the sequences whose Bound column is $2
fasta() { gzip -dc "$1" | awk -F'\t' -v b="$2" 'NR > 1 && $4 == b { print ">" $2 "\n" $3 }'; }

echo "== ENCODE ChIP-seq (DeepBind's sets): train on _AC + shuffled negatives, test on _B (500 + 500)"
echo "   (-K 16 -W 24 --rc-tie, lr 0.01, batch 64, <= 30 epochs, patience 5, seed 1, -@ $THREADS)"
printf '%-8s %9s %7s %11s %11s %8s  %s\n' "TF" "positives" "epochs" "test auROC" "test auPRC" "wall s" "filters match (JASPAR, >= 0.95 over >= 8 columns)"
for ac in "$DIR"/*_AC.seq.gz; do
	name=$(basename "$ac" _AC.seq.gz)
	tf=${name%%_*}
	b="$DIR/${name}_B.seq.gz"
	fasta "$ac" 1 > $T/ac.fa
	fasta "$b" 1 > $T/b_pos.fa
	fasta "$b" 0 > $T/b_neg.fa
	t0=$(date +%s.%N)
	$TESSERA train --quiet -@ $THREADS -K 16 -W 24 --rc-tie --lr 0.01 --batch 64 --epochs 30 --patience 5 --seed 1 \
		--pos $T/ac.fa --shuffle-neg --val 0.1 --test-set pos=$T/b_pos.fa --test-set neg=$T/b_neg.fa -o $T/model.json --json $T/report.json
	t1=$(date +%s.%N)
	$TESSERA motifs extract --quiet -M $T/model.json --from $T/ac.fa -o $T/learned.meme > $T/matches.tsv
	# names of the JASPAR motifs filters match (>= 0.95 over >= 8 columns), most similar first
	match=$(awk -F'\t' 'NR > 1 && $6 != "." && $9 >= 8 && $6 >= 0.95 { printf "%s\t%s\n", $6, $5 }' $T/matches.tsv |
		sort -t '	' -k1,1gr | awk -F'\t' '!seen[$2]++ { printf "%s%s (%.2f)", n++ ? ", " : "", $2, $1 } n == 4 { exit }')
	printf '%-8s %9d %7s %11.4f %11.4f %8.1f  %s\n' "$tf" "$(grep -c '^>' $T/ac.fa)" "$(json_num epochs_run $T/report.json)" \
		"$(json_num test_auroc $T/report.json)" "$(json_num test_auprc $T/report.json)" "$(echo "$t1 - $t0" | bc)" "$match"
done
