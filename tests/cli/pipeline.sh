# What pipelines rely on: an interrupted run leaves no output file (outputs
# are written to a temporary file and renamed), and a rerun gives the full,
# correct file.  The scan is killed with SIGKILL while it is certainly
# running: its input is a FIFO that has delivered half the genome.
GENOME=data/genome/ecoli_k12_mg1655.fa.gz
rm -f "$T/kill.fifo" "$T/kill.tsv" "$T"/kill.tsv.tmp.*
mkfifo "$T/kill.fifo"
"$TESSERA" scan --quiet --motif MA0139.2 -o "$T/kill.tsv" - < "$T/kill.fifo" &
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
"$TESSERA" scan --motif MA0139.2 $GENOME 2>/dev/null | cmp -s - "$T/kill.tsv" || fail_because "rerun differs from a run to stdout"
rm -f "$T/kill.fifo"
check scan_sigkill_leaves_no_output_and_rerun_is_complete
