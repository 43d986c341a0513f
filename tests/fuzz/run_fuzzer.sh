#!/usr/bin/env bash
# run_fuzzer.sh FUZZER SEED_DIR WORK_DIR [libFuzzer flags...]
# Runs FUZZER over a fresh copy of SEED_DIR inside WORK_DIR (so the repo's corpus never grows),
# with crash artifacts in WORK_DIR/artifacts/. Fails on a crash, leak, UBSan report or timeout.
set -euo pipefail
fuzzer=$1 seeds=$2 work=$3
shift 3
rm -rf "$work/corpus"
mkdir -p "$work/corpus" "$work/artifacts"
cp "$seeds"/* "$work/corpus/"
# -timeout: one input taking this long is a hang (reported as a failure).
exec "$fuzzer" -artifact_prefix="$work/artifacts/" -timeout=10 -print_final_stats=1 "$@" "$work/corpus"
