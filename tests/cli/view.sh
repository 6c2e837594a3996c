# tessera view against samtools, on every sequence fixture.
FX=data/fixtures/seq
NAMES=$(cut -f1 $FX/seqs.fa.fai | tr "\n" " ")

for f in seqs.fa seqs.fa.gz seqs.fa.bgz; do
	run tessera view --name-only $FX/$f
	expect_rc 0; expect_err_empty; expect_out_cmd samtools faidx $FX/seqs.fa $NAMES
	check "view_$f"
done

run tessera view -w 0 --name-only - < $FX/seqs.fa.gz
expect_rc 0; expect_out_cmd samtools faidx -n 1000000 $FX/seqs.fa $NAMES
check view_stdin_gzip_one_line

run tessera view $FX/seqs.fa
expect_rc 0; expect_out_grep '^>seq1 first record, with a description$'; expect_out_grep '^>seq3 description after a tab$'
check view_keeps_descriptions

for f in reads.sam reads.bam; do
	run tessera view -w 0 $FX/$f
	expect_rc 0; expect_err_empty; expect_out_cmd sh -c "samtools fasta $FX/$f 2>/dev/null"
	check "view_$f"
done

run tessera view -w 0 --reference $FX/ref.fa $FX/reads.cram
expect_rc 0; expect_out_cmd sh -c "samtools fasta --reference $FX/ref.fa $FX/reads.cram 2>/dev/null"
check view_cram_with_reference

run tessera view $FX/reads.cram
expect_rc 2; expect_err_grep 'reads.cram: truncated or corrupt CRAM data after 0 records \(is the reference available\? see --reference\)'
check view_cram_without_reference

run tessera view --fastq $FX/reads.bam
expect_rc 0; expect_out_cmd sh -c "samtools fastq $FX/reads.bam 2>/dev/null"
check view_fastq_from_bam

run tessera view -w 0 -q 20 -F 0x904 -f 0x10 $FX/reads.bam
expect_rc 0; expect_out_cmd sh -c "samtools view -u -q 20 -F 0x904 -f 0x10 $FX/reads.bam | samtools fasta - 2>/dev/null"
check view_read_filters

run tessera view -w 0 -F 0 $FX/reads.bam
expect_rc 0; expect_out_cmd sh -c "samtools fasta -F 0 $FX/reads.bam 2>/dev/null"
check view_all_flags

run tessera view -w 0 --bed $FX/regions.bed $FX/reads.bam
expect_rc 0; expect_out_cmd sh -c "samtools view -u -L $FX/regions.bed $FX/reads.bam | samtools fasta - 2>/dev/null"
check view_bam_bed

run tessera view -w 0 -r chr2:100-600 -r chrM $FX/reads.bam
expect_rc 0; expect_out_cmd sh -c "samtools view -u -M $FX/reads.bam chr2:100-600 chrM | samtools fasta - 2>/dev/null"
check view_bam_regions

for f in ref.fa ref.fa.bgz; do
	run tessera view -r chr1:100-200 -r chr2 -r chrM:1-333 $FX/$f
	expect_rc 0; expect_err_empty; expect_out_cmd samtools faidx $FX/$f chr1:100-200 chr2 chrM:1-333
	check "view_regions_$f"
done

awk 'NF >= 3 && $1 !~ /^(#|track|browser)/ { print $1 ":" $2 + 1 "-" $3 }' $FX/regions.bed > "$T/regions.txt"
run tessera view --bed $FX/regions.bed $FX/ref.fa.bgz
expect_rc 0; expect_out_cmd samtools faidx -r "$T/regions.txt" $FX/ref.fa.bgz
check view_bed_on_reference

run tessera view --fastq --name-only $FX/reads.fq.gz
expect_rc 0; expect_out_cmd sh -c "samtools fastq $FX/reads.fq 2>/dev/null"
check view_fastq

run tessera view --stats $FX/seqs.fa
expect_rc 0; expect_out_grep '^records	4$'; expect_out_grep '^bases	1458$'; expect_out_grep '^soft_masked	40$'; expect_out_grep '^N50	1000$'
check view_stats

# bad input: exit 2, a message naming the file, no partial output file
for f in truncated.fa.gz truncated.bam bad_char.fa no_header.fa short_qual.fq no_plus.fq; do
	run tessera view -o "$T/out.fa" $FX/$f
	expect_rc 2; expect_err_grep "^\[E::view\] $FX/$f"; expect_no_file "$T/out.fa"
	check "view_rejects_$f"
done

run tessera view $FX/nonexistent.fa
expect_rc 3; expect_err_grep "nonexistent.fa: No such file or directory"
check view_missing_file

run tessera view -r chrZ:1-10 $FX/ref.fa
expect_rc 1; expect_err_grep "invalid region 'chrZ:1-10'"
check view_unknown_region

# a position 0 anywhere is refused (htslib would read an end of 0 as "to the
# end": chr1:5-0 was chr1 from 5 on); an open end stays allowed
for reg in chr1:5-0 chr1:1-0 chr1:-0 chr1:0 chr1:0-10 chr1:0,0-10; do
	for f in ref.fa reads.bam; do
		run tessera view -r $reg $FX/$f
		expect_rc 1; expect_err_grep "invalid region '$reg': positions are 1-based, from 1"
		check "view_region_position_0_${f}_$reg"
	done
done
run tessera view -r chr1:1k-2k -r chr1:2e3-2.01e3 $FX/ref.fa
expect_rc 0; expect_out_cmd samtools faidx $FX/ref.fa chr1:1000-2000 chr1:2000-2010
check view_region_htslib_numbers
run tessera view -r chr1:5- -r chr1:-3 $FX/ref.fa
expect_rc 0; expect_out_cmd samtools faidx $FX/ref.fa chr1:5-5000 chr1:1-3  # chr1: 5,000 bp
check view_region_open_ends

run tessera view --bed $FX/bad_end.bed $FX/ref.fa
expect_rc 2; expect_err_grep "bad_end.bed:2: end 1201 is beyond the end of 'chr2'"
check view_bad_bed

run tessera view -r chr1 - < $FX/ref.fa
expect_rc 1; expect_err_grep "not standard input"
check view_region_needs_file

run tessera view --threads x $FX/ref.fa
expect_rc 1; expect_err_grep "threads: 'x' is not an integer"
check view_bad_number

run tessera view -o "$T/ok.fa" -@ 2 $FX/seqs.fa.bgz
expect_rc 0; cmp -s "$T/ok.fa" $FX/seqs.fa.gz 2>/dev/null; tessera view $FX/seqs.fa > "$T/want.fa"
cmp -s "$T/ok.fa" "$T/want.fa" || fail_because "-o output differs"
check view_output_file_threads

run tessera view -w 0 - < $FX/reads.bam
expect_rc 0; expect_out_cmd sh -c "samtools fasta $FX/reads.bam 2>/dev/null"
check view_bam_from_stdin

run tessera view $FX/empty.fa
expect_rc 0; expect_err_empty; [ ! -s "$OUT" ] || fail_because "output from an empty file"
check view_empty_file

run tessera view --quiet $FX/truncated.bam
expect_rc 2; expect_err_grep '^\[E::view\] .*truncated.bam'
if grep -q '^\[W::' "$ERR"; then fail_because "--quiet printed a warning"; fi
check view_quiet_keeps_errors_only
