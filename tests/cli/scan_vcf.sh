# tessera scan --vcf against an oracle that goes another way: every ALT is
# substituted into its whole record, both whole sequences are scanned with
# the ordinary scan at p < 1 (every window), and the best p-value over the
# windows overlapping the change is taken per motif and allele
# (tests/tools/vcf_oracle.py).  Random SNVs, MNPs, indels, record ends,
# overlapping variants (an SNV inside a deletion, an insertion at the SNV),
# multi-allelic records; a REF mismatch and a symbolic allele are skipped.
PY=/usr/bin/python3
VG=data/fixtures/scan/genome.fa
VM=data/fixtures/scan/motifs.meme
$PY tests/tools/vcf_oracle.py make $VG "$T/v.vcf" "$T/v_work.fa" 7
$TESSERA scan --quiet --text --thresh 1 --no-pgc -m $VM "$T/v_work.fa" > "$T/v_all.tsv"
$PY tests/tools/vcf_oracle.py expect $VG "$T/v.vcf" "$T/v_all.tsv" 1e-3 | sort > "$T/v_want.txt"
run tessera scan --vcf "$T/v.vcf" --ref $VG -m $VM --thresh 1e-3 --out-vcf "$T/v_out.vcf" -o "$T/v_got.tsv"
expect_rc 0
expect_err_grep 'mismatch: REF [ACGT]+ but the reference has'
expect_err_grep 'skipped: 1 symbolic, breakend or non-ACGTN alleles, 0 equal to REF, 1 with REF not matching'
tail -n +2 "$T/v_got.tsv" | awk -F'\t' '{print $3, $5, $6, $11, $15}' | sort > "$T/v_got.txt"
[ -s "$T/v_want.txt" ] || fail_because "the oracle expects nothing: the test would prove nothing"
cmp -s "$T/v_want.txt" "$T/v_got.txt" || fail_because "scan --vcf differs from the oracle: $(diff "$T/v_want.txt" "$T/v_got.txt" | head -4)"
check scan_vcf_equals_whole_sequence_oracle

# the annotated VCF: every input record kept, in order, INFO/TFBS declared,
# one annotation per reported row
grep -q '^##INFO=<ID=TFBS,' "$T/v_out.vcf" || fail_because "TFBS not declared"
[ "$(grep -vc '^#' "$T/v_out.vcf")" = "$(grep -vc '^#' "$T/v.vcf")" ] || fail_because "records lost in --out-vcf"
[ "$(grep -v '^#' "$T/v.vcf" | cut -f1-5 | md5sum)" = "$(grep -v '^#' "$T/v_out.vcf" | cut -f1-5 | md5sum)" ] ||
	fail_because "--out-vcf changed the records"
n_ann=$(grep -v '^#' "$T/v_out.vcf" | grep -o 'TFBS=[^;	]*' | sed 's/^TFBS=//' | tr ',' '\n' | grep -c .)
[ "$n_ann" = "$(tail -n +2 "$T/v_got.tsv" | wc -l)" ] || fail_because "$n_ann annotations for $(tail -n +2 "$T/v_got.tsv" | wc -l) rows"
if command -v bcftools >/dev/null 2>&1; then
	bcftools view -h "$T/v_out.vcf" > /dev/null 2>&1 || fail_because "bcftools cannot read --out-vcf"
fi
check scan_vcf_annotated_vcf

# identical for any number of threads, and with a gzipped VCF and -r
bgzip -c "$T/v.vcf" > "$T/v.vcf.gz" && tabix -p vcf "$T/v.vcf.gz"
run tessera scan --vcf "$T/v.vcf.gz" --ref $VG -m $VM --thresh 1e-3 -@ 2 --quiet
expect_rc 0; expect_out_file "$T/v_got.tsv"
check scan_vcf_threads_and_bgzip
chr=$(head -1 $VG | sed 's/^>//; s/ .*//')
run tessera scan --vcf "$T/v.vcf.gz" --ref $VG -m $VM --thresh 1e-3 -r "$chr" --quiet
expect_rc 0
[ "$(tail -n +2 "$T/v_got.tsv" | awk -F'\t' -v c="$chr" '$1 == c' | wc -l)" = "$(tail -n +2 "$OUT" | wc -l)" ] &&
	! tail -n +2 "$OUT" | awk -F'\t' -v c="$chr" '$1 != c' | grep -q . || fail_because "-r $chr did not select its rows"
