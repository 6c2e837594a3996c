# CLI spine: dispatch, --version, --help, usage errors, stdout hygiene.

run tessera --version
expect_rc 0; expect_err_empty
[ "$(head -n 1 "$OUT")" = "tessera 0.1.0" ] || fail_because "line 1 is '$(head -n 1 "$OUT")'"
expect_out_grep '^Using htslib [0-9]'; expect_out_grep '^Using GSL [0-9]'; expect_out_grep '^Using zlib [0-9]'
check version

run tessera --help
expect_rc 0; expect_err_empty; expect_out_grep '^Usage: tessera <command>'; expect_out_grep '^  view '
check help

run tessera
expect_rc 1; expect_err_grep '^Usage: tessera'
check no_command_is_usage_error

run tessera frobnicate
expect_rc 1; expect_err_grep "unknown command 'frobnicate'"; expect_err_grep '^Usage: tessera'
check unknown_command

run tessera help view
expect_rc 0; expect_err_empty; expect_out_grep '^Usage: tessera view'
check help_cmd

run tessera view --help
expect_rc 0; expect_err_empty; expect_out_grep '^Usage: tessera view'
check cmd_help

run tessera help nosuch
expect_rc 1; expect_err_grep "unknown command 'nosuch'"
check help_unknown

run tessera view --no-such-option data/fixtures/seq/seqs.fa
expect_rc 1; expect_err_grep '^Usage: tessera view'
check bad_option

if [ -w /dev/full ]; then
	run tessera view data/fixtures/seq/seqs.fa
	tessera view data/fixtures/seq/seqs.fa >/dev/full 2>"$ERR"; rc=$?
	expect_rc 3; expect_err_grep 'standard output'
	check full_disk_is_error
fi
