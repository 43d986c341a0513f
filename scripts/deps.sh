#!/usr/bin/env bash
# Installs the Debian 12 packages Herald builds and tests with, only when something is missing.
set -euo pipefail
packages=(
  build-essential cmake ninja-build ccache pkg-config
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libsqlite3-dev libyaml-cpp-dev libspdlog-dev libssl-dev zlib1g-dev
  libjwt-dev libgtest-dev curl jq
  sqlite3       # the sqlite3 CLI for the recovery commands in README.md ("Recovering a damaged database")
  libnats-dev nats-server libpq-dev postgresql
  nginx-light   # /usr/sbin/nginx for the cluster end-to-end test (it runs its own, on its own ports)
  openssl       # the openssl CLI: the 4.x enrollment tests make a CA and agent certificates with it
  clang libclang-rt-14-dev   # the libFuzzer targets (scripts/fuzz.sh): clang 14, libFuzzer, ASan/UBSan runtimes
  libpcre2-dev  # the analysis engine: rules and decoders of type pcre2 (JIT)
)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "deps: installing ${missing[*]}"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
