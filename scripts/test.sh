#!/usr/bin/env bash
# Builds everything and runs the whole test suite (unit + integration) with CTest.
# Installs the Debian packages it needs on a fresh Debian 12 machine.
#   scripts/test.sh          Release build in build/
#   scripts/test.sh --asan   AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
# Without --asan, the fuzz targets then run for a bounded number of inputs each (scripts/fuzz.sh
# --ctest: clang build in build-fuzz/, ASan + UBSan; a few minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
dir=build
flags=(-DCMAKE_BUILD_TYPE=Release -DHERALD_BUILD_TESTS=ON)
if [[ "${1:-}" == "--asan" ]]; then
  dir=build-asan
  flags=(-DCMAKE_BUILD_TYPE=Debug -DHERALD_SANITIZE=ON -DHERALD_BUILD_TESTS=ON)
fi
cmake -S . -B "$dir" -G Ninja "${flags[@]}" > /dev/null
cmake --build "$dir" -j"$(nproc)"
(cd "$dir" && ctest --output-on-failure --no-tests=error -j2 --timeout 600)
if [[ "$dir" == build ]]; then
  scripts/fuzz.sh --ctest
fi
