# tessera scan on data/fixtures/scan (see its make_fixtures.sh): FIMO's TSV,
# BED and GFF output, input formats, threads, regions, genomic coordinates,
# thresholds and errors; scores against Biopython when it is installed.
SF=data/fixtures/scan
SM=$SF/motifs.meme
HEADER='motif_id	motif_alt_id	sequence_name	start	stop	strand	score	p-value	q-value	matched_sequence'

# reference outputs the cases below compare with
tessera scan -m $SM $SF/genome.fa > "$T/scan_default.tsv" 2>/dev/null
tessera scan -m $SM --no-qvalue $SF/genome.fa > "$T/scan_noq.tsv" 2>/dev/null

run tessera scan -m $SM $SF/genome.fa
expect_rc 0; expect_err_empty
[ "$(head -n 1 "$OUT")" = "$HEADER" ] || fail_because "header is '$(head -n 1 "$OUT")'"
[ "$(wc -l < "$OUT")" -gt 20 ] || fail_because "fewer than 20 hits on the planted fixture"
awk -F'\t' 'NR > 1 && (NF != 10 || $9 == "" || $9 + 0 < $8 + 0 || $9 + 0 > 1) { bad = 1 } END { exit bad }' "$OUT" ||
	fail_because "a line without 10 columns or without a q-value in [p, 1]"
check scan_header_and_qvalues

for opt in --no-qvalue --text; do
	run tessera scan -m $SM $opt $SF/genome.fa
	expect_rc 0; expect_err_empty
	# the same hits as with q-values, with the q-value column left empty
	expect_out_cmd awk 'BEGIN { FS = OFS = "\t" } NR > 1 { $9 = "" } 1' "$T/scan_default.tsv"
	check "scan_empty_qvalue_$opt"
done

# record names longer than the 1 kB line buffers: the same lines from the
# threads (--text) as from the writer (q-values), the q-value column apart
long=$(awk 'BEGIN { while (i++ < 3000) printf "n" }')
awk -v name="$long" '/^>/ { print ">" name NR; next } 1' $SF/genome.fa > "$T/scan_long_names.fa"
tessera scan -m $SM "$T/scan_long_names.fa" > "$T/scan_long_names.tsv" 2>/dev/null
run tessera scan -m $SM --text -@ 2 "$T/scan_long_names.fa"
expect_rc 0; expect_err_empty
expect_out_cmd awk 'BEGIN { FS = OFS = "\t" } NR > 1 { $9 = "" } 1' "$T/scan_long_names.tsv"
[ "$(awk -F'\t' 'NR == 2 { print length($3) }' "$OUT")" -gt 3000 ] || fail_because "no hit on a long-named record"
check scan_long_record_names

for f in genome.fa.gz genome.fa.bgz; do
	run tessera scan -m $SM $SF/$f
	expect_rc 0; expect_err_empty; expect_out_file "$T/scan_default.tsv"
	check "scan_same_output_$f"
done

run tessera scan -m $SM - < $SF/genome.fa
expect_rc 0; expect_err_empty; expect_out_file "$T/scan_default.tsv"
check scan_same_output_stdin

run tessera scan -m $SM - < $SF/genome.fa.gz
expect_rc 0; expect_out_file "$T/scan_default.tsv"
check scan_same_output_stdin_gzip

for n in 1 2 3; do
	run tessera scan -m $SM -@ $n $SF/genome.fa.bgz
	expect_rc 0; expect_err_empty; expect_out_file "$T/scan_default.tsv"
	check "scan_threads_$n"
done

