# simulate motif: labels, planted sites where the header says, strands and
# starts spread, the background's G+C, seeds, split outputs, errors.
CF=data/fixtures/cnn

run tessera simulate motif -m $CF/exact.meme --motif exact -n 2000 --len 50 --seed 7 -o "$T/sim.fa"
expect_rc 0; expect_err_empty
[ "$(grep -c '^>' "$T/sim.fa")" = 2000 ] || fail_because "not 2000 records"
[ "$(grep -c ' label=1 motif=exact start=' "$T/sim.fa")" = 1000 ] || fail_because "not 1000 positives"
[ "$(grep -c '^>seq[0-9]* label=0$' "$T/sim.fa")" = 1000 ] || fail_because "not 1000 negatives"
awk '!/^>/ && length($0) != 50 { bad = 1 } END { exit bad }' "$T/sim.fa" || fail_because "a sequence is not 50 bases"
# GATTACA at start on '+', its reverse complement TGTAATC on '-'
awk '/^>/ { s = ""; if ($2 == "label=1") { split($4, a, "="); split($5, b, "="); st = a[2]; s = b[2] }; next }
	s != "" { w = substr($0, st, 7); if ((s == "+" && w != "GATTACA") || (s == "-" && w != "TGTAATC")) bad++;
		n[s]++; if (st < lo || lo == "") lo = st; if (st > hi) hi = st }
	END { exit !(bad == 0 && n["+"] > 430 && n["+"] < 570 && lo == 1 && hi == 44) }' "$T/sim.fa" ||
	fail_because "sites not at their start/strand, or strands/starts not spread over 1..44"
check simulate_sites_where_the_header_says

run tessera simulate motif -m $CF/exact.meme --motif exact -n 2000 --len 50 --seed 7
expect_rc 0; expect_out_file "$T/sim.fa"
check simulate_same_seed_same_output

run tessera simulate motif -m $CF/exact.meme --motif exact -n 2000 --len 50 --seed 8
expect_rc 0
cmp -s "$OUT" "$T/sim.fa" && fail_because "--seed 8 gave the output of seed 7"
check simulate_seed_changes_output

run tessera simulate motif -m $CF/exact.meme --motif exact -n 2000 --len 50 --seed 7 --pos "$T/sim_pos.fa" --neg "$T/sim_neg.fa"
expect_rc 0
[ ! -s "$OUT" ] || fail_because "stdout not empty with --pos/--neg"
awk '/^>/ { p = $2 == "label=1" } { print > (p ? "'"$T"'/exp_pos.fa" : "'"$T"'/exp_neg.fa") }' "$T/sim.fa"
cmp -s "$T/sim_pos.fa" "$T/exp_pos.fa" && cmp -s "$T/sim_neg.fa" "$T/exp_neg.fa" || fail_because "--pos/--neg differ from -o's records"
check simulate_pos_neg_files

run tessera simulate motif -M MA0139.2 -n 200 --len 200 --gc 0.8
expect_rc 0
awk '/label=0/ { getline s; n += length(s); g += gsub(/[GC]/, "", s) } END { exit !(g / n > 0.79 && g / n < 0.81) }' "$OUT" ||
	fail_because "the background's G+C is not 0.8"
grep -q 'motif=MA0139.2' "$OUT" || fail_because "no MA0139.2 site from the bundled JASPAR"
check simulate_bundled_motif_and_gc

run tessera simulate motif -M MA0139.2 -n 10 --len 10 -o "$T/x.fa"
expect_rc 1; expect_err_grep 'motif MA0139.2 is 15 wide: longer than --len 10'; expect_no_file "$T/x.fa"
check simulate_motif_wider_than_sequences

run tessera simulate motif -M CTCF -n 10
expect_rc 1; expect_err_grep "motifs are named 'CTCF': give an id"
check simulate_ambiguous_name

run tessera simulate motif -M NO_SUCH -n 10
expect_rc 1; expect_err_grep "no motif with id or name 'NO_SUCH'"
check simulate_unknown_motif

for args in "motif -n 10" "motif -M MA0139.2 -n 0" "motif -M MA0139.2 --gc 2" "motif -M MA0139.2 extra" "reads -n 10" ""; do
	run tessera simulate $args
	expect_rc 1
	check "simulate_usage_error_$(echo "$args" | tr -c 'a-z0-9\n' '_' | cut -c1-60)"
done

run tessera help simulate
expect_rc 0; expect_out_grep '^Usage: tessera simulate motif'
check simulate_help

# a motif id of 600 characters is written whole, each record on its own lines
long=$(printf 'L%.0s' $(seq 1 600))
sed "s/^MOTIF MA0079.5 SP1/MOTIF $long SP1/" data/fixtures/scan/motifs.meme > "$T/long_id.meme"
run tessera simulate motif -m "$T/long_id.meme" --motif SP1 -n 4 --len 30 --seed 3 -o "$T/long_id.fa"
expect_rc 0
[ "$(grep -c "^>seq[0-9]* label=1 motif=$long start=[0-9]* strand=[+-]\$" "$T/long_id.fa")" = 2 ] || fail_because "long motif id cut"
[ "$(grep -v '^>' "$T/long_id.fa" | grep -c '^[ACGT]\{30\}$')" = 4 ] || fail_because "sequences glued to headers"
check simulate_long_motif_id
