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
expect_err_grep 'skipped: 1 symbolic or breakend alleles, 0 equal to REF, 1 with REF not matching'
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