# --text with threads into a regular file (-o, or stdout) is written by a
# thread per motif group at its place; into a pipe, or a file opened to
# append, in order: the same bytes every way, after what stdout held
for n in 1 2 3; do
	run sh -c "$TESSERA scan -m $SM --text -@ $n $SF/genome.fa | cat"
	expect_rc 0; expect_out_file "$T/scan_noq.tsv"
	rm -f "$T/scan_text_o.tsv"
	tessera scan -m $SM --text -@ $n -o "$T/scan_text_o.tsv" $SF/genome.fa 2>/dev/null
	cmp -s "$T/scan_text_o.tsv" "$T/scan_noq.tsv" || fail_because "-o $T/scan_text_o.tsv differs"
	{ echo held; tessera scan -m $SM --text -@ $n $SF/genome.fa; } > "$T/scan_text_at.tsv" 2>/dev/null
	{ echo held; cat "$T/scan_noq.tsv"; } | cmp -s - "$T/scan_text_at.tsv" || fail_because "stdout after other text differs"
	echo held > "$T/scan_text_app.tsv"
	tessera scan -m $SM --text -@ $n $SF/genome.fa >> "$T/scan_text_app.tsv" 2>/dev/null
	{ echo held; cat "$T/scan_noq.tsv"; } | cmp -s - "$T/scan_text_app.tsv" || fail_because "stdout appended to a file differs"
	check "scan_text_threads_${n}_pipe_file_offset_append"
done

# Regions: the hits of the whole scan lying fully inside the regions, in
# genomic coordinates (without q-values: the number of tests differs).
inside() {  # inside "chr beg end,..." FILE: lines of a whole-scan TSV inside the 1-based regions
	awk -F'\t' -v regs="$1" 'BEGIN { n = split(regs, r, ","); for (i = 1; i <= n; i++) { split(r[i], x, " "); c[i] = x[1]; b[i] = x[2]; e[i] = x[3] } }
		NR == 1 { print; next }
		{ for (i = 1; i <= n; i++) if ($3 == c[i] && $4 + 0 >= b[i] + 0 && $5 + 0 <= e[i] + 0) { print; next } }' "$2"
}
for f in genome.fa genome.fa.bgz; do
	run tessera scan -m $SM --no-qvalue -r chr1:501-1300 -r chr2:101-900 $SF/$f
	expect_rc 0; expect_err_empty
	expect_out_cmd inside "chr1 501 1300,chr2 101 900" "$T/scan_noq.tsv"
	[ "$(wc -l < "$OUT")" -gt 3 ] || fail_because "too few hits in the regions to compare"
	check "scan_regions_$f"
done

run tessera scan -m $SM --no-qvalue --bed $SF/regions.bed $SF/genome.fa.bgz
expect_rc 0; expect_err_empty
expect_out_cmd inside "$(awk '!/^#/ { printf "%s%s %d %d", (NR > 2 ? "," : ""), $1, $2 + 1, $3 }' $SF/regions.bed)" "$T/scan_noq.tsv"
check scan_bed_regions

# FIMO's --parse-genomic-coord: pgc.fa is chr1:1001-2000 named chrX:1001-2000,
# so its hits are the region's hits (q-values too: the same windows) on chrX.
tessera scan -m $SM -r chr1:1001-2000 $SF/genome.fa > "$T/scan_r1001.tsv" 2>/dev/null
run tessera scan -m $SM $SF/pgc.fa
expect_rc 0; expect_err_empty
expect_out_cmd awk 'BEGIN { FS = OFS = "\t" } NR > 1 { $3 = "chrX" } 1' "$T/scan_r1001.tsv"
[ "$(wc -l < "$OUT")" -gt 3 ] || fail_because "too few hits in chrX:1001-2000"
check scan_genomic_coordinates

run tessera scan -m $SM --no-pgc $SF/pgc.fa
expect_rc 0; expect_err_empty
expect_out_cmd awk 'BEGIN { FS = OFS = "\t" } NR > 1 { $3 = "chrX:1001-2000"; $4 -= 1000; $5 -= 1000 } 1' "$T/scan_r1001.tsv"
check scan_no_pgc

