# tessera train and predict on data/fixtures/cnn (see its make_fixtures.sh):
# learning a planted motif, identical models for any thread count, the
# model file's checks, predictions, strand symmetry, saliency and errors.
CF=data/fixtures/cnn
TRAIN_FAST="-K 8 -W 12 --lr 0.01 --batch 32 --epochs 15"

run tessera train --pos $CF/pos.fa --neg $CF/neg.fa $TRAIN_FAST --rc-tie -o "$T/model.json" --json "$T/report.json"
expect_rc 0
expect_err_grep '^\[M::train\] epoch 1: loss [0-9.]+; validation loss [0-9.]+ auROC [0-9.]+ auPRC [0-9.]+'
expect_err_grep 'test auROC 0\.9[0-9]* auPRC 0\.9'
grep -q '"format": "tessera-cnn1d"' "$T/model.json" || fail_because "model file lacks its format tag"
grep -q '"curve"' "$T/report.json" || fail_because "report lacks the learning curve"
check train_learns_planted_motif

for n in 1 2; do
	run tessera train --pos $CF/pos.fa --neg $CF/neg.fa $TRAIN_FAST --rc-tie -@ $n --quiet -o "$T/model_t$n.json"
	expect_rc 0; expect_err_empty
	cmp -s "$T/model.json" "$T/model_t$n.json" || fail_because "-@ $n gave another model"
	check "train_same_model_threads_$n"
done

run tessera train --pos $CF/pos.fa --neg $CF/neg.fa $TRAIN_FAST --rc-tie --seed 2 --quiet -o "$T/model_s2.json"
expect_rc 0
cmp -s "$T/model.json" "$T/model_s2.json" && fail_because "--seed 2 gave the model of seed 1"
check train_seed_changes_model

run tessera predict -M "$T/model.json" $CF/pos.fa
expect_rc 0; expect_err_empty
[ "$(head -n 1 "$OUT")" = "name	neg	pos" ] || fail_because "header is '$(head -n 1 "$OUT")'"
[ "$(wc -l < "$OUT")" = 201 ] || fail_because "not 200 predictions"
awk -F'\t' 'NR > 1 && (NF != 3 || $2 + $3 < 0.9999 || $2 + $3 > 1.0001) { bad = 1 } END { exit bad }' "$OUT" ||
	fail_because "a line whose probabilities do not sum to 1"
awk -F'\t' 'NR > 1 && $3 > 0.5 { n++ } END { exit !(n > 150) }' "$OUT" || fail_because "most positives are not called positive"
cp "$OUT" "$T/pred_fwd.tsv"
check predict_tsv

# reverse complement of every record: the same probabilities with --rc-tie
awk '/^>/ { print; next } { cmd = "echo " $0 " | rev | tr ACGT TGCA"; cmd | getline r; close(cmd); print r }' $CF/pos.fa > "$T/pos_rc.fa"
run tessera predict -M "$T/model.json" "$T/pos_rc.fa"
expect_rc 0; expect_out_file "$T/pred_fwd.tsv"
check predict_rc_tie_strand_symmetric

run tessera predict -M "$T/model.json" --saliency "$T/sal.bedgraph" -o "$T/pred.tsv" $CF/varlen.fa
expect_rc 0; expect_err_empty
[ "$(wc -l < "$T/sal.bedgraph")" = 225 ] || fail_because "saliency has $(wc -l < "$T/sal.bedgraph") lines, not one per base (225)"
awk -F'\t' 'NF != 4 || $3 != $2 + 1 { bad = 1 } END { exit bad }' "$T/sal.bedgraph" || fail_because "saliency is not bedGraph"
awk -F'\t' '$1 == "v1" && $2 >= 10 && $2 < 14 && $4 != 0 { bad = 1 } END { exit bad }' "$T/sal.bedgraph" ||
	fail_because "saliency is not 0 at N"
check predict_saliency

run tessera train --pos $CF/pos.fa --shuffle-neg $TRAIN_FAST -o "$T/model_shuf.json"
expect_rc 0; expect_err_grep 'test auROC'
check train_shuffle_neg

