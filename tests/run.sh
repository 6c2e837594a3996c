#!/bin/sh
# run: every Criterion unit test, then every CLI test; one closing line
# "N passed, N failed" over both, non-zero exit on any failure.
# TESSERA and RUN_TESTS point at the binaries (the asan target swaps them).
set -u
cd "$(dirname "$0")/.." || exit 3
RUN_TESTS=${RUN_TESTS:-tests/run_tests}
TESSERA=${TESSERA:-./tessera}
export TESSERA
# htslib must never fetch CRAM references from the network in tests.
export REF_PATH=: REF_CACHE=:
mkdir -p tests/tmp

unit_log=tests/tmp/unit.log
"$RUN_TESTS" -j2 ${TEST_OPTS:-} 2>"$unit_log"
unit_rc=$?
cat "$unit_log" >&2
syn=$(grep 'Synthesis:' "$unit_log" | tail -n 1)
u_pass=$(echo "$syn" | sed -n 's/.*Passing: \([0-9]*\).*/\1/p')
u_fail=$(echo "$syn" | sed -n 's/.*Failing: \([0-9]*\).*/\1/p')
if [ -z "$u_pass" ]; then
	echo "[E::run] the unit test runner printed no synthesis line (exit $unit_rc)" >&2
	u_pass=0 u_fail=1
elif [ "$unit_rc" != 0 ] && [ "$u_fail" = 0 ]; then
	u_fail=1
fi

cli_counts=tests/tmp/cli.counts
sh tests/cli.sh "$cli_counts"
if [ -s "$cli_counts" ]; then
	read c_pass c_fail < "$cli_counts"
else
	echo "[E::run] the CLI tests did not finish" >&2
	c_pass=0 c_fail=1
fi
echo "unit: $u_pass passed, $u_fail failed; cli: $c_pass passed, $c_fail failed"
echo "$((u_pass + c_pass)) passed, $((u_fail + c_fail)) failed"
[ "$u_fail" = 0 ] && [ "$c_fail" = 0 ]
