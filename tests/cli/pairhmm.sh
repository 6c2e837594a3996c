# tessera pairhmm: usage, errors and exit codes, simulate's determinism, and
# the agreement of --json with the human report.  Nothing here depends on the
# engine's numbers, only on their consistency.
FX=data/fixtures/pairhmm

# --- usage ---------------------------------------------------------------
run tessera pairhmm --help
expect_rc 0; expect_err_empty; expect_out_grep '^Usage: tessera pairhmm <command>'
check pairhmm_help

for sub in fit test align simulate; do
	run tessera pairhmm $sub --help
	expect_rc 0; expect_err_empty; expect_out_grep "^Usage: tessera pairhmm $sub"; expect_out_grep '--quiet'
	check "pairhmm_${sub}_help"
done

run tessera help pairhmm
expect_rc 0; expect_out_grep '^Usage: tessera pairhmm'
check pairhmm_help_command

run tessera pairhmm
expect_rc 1; expect_err_grep '^Usage: tessera pairhmm'
check pairhmm_no_subcommand

run tessera pairhmm frobnicate
expect_rc 1; expect_err_grep "unknown command 'frobnicate'"
check pairhmm_unknown_subcommand

run tessera pairhmm fit
expect_rc 1; expect_err_grep '^\[E::pairhmm\] no input file given'; expect_err_grep "pairhmm fit --help"
check pairhmm_fit_no_input

run tessera pairhmm fit --no-such-option $FX/pairs.fa
expect_rc 1; expect_err_grep '^Usage: tessera pairhmm fit'
check pairhmm_bad_option

run tessera pairhmm fit --mea $FX/pairs.fa
expect_rc 1; expect_err_grep "'pairhmm fit' does not take --mea"
check pairhmm_option_of_another_subcommand

run tessera pairhmm fit --tol zero $FX/pairs.fa
expect_rc 1; expect_err_grep "--tol: 'zero' is not a number"
check pairhmm_bad_number

run tessera pairhmm fit $FX/pairs.fa $FX/a.fa
expect_rc 1; expect_err_grep 'too many input files'
check pairhmm_two_positionals

run tessera pairhmm fit --tie gap-open,wobble $FX/pairs.fa
expect_rc 1; expect_err_grep '^\[E::pairhmm\] --tie: '
check pairhmm_bad_spec

for spec in '' ',gap-open,' 'gap-open,,gap-extend'; do
	run tessera pairhmm fit --tie "$spec" $FX/pairs.fa
	expect_rc 1; expect_err_grep "^\[E::pairhmm\] --tie: tying spec '$spec' has an empty item"
	check "pairhmm_spec_empty_item_$spec"
done

run tessera pairhmm fit -o '' $FX/pairs.fa
expect_rc 1; expect_err_grep 'an output file name is empty'
check pairhmm_fit_empty_output_name
run tessera pairhmm simulate -n 2 -o ''
expect_rc 1; expect_err_grep 'an output file name is empty'
check pairhmm_simulate_empty_output_name

run tessera pairhmm test --null bogus $FX/pairs.fa
expect_rc 1; expect_err_grep '^\[E::pairhmm\] --null: '
check pairhmm_bad_null_spec

run tessera pairhmm test --null untied --alt tied $FX/pairs.fa
expect_rc 1; expect_err_grep 'not nested'
check pairhmm_not_nested

run tessera pairhmm test --null tied --alt tied $FX/pairs.fa
expect_rc 1; expect_err_grep 'same model'
check pairhmm_same_model

run tessera pairhmm simulate -n 0
expect_rc 1; expect_err_grep "-n: '0' is not a positive integer"
check pairhmm_simulate_bad_n

run tessera pairhmm simulate $FX/pairs.fa
expect_rc 1; expect_err_grep 'takes no input file'
check pairhmm_simulate_no_input

# --- bad input: exit 2 with the record or field; I/O: exit 3 -----------------
run tessera pairhmm fit -o "$T/odd.txt" --json "$T/odd.json" $FX/odd.fa
expect_rc 2; expect_err_grep "^\[E::pairhmm\] $FX/odd.fa: odd number of records \(3\): record 3 'o3' has no partner"
expect_no_file "$T/odd.txt"; expect_no_file "$T/odd.json"
check pairhmm_odd_record_count