# BED: chrom, start − 1, stop, motif, round(min(1000, −10·log10 p)), strand, p, q
run tessera scan -m $SM -O bed $SF/genome.fa
expect_rc 0; expect_err_empty
[ "$(wc -l < "$OUT")" = "$(($(wc -l < "$T/scan_default.tsv") - 1))" ] || fail_because "not one BED line per TSV hit"
tail -n +2 "$T/scan_default.tsv" | paste - "$OUT" | awk -F'\t' '
	NF != 18 { print "line " NR ": " NF - 10 " BED columns"; bad = 1; next }
	$11 != $3 || $12 != $4 - 1 || $13 != $5 || $14 != $1 || $16 != $6 || $17 != $8 || $18 != $9 {
		print "line " NR ": BED fields differ from the TSV"; bad = 1 }
	$15 !~ /^[0-9]+$/ || $15 > 1000 { print "line " NR ": score " $15; bad = 1 }
	{ s = -10 * log($8) / log(10); if (s > 1000) s = 1000; d = $15 - s
	  if (d > 0.51 || d < -0.51) { print "line " NR ": score " $15 " for p " $8; bad = 1 } }
	END { exit bad }' > "$T/why" || fail_because "$(head -n 1 "$T/why")"
check scan_bed_output

run tessera scan -m $SM --gff $SF/genome.fa
expect_rc 0; expect_err_empty
[ "$(head -n 1 "$OUT")" = "##gff-version 3" ] || fail_because "first line is not ##gff-version 3"
[ "$(wc -l < "$OUT")" = "$(wc -l < "$T/scan_default.tsv")" ] || fail_because "not one GFF line per TSV hit"
tail -n +2 "$T/scan_default.tsv" | paste - "$(tail -n +2 "$OUT" > "$T/gff.body"; echo "$T/gff.body")" | awk -F'\t' '
	NF != 19 { print "line " NR ": " NF - 10 " GFF columns"; bad = 1; next }
	$14 + 0 > $15 + 0 || $14 != $4 || $15 != $5 || $11 != $3 || $17 != $6 { print "line " NR ": coordinates/strand"; bad = 1 }
	$19 !~ /;$/ || $19 !~ /^Name=/ { print "line " NR ": attributes " $19; bad = 1 }
	END { exit bad }' > "$T/why" || fail_because "$(head -n 1 "$T/why")"
check scan_gff_output

# matched_sequence: '+' is the forward text (case kept), '−' its reverse
# complement in uppercase.  Many windows (--min-score 4), soft-masked ones too.
run tessera scan -m $SM --no-qvalue --min-score 4 $SF/genome.fa
expect_rc 0
awk -F'\t' '
	FNR == NR { if (/^>/) { split(substr($0, 2), a, /[ \t]/); name = a[1] } else seq[name] = seq[name] $0; next }
	FNR == 1 { next }
	{ fwd = substr(seq[$3], $4, $5 - $4 + 1)
	  if ($6 == "+") { if ($10 != fwd) { print "+ " $3 ":" $4 ": " $10 " is not " fwd; bad = 1 }; if ($10 ~ /[acgt]/) lower++; next }
	  u = toupper(fwd); rc = ""
	  for (i = length(u); i >= 1; i--) rc = rc substr("TGCA", index("ACGT", substr(u, i, 1)), 1)
	  if ($10 != rc) { print "- " $3 ":" $4 ": " $10 " is not the reverse complement of " fwd; bad = 1 }
	  minus++ }
	END { if (minus < 50) { print "only " minus + 0 " minus-strand hits"; bad = 1 }
	      if (lower < 1) { print "no soft-masked hit"; bad = 1 }
	      exit bad }' $SF/genome.fa "$OUT" > "$T/why" || fail_because "$(head -n 1 "$T/why")"
check scan_matched_sequence_strands

run tessera scan -m $SM --norc $SF/genome.fa
expect_rc 0; expect_err_empty
awk -F'\t' 'NR > 1 && $6 != "+" { bad = 1 } END { exit bad || NR < 5 }' "$OUT" || fail_because "a strand other than + (or too few hits)"
check scan_norc

run tessera scan -m $SM --motif MA0139.2 --motif MA0079.5 $SF/genome.fa
expect_rc 0; expect_err_empty
# q-values are per motif, so the lines are exactly the whole run's lines
expect_out_cmd awk -F'\t' 'NR == 1 || $1 == "MA0079.5" || $1 == "MA0139.2"' "$T/scan_default.tsv"
grep -q '^MA0139.2' "$OUT" || fail_because "no MA0139.2 hit"
check scan_motif_selects

