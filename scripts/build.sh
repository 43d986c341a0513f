#!/usr/bin/env bash
# Configures and builds Herald into build/ (Release), installing Debian dependencies if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" > /dev/null
cmake --build build -j"$(nproc)"