run tessera pairhmm align --params $FX/params.json $FX/a.fa -2 $FX/b_short.fa
expect_rc 2; expect_err_grep "$FX/b_short.fa: ran out after 1 records.*'a2' has no partner"
check pairhmm_unequal_files

run tessera pairhmm fit $FX/nonexistent.fa
expect_rc 3; expect_err_grep "nonexistent.fa: No such file or directory"
check pairhmm_missing_file

run tessera pairhmm align --params $FX/nonexistent.json $FX/pairs.fa
expect_rc 3; expect_err_grep "nonexistent.json: No such file or directory"
check pairhmm_missing_params

run tessera pairhmm align --params $FX/bad_missing.json $FX/pairs.fa
expect_rc 2; expect_err_grep "^\[E::pairhmm\] $FX/bad_missing.json: 'eY' is missing"
check pairhmm_bad_params_field

run tessera pairhmm align --params $FX $FX/pairs.fa
expect_rc 3; expect_err_grep "^\[E::pairhmm\] $FX: read failed: Is a directory"
check pairhmm_params_directory_exit3

run tessera pairhmm simulate --params $FX/bad_syntax.json
expect_rc 2; expect_err_grep "bad_syntax.json:2: "
check pairhmm_bad_params_syntax

run tessera pairhmm fit -o "$T/no/such/dir/report.txt" $FX/pairs.fa
expect_rc 3
check pairhmm_unwritable_output

# --- simulate: record count, determinism ----------------------------------
run tessera pairhmm simulate -n 5 --seed 3 -o "$T/s3.fa" --aln "$T/s3.tsv" --json "$T/s3.json"
expect_rc 0; expect_err_empty
[ "$(grep -c '^>' "$T/s3.fa" 2>/dev/null)" = 10 ] || fail_because "not 10 FASTA records"
[ "$(sed -n '1p;2p' "$T/s3.fa" | head -c 7)" = ">sim1_1" ] || fail_because "first record is not >sim1_1"
grep -q '^>sim5_2$' "$T/s3.fa" || fail_because "no >sim5_2"
[ "$(head -n 1 "$T/s3.tsv")" = "$(printf 'pair\tstates')" ] || fail_because "--aln header"
[ "$(wc -l < "$T/s3.tsv")" = 6 ] || fail_because "--aln is not 1 + 5 lines"
grep -Eqv '^(pair	states|sim[0-9]+	[MXY]*)$' "$T/s3.tsv" && fail_because "--aln line not sim<TAB>[MXY]*"
check pairhmm_simulate_counts

run tessera pairhmm simulate -n 5 --seed 3
expect_rc 0; expect_out_file "$T/s3.fa"
check pairhmm_simulate_same_seed_same_bytes

run tessera pairhmm simulate -n 5 --seed 4
expect_rc 0
cmp -s "$OUT" "$T/s3.fa" && fail_because "seeds 3 and 4 gave the same pairs"
check pairhmm_simulate_seeds_differ

run tessera pairhmm simulate -n 5
expect_rc 0
tessera pairhmm simulate -n 5 --seed 1 > "$T/seed1.fa"
expect_out_file "$T/seed1.fa"
check pairhmm_simulate_default_seed_is_1

# the simulated states agree with the sequences: #M+#X = len(x), #M+#Y = len(y)
python3 - "$T/s3.json" "$T/s3.fa" > "$T/check.txt" 2>&1 <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
seqs, name = {}, None
for line in open(sys.argv[2]):
    line = line.strip()
    if line.startswith('>'): name = line[1:]; seqs[name] = ''
    else: seqs[name] += line
assert j["seed"] == 3 and j["n"] == 5 and len(j["pairs"]) == 5
for k, p in enumerate(j["pairs"], 1):
    s = p["states"]
    assert s.count('M') + s.count('X') == p["n"] == len(seqs["sim%d_1" % k]), k
    assert s.count('M') + s.count('Y') == p["m"] == len(seqs["sim%d_2" % k]), k
for key in ("dX", "dY", "eX", "eY", "tau", "match", "qX", "qY"): assert key in j["params"], key
PY
[ $? = 0 ] || fail_because "simulate JSON: $(tail -n 1 "$T/check.txt")"
check pairhmm_simulate_states_match_sequences

