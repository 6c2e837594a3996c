# tessera pairhmm on read alignments: pairs from BAM/CRAM against the
# reference, and the direction of the indel asymmetry against an independent
# count of CIGAR insertions and deletions.
PB=data/reads/pacbio_rsii_lambda_subreads.bam
PBREF=data/reads/pacbio_lambdaNEB_ref.fasta
PY=/usr/bin/python3

# direction of the fit (dX/dY) and of the CIGARs (I/D events) from test --json
# (no `set --` here: the harness keeps its own arguments)
direction() {
	$PY -c '
import json, sys
d = json.load(open(sys.argv[1]))
fit = d["alt"]["params"]["dX"] / d["alt"]["params"]["dY"]
cig = d["input"]["cigar_insertions"] / d["input"]["cigar_deletions"]
print("%s %s %.3f %.3f" % ("ins" if fit > 1 else "del", "ins" if cig > 1 else "del", fit, cig))' "$1"
}

run tessera pairhmm test -@ 2 --json "$T/pb.json" --bam $PB --ref $PBREF
expect_rc 0
expect_out_grep '^sequence 1 = the read, sequence 2 = the reference: X = insertion in the read, Y = deletion from the read$'
expect_out_grep '^pairs: reads of .* \(112 of 112 reads passed the filters\)$'
expect_out_grep '^CIGARs: [0-9]+ insertions'
direction "$T/pb.json" > "$T/dir.txt"
read fit_dir cig_dir fit_ratio cig_ratio < "$T/dir.txt"
[ "$fit_dir" = ins ] && [ "$cig_dir" = ins ] ||
	fail_because "PacBio: fit says $fit_dir ($fit_ratio), CIGARs say $cig_dir ($cig_ratio); expected insertion-biased"
check pairhmm_bam_pacbio_insertion_bias

run tessera pairhmm fit --mode glocal --pad 30 --json "$T/glocal.json" --bam $PB --ref $PBREF
expect_rc 0; expect_out_grep '^mode glocal, pad 30, band \+-32$'
check pairhmm_bam_glocal

run tessera pairhmm fit --bam $PB
expect_rc 1; expect_err_grep '--bam needs --ref'
check pairhmm_bam_needs_ref

run tessera pairhmm fit --ref $PBREF data/fixtures/pairhmm/pairs.fa
expect_rc 1; expect_err_grep 'go with --bam'
check pairhmm_ref_needs_bam

run tessera pairhmm fit --bam data/fixtures/pairhmm/pairs.fa --ref $PBREF
expect_rc 1; expect_err_grep 'needs SAM, BAM or CRAM'
check pairhmm_bam_not_fasta

run tessera pairhmm fit --bam $PB --ref data/fixtures/seq/ref.fa
expect_rc 2; expect_err_grep "is on 'lambda_NEB3011', which is not in data/fixtures/seq/ref.fa"
check pairhmm_bam_wrong_reference

# A truncated BAM is an error with any thread count (htslib's decompression
# threads could hang on one, or end early as if the file were complete):
# cut inside the header, and inside the reads (43 of 112 readable); each
# run three times, since a thread race shows only sometimes.
head -c 100 $PB > "$T/cut_header.bam"
head -c 101007 $PB > "$T/cut_reads.bam"
for k in 1 2 3; do
	run timeout 60 $TESSERA pairhmm test -@ 2 --bam "$T/cut_header.bam" --ref $PBREF
	expect_rc 2; expect_err_grep 'cut_header.bam: cannot read the BAM header'
	check "pairhmm_bam_truncated_header_threads_$k"
	run timeout 60 $TESSERA pairhmm test -@ 2 --json "$T/cut.json" --bam "$T/cut_reads.bam" --ref $PBREF
	expect_rc 2; expect_err_grep 'cut_reads.bam: truncated or corrupt BAM data after 43 records'; expect_no_file "$T/cut.json"
	check "pairhmm_bam_truncated_reads_threads_$k"
done

# reads that do not fit the reference: one moved past the end of the contig
# (the band would hide it: --band 0 too), and a reference shorter than the
# BAM header's contig (another version of it)
samtools view -H $PB > "$T/h.sam"
samtools view $PB | head -3 | awk 'BEGIN { OFS = "\t" } NR == 1 { $4 = 48400 } { print }' | cat "$T/h.sam" - > "$T/past_end.sam"
for band in 32 0; do
	run tessera pairhmm test --band $band --bam "$T/past_end.sam" --ref $PBREF
	expect_rc 2; expect_err_grep "past_end.sam: read '.*/387_1134' ends at 49116, past the end of 'lambda_NEB3011' \(48502 bp in $PBREF\)"
	check "pairhmm_bam_read_past_reference_end_band$band"
done
head -c 30500 $PBREF > "$T/short_ref.fa"
run tessera pairhmm test --bam $PB --ref "$T/short_ref.fa"
expect_rc 2; expect_err_grep "'lambda_NEB3011' is 48502 bp in its header but 30108 bp in .*short_ref.fa: the reads were aligned to another version"
check pairhmm_bam_reference_of_another_length