run tessera train --class A=$CF/cls_a.fa --class B=$CF/cls_b.fa --class none=$CF/cls_c.fa $TRAIN_FAST --epochs 30 --pool both -o "$T/model3.json"
expect_rc 0
grep -q '"output": "softmax"' "$T/model3.json" || fail_because "three classes without softmax"
run tessera predict -M "$T/model3.json" $CF/cls_b.fa
expect_rc 0
[ "$(head -n 1 "$OUT")" = "name	A	B	none" ] || fail_because "header is '$(head -n 1 "$OUT")'"
awk -F'\t' 'NR > 1 && $3 > $2 && $3 > $4 { n++ } END { exit !(n > 40) }' "$OUT" || fail_because "class B is not recognised"
check train_predict_three_classes

run tessera train --pos $CF/pos.fa --neg $CF/neg.fa $TRAIN_FAST --layer local --act exp --pool avg -o "$T/model_local.json"
expect_rc 0
grep -q '"length": 80' "$T/model_local.json" || fail_because "local model without its length"
run tessera predict -M "$T/model_local.json" $CF/varlen.fa
expect_rc 2; expect_err_grep 'sequence v0: length 30 differs from the length 80'
check train_local_layer

run tessera train --pos $CF/varlen.fa --neg $CF/neg.fa $TRAIN_FAST --layer local -o "$T/bad.json"
expect_rc 2; expect_err_grep 'one length'; expect_no_file "$T/bad.json"
check train_local_needs_one_length

run tessera train --pos $CF/short.fa --neg $CF/neg.fa $TRAIN_FAST -o "$T/bad.json"
expect_rc 2; expect_err_grep 'sequence short0: length 10 is shorter than the filter width 12'; expect_no_file "$T/bad.json"
check train_short_sequence

run tessera predict -M "$T/model.json" $CF/short.fa
expect_rc 2; expect_err_grep 'short.fa: sequence short0: length 10 is shorter than the filter width 12'
check predict_short_sequence

run tessera train --pos $CF/pos.fa --neg $CF/neg.fa $TRAIN_FAST -W 8 --init-motifs data/fixtures/scan/motifs.meme -o "$T/bad.json"
expect_rc 1; expect_err_grep 'wider than the filters'; expect_no_file "$T/bad.json"
check train_init_motifs_too_wide

run tessera train --pos $CF/pos.fa --neg $CF/neg.fa $TRAIN_FAST -W 21 --init-motifs data/fixtures/scan/motifs.meme --quiet -o "$T/model_m.json"
expect_rc 0; expect_err_empty
check train_init_motifs

# the model file: corrupt, newer, incomplete, missing
head -c 300 "$T/model.json" > "$T/truncated.json"
run tessera predict -M "$T/truncated.json" $CF/pos.fa
expect_rc 2; expect_err_grep 'truncated.json:[0-9]+: not valid JSON'
check predict_model_truncated

sed 's/"version": 1,/"version": 2,/' "$T/model.json" > "$T/newer.json"
run tessera predict -M "$T/newer.json" $CF/pos.fa
expect_rc 2; expect_err_grep 'newer.json: model version 2 is newer than this tessera reads \(1\)'
check predict_model_newer

sed 's/"dense_b"/"dense_bias"/' "$T/model.json" > "$T/incomplete.json"
run tessera predict -M "$T/incomplete.json" $CF/pos.fa
expect_rc 2; expect_err_grep "incomplete.json: tensor 'dense_b' is missing"
check predict_model_missing_tensor

sed 's/"filters": 8/"filters": 9/' "$T/model.json" > "$T/inconsistent.json"
run tessera predict -M "$T/inconsistent.json" $CF/pos.fa
expect_rc 2; expect_err_grep "inconsistent.json: tensor 'conv_w': shape\[3\] is not 9"
check predict_model_inconsistent

run tessera predict -M data/fixtures/cnn/pos.fa $CF/pos.fa
expect_rc 2; expect_err_grep 'not valid JSON'
check predict_model_not_json

run tessera predict -M "$T/no_such_model.json" $CF/pos.fa
expect_rc 3; expect_err_grep 'no_such_model.json: No such file'
check predict_model_missing

# usage errors
for args in "--pos $CF/pos.fa --neg $CF/neg.fa" "--pos $CF/pos.fa --neg $CF/neg.fa --shuffle-neg -o $T/x.json" \
	"--pos $CF/pos.fa -o $T/x.json" "--class A=$CF/cls_a.fa -o $T/x.json" "--pos $CF/pos.fa --shuffle-neg --layer deep -o $T/x.json" \
	"--pos $CF/pos.fa --shuffle-neg --val 1.5 -o $T/x.json" "--pos $CF/pos.fa --shuffle-neg -@ 0 -o $T/x.json"; do
	run tessera train $args
	expect_rc 1; expect_err_grep "Try 'tessera train --help'"; expect_no_file "$T/x.json"
	check "train_usage_error_$(echo "$args" | tr -c 'a-z0-9\n' '_' | cut -c1-60)"