run tessera scan -m $SM --motif NOPE.1 $SF/genome.fa
expect_rc 1; expect_err_grep "^\[E::scan\] --motif: no motif 'NOPE.1' in $SM"
[ ! -s "$OUT" ] || fail_because "output from a failed run"
check scan_unknown_motif

run tessera scan -m $SM --thresh 2 $SF/genome.fa
expect_rc 1; expect_err_grep "thresh: '2' is not a p-value in \(0, 1\]"
check scan_bad_thresh

run tessera scan -m $SM $SF/nonexistent.fa
expect_rc 3; expect_err_grep "nonexistent.fa: No such file or directory"
check scan_missing_input

run tessera scan -m $SM --bfile $SF $SF/genome.fa
expect_rc 3; expect_err_grep "^\[E::scan\] $SF: read failed: Is a directory"
check scan_bfile_directory_exit3

run tessera scan -m $SF/bad.meme $SF/genome.fa
expect_rc 2; expect_err_grep "^\[E::scan\] $SF/bad.meme:16: motif MA0602.2 ends after 5 of w= 8 rows"
[ ! -s "$OUT" ] || fail_because "output from a bad motif file"
check scan_bad_motif_file

rm -f "$T/out.tsv"
run tessera scan -m $SM -o "$T/out.tsv" $SF/truncated.fa.gz
expect_rc 2; expect_err_grep "^\[E::scan\] $SF/truncated.fa.gz"; expect_no_file "$T/out.tsv"
check scan_failed_input_leaves_no_output

run tessera scan -m $SM -o "$T/out.tsv" $SF/genome.fa
expect_rc 0; expect_err_empty
cmp -s "$T/out.tsv" "$T/scan_default.tsv" || fail_because "-o output differs from stdout output"
[ ! -s "$OUT" ] || fail_because "stdout not empty with -o"
check scan_output_file

# weak.meme: Arid5a and Arnt (6 columns: cannot reach p < 1e-4)
run tessera scan -m $SF/weak.meme $SF/genome.fa
expect_rc 0
[ "$(grep -c '^\[W::scan\]' "$ERR")" = 1 ] || fail_because "not one [W::scan] line"
[ "$(grep -o 'MA0004.1' "$ERR" | wc -l)" = 1 ] || fail_because "MA0004.1 not named exactly once"
expect_err_grep '^\[W::scan\] 1 motif\(s\) cannot reach p < 0.0001 and will report nothing: MA0004.1$'
grep -q 'MA0602.2' "$ERR" && fail_because "the motif that can reach the threshold is named"
expect_out_cmd awk -F'\t' 'NR == 1 || $1 == "MA0602.2"' "$T/scan_default.tsv"
check scan_weak_motif_warning

# --min-score S with S between two observed scores: everything >= S is
# reported, exactly the lower run's lines with score >= S, nothing below.
tessera scan -m $SM --motif MA0139.2 --no-qvalue --min-score 2 $SF/genome.fa > "$T/scan_ms2.tsv" 2>/dev/null
# (read in a subshell-free way: cli.sh's own "$1" must not be touched)
awk -F'\t' 'NR > 1 { print $7 }' "$T/scan_ms2.tsv" | sort -g -u |
	awk '{ s[NR] = $1 } END { m = int(NR / 2); printf "%s %s %.10g\n", s[m], s[m + 1], (s[m] + s[m + 1]) / 2 }' > "$T/ms.txt"
read below above S < "$T/ms.txt"
run tessera scan -m $SM --motif MA0139.2 --no-qvalue --min-score "$S" $SF/genome.fa
expect_rc 0; expect_err_empty
expect_out_cmd awk -F'\t' -v s="$S" 'NR == 1 || $7 + 0 >= s + 0' "$T/scan_ms2.tsv"
awk -F'\t' -v s="$S" -v lo="$below" -v hi="$above" 'NR > 1 { if ($7 + 0 < s + 0 || $7 == lo) bad = 1; if ($7 == hi) seen = 1 }
	END { exit bad || !seen }' "$OUT" || fail_because "a score below $S, or $below present, or $above absent"