check scan_vcf_region

run tessera scan --vcf "$T/v.vcf" -m $VM
expect_rc 1; expect_err_grep '--vcf needs --ref'
check scan_vcf_needs_ref

run tessera scan --vcf "$T/v.vcf" --ref data/fixtures/scan/genome.fa.gz -m $VM
expect_rc 3; expect_err_grep 'cannot load the reference and its index'
check scan_vcf_unindexed_ref

printf 'not a vcf\n' > "$T/bad.vcf"
run tessera scan --vcf "$T/bad.vcf" --ref $VG -m $VM -o "$T/bad_out.tsv"
expect_rc 2; expect_err_grep 'bad.vcf'; expect_no_file "$T/bad_out.tsv"
check scan_vcf_not_a_vcf

# a batch (20,000 alleles) that fills up inside one record of many ALTs: the
# same effects as those alleles written one per record (a record's alleles
# overflowed the batch's array before)
{
	printf '##fileformat=VCFv4.2\n##contig=<ID=chr1,length=3000>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'
	samtools faidx $VG chr1:1-2900 | tail -n +2 | tr -d '\n' | awk '{ for (k = 0; k < 19990; k++) { p = 1 + k % 2900; r = toupper(substr($0, p, 1))
		printf "chr1\t%d\ts%d\t%s\t%s\t.\t.\t.\n", p, k, r, r == "A" ? "C" : "A" } }'
} > "$T/edge_head.vcf"
ref=$(samtools faidx $VG chr1:100-100 | tail -n 1)
alts=$(awk -v r="$ref" 'BEGIN { n = 0; for (a = 0; a < 4; a++) for (b = 0; b < 4; b++) for (c = 0; c < 4; c++) for (d = 0; d < 4; d++) {
	s = r substr("ACGT", a + 1, 1) substr("ACGT", b + 1, 1) substr("ACGT", c + 1, 1) substr("ACGT", d + 1, 1); if (n++ < 100) printf "%s%s", (n > 1 ? "," : ""), s } }')
{ cat "$T/edge_head.vcf"; printf 'chr1\t100\tmany\t%s\t%s\t.\t.\t.\n' "$ref" "$alts"; } > "$T/edge_many.vcf"
{ cat "$T/edge_head.vcf"; echo "$alts" | tr ',' '\n' | awk -v r="$ref" '{ printf "chr1\t100\tmany\t%s\t%s\t.\t.\t.\n", r, $1 }'; } > "$T/edge_split.vcf"
$TESSERA scan --quiet --vcf "$T/edge_split.vcf" --ref $VG -m $VM -o "$T/edge_split.tsv" 2>/dev/null
run tessera scan --vcf "$T/edge_many.vcf" --ref $VG -m $VM -o "$T/edge_many.tsv"
expect_rc 0
[ "$(grep -c '	many	' "$T/edge_split.tsv")" -gt 0 ] || fail_because "the 100 insertions change no motif: the test would prove nothing"
[ "$(grep '	many	' "$T/edge_many.tsv" | md5sum)" = "$(grep '	many	' "$T/edge_split.tsv" | md5sum)" ] ||
	fail_because "a record of 100 ALTs at a batch's end differs from the same alleles one per record"
check scan_vcf_many_alts_at_batch_end

# records that are not VCF are errors naming the record, not records of nothing
printf '##fileformat=VCFv4.2\n##contig=<ID=chr1,length=3000>\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n' > "$T/hdr.vcf"
{ cat "$T/hdr.vcf"; printf 'chr1\t391\n'; } > "$T/two_cols.vcf"
{ cat "$T/hdr.vcf"; printf 'chr1 100 x G A . . .\n'; } > "$T/spaces.vcf"
for f in two_cols spaces; do
	run tessera scan --vcf "$T/$f.vcf" --ref $VG -m $VM -o "$T/bad.tsv"
	expect_rc 2; expect_err_grep "$f.vcf: record 1 \(.*\) is malformed: "; expect_no_file "$T/bad.tsv"
	check "scan_vcf_rejects_$f"
done

