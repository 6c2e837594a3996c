# tessera pairhmm --bootstrap and --ci: the p-value's form, intervals, and
# results fixed by --seed whatever the thread count.
tessera pairhmm simulate -n 30 --seed 2 -o "$T/boot.fa" 2>/dev/null

run tessera pairhmm test --bootstrap 19 --ci 20 --seed 7 --json "$T/boot1.json" "$T/boot.fa"
expect_rc 0
expect_out_grep '^Parametric bootstrap: [0-9]+ of 19 datasets simulated under the fitted null'
expect_out_grep '^95% intervals \(20 resamples of the pairs'
expect_out_grep '^  dX/dY  \['
cp "$OUT" "$T/boot1.txt"
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
b = d["bootstrap"]
assert b["B"] == 19 and abs(b["p"] - (1 + b["n_ge"]) / 20) < 1e-12, b
for k in ("dX", "dY", "eX", "eY", "tau"):
    lo, hi = d["ci"][k]
    assert 0 <= lo <= hi <= 1, (k, lo, hi)
' "$T/boot1.json" 2>"$T/py.err" || fail_because "JSON check: $(cat "$T/py.err")"
check pairhmm_bootstrap_and_ci

run tessera pairhmm test -@ 2 --bootstrap 19 --ci 20 --seed 7 --json "$T/boot2.json" "$T/boot.fa"
expect_rc 0; expect_out_file "$T/boot1.txt"
cmp -s "$T/boot1.json" "$T/boot2.json" || fail_because "JSON differs between -@ 1 and -@ 2"
check pairhmm_bootstrap_same_for_any_threads

run tessera pairhmm fit --bootstrap 5 "$T/boot.fa"
expect_rc 1; expect_err_grep "does not take --bootstrap"
check pairhmm_bootstrap_only_for_test

# the help is printed as is: one '%', not printf's '%%'
run tessera pairhmm test --help
expect_rc 0; expect_out_grep '^      --ci B +95% percentile intervals'
check pairhmm_help_percent_sign
