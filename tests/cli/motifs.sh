# motifs: convert and summary on the bundled JASPAR release, errors and exit codes.

TF=data/motifs/JASPAR2024_CORE_vertebrates_non-redundant_pfms_transfac.txt
BAD=data/fixtures/motif/bad_rowsum.meme

run tessera motifs convert "$TF" -o "$T/tf.meme"
expect_rc 0; expect_err_empty
[ -s "$T/tf.meme" ] || fail_because "no $T/tf.meme"
check motifs_convert_transfac

# MEME -> MEME must reproduce our own output byte for byte
run tessera motifs convert "$T/tf.meme"
expect_rc 0; expect_err_empty; expect_out_file "$T/tf.meme"
check motifs_convert_is_fixed_point

run tessera motifs summary "$TF"
expect_rc 0; expect_err_empty
expect_out_grep '^motifs +879$'; expect_out_grep '^format +TRANSFAC$'; expect_out_grep 'MA0004\.1 \(Arnt\)'
check motifs_summary

run sh -c "gzip -dc data/fixtures/motif/JASPAR2024_CORE_vertebrates_non-redundant.from_transfac.meme.gz | $TESSERA motifs summary -"
expect_rc 0; expect_out_grep '^motifs +879$'; expect_out_grep '^format +MEME$'
check motifs_summary_stdin

run tessera motifs convert "$BAD" -o "$T/bad.meme"
expect_rc 2; expect_err_grep "^\[E::motifs\] $BAD:14: "; expect_no_file "$T/bad.meme"
[ ! -s "$OUT" ] || fail_because "stdout not empty"
check motifs_malformed_exit2_no_output

run tessera motifs summary data/fixtures/motif/no_such_file.meme
expect_rc 3; expect_err_grep 'no_such_file.meme: No such file or directory'
check motifs_missing_file_exit3

run tessera motifs frobnicate "$TF"
expect_rc 1; expect_err_grep "unknown subcommand 'frobnicate'"; expect_err_grep '^Usage: tessera motifs'
check motifs_unknown_subcommand

run tessera motifs
expect_rc 1; expect_err_grep '^Usage: tessera motifs <convert\|summary\|logo> \[options\] \[FILE\]'
check motifs_no_subcommand

run tessera motifs --help
expect_rc 0; expect_err_empty; expect_out_grep '^Usage: tessera motifs <convert\|summary\|logo>'
check motifs_help

run tessera motifs convert --help
expect_rc 0; expect_err_empty; expect_out_grep '^Usage: tessera motifs'
check motifs_sub_help

run tessera motifs summary a.meme b.meme
expect_rc 1; expect_err_grep 'takes at most one FILE'
check motifs_summary_one_file

# without FILE: the bundled database, found at run time from the binary's place
run tessera motifs summary
expect_rc 0; expect_out_grep '^motifs +879$'; expect_out_grep 'JASPAR2024_CORE_vertebrates_non-redundant_pfms_transfac.txt$'
check motifs_default_database

# an installed tree finds its database under PREFIX/share/tessera, even moved
rm -rf "$T/inst" "$T/moved"
if make -s install DESTDIR="$PWD/$T/inst" PREFIX=/opt/ts BIN="$TESSERA" >/dev/null 2>"$T/install.err"; then
	mv "$T/inst/opt/ts" "$T/moved"
	run env -u TESSERA_DATA "$T/moved/bin/tessera" motifs summary
	expect_rc 0; expect_out_grep "^file +/.*/moved/bin/\\.\\./share/tessera/motifs/JASPAR"; expect_out_grep '^motifs +879$'
else
	fail_because "make install failed: $(cat "$T/install.err")"
fi
check motifs_installed_database_found

run env TESSERA_DATA=/nonexistent "$TESSERA" motifs summary data/fixtures/motif/ok.meme
expect_rc 0
check motifs_explicit_file_needs_no_data
