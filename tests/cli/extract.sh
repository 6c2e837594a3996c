# motifs extract and logo: a model trained on data/fixtures/cnn (TGACGTCA
# planted at 0.95 per position) gives back the planted motif; MEME, TSV and
# SVG outputs; errors.
CF=data/fixtures/cnn

# an SVG file is well-formed XML: xmllint, else python3's xml.etree, else skipped
svg_ok() {
	if command -v xmllint > /dev/null 2>&1; then xmllint --noout "$@" 2>/dev/null
	elif command -v python3 > /dev/null 2>&1; then
		python3 -c 'import sys, xml.etree.ElementTree as E; [E.parse(f) for f in sys.argv[1:]]' "$@" 2>/dev/null
	else echo "[W::cli] neither xmllint nor python3: SVG files not checked" >&2
	fi
}

run tessera train --pos $CF/pos.fa --neg $CF/neg.fa -K 8 -W 12 --lr 0.01 --batch 32 --epochs 15 --rc-tie --quiet -o "$T/ex_model.json"
expect_rc 0
check extract_train_model

run tessera motifs extract -M "$T/ex_model.json" --from $CF/pos.fa -m $CF/planted.meme -o "$T/learned.meme" --logo "$T/logos"
expect_rc 0
[ "$(head -n 1 "$OUT")" = "filter	nsites	ic	match_id	match_name	similarity	offset	strand	overlap" ] || fail_because "header is '$(head -n 1 "$OUT")'"
[ "$(wc -l < "$OUT")" = 9 ] || fail_because "not one line per filter"
awk -F'\t' 'NR > 1 && $4 == "planted" && $6 > 0.8 { ok = 1 } END { exit !ok }' "$OUT" || fail_because "no filter matches the planted motif > 0.8"
cp "$OUT" "$T/matches.tsv"
check extract_recovers_planted_motif

