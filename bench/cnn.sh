#!/bin/sh
# bench/cnn: the case for weight sharing, measured, and training speed.
#
# (a) A bundled motif (CTCF, MA0139.2, 15 columns) planted by `tessera
#     simulate motif` in half of random 200-mers.  For 500, 2,000 and 20,000
#     training sequences and 3 seeds (each seed its own data and its own
#     initialisation), three networks of 16 filters of width 19 (ReLU, global
#     max pooling): shared conv, shared conv + --rc-tie, and --layer local
#     (its own weights at every position).  Validation (early stopping) and
#     test sets are simulated separately with the seed's other streams: 1,000
#     and 2,000 sequences whatever the training size.  Reported: test auROC,
#     mean and range over the seeds, and whether a learned filter is the
#     planted motif — the best `tessera motifs extract` similarity of any
#     filter to MA0139.2 over at least 10 of its 15 columns, and JASPAR's
#     best match for that filter.
# (b) Training throughput (forward + backward + AdamW step, from the train
#     report): K = 32, W = 19, length 200, batch 64, 1 and 2 threads, and
#     the test auROC reached in 10 epochs; next to PyTorch on the same
#     architecture, data and epochs (bench/cnn_torch.py) when /usr/bin/python3
#     has torch.
#
# Knobs (environment): CNN_SIZES ("500 2000 20000"), CNN_SEEDS ("1 2 3"),
# CNN_THREADS (threads of the (a) runs, 1), TESSERA.
set -eu
cd "$(dirname "$0")/.."
T=bench/tmp/cnn
mkdir -p $T
TESSERA=${TESSERA:-./tessera}
export TESSERA_DATA=${TESSERA_DATA:-$PWD/data}  # the bundled JASPAR, whichever binary runs
SIZES=${CNN_SIZES:-500 2000 20000}
SEEDS=${CNN_SEEDS:-1 2 3}
THREADS=${CNN_THREADS:-1}
MOTIF=MA0139.2
LEN=200
NET="-K 16 -W 19 --lr 0.01 --batch 64"

# epochs: at most 100 with patience 10, but 30 with patience 5 at 20,000
# sequences (each epoch is 40x longer there; early stopping ends most runs
# before the cap anyway)
epochs_for() { if [ "$1" -ge 20000 ]; then echo "--epochs 30 --patience 5"; else echo "--epochs 100 --patience 10"; fi; }

json_num() { sed -n "s/.*\"$1\": \([-0-9.eE+]*\).*/\1/p" "$2" | head -n 1; }

# the planted motif alone, as MEME (the database of the similarity check)
$TESSERA motifs convert > $T/jaspar.meme
awk -v id=$MOTIF 'BEGIN { head = 1 } /^MOTIF / { head = 0; keep = $2 == id } head || keep' $T/jaspar.meme > $T/planted.meme

sim() {  # sim N SEED: the data of one seed and size
	n=$1 s=$2 d=$T/data_$1_$2
	[ -s $d.te_neg.fa ] && return 0
	$TESSERA simulate motif -M $MOTIF -n "$n" --len $LEN --seed "$s" --pos $d.tr_pos.fa --neg $d.tr_neg.fa
	$TESSERA simulate motif -M $MOTIF -n 1000 --len $LEN --seed $((s + 1000)) --pos $d.va_pos.fa --neg $d.va_neg.fa
	$TESSERA simulate motif -M $MOTIF -n 2000 --len $LEN --seed $((s + 2000)) --pos $d.te_pos.fa --neg $d.te_neg.fa
}