# --- fit and test on a small simulated set ---------------------------------
tessera pairhmm simulate -n 20 --seed 11 --params $FX/params.json -o "$T/sim.fa" 2>/dev/null
run tessera pairhmm fit --tie tied --max-iter 50 -o "$T/fit.txt" --json "$T/fit.json" "$T/sim.fa"
expect_rc 0; expect_err_empty
grep -Eq '^Model: tied \(tied groups: gap-open,gap-extend,insert-emission\)$' "$T/fit.txt" || fail_because "no Model line"
grep -Eq '^lnL\(np: 21\):  -[0-9]+\.[0-9]{6}$' "$T/fit.txt" || fail_because "no lnL(np: 21) line"
python3 - "$T/fit.json" "$T/fit.txt" > "$T/check.txt" 2>&1 <<'PY'
import json, re, sys
j = json.load(open(sys.argv[1])); rep = open(sys.argv[2]).read()
for k in ("command", "input", "n_pairs", "n_residues", "spec", "np", "lnL", "iterations", "converged", "params"): assert k in j, k
assert j["n_pairs"] == 20 and j["np"] == 21 and j["spec"] == ["gap-open", "gap-extend", "insert-emission"]
lnl = re.search(r'^lnL\(np: 21\):  (\S+)$', rep, re.M).group(1)
assert lnl == "%.6f" % j["lnL"], (lnl, j["lnL"])
p = j["params"]
for key in ("dX", "dY", "eX", "eY", "tau"):
    got = re.search(r'^  %s +\(.*\)\s+(\S+)$' % key, rep, re.M).group(1)
    assert got == "%.8f" % p[key], (key, got, p[key])
assert p["dX"] == p["dY"] and p["eX"] == p["eY"] and p["qX"] == p["qY"], "tied groups differ"
rows = re.findall(r'^  ([ACGT]) ((?: +\S+){4})$', rep, re.M)
assert len(rows) == 4
for a, (base, vals) in enumerate(rows):
    assert vals.split() == ["%.8f" % v for v in p["match"][a]], base
PY
[ $? = 0 ] || fail_because "fit JSON vs report: $(tail -n 1 "$T/check.txt")"
check pairhmm_fit_json_matches_report

run tessera pairhmm test --max-iter 50 --params-in "$T/fit.json" --json "$T/test.json" "$T/sim.fa"
expect_rc 0; expect_err_empty
expect_out_grep '^Model: null = tied \(tied groups: gap-open,gap-extend,insert-emission\)$'
expect_out_grep '^Model: alt = untied \(tied groups: insert-emission\)$'
expect_out_grep '^LRT: D = 2\(lnL_alt - lnL_null\) = [0-9.e+-]+, df = 2, p = '
expect_out_grep '^  dX/dY = '; expect_out_grep '^  mean gap length Y = 1/\(1-eY\) = '
python3 - "$T/test.json" "$OUT" > "$T/check.txt" 2>&1 <<'PY'
import json, re, sys
j = json.load(open(sys.argv[1])); rep = open(sys.argv[2]).read()
for k in ("null", "alt", "lrt", "n_residues"): assert k in j, k
for k in ("D", "df", "p", "aic_null", "aic_alt", "bic_null", "bic_alt", "open_ratio", "extend_ratio", "mean_gap_x", "mean_gap_y"):
    assert k in j["lrt"], k
l = j["lrt"]
assert j["null"]["np"] == 21 and j["alt"]["np"] == 23 and l["df"] == 2
assert j["alt"]["lnL"] >= j["null"]["lnL"] - 1e-6 * abs(j["null"]["lnL"]), "alt started from the null went down"
m = re.search(r'^LRT: D = 2\(lnL_alt - lnL_null\) = (\S+), df = (\d+), p = (\S+)$', rep, re.M)
assert m.group(1) == "%.6f" % l["D"] and m.group(3) == "%.6g" % l["p"], m.groups()
for name, f in (("null", j["null"]), ("alt", j["alt"])):
    row = re.search(r'^%s +(\d+) +(\S+) +(\S+) +(\S+)$' % name, rep, re.M).groups()
    assert row == (str(f["np"]), "%.6f" % f["lnL"], "%.6f" % l["aic_" + name], "%.6f" % l["bic_" + name]), row
