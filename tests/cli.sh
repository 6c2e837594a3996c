#!/bin/sh
# cli: run the real binary on data/fixtures and check stdout, stderr and exit
# status.  Cases live in tests/cli/*.sh and use the helpers below:
#
#   run CMD ARGS…          run a command; keeps $rc, $OUT (stdout file), $ERR
#   expect_rc N            exit status must be N
#   expect_out_file F      stdout must equal file F byte for byte
#   expect_out_cmd CMD…    stdout must equal what CMD prints (e.g. samtools)
#   expect_out_grep RE     stdout must match the extended regex RE
#   expect_err_grep RE     stderr must match RE
#   expect_err_empty       nothing on stderr
#   expect_no_file F       F must not exist (no partial output)
#   check NAME             close the case: pass if every expectation held
#   skip NAME WHY          a case that cannot run here (a tool is missing)
#   can_limit_vm KB        true if the binary starts under ulimit -v KB
#
# CLI_CASES (a list of tests/cli/*.sh files) runs a subset.
# Writes "PASSED FAILED" to the file named by $1.
set -u
cd "$(dirname "$0")/.." || exit 3
TESSERA=${TESSERA:-./tessera}
T=tests/tmp/cli
rm -rf "$T" && mkdir -p "$T"
OUT=$T/stdout ERR=$T/stderr
n_pass=0 n_fail=0 why=""

run() { "$@" >"$OUT" 2>"$ERR"; rc=$?; why=""; }
tessera() { $TESSERA "$@"; }  # unquoted: TESSERA may be "valgrind … ./tessera"
fail_because() { why="$why; $*"; }
expect_rc() { [ "$rc" = "$1" ] || fail_because "exit $rc, expected $1"; }
expect_out_file() { cmp -s "$OUT" "$1" || fail_because "stdout differs from $1"; }
expect_out_cmd() {
	"$@" >"$T/expected" 2>"$T/expected.err" || { fail_because "reference command failed: $*"; return; }
	cmp -s "$OUT" "$T/expected" || fail_because "stdout differs from: $*"
}
expect_out_grep() { grep -Eq -- "$1" "$OUT" || fail_because "stdout lacks /$1/"; }
expect_err_grep() { grep -Eq -- "$1" "$ERR" || fail_because "stderr lacks /$1/"; }
expect_err_empty() { [ ! -s "$ERR" ] || fail_because "stderr not empty: $(head -c 200 "$ERR")"; }
expect_no_file() { [ ! -e "$1" ] || fail_because "$1 exists"; }
check() {
	if [ -z "$why" ]; then
		n_pass=$((n_pass + 1))
	else
		n_fail=$((n_fail + 1))
		echo "[FAIL] cli::$1${why}" >&2
		echo "       stderr: $(head -c 300 "$ERR")" >&2
	fi
	why=""
}

skip() { echo "[SKIP] cli::$1: $2" >&2; why=""; }

# Does the binary start under `ulimit -v KB`?  Not under ASan (its shadow
# memory is terabytes of address space) nor valgrind: memory-limit cases skip.
can_limit_vm() {
	case "$TESSERA" in *valgrind*) return 1 ;; esac
	sh -c "ulimit -v $1 && $TESSERA --version" >/dev/null 2>&1
}

for f in ${CLI_CASES:-tests/cli/*.sh}; do
	. "./$f"
done
echo "[====] cli: Tested: $((n_pass + n_fail)) | Passing: $n_pass | Failing: $n_fail" >&2
echo "$n_pass $n_fail" > "${1:-/dev/null}"
[ "$n_fail" = 0 ]