# one run → "auroc similarity jaspar_match seconds epochs"
run1() {  # run1 N SEED ARCH-OPTIONS
	n=$1 s=$2 d=$T/data_$1_$2 m=$T/model.json r=$T/report.json
	shift 2
	t0=$(date +%s.%N)
	$TESSERA train --quiet -@ $THREADS $NET $(epochs_for "$n") --seed "$s" "$@" --pos $d.tr_pos.fa --neg $d.tr_neg.fa \
		--val-set pos=$d.va_pos.fa --val-set neg=$d.va_neg.fa --test-set pos=$d.te_pos.fa --test-set neg=$d.te_neg.fa \
		-o $m --json $r
	t1=$(date +%s.%N)
	auc=$(json_num test_auroc $r)
	ep=$(json_num epochs_run $r)
	# the filter most like the planted motif, and JASPAR's best match for it
	$TESSERA motifs extract --quiet -M $m --from $d.tr_pos.fa -m $T/planted.meme -o $T/learned.meme > $T/planted_sim.tsv
	best=$(awk -F'\t' 'NR > 1 && $6 != "." && $9 >= 10 && ($6 > b || b == "") { b = $6; f = $1 } END { print (b == "" ? "NA" : b), (f == "" ? "NA" : f) }' $T/planted_sim.tsv)
	bsim=${best% *} bfil=${best#* }
	$TESSERA motifs extract --quiet -M $m --from $d.tr_pos.fa -o $T/learned.meme > $T/jaspar_sim.tsv
	jm=$(awk -F'\t' -v f="$bfil" '$1 == f { print $5 }' $T/jaspar_sim.tsv)
	echo "$auc $bsim ${jm:-NA} $(echo "$t1 - $t0" | bc) $ep"
}

echo "== (a) weight sharing: test auROC on $MOTIF planted in half of random ${LEN}-mers"
echo "   (16 filters x 19, ReLU, max pooling, lr 0.01, batch 64, -@ $THREADS; validation 1,000 and test 2,000"
echo "   simulated separately; at 20,000 sequences at most 30 epochs, patience 5; else 100, patience 10)"
printf '%-8s %-13s %-24s %-20s %-20s %8s\n' "n_train" "network" "test auROC mean [min-max]" "sim. to $MOTIF (>=10)" "JASPAR best match" "s/run"
for n in $SIZES; do
	for arch in conv rc local; do
		case $arch in
		conv) opts="--layer conv"; label="conv" ;;
		rc) opts="--layer conv --rc-tie"; label="conv + rc-tie" ;;
		local) opts="--layer local"; label="local" ;;
		esac
		: > $T/rows.txt
		for s in $SEEDS; do
			sim "$n" "$s"
			run1 "$n" "$s" $opts >> $T/rows.txt
		done
		awk -v n="$n" -v label="$label" '
			{ a += $1; if (min == "" || $1 < min) min = $1; if ($1 > max) max = $1
			  sims = sims (NR > 1 ? "," : "") ($2 == "NA" ? "NA" : sprintf("%.2f", $2)); m[$3]++; t += $4; k++ }
			END { top = ""; for (x in m) if (m[x] > c) { c = m[x]; top = x }
			      printf "%-8s %-13s %.4f [%.4f-%.4f]      %-20s %-20s %8.1f\n", n, label, a / k, min, max, sims, top " (" c "/" k ")", t / k }' $T/rows.txt
	done
done

echo "== (b) training throughput: K = 32, W = 19, length $LEN, batch 64, 10,000 sequences x 10 epochs, lr 0.001;"
echo "   test auROC on 2,000 sequences simulated separately"
echo "   (load average before: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo unknown); other jobs lower the wall figures,"
echo "   -@ 2 most; per CPU second of all threads is what the code costs whatever the load)"
$TESSERA simulate motif -M $MOTIF -n 10000 --len $LEN --seed 7 --pos $T/tp_pos.fa --neg $T/tp_neg.fa
$TESSERA simulate motif -M $MOTIF -n 2000 --len $LEN --seed 2007 --pos $T/tp_te_pos.fa --neg $T/tp_te_neg.fa
for th in 1 2; do
	$TESSERA train --quiet -@ $th -K 32 -W 19 --batch 64 --epochs 10 --val 0 --pos $T/tp_pos.fa --neg $T/tp_neg.fa \
		--test-set pos=$T/tp_te_pos.fa --test-set neg=$T/tp_te_neg.fa -o $T/tp_model.json --json $T/tp_report.json
	printf '   tessera train -@ %d:  %8.0f sequences/s (wall), %8.0f per CPU second; test auROC %.4f\n' "$th" \
		"$(json_num train_seq_per_s $T/tp_report.json)" "$(json_num train_seq_per_cpu_s $T/tp_report.json)" \
		"$(json_num test_auroc $T/tp_report.json)"
done
if /usr/bin/python3 -c 'import torch' 2>/dev/null; then
	v=$(/usr/bin/python3 -c 'import torch; print(torch.__version__)')
	for th in 1 2; do
		/usr/bin/python3 bench/cnn_torch.py $T/tp_pos.fa $T/tp_neg.fa $th 10 $T/tp_te_pos.fa $T/tp_te_neg.fa > $T/torch_out.txt
		read rate rate_cpu auc < $T/torch_out.txt
		printf '   PyTorch %s, %d thread(s): %8.0f sequences/s (wall), %8.0f per CPU second; test auROC %.4f\n' "$v" "$th" \
			"$rate" "$rate_cpu" "$auc"
	done
else
	echo "   PyTorch comparison skipped: /usr/bin/python3 cannot import torch (Debian: apt-get install python3-torch)"
fi