assert re.search(r'^  dX/dY = (\S+)$', rep, re.M).group(1) == "%.6f" % l["open_ratio"]
assert re.search(r'^  eX/eY = (\S+)$', rep, re.M).group(1) == "%.6f" % l["extend_ratio"]
PY
[ $? = 0 ] || fail_because "test JSON vs report: $(tail -n 1 "$T/check.txt")"
check pairhmm_test_json_matches_report

# --- align ------------------------------------------------------------------
run tessera pairhmm align --params "$T/fit.json" --json "$T/aln.json" $FX/pairs.fa
expect_rc 0; expect_err_empty
expect_out_grep '^# pair 1: p1a \(11 bp\) vs p1b \(11 bp\)  lnL -[0-9.]+  score '
expect_out_grep '^# pair 2: p2a \(4 bp\) vs p2b \(5 bp\)'
expect_out_grep '^PP   [0-9*]+$'
grep -E '^PP ' "$OUT" | grep -Eqv '^PP   [0-9*]{1,60}$' && fail_because "PP line with other characters or over 60 columns"
python3 - "$T/aln.json" > "$T/check.txt" 2>&1 <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
assert j["method"] == "viterbi" and len(j["pairs"]) == 2
for p in j["pairs"]:
    L = len(p["aligned1"])
    assert L == len(p["aligned2"]) == len(p["states"]) == len(p["posterior"]), p["pair"]
    assert all(0 <= x <= 1 + 1e-9 for x in p["posterior"])
    assert len(p["aligned1"].replace('-', '')) == p["n"] and len(p["aligned2"].replace('-', '')) == p["m"]
PY
[ $? = 0 ] || fail_because "align JSON: $(tail -n 1 "$T/check.txt")"
check pairhmm_align

run tessera pairhmm align --mea --params $FX/params_nested.json -1 $FX/a.fa -2 $FX/b.fa
expect_rc 0; expect_out_grep '^# pair 2: a2 \(4 bp\) vs b2 \(3 bp\)'
check pairhmm_align_mea_two_files

run tessera pairhmm align --verbose --max-iter 5 $FX/pairs.fa.gz
expect_rc 0; expect_err_grep 'fitting the untied model'; expect_out_grep '^# pair 2: '
check pairhmm_align_fits_first

run tessera pairhmm simulate --quiet -n 2
expect_rc 0; expect_err_empty
check pairhmm_quiet

# pairs with no residues at all: an error, not a model with tau = 1 that the
# tool would then refuse to read back
printf '>a\n>b\n>c\n>d\n' > "$T/empty_pairs.fa"
for sub in fit test align; do
	run tessera pairhmm $sub --json "$T/empty.json" "$T/empty_pairs.fa"
	expect_rc 2; expect_err_grep 'empty_pairs.fa: every sequence of the 2 pair\(s\) is empty'; expect_no_file "$T/empty.json"
	check "pairhmm_${sub}_no_residues"
done

# outputs are all or none: a failing second output (a full device) leaves
# no first one behind; two outputs may not name the same file
run tessera pairhmm simulate --params $FX/params.json -n 10 -o "$T/sim_full.fa" --aln /dev/full
expect_rc 3; expect_err_grep '/dev/full: write failed'; expect_no_file "$T/sim_full.fa"
check pairhmm_simulate_outputs_all_or_none
run tessera pairhmm test --json "$T/full.json" --mqc /dev/full $FX/pairs.fa.gz
expect_rc 3; expect_err_grep '/dev/full: write failed'; expect_no_file "$T/full.json"
check pairhmm_test_outputs_all_or_none
run tessera pairhmm simulate --params $FX/params.json -n 10 -o "$T/same.fa" --aln "$T/same.fa"
expect_rc 1; expect_err_grep 'two outputs name the same file .*same.fa'; expect_no_file "$T/same.fa"
check pairhmm_outputs_distinct

# a pair of probability 0 under the starting parameters is named (file,
# place, record names), as align names it
run tessera pairhmm fit --params-in $FX/params_no_A.json $FX/pair_with_A.fa
expect_rc 2; expect_err_grep 'pair_with_A.fa: pair 2 \(p2a, p2b\) has probability 0 under the parameters'
check pairhmm_fit_names_impossible_pair
