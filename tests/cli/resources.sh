# resources: full disks, file size limits and memory limits give exit 3 with
# a message, never a crash and never a partial output file.
RS_SCAN="scan -m data/fixtures/scan/motifs.meme data/fixtures/scan/genome.fa"
RS_VIEW="view data/fixtures/seq/seqs.fa"
RS_PHMM="pairhmm align --params data/fixtures/pairhmm/params.json data/fixtures/pairhmm/pairs.fa"
RS_CONV="motifs convert data/fixtures/motif/ok.meme"

# -o on a device writes in place: /dev/null stays a device (a temporary file
# renamed over it would replace /dev/null when the tests run as root).
for rs_cmd in "$RS_VIEW" "$RS_SCAN" "$RS_PHMM" "$RS_CONV"; do
	rs_name=$(echo "$rs_cmd" | cut -d' ' -f1-2 | tr ' /' __)
	run tessera $rs_cmd -o /dev/null
	expect_rc 0
	[ -c /dev/null ] || fail_because "/dev/null is no longer a character device"
	check "resources_${rs_name}_output_dev_null"
done

# A full disk: -o /dev/full and stdout on /dev/full are exit 3 with a message.
for rs_cmd in "$RS_VIEW" "$RS_SCAN" "$RS_PHMM" "pairhmm test data/fixtures/pairhmm/pairs.fa" "$RS_CONV"; do
	rs_name=$(echo "$rs_cmd" | cut -d' ' -f1-2 | tr ' /' __)
	run tessera $rs_cmd -o /dev/full
	expect_rc 3; expect_err_grep '^\[E::[a-z]+\] /dev/full: write failed'
	check "resources_${rs_name}_output_dev_full"
	run sh -c "$TESSERA $rs_cmd > /dev/full"
	expect_rc 3; expect_err_grep 'write failed: No space left on device'
	check "resources_${rs_name}_stdout_dev_full"
done

# A write that fails half-way into a regular file (a file size limit of one
# 512-byte block, which stderr's short message fits; SIGXFSZ ignored so
# write() fails with EFBIG, as on a full disk): exit 3, and neither the
# output nor its temporary file is left behind.  Every output is > 512 bytes.
awk 'BEGIN { srand(5); for (k = 0; k < 2; k++) { printf ">p%d\n", k;
	for (i = 0; i < 600; i++) printf "%s", substr("ACGT", int(rand() * 4) + 1, 1); printf "\n" } }' > "$T/pair600.fa"
for rs_cmd in "view data/fixtures/scan/genome.fa" "$RS_SCAN" "pairhmm align --params data/fixtures/pairhmm/params.json $T/pair600.fa" \
	"motifs convert data/fixtures/motif/ok_crlf.transfac"; do
	rs_name=$(echo "$rs_cmd" | cut -d' ' -f1-2 | tr ' /' __)
	rm -f "$T"/rs_out*
	run sh -c "trap '' XFSZ; ulimit -f 1; exec $TESSERA $rs_cmd -o $T/rs_out"
	# (scan keeps its hits in a temporary file first: the limit may stop it there)
	expect_rc 3; expect_err_grep "rs_out: write failed: File too large|hits (to|back from) a temporary file"; expect_no_file "$T/rs_out"
	[ -z "$(ls "$T" | grep '^rs_out')" ] || fail_because "a temporary file was left: $(ls "$T" | grep '^rs_out')"
	check "resources_${rs_name}_file_size_limit_no_partial_file"
done

# Out of memory: a 20 kb pair needs a 20k x 20k traceback; under 300 MB of
# address space the allocation fails and the pair is named, exit 3, no output.
awk 'BEGIN { srand(3); for (k = 0; k < 2; k++) { printf ">s%d\n", k;
	for (i = 0; i < 20000; i++) printf "%s", substr("ACGT", int(rand() * 4) + 1, 1); printf "\n" } }' > "$T/pair20k.fa"
if can_limit_vm 300000; then
	run sh -c "ulimit -v 300000; exec $TESSERA pairhmm align --params data/fixtures/pairhmm/params.json -o $T/rs_oom.txt $T/pair20k.fa"
	expect_rc 3; expect_err_grep "pair20k\.fa: pair 1 \(s0, s1\): out of memory"; expect_no_file "$T/rs_oom.txt"
	check resources_pairhmm_align_out_of_memory
	# a wide motif's p-value tables under 12 MB and 30 MB: a message, never a crash
	for rs_kb in 12000 30000; do
		run sh -c "ulimit -v $rs_kb; exec $TESSERA scan -m data/fixtures/bad/width1000.meme -o $T/rs_oom.tsv data/fixtures/scan/genome.fa"
		expect_rc 3; expect_err_grep '^\[E::scan\] out of memory'; expect_no_file "$T/rs_oom.tsv"
		check "resources_scan_out_of_memory_${rs_kb}k"
	done
else
	skip resources_out_of_memory "the binary does not start under ulimit -v (sanitizer or valgrind build)"
fi
