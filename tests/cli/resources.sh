# resources: full disks, file size limits and memory limits give exit 3 with
# a message, never a crash and never a partial output file.
RS_SCAN="scan -m data/fixtures/scan/motifs.meme data/fixtures/scan/genome.fa"
RS_VIEW="view data/fixtures/seq/seqs.fa"
RS_PHMM="pairhmm align --params data/fixtures/pairhmm/params.json data/fixtures/pairhmm/pairs.fa"
RS_CONV="motifs convert data/fixtures/motif/ok.meme"

# -o on a device writes in place: /dev/null stays a device (a temporary file
# renamed over it would replace /dev/null when the tests run as root).
for rs_cmd in "$RS_VIEW" "$RS_SCAN" "$RS_PHMM" "$RS_CONV"; do
	rs_name=$(echo "$rs_cmd" | cut -d' ' -f1-2 | tr ' ' _)
	run tessera $rs_cmd -o /dev/null
	expect_rc 0
	[ -c /dev/null ] || fail_because "/dev/null is no longer a character device"
	check "resources_${rs_name}_output_dev_null"
done
