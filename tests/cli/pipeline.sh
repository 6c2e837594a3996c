# What pipelines rely on: an interrupted run leaves no output file (outputs
# are written to a temporary file and renamed), and a rerun gives the full,
# correct file.  The scan is killed with SIGKILL while it is certainly
# running: its input is a FIFO that has delivered half the genome.
GENOME=data/genome/ecoli_k12_mg1655.fa.gz
rm -f "$T/kill.fifo" "$T/kill.tsv" "$T"/kill.tsv.tmp.*
mkfifo "$T/kill.fifo"
$TESSERA scan --quiet --motif MA0139.2 -o "$T/kill.tsv" - < "$T/kill.fifo" &
pid=$!
exec 3> "$T/kill.fifo"
gzip -dc $GENOME | head -c 2400000 >&3
sleep 0.5
kill -0 $pid 2>/dev/null || fail_because "the scan ended before it was killed (it should be waiting for input)"
kill -9 $pid 2>/dev/null
wait $pid 2>/dev/null
exec 3>&-
expect_no_file "$T/kill.tsv"
ls "$T"/kill.tsv.tmp.* >/dev/null 2>&1 && fail_because "a temporary file was left behind"
run tessera scan --motif MA0139.2 -o "$T/kill.tsv" $GENOME
expect_rc 0
[ "$(grep -vc '^motif_id' "$T/kill.tsv")" = 1109 ] || fail_because "rerun: $(grep -vc '^motif_id' "$T/kill.tsv") hits, FIMO finds 1109"
$TESSERA scan --motif MA0139.2 $GENOME 2>/dev/null | cmp -s - "$T/kill.tsv" || fail_because "rerun differs from a run to stdout"
rm -f "$T/kill.fifo"
check scan_sigkill_leaves_no_output_and_rerun_is_complete

# scatter/gather: shards (some empty: more shards than chunks) gathered in any
# order equal one run, q-values over the run included; misuse is refused
G=data/genome/ecoli_k12_mg1655.fa.gz
ARGS="--motif MA0139.2 --motif MA1125.2 --qvalue-scope run"
for i in 1 2 3 4 5 6 7; do
	$TESSERA scan --quiet $ARGS --shard $i/7 --partial "$T/sh$i.part" $G || fail_because "shard $i failed"
done
run tessera scan --quiet $ARGS --gather "$T/sh7.part" "$T/sh3.part" "$T/sh1.part" "$T/sh2.part" "$T/sh5.part" "$T/sh4.part" "$T/sh6.part"
expect_rc 0
expect_out_cmd $TESSERA scan --quiet $ARGS $G
check scan_shards_gather_to_one_run

run tessera scan --quiet $ARGS --gather "$T/sh1.part" "$T/sh2.part"
expect_rc 2; expect_err_grep 'shard 3 of 7 is missing'
check scan_gather_missing_shard

run tessera scan --quiet $ARGS --gather "$T/sh1.part" "$T/sh1.part"
expect_rc 2; expect_err_grep 'sh1.part: shard 1/7 given twice'
check scan_gather_duplicate_shard

run tessera scan --quiet --motif MA0139.2 --gather "$T/sh1.part"
expect_rc 2; expect_err_grep 'sh1.part: made with other motifs or options'
check scan_gather_other_motifs

run tessera scan --quiet --thresh 1e-3 $ARGS --gather "$T/sh1.part"
expect_rc 2; expect_err_grep 'sh1.part: motif 1 differs'
check scan_gather_other_threshold

run tessera scan --quiet --gather data/fixtures/scan/genome.fa
expect_rc 2; expect_err_grep "genome.fa: not a partial file"
check scan_gather_not_a_partial

run tessera scan --shard 2/1 --partial "$T/x.part" $G
expect_rc 1; expect_err_grep "--shard: '2/1' is not I/N"
check scan_shard_bad_spec

run tessera scan --shard 1/2 $G
expect_rc 1; expect_err_grep '--shard and --partial go together'
check scan_shard_needs_partial
