#!/usr/bin/env bash
# Builds heraldd and starts it on the embedded SQLite default, with all data under ./var.
# Prints the listener URLs and, on the first start, the admin credentials.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh -DHERALD_BUILD_TESTS=OFF
config=${HERALD_CONFIG:-heraldd.yml}
exec build/src/app/heraldd --config "$config"