done

run tessera predict $CF/pos.fa
expect_rc 1; expect_err_grep 'no model given'
check predict_usage_no_model

# peaks: summit windows read from a reference (the windows themselves are
# checked in tests/test_peaks.c)
run tessera train --bed $CF/peaks.narrowPeak --ref data/fixtures/seq/ref.fa --flank 20 --shuffle-neg --val 0 --test 0 \
	-K 2 -W 5 --epochs 1 -o "$T/model_peaks.json" --json "$T/report_peaks.json"
expect_rc 0
expect_err_grep "2 peaks dropped: their window of 41 bases reaches past a sequence end \(first: $CF/peaks.narrowPeak:4\)"
grep -q '"n_train": 6' "$T/report_peaks.json" || fail_because "not 3 peaks + 3 shuffles in training"
check train_peaks

run tessera train --bed $CF/bad_chrom.bed --ref data/fixtures/seq/ref.fa --shuffle-neg -o "$T/bad.json"
expect_rc 2; expect_err_grep "bad_chrom.bed:2: sequence 'chrZ' is not in the reference"; expect_no_file "$T/bad.json"
check train_peaks_unknown_sequence

run tessera train --bed $CF/bad_summit.narrowPeak --ref data/fixtures/seq/ref.fa --shuffle-neg -o "$T/bad.json"
expect_rc 2; expect_err_grep 'bad_summit.narrowPeak:1: summit offset 250 is outside the peak'; expect_no_file "$T/bad.json"
check train_peaks_bad_summit

run tessera train --bed $CF/peaks.narrowPeak --ref data/fixtures/seq/ref.fa --flank 2000 --shuffle-neg -o "$T/bad.json"
expect_rc 2; expect_err_grep 'no peak has a window of 4001 bases inside the reference'; expect_no_file "$T/bad.json"
check train_peaks_none_fit

# explicit held-out sets
run tessera train --pos $CF/pos.fa --neg $CF/neg.fa --test-set pos=$CF/cls_a.fa --test-set neg=$CF/cls_c.fa --val-set pos=$CF/cls_b.fa \
	--val-set neg=$CF/cls_c.fa $TRAIN_FAST --epochs 2 --quiet -o "$T/model_held.json" --json "$T/report_held.json"
expect_rc 0; expect_err_empty
grep -q '"n_test": 120' "$T/report_held.json" || fail_because "test set is not the 60 + 60 given"
grep -q '"n_val": 120' "$T/report_held.json" || fail_because "validation set is not the 60 + 60 given"
grep -q '"n_train": 400' "$T/report_held.json" || fail_because "training set is not all of pos.fa and neg.fa"
check train_held_out_files

run tessera train --pos $CF/pos.fa --shuffle-neg --test-set pos=$CF/cls_a.fa --val 0 $TRAIN_FAST --epochs 1 --quiet \
	-o "$T/model_held2.json" --json "$T/report_held2.json"
expect_rc 0
grep -q '"n_test": 120' "$T/report_held2.json" || fail_because "test positives without their shuffles"
grep -q '"n_train": 400' "$T/report_held2.json" || fail_because "training set is not pos.fa and its shuffles"
check train_held_out_shuffled_negatives

for args in "--val 0.2 --val-set pos=$CF/cls_a.fa" "--test-set other=$CF/cls_a.fa" "--test-set $CF/cls_a.fa" \
	"--flank 10" "--ref data/fixtures/seq/ref.fa"; do
	run tessera train --pos $CF/pos.fa --shuffle-neg $args -o "$T/x.json"
	expect_rc 1; expect_err_grep "Try 'tessera train --help'"; expect_no_file "$T/x.json"
	check "train_usage_error_$(echo "$args" | tr -c 'a-z0-9\n' '_' | cut -c1-60)"
done