# undeclared contigs, INFO and FILTER tags (htslib declares them as it meets
# them) are written back by name to a VCF, and refused for a BCF
{ printf '##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n'; printf 'chr1\t100\tx\t%s\tA\t.\tLowQual\tFOO=hello\n' "$ref"; } > "$T/undeclared.vcf"
run tessera scan --vcf "$T/undeclared.vcf" --ref $VG -m $VM -o "$T/und.tsv" --out-vcf "$T/und.vcf"
expect_rc 0
grep -v '^#' "$T/und.vcf" | grep -q "^chr1	100	x	$ref	A	.	LowQual	FOO=hello" || fail_because "tags rewritten: $(grep -v '^#' "$T/und.vcf")"
check scan_vcf_out_keeps_undeclared_tags
run tessera scan --vcf "$T/undeclared.vcf" --ref $VG -m $VM -o "$T/und2.tsv" --out-vcf "$T/und.bcf"
expect_rc 2; expect_err_grep 'not declared in the header, which a BCF --out-vcf cannot hold'; expect_no_file "$T/und.bcf"; expect_no_file "$T/und2.tsv"
check scan_vcf_bcf_refuses_undeclared

# --out-vcf - is standard output; it and -o may not share a file
run tessera scan --vcf "$T/undeclared.vcf" --ref $VG -m $VM -o "$T/und3.tsv" --out-vcf -
expect_rc 0; expect_out_grep "^chr1	100	x	$ref	A	"; expect_no_file ./-
check scan_vcf_out_vcf_stdout
run tessera scan --vcf "$T/undeclared.vcf" --ref $VG -m $VM --out-vcf -
expect_rc 1; expect_err_grep 'give the table a file with -o'
check scan_vcf_two_outputs_on_stdout
run tessera scan --vcf "$T/undeclared.vcf" --ref $VG -m $VM -o "$T/same" --out-vcf "$T/same"
expect_rc 1; expect_err_grep '-o and --out-vcf name the same file'
check scan_vcf_outputs_distinct

# a VCF without its #CHROM line, and -r on a plain VCF, are the input's
# faults (exit 2), not I/O errors
printf '##fileformat=VCFv4.2\nchr1\t100\tx\tG\tA\t.\t.\t.\n' > "$T/no_chrom_line.vcf"
run tessera scan --vcf "$T/no_chrom_line.vcf" --ref $VG -m $VM
expect_rc 2; expect_err_grep 'no_chrom_line.vcf: could not parse header'
check scan_vcf_header_without_chrom_line
run tessera scan --vcf "$T/hdr.vcf" --ref $VG -m $VM -r chr1
expect_rc 2; expect_err_grep 'hdr.vcf: not compressed with bgzip \(-r needs a bgzipped, indexed VCF'
check scan_vcf_region_on_plain_vcf

# -r regions that cannot hold a variant are usage errors, not empty results;
# options that do nothing with --vcf are refused
{ cat "$T/hdr.vcf"; for p in 100 150 500; do printf 'chr1\t%d\tv%d\t%s\tA\t.\t.\t.\n' $p $p "$(samtools faidx $VG chr1:$p-$p | tail -n 1)"; done; } | bgzip -c > "$T/three.vcf.gz"
tabix -f -p vcf "$T/three.vcf.gz"
for reg in chrZ chr1:2000-1000; do
	run tessera scan --vcf "$T/three.vcf.gz" --ref $VG -m $VM -r $reg
	expect_rc 1; expect_err_grep "-r $reg: not a region of"
	check "scan_vcf_region_$reg"
done
run tessera scan --vcf "$T/three.vcf.gz" --ref $VG -m $VM --thresh 1e-2 -r chr1:100-200
expect_rc 0; expect_out_grep '	v150	'; if grep -q '	v500	' "$OUT"; then fail_because "v500 is outside chr1:100-200"; fi
check scan_vcf_region_selects
for opt in --text --no-qvalue --no-pgc --skip-matched-sequence; do
	run tessera scan --vcf "$T/three.vcf.gz" --ref $VG -m $VM $opt
	expect_rc 1; expect_err_grep '--vcf goes with'
	check "scan_vcf_refuses_$opt"
done

# POS 0 (telomeric, VCF 4.1) is valid: its alleles are outside the sequence
{ cat "$T/hdr.vcf"; printf 'chr1\t0\ttel\tN\t<DEL>\t.\t.\t.\nchr1\t0\ttel2\tN\tA\t.\t.\t.\n'; } > "$T/pos0.vcf"
run tessera scan --vcf "$T/pos0.vcf" --ref $VG -m $VM
expect_rc 0; expect_err_grep 'skipped: 1 symbolic, breakend or non-ACGTN alleles, 0 equal to REF, 0 with REF not matching .*, 1 outside it'
check scan_vcf_pos_0