[ "$(wc -l < "$T/scan_ms2.tsv")" -gt 20 ] || fail_because "too few windows at --min-score 2 to choose S"
check scan_min_score

tessera scan -m $SM --thresh 0.01 $SF/genome.fa > "$T/scan_p01.tsv" 2>/dev/null
run tessera scan -m $SM --qv-thresh 0.05 $SF/genome.fa
expect_rc 0; expect_err_empty
awk -F'\t' 'NR > 1 && !($9 + 0 < 0.05) { bad = 1 } END { exit bad || NR < 5 }' "$OUT" || fail_because "a q-value >= 0.05 (or too few hits)"
# q-values do not depend on the reporting threshold: the hits with p < 0.01
# and q < 0.05 are exactly these
expect_out_cmd awk -F'\t' 'NR == 1 || $9 + 0 < 0.05' "$T/scan_p01.tsv"
check scan_qv_thresh

# Biopython: every window's score on both strands (and with --norc, and with
# a uniform background) against Bio.motifs' PSSM.  Debian's python3-biopython
# installs into the system python, which may not be the first python3 on PATH.
BIOPY=""
for py in python3 /usr/bin/python3; do
	if command -v "$py" >/dev/null 2>&1 && "$py" -c 'import Bio' 2>/dev/null; then BIOPY=$py; break; fi
done
if [ -z "$BIOPY" ]; then
	echo "[SKIP] cli::scan_biopython: python3-biopython not installed" >&2
else
	for mode in both norc uniform; do
		case $mode in
		both) topt="" popt="" ;;
		norc) topt="--norc" popt="--norc" ;;
		uniform) topt="--bfile --uniform--" popt="--bfile uniform" ;;
		esac
		run tessera scan -m $SM --min-score -1000 --no-qvalue --no-pgc $topt $SF/genome.fa
		expect_rc 0; expect_err_empty
		"$BIOPY" tests/scan_biopython.py $popt $SM $SF/genome.fa "$OUT" 2> "$T/why" || fail_because "$(grep -m 2 . "$T/why" | tr '\n' ' ')"
		check "scan_biopython_$mode"
	done
fi

# an empty record among others: scanned as nothing (under make asan this
# also checks that no null buffer is copied)
printf '>empty\n>short\nACGT\n>empty2\n' > "$T/empty_records.fa"
run tessera scan -m data/fixtures/scan/motifs.meme --thresh 1 "$T/empty_records.fa"
expect_rc 0
if grep -q '	empty' "$OUT"; then fail_because "a hit on an empty record"; fi
check scan_empty_records

# the hits and --mqc are written both or neither; they may not share a file
run tessera scan -m data/fixtures/scan/motifs.meme -o "$T/hits_full.tsv" --mqc /dev/full data/fixtures/scan/genome.fa
expect_rc 3; expect_err_grep '/dev/full: write failed'; expect_no_file "$T/hits_full.tsv"
check scan_outputs_all_or_none
run tessera scan -m data/fixtures/scan/motifs.meme -o "$T/one" --mqc "$T/one" data/fixtures/scan/genome.fa
expect_rc 1; expect_err_grep '-o and --mqc name the same file'; expect_no_file "$T/one"
check scan_outputs_distinct

# /dev/null may take every output; -o /dev/stdout writes through the link to
# whatever stdout is (a temporary file renamed over it would have replaced
# the link and lost the output)
run tessera scan -m data/fixtures/scan/motifs.meme -o /dev/null --mqc /dev/null data/fixtures/scan/genome.fa
expect_rc 0
check scan_outputs_to_dev_null_twice
$TESSERA scan -m data/fixtures/scan/motifs.meme data/fixtures/scan/genome.fa > "$T/direct.tsv" 2>/dev/null
run tessera scan -m data/fixtures/scan/motifs.meme -o /dev/stdout data/fixtures/scan/genome.fa
expect_rc 0
cmp -s "$OUT" "$T/direct.tsv" || fail_because "-o /dev/stdout differs from stdout"
[ -L /dev/stdout ] || fail_because "/dev/stdout is no longer a symbolic link"
check scan_output_dev_stdout
