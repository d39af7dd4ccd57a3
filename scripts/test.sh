#!/usr/bin/env bash
# The whole test suite, as `make test` and CI run it. XCTest only (the suite has no Swift Testing tests, and
# Swift Testing's "0 tests" closing line would otherwise be the last word); ends with one plain
# "N passed, N failed" line so a reader of the log sees the outcome at the bottom.
set -uo pipefail
cd "$(dirname "$0")/.."
SWIFT="${SWIFT:-swift}"
"$SWIFT" build --build-tests -q ${SWIFT_FLAGS:-} || exit $?
log=$(mktemp)
trap 'rm -f "$log"' EXIT
"$SWIFT" test --skip-build --disable-swift-testing ${SWIFT_FLAGS:-} 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# XCTest: "Executed 304 tests, with 3 tests skipped and 0 failures (0 unexpected) in …"
summary=$(grep -E "Executed [0-9]+ tests?, with " "$log" | tail -n 1)
re='Executed ([0-9]+) tests?, with (([0-9]+) tests? skipped and )?([0-9]+) failures?'
if [[ $summary =~ $re ]]; then
  total=${BASH_REMATCH[1]}; skipped=${BASH_REMATCH[3]:-0}; failed=${BASH_REMATCH[4]}
  echo "$((total - failed - skipped)) passed, $failed failed, $skipped skipped"
else
  echo "0 passed, 1 failed"
  [ "$status" -ne 0 ] || status=1
fi
exit "$status"
