#!/usr/bin/env bash
# Builds heraldd and starts it on the embedded SQLite default, with all data under ./var.
# Prints the listener URLs and, on the first start, the admin credentials.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/build.sh -DHERALD_BUILD_TESTS=OFF
config=${HERALD_CONFIG:-heraldd.yml}
# heraldd never prints a password (its output is a log); on the first start it says which file
# holds the generated one, and this relay shows that file here, on the terminal only. It ignores
# Ctrl-C so that it still relays heraldd's last lines while heraldd stops.
exec > >(
  trap '' INT TERM
  while IFS= read -r line; do
    printf '%s\n' "$line"
    if [[ $line =~ password\ generated\ into\ ([^[:space:]]+)\ \(mode\ 0600\) && -t 1 ]]; then
      printf '  admin password (shown once, by scripts/run.sh; not logged): %s\n' "$(cat "${BASH_REMATCH[1]}")"
    fi
  done
)
exec build/src/app/heraldd --config "$config"