# the in-epoch progress line: only on a terminal, never with --quiet
run tessera train --pos $CF/pos.fa --neg $CF/neg.fa $TRAIN_FAST --batch 8 --epochs 1 -o "$T/model_np.json"
expect_rc 0
grep -q 'sequences (' "$ERR" && fail_because "progress line on a stderr that is not a terminal"
check train_no_progress_line_off_terminal
if command -v script > /dev/null 2>&1; then
	run script -qec "$TESSERA train --pos $CF/pos.fa --neg $CF/neg.fa $TRAIN_FAST --batch 8 --epochs 1 -o $T/model_tty.json" /dev/null
	expect_rc 0
	expect_out_grep 'epoch 1: [0-9]+/320 sequences \([0-9]+%\), loss'
	check train_progress_line_on_terminal
	run script -qec "$TESSERA train --pos $CF/pos.fa --neg $CF/neg.fa $TRAIN_FAST --batch 8 --epochs 1 --quiet -o $T/model_tty.json" /dev/null
	expect_rc 0
	grep -q 'sequences (' "$OUT" && fail_because "progress line with --quiet"
	check train_progress_line_quiet
fi

# a validation or test set without every class has no auROC to pick the best
# epoch by, or to report: an error, not a run with NaN metrics
head -n 2 $CF/pos.fa > "$T/one_pos.fa"
run tessera train --pos "$T/one_pos.fa" --neg $CF/neg.fa $TRAIN_FAST -o "$T/m_one.json"
expect_rc 2; expect_err_grep 'the validation set \([0-9]+ sequences\) has none of class pos'; expect_no_file "$T/m_one.json"
check train_validation_set_lacks_a_class
run tessera train --pos $CF/pos.fa --neg $CF/neg.fa --test-set pos=$CF/pos.fa $TRAIN_FAST -o "$T/m_test.json"
expect_rc 2; expect_err_grep 'the test set \([0-9]+ sequences\) has none of class neg'; expect_no_file "$T/m_test.json"
check train_test_set_lacks_a_class
run tessera train --pos $CF/pos.fa --neg $CF/neg.fa --test 0 $TRAIN_FAST -o "$T/m_notest.json"
expect_rc 0; expect_err_grep 'no test set'
check train_without_test_set

# duplicate class names and one file for both outputs are usage errors; a
# failing report leaves no model behind
run tessera train --class A=$CF/cls_a.fa --class A=$CF/cls_b.fa $TRAIN_FAST -o "$T/m_dup.json"
expect_rc 1; expect_err_grep "class 'A' is given twice"
check train_duplicate_class
run tessera train --pos $CF/pos.fa --neg $CF/neg.fa $TRAIN_FAST -o "$T/same.json" --json "$T/same.json"
expect_rc 1; expect_err_grep '-o and --json name the same file'
check train_outputs_distinct
run tessera train --pos $CF/pos.fa --neg $CF/neg.fa $TRAIN_FAST -o "$T/m_full.json" --json /dev/full
expect_rc 3; expect_err_grep '/dev/full: write failed'; expect_no_file "$T/m_full.json"
check train_outputs_all_or_none

# a loadable model whose weights overflow (exp activation, weights 200):
# an error naming the sequence, no NaN in the outputs, no output files
run tessera predict -M $CF/bad_overflow_model.json $CF/pos.fa -o "$T/nan.tsv" --saliency "$T/nan.bg"
expect_rc 2; expect_err_grep "sequence pos0: the model's probabilities are not finite"; expect_no_file "$T/nan.tsv"; expect_no_file "$T/nan.bg"
check predict_overflowing_model

# a small model file whose architecture implies 4·10^11 weights is refused
# before anything is allocated (it asked for 3.2 TB)
run tessera predict -M $CF/bad_huge_local_model.json $CF/pos.fa
expect_rc 2; expect_err_grep "bad_huge_local_model.json: tensor 'conv_w': "
check predict_model_size_checked_before_allocation

# an 'output' that the classes contradict (softmax for 2 classes) is refused,
# not ignored
sed 's/"output": *"sigmoid"/"output": "softmax"/' "$T/model.json" > "$T/softmax2.json"
grep -q '"softmax"' "$T/softmax2.json" || fail_because "the model file has no 'output' to edit"
run tessera predict -M "$T/softmax2.json" $CF/pos.fa
expect_rc 2; expect_err_grep "softmax2.json: architecture: 'output' must be \"sigmoid\" for 2 classes"
check predict_output_contradicts_classes
