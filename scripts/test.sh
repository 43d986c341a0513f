#!/usr/bin/env bash
# Builds everything and runs the whole test suite (unit + integration) with CTest.
# Installs the Debian packages it needs on a fresh Debian 12 machine.
#   scripts/test.sh          Release build in build/
#   scripts/test.sh --asan   AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
dir=build
flags=(-DCMAKE_BUILD_TYPE=Release)
if [[ "${1:-}" == "--asan" ]]; then
  dir=build-asan
  flags=(-DCMAKE_BUILD_TYPE=Debug -DHERALD_SANITIZE=ON)
fi
cmake -S . -B "$dir" -G Ninja "${flags[@]}" > /dev/null
cmake --build "$dir" -j"$(nproc)"
cd "$dir"
ctest --output-on-failure -j2 --timeout 600
