#!/usr/bin/env bash
# CTest: tools/new-module and tools/new-check write into a scratch copy of the files they edit;
# what they generate must compile against the engine as it is (API drift breaks this test, not
# the next author), carry TEMPLATE text that its own tests refuse, and bad names are refused.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
cxx=${CXX:-c++}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/protocols" "$tmp/tests-engine/cert/checks" "$tmp/fixtures/cert"
cp "$src/protocols/registry.cpp" "$src/protocols/CMakeLists.txt" "$tmp/protocols/"
cp "$src/tests-engine/CMakeLists.txt" "$tmp/tests-engine/"
cp "$src/tests-engine/cert/checks/check.h" "$src/tests-engine/cert/checks/checks.cpp" \
  "$tmp/tests-engine/cert/checks/"

"$src/tools/new-module" probe-example --root "$tmp" >/dev/null
"$src/tools/new-check" rule_example --root "$tmp" >/dev/null

fail() { echo "scaffolds: $*" >&2; exit 1; }
grep -q '&kProbeExampleModule,' "$tmp/protocols/registry.cpp" || fail "no registry row"
grep -q 'probe-example/probe_example_module.cpp' "$tmp/protocols/CMakeLists.txt" || fail "no CMake line"
grep -q 'cert/checks/rule_example.cpp' "$tmp/tests-engine/CMakeLists.txt" || fail "no CMake line (check)"
grep -q 'TEMPLATE' "$tmp/protocols/probe-example/probe_example_module.cpp" || fail "no template text"
grep -q 'templated(m.description)' "$tmp/protocols/probe-example/probe_example_module_test.cpp" ||
  fail "the generated test does not refuse template text"
grep -q 'cert.TEMPLATE.rule_example' "$tmp/fixtures/cert/rule_example.expect" || fail "no fixture"

# The generated sources compile against today's engine (the scratch headers first).
flags=(-std=c++20 -fsyntax-only -Wall -Wextra -I"$tmp" -I"$tmp/tests-engine" -I"$src"
       -I"$src/tests-engine")
for f in "$tmp/protocols/probe-example/probe_example_module.cpp" \
         "$tmp/protocols/probe-example/probe_example_module_test.cpp" \
         "$tmp/protocols/registry.cpp" \
         "$tmp/tests-engine/cert/checks/rule_example.cpp" \
         "$tmp/tests-engine/cert/checks/checks.cpp"; do
  "$cxx" "${flags[@]}" "$f" || fail "$(basename "$f") does not compile"
done

# Bad names and existing targets are refused with exit 2.
for bad in "Bad_Name" "-x" "smtp--x"; do
  set +e; "$src/tools/new-module" "$bad" --root "$tmp" >/dev/null 2>&1; rc=$?; set -e
  [ "$rc" -eq 2 ] || fail "new-module accepted '$bad' (exit $rc)"
done
set +e; "$src/tools/new-module" probe-example --root "$tmp" >/dev/null 2>&1; rc=$?; set -e
[ "$rc" -eq 2 ] || fail "new-module overwrote an existing module (exit $rc)"
set +e; "$src/tools/new-check" Rule --root "$tmp" >/dev/null 2>&1; rc=$?; set -e
[ "$rc" -eq 2 ] || fail "new-check accepted 'Rule' (exit $rc)"
echo "scaffolds: ok"