# a mapped read without a stored sequence (SEQ '*') is skipped and counted;
# one whose CIGAR clips all of it is an error that says so
samtools view $PB | head -3 | awk 'BEGIN { OFS = "\t" } NR == 2 { $10 = "*"; $11 = "*" } { print }' | cat "$T/h.sam" - > "$T/no_seq.sam"
run tessera pairhmm fit --bam "$T/no_seq.sam" --ref $PBREF
expect_rc 0; expect_out_grep "\(2 of 3 reads passed the filters; 1 mapped without a stored sequence, SEQ '\*', skipped\)$"
check pairhmm_bam_no_seq_counted
samtools view $PB | head -3 | awk 'BEGIN { OFS = "\t" } NR == 2 { $6 = length($10) "S" } { print }' | cat "$T/h.sam" - > "$T/all_clip.sam"
run tessera pairhmm fit --bam "$T/all_clip.sam" --ref $PBREF
expect_rc 2; expect_err_grep "all_clip.sam: read '.*/0_344': no aligned bases \(its CIGAR clips all of the read"
check pairhmm_bam_all_clipped

# a spliced read (CIGAR N: an intron) gives a pair per piece between its
# introns, --pad at its outer ends only: its 500-base intron is no deletion
R1=$(samtools faidx $PBREF lambda_NEB3011:1001-1100 | tail -n +2 | tr -d '\n')
R2=$(samtools faidx $PBREF lambda_NEB3011:1601-1700 | tail -n +2 | tr -d '\n')
printf 'spliced\t0\tlambda_NEB3011\t1001\t60\t100M500N100M\t*\t0\t0\t%s%s\t*\n' "$R1" "$R2" | cat "$T/h.sam" - > "$T/spliced.sam"
run tessera pairhmm align --mode glocal --pad 30 --bam "$T/spliced.sam" --ref $PBREF
expect_rc 0
expect_out_grep '^# pair 1: spliced \(100 bp\) vs lambda_NEB3011:971-1100 \(130 bp\)'
expect_out_grep '^# pair 2: spliced \(100 bp\) vs lambda_NEB3011:1601-1730 \(130 bp\)'
check pairhmm_bam_spliced_read_pair_per_exon
run tessera pairhmm fit --bam "$T/spliced.sam" --ref $PBREF
expect_rc 0
expect_out_grep '\(1 of 1 reads passed the filters; 1 spliced, cut at their introns \(CIGAR N\) into 2 pairs\)$'
expect_out_grep '^CIGARs: 0 insertions \(0 bases\), 0 deletions \(0 bases\) in 200 aligned bases'
expect_out_grep '^2 pairs, 400 residues$'
check pairhmm_bam_spliced_read_counted
# an intron at the read's start: the pad goes to the first piece with bases
printf 'lead_n\t0\tlambda_NEB3011\t996\t60\t5N100M\t*\t0\t0\t%s\t*\n' "$R1" | cat "$T/h.sam" - > "$T/lead_n.sam"
run tessera pairhmm align --mode glocal --pad 30 --bam "$T/lead_n.sam" --ref $PBREF
expect_rc 0; expect_out_grep '^# pair 1: lead_n \(100 bp\) vs lambda_NEB3011:971-1130 \(160 bp\)'
check pairhmm_bam_leading_intron_keeps_the_pad
# a hard clip outside a soft clip (2H3S): the 3 soft-clipped bases are not the read's
printf 'hard_soft\t0\tlambda_NEB3011\t1001\t60\t2H3S100M\t*\t0\t0\tAAA%s\t*\n' "$R1" | cat "$T/h.sam" - > "$T/hard_soft.sam"
run tessera pairhmm align --bam "$T/hard_soft.sam" --ref $PBREF
expect_rc 0; expect_out_grep '^# pair 1: hard_soft \(100 bp\) vs lambda_NEB3011:1001-1100 \(100 bp\)'
check pairhmm_bam_hard_clip_outside_soft_clip

# read bases '=' (samtools calmd -e: the reference's base) are the bases
# they are aligned to
printf 'equals\t0\tlambda_NEB3011\t1001\t60\t100M\t*\t0\t0\t%s\t*\n' "$(printf %100s | tr ' ' =)" | cat "$T/h.sam" - > "$T/equals.sam"
run tessera pairhmm align --bam "$T/equals.sam" --ref $PBREF
expect_rc 0
expect_out_grep "^equals +$(printf %s "$R1" | cut -c1-60)\$"
check pairhmm_bam_equals_bases_are_the_reference

# ONT reads (test data only, not bundled): deletion-biased
ONT=../shared/data/pairhmm/ont_sarscov2_artic_MT007544.bam
if [ -r "$ONT" ]; then
	cp "$ONT" "$T/ont.bam" && samtools index "$T/ont.bam"
	run tessera pairhmm test -@ 2 --json "$T/ont.json" --bam "$T/ont.bam" -r MN908947.3 --ref ../shared/data/pairhmm/ont_sarscov2_MN908947.3_ref.fasta
	expect_rc 0
	direction "$T/ont.json" > "$T/dir.txt"
	read fit_dir cig_dir fit_ratio cig_ratio < "$T/dir.txt"
	[ "$fit_dir" = del ] && [ "$cig_dir" = del ] ||
		fail_because "ONT: fit says $fit_dir ($fit_ratio), CIGARs say $cig_dir ($cig_ratio); expected deletion-biased"
	check pairhmm_bam_ont_deletion_bias
else
	echo "[SKIP] cli::pairhmm_bam_ont_deletion_bias: $ONT not present" >&2
fi
