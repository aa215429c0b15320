#!/usr/bin/env bash
# Fails when a Catch2 test name holds '[', ']' or ';'. catch_discover_tests passes names to the
# test binary as filters, where brackets are tag syntax (one unbalanced '[' once folded 30 unit
# tests into a single ctest entry that matched nothing and passed), and CMake splits names at ';'
# (57 tests were two entries each that matched nothing, so they never ran).
# Usage: check_test_names.sh TESTS_DIR
set -euo pipefail
dir=${1:?usage: check_test_names.sh TESTS_DIR}
bad=$(grep -rnoE --include='*.cpp' '(TEST_CASE|SCENARIO|TEST_CASE_METHOD)\((\w+, *)?"[^"]*[][;][^"]*"' "$dir" || true)
if [[ -n $bad ]]; then
  echo "test names with brackets or semicolons (tags go in the second argument; use a comma):" >&2
  echo "$bad" >&2
  exit 1
fi
count=$(grep -rhoE --include='*.cpp' '(TEST_CASE|SCENARIO|TEST_CASE_METHOD)\(' "$dir" | wc -l)
echo "ok: $count test names, none with brackets or semicolons"