run tessera motifs summary "$T/learned.meme"
expect_rc 0; expect_out_grep '^format +MEME$'; expect_out_grep 'filter0'
n_motifs=$(sed -n 's/^motifs *//p' "$OUT")
[ "$(ls "$T/logos" | wc -l)" = "$n_motifs" ] || fail_because "not one logo per motif"
awk -F'\t' 'NR > 1 && $2 > 0' "$T/matches.tsv" | cut -f1 | while read -r f; do [ -s "$T/logos/$f.svg" ] || echo "$f"; done > "$T/missing"
[ -s "$T/missing" ] && fail_because "no logo for $(head -n 1 "$T/missing")"
svg_ok "$T"/logos/*.svg || fail_because "a logo is not well-formed XML"
grep -q '<title>filter[0-9]* (nsites [0-9]*; best match planted TGACGTCA' "$T"/logos/*.svg || fail_because "logo titles lack the match"
check extract_meme_and_logos

# the same with the matches in a file; the bundled database by default
run tessera motifs extract -M "$T/ex_model.json" --from $CF/pos.fa -o "$T/learned2.meme" --matches "$T/matches2.tsv"
expect_rc 0
[ -s "$OUT" ] && fail_because "stdout not empty with --matches"
grep -Eq '^filter[0-9]+	[0-9]+	[0-9.]+	MA[0-9]+\.[0-9]+	' "$T/matches2.tsv" || fail_because "no JASPAR match"
cmp -s "$T/learned.meme" "$T/learned2.meme" || fail_because "the motifs depend on the database"
check extract_bundled_database

run tessera motifs extract -M "$T/ex_model.json" --from $CF/pos.fa -m $CF/planted.meme --threshold 0.9 -o "$T/learned3.meme"
expect_rc 0
awk -F'\t' 'NR == FNR { if (FNR > 1) a[$1] = $2; next } FNR > 1 && $2 > a[$1] { bad = 1 } END { exit bad }' "$T/matches.tsv" "$OUT" ||
	fail_because "a higher threshold gave a filter more sites"
check extract_threshold

run tessera motifs logo data/fixtures/scan/motifs.meme -o "$T/logos2"
expect_rc 0; expect_err_empty
[ -s "$T/logos2/MA0139.2.svg" ] || fail_because "no logo of MA0139.2"
svg_ok "$T"/logos2/*.svg || fail_because "a logo is not well-formed XML"
check motifs_logo

run tessera motifs logo data/fixtures/scan/motifs.meme
expect_rc 1; expect_err_grep 'no directory given'
check motifs_logo_needs_dir

# ids that sanitise to one file name each get a file of their own
sed -e 's/^MOTIF MA0602.2 /MOTIF a\/b /' -e 's/^MOTIF MA0079.5 /MOTIF a_b /' -e 's/^MOTIF MA0069.1 /MOTIF a:b /' \
	-e 's/^MOTIF MA0139.2 /MOTIF a_b.2 /' data/fixtures/scan/motifs.meme > "$T/clash.meme"
run tessera motifs logo "$T/clash.meme" -o "$T/clash"
expect_rc 0
[ "$(ls "$T/clash" | wc -l)" = "$(grep -c '^MOTIF' "$T/clash.meme")" ] || fail_because "$(ls "$T/clash" | wc -l) files for $(grep -c '^MOTIF' "$T/clash.meme") motifs: $(ls "$T/clash" | head -5 | tr '\n' ' ')"
[ -s "$T/clash/a_b.svg" ] && [ -s "$T/clash/a_b.2.svg" ] && [ -s "$T/clash/a_b.3.svg" ] && [ -s "$T/clash/a_b.2.4.svg" ] || fail_because "names: $(ls "$T/clash" | head -4 | tr '\n' ' ')"
check motifs_logo_names_unique

run tessera motifs extract -M "$T/ex_model.json" --from $CF/short.fa -m $CF/planted.meme -o "$T/bad.meme"
expect_rc 2; expect_err_grep 'short.fa: sequence short0: length 10 is shorter than the filter width 12'; expect_no_file "$T/bad.meme"
check extract_short_sequence

run tessera motifs extract -M "$T/no_model.json" --from $CF/pos.fa -o "$T/bad.meme"
expect_rc 3; expect_err_grep 'no_model.json'; expect_no_file "$T/bad.meme"
check extract_missing_model

run tessera motifs extract -M "$T/ex_model.json" --from $CF/pos.fa -m data/fixtures/motif/bad_rowsum.meme -o "$T/bad.meme"
expect_rc 2; expect_err_grep 'bad_rowsum.meme:14: '; expect_no_file "$T/bad.meme"
check extract_bad_database

for args in "--from $CF/pos.fa -o $T/x.meme" "-M $T/ex_model.json -o $T/x.meme" "-M $T/ex_model.json --from $CF/pos.fa" \
	"-M $T/ex_model.json --from $CF/pos.fa -o $T/x.meme --threshold 1" "-M $T/ex_model.json --from $CF/pos.fa -o $T/x.meme extra"; do
	run tessera motifs extract $args
	expect_rc 1; expect_err_grep "Try 'tessera motifs extract --help'"; expect_no_file "$T/x.meme"
	check "extract_usage_error_$(echo "$args" | tr -c 'a-z0-9\n' '_' | cut -c1-60)"
done

# no active filter: an error, not a MEME file of no motifs that the tool
# cannot read back
run tessera motifs extract -M $CF/dead_filters_model.json --from $CF/pos.fa -m $CF/planted.meme -o "$T/dead.meme"
expect_rc 2; expect_err_grep 'no motifs to write'; expect_no_file "$T/dead.meme"
check extract_no_active_filter

# the MEME file and the match table are both written or neither
run tessera motifs extract -M "$T/ex_model.json" --from $CF/pos.fa -m $CF/planted.meme -o "$T/both.meme" --matches /dev/full
expect_rc 3; expect_err_grep '/dev/full: write failed'; expect_no_file "$T/both.meme"
check extract_outputs_all_or_none
run tessera motifs extract -M "$T/ex_model.json" --from $CF/pos.fa -m $CF/planted.meme -o "$T/one" --matches "$T/one"
expect_rc 1; expect_err_grep '-o and --matches name the same file'; expect_no_file "$T/one"
check extract_outputs_distinct
