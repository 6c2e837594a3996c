# bad_inputs: every entry of data/fixtures/bad/MANIFEST.tsv (file, command with
# {} for the file, exit status, stderr regex, stdout check), then the hostile
# inputs that are made on the fly: a 1 GB single-line FASTA through a pipe.
BADDIR=data/fixtures/bad
BADN=0
# fd 3: the manifest, so a command reading stdin cannot eat it
while IFS='	' read -r bfile bcmd brc berr bout <&3; do
	case "$bfile" in '#'*|'') continue ;; esac
	BADN=$((BADN + 1))
	bargs=$(printf '%s\n' "$bcmd" | sed "s|{}|$BADDIR/$bfile|g")
	# word splitting of $bargs is intended: the manifest has no quoted arguments
	run tessera $bargs </dev/null
	expect_rc "$brc"
	if [ "$berr" = - ]; then
		grep -q '^\[E::' "$ERR" && fail_because "an error on a valid input: $(head -c 200 "$ERR")"
	else
		expect_err_grep "^\[E::[a-z]+\] .*$berr"
	fi
	case "$bout" in
	-) ;;
	=*) expect_out_file "${bout#=}" ;;
	*) expect_out_grep "$bout" ;;
	esac
	check "bad_input_${BADN}_$bfile"
done 3< "$BADDIR/MANIFEST.tsv"
[ "$BADN" -ge 40 ] || { why="; only $BADN manifest entries"; check bad_input_manifest_size; }

# A 1 GB FASTA on one line, streamed through a pipe (never on disk): view -w 0
# must give it back byte for byte (same cksum as the input), in bounded
# memory: ulimit -v 1 GB would stop a reader that held the record whole.
BIG="{ printf '>big one line\\n'; head -c 1000000000 /dev/zero | tr '\\0' 'a'; echo; }"
case "$TESSERA" in *valgrind*) BIG_SKIP=1 ;; *) BIG_SKIP=0 ;; esac
BIG_LIMIT="ulimit -v 1000000;"
can_limit_vm 1000000 || BIG_LIMIT=""
if [ "$BIG_SKIP" = 1 ]; then
	skip bad_input_1gb_single_line_fasta "1 GB under valgrind would take hours"
else
	run sh -c "$BIG_LIMIT $BIG | $TESSERA view -w 0 - | cksum"
	expect_rc 0; expect_err_empty; expect_out_cmd sh -c "$BIG | cksum"
	check bad_input_1gb_single_line_fasta
fi
