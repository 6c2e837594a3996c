# determinism: scan, pairhmm test and train give byte-identical outputs
# (hits and MultiQC content; the report and its JSON; the model file and the
# predictions) with --threads 1 and --threads 2, run twice each, compared
# with the first run.
DT=$T/determinism
mkdir -p "$DT"
tessera pairhmm simulate -n 30 --seed 8 -o "$DT/pairs.fa" 2>/dev/null
dt_run=0
for dt_threads in 1 2 1 2; do
	dt_run=$((dt_run + 1))
	run tessera scan -m data/fixtures/scan/motifs.meme --thresh 1e-3 -@ $dt_threads -o "$DT/scan$dt_run.tsv" \
		--mqc "$DT/scan${dt_run}_mqc.json" --sample genome data/fixtures/scan/genome.fa data/fixtures/scan/genome.fa.gz
	expect_rc 0
	[ "$(wc -l < "$DT/scan$dt_run.tsv")" -gt 10 ] || fail_because "too few hits to compare"
	cmp -s "$DT/scan1.tsv" "$DT/scan$dt_run.tsv" || fail_because "scan$dt_run.tsv differs from scan1.tsv"
	cmp -s "$DT/scan1_mqc.json" "$DT/scan${dt_run}_mqc.json" || fail_because "scan${dt_run}_mqc.json differs"
	check "determinism_scan_run${dt_run}_threads$dt_threads"

	run tessera pairhmm test -@ $dt_threads --ci 20 --seed 3 -o "$DT/test$dt_run.txt" --json "$DT/test$dt_run.json" "$DT/pairs.fa"
	expect_rc 0
	cmp -s "$DT/test1.txt" "$DT/test$dt_run.txt" || fail_because "test$dt_run.txt differs from test1.txt"
	cmp -s "$DT/test1.json" "$DT/test$dt_run.json" || fail_because "test$dt_run.json differs from test1.json"
	check "determinism_pairhmm_test_run${dt_run}_threads$dt_threads"

	run tessera train -@ $dt_threads --quiet --pos data/fixtures/cnn/pos.fa --shuffle-neg -K 8 -W 12 --lr 0.01 --batch 32 \
		--epochs 4 --rc-tie --seed 5 -o "$DT/model$dt_run.json"
	expect_rc 0
	tessera predict -M "$DT/model$dt_run.json" data/fixtures/cnn/pos.fa > "$DT/pred$dt_run.tsv" 2>/dev/null ||
		fail_because "predict failed"
	cmp -s "$DT/model1.json" "$DT/model$dt_run.json" || fail_because "model$dt_run.json differs from model1.json"
	cmp -s "$DT/pred1.tsv" "$DT/pred$dt_run.tsv" || fail_because "pred$dt_run.tsv differs from pred1.tsv"
	check "determinism_train_run${dt_run}_threads$dt_threads"
done
