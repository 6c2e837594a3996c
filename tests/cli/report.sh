# tessera report (one self-contained HTML page) rendered in a real browser,
# and the MultiQC custom content of scan and pairhmm test (--mqc) read by
# MultiQC itself.  Browser and MultiQC cases are skipped when the tool is
# absent (make deps installs both).
PY=/usr/bin/python3
PB=data/reads/pacbio_rsii_lambda_subreads.bam
PBREF=data/reads/pacbio_lambdaNEB_ref.fasta

run tessera scan --mqc "$T/scanfix_mqc.json" -m data/fixtures/scan/motifs.meme -o "$T/report_hits.tsv" data/fixtures/scan/genome.fa
expect_rc 0
# the MultiQC counts are the hits per motif of the TSV
$PY -c '
import collections, json, sys
d = json.load(open(sys.argv[1]))
want = collections.Counter(l.split("\t")[0] for l in open(sys.argv[2]) if l[0] != "#" and not l.startswith("motif_id"))
got = d["data"]["genome"]
sys.exit(0 if got == dict(want) and d["plot_type"] == "bargraph" and set(d["categories"]) == set(want) else 1)' \
	"$T/scanfix_mqc.json" "$T/report_hits.tsv" || fail_because "--mqc counts differ from the hits per motif"
check scan_mqc_counts_hits_per_motif

run tessera pairhmm test --json "$T/report_pb.json" --mqc "$T/pacbio_mqc.json" --sample pacbio --bam $PB --ref $PBREF
expect_rc 0
$PY -c '
import json, sys
m, j = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
row = m["data"]["pacbio"]
ok = m["plot_type"] == "table" and abs(row["D"] - j["lrt"]["D"]) < 1e-9 and abs(row["p"] - j["lrt"]["p"]) <= 1e-9 * j["lrt"]["p"] \
	and abs(row["open_ratio"] - j["lrt"]["open_ratio"]) < 1e-12 and row["pairs"] == j["n_pairs"] and row["cigar_id_ratio"] > 1
sys.exit(0 if ok else 1)' "$T/pacbio_mqc.json" "$T/report_pb.json" || fail_because "--mqc row differs from the test's --json"
check pairhmm_mqc_matches_json

# default sample name: the input file name without directories and extensions
run tessera pairhmm test --mqc "$T/fa_mqc.json" data/fixtures/pairhmm/pairs.fa
expect_rc 0
grep -q '"pairs": {' "$T/fa_mqc.json" || fail_because "sample not named after pairs.fa"
check pairhmm_mqc_default_sample

if command -v multiqc >/dev/null 2>&1; then
	rm -rf "$T/mqc" && mkdir -p "$T/mqc/in"
	cp "$T/scanfix_mqc.json" "$T/pacbio_mqc.json" "$T/fa_mqc.json" "$T/mqc/in/"
	run multiqc --no-ansi -q -f -o "$T/mqc/out" "$T/mqc/in"
	expect_rc 0
	$PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
sec = d.get("report_general_stats_data", []), d.get("report_saved_raw_data", {})
raw = json.dumps(d)
sys.exit(0 if "tessera_pairhmm_test" in raw and "tessera_scan_hits" in raw and "pacbio" in raw and "MA0139.2" in raw else 1)' \
		"$T/mqc/out/multiqc_data/multiqc_data.json" || fail_because "MultiQC did not pick up both tessera sections"
	check multiqc_reads_tessera_custom_content
else
	skip multiqc_reads_tessera_custom_content "multiqc not installed (make deps installs it)"
fi

# the page: well-formed (it is also valid XML), deterministic, complete
$TESSERA train --quiet --pos data/fixtures/cnn/pos.fa --neg data/fixtures/cnn/neg.fa -K 8 -W 12 --lr 0.01 --batch 32 \
	--epochs 6 -o "$T/report_model.json" --json "$T/report_train.json" || fail_because "train failed"
run tessera report --hits "$T/report_hits.tsv" -m data/fixtures/scan/motifs.meme --fai data/fixtures/scan/genome.fa.fai \
	--pairhmm "$T/report_pb.json" --train "$T/report_train.json" -o "$T/report.html"
expect_rc 0; expect_err_empty
tessera report --hits "$T/report_hits.tsv" -m data/fixtures/scan/motifs.meme --fai data/fixtures/scan/genome.fa.fai \
	--pairhmm "$T/report_pb.json" --train "$T/report_train.json" -o "$T/report2.html" 2>/dev/null
cmp -s "$T/report.html" "$T/report2.html" || fail_because "two runs gave different pages"
$PY -c '
import sys, xml.etree.ElementTree as ET
root = ET.parse(sys.argv[1]).getroot()
ns = "{http://www.w3.org/2000/svg}"
svgs = root.findall(".//" + ns + "svg")
logos = [s for s in svgs if s.find(ns + "path[@fill=\"#109648\"]") is not None]
text = "".join(root.itertext())
curves = [s for s in svgs if "validation auROC" in "".join(s.itertext())]
sys.exit(0 if len(svgs) >= 6 and logos and curves and "Pair HMM" in text and "symmetry is rejected" in text
	and "test auROC" in text and "<script" not in open(sys.argv[1]).read() else 1)' \
	"$T/report.html" || fail_because "the page is not well-formed or lacks logos, charts, the pair-HMM or the training section"
check report_page_complete_and_deterministic

CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -n "$CHROMIUM" ]; then
	rm -f "$T/report.png"
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu --hide-scrollbars --enable-logging=stderr --v=0 \
		--window-size=1200,1600 --screenshot="$PWD/$T/report.png" "file://$PWD/$T/report.html" > "$T/chromium.log" 2>&1
	[ -s "$T/report.png" ] || fail_because "chromium wrote no screenshot"
	! grep -q 'CONSOLE' "$T/chromium.log" || fail_because "console messages: $(grep CONSOLE "$T/chromium.log" | head -3)"
	if [ -s "$T/report.png" ]; then
		read colours ink <<EOF_INK
$($PY tests/tools/png_ink.py "$T/report.png")
EOF_INK
		# a blank page has 1 colour and no ink; this one has logos and charts
		[ "$colours" -ge 50 ] && $PY -c "import sys; sys.exit(0 if $ink > 0.02 else 1)" ||
			fail_because "the rendered page looks blank ($colours colours, ink $ink)"
	fi
	check report_renders_in_chromium
else
	skip report_renders_in_chromium "chromium not installed (make deps installs it)"
fi

run tessera report -o "$T/none.html"
expect_rc 1; expect_err_grep 'nothing to report'; expect_no_file "$T/none.html"
check report_needs_an_input

printf 'motif_id\tmotif_alt_id\tsequence_name\tstart\tstop\tstrand\tscore\tp-value\tq-value\tmatched_sequence\nMA1\tX\tchr1\t10\t5\t+\t3.2\t1e-5\t0.1\tACGT\n' > "$T/bad_hits.tsv"
run tessera report --hits "$T/bad_hits.tsv" -o "$T/bad.html"
expect_rc 2; expect_err_grep 'bad_hits.tsv:2: not a hit line'; expect_no_file "$T/bad.html"
check report_bad_hits_line

run tessera report --pairhmm data/fixtures/pairhmm/params.json -o "$T/bad.html"
expect_rc 2; expect_err_grep "params.json: not the --json of 'tessera pairhmm test'"; expect_no_file "$T/bad.html"
check report_wrong_json

run tessera report --hits "$T/missing.tsv"
expect_rc 3; expect_err_grep 'missing.tsv: No such file'
check report_missing_input

# a .fai shorter than the hits on a sequence (another genome's index) is an
# error (the density bins overflowed); a header-only hits file is a page
printf 'motif_id\tmotif_alt_id\tsequence_name\tstart\tstop\tstrand\tscore\tp-value\tq-value\tmatched_sequence\nMA1\tX\tchr1\t30000000\t30000004\t+\t3.2\t1e-5\t0.1\tACGTA\n' > "$T/far_hits.tsv"
printf 'chr1\t1\t6\t60\t61\n' > "$T/short.fai"
run tessera report --hits "$T/far_hits.tsv" --fai "$T/short.fai" -o "$T/far.html"
expect_rc 2; expect_err_grep "short.fai:1: 'chr1' is 1 bp, but .*far_hits.tsv has hits on it up to 30000004"; expect_no_file "$T/far.html"
check report_fai_shorter_than_hits
head -n 1 "$T/far_hits.tsv" > "$T/no_hits.tsv"
run tessera report --hits "$T/no_hits.tsv" -o "$T/no_hits.html"
expect_rc 0; grep -q '0 hits of 0 motifs' "$T/no_hits.html" || fail_because "no '0 hits' line"
check report_header_only_hits

# JSON with the right shape but numbers missing gives no verdict ("symmetry
# is not rejected" from a missing p); huge but finite losses draw no NaN
printf '{"null":{"params":{}},"alt":{"params":{}},"lrt":{}}' > "$T/hollow.json"
run tessera report --pairhmm "$T/hollow.json" -o "$T/hollow.html"
expect_rc 2; expect_err_grep "hollow.json: 'D' is missing or not a finite number"; expect_no_file "$T/hollow.html"
check report_pairhmm_json_without_numbers
printf '{"curve":[{"val_loss":1}]}' > "$T/no_loss.json"
run tessera report --train "$T/no_loss.json" -o "$T/no_loss.html"
expect_rc 2; expect_err_grep 'no_loss.json: epoch 1 of the learning curve has no finite train_loss'; expect_no_file "$T/no_loss.html"
check report_train_json_without_loss
printf '{"curve":[{"train_loss":1e308,"val_loss":-1e308,"val_auroc":0.5},{"train_loss":1,"val_loss":2,"val_auroc":null}]}' > "$T/huge.json"
run tessera report --train "$T/huge.json" -o "$T/huge.html"
expect_rc 0
if grep -qi 'nan' "$T/huge.html"; then fail_because "NaN in the page: $(grep -io '.\{30\}nan.\{10\}' "$T/huge.html" | head -2)"; fi
grep -q 'test auROC n/a' "$T/huge.html" || fail_because "a missing test auROC is not n/a"
check report_train_huge_values_and_missing_metrics

# a pairhmm test whose alt fit has dY or eY = 0 writes the ratios as null
# (infinite): a valid report, the ratio shown as n/a
/usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1])); d["lrt"]["open_ratio"] = None; d["lrt"]["extend_ratio"] = None
json.dump(d, open(sys.argv[2], "w"))' "$T/report_pb.json" "$T/null_ratio.json"
run tessera report --pairhmm "$T/null_ratio.json" -o "$T/null_ratio.html"
expect_rc 0; grep -q 'X gaps open n/a× as often' "$T/null_ratio.html" || fail_because "no n/a ratio in the verdict"
check report_pairhmm_infinite_ratio
