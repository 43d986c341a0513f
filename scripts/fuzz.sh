#!/usr/bin/env bash
# The libFuzzer targets of tests/fuzz, built with clang in build-fuzz/ (ASan + UBSan, asserts on).
#   scripts/fuzz.sh --ctest                  build, then the bounded runs CTest knows (label fuzz);
#                                            what scripts/test.sh runs
#   scripts/fuzz.sh [SECONDS] [TARGET...]    build, then run each target for SECONDS (default 600),
#                                            two at a time, niced, over its own copy of the seeds in
#                                            build-fuzz/long/<target>/ (grown corpus, log, artifacts)
# Targets: http_request command_parser stateful_events stateless_events agent_query config jwt
#          legacy_frame legacy_enrollment
#          predecoder
#          decoders
#          os_regex
#          rules ruleset_xml
set -euo pipefail
cd "$(dirname "$0")/.."
all=(http_request command_parser stateful_events stateless_events agent_query config jwt legacy_frame legacy_enrollment)
all+=(predecoder)
all+=(decoders)
all+=(os_regex)
all+=(rules)
all+=(ruleset_xml)
configure_and_build() {
  # -O1 and line tables only: quick to compile, still fast to run, stack traces with lines.
  cmake -S . -B build-fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DCMAKE_CXX_FLAGS_RELWITHDEBINFO="-O1 -gline-tables-only" -DHERALD_BUILD_TESTS=OFF -DHERALD_FUZZ=ON > /dev/null
  cmake --build build-fuzz -j"$(nproc)" --target "$@"
}
if [[ "${1:-}" == "--ctest" ]]; then
  configure_and_build herald_fuzzers
  cd build-fuzz
  exec ctest -L fuzz --output-on-failure --no-tests=error -j2
fi
seconds=${1:-600}
shift || true
targets=("$@")
((${#targets[@]})) || targets=("${all[@]}")
declare -A max_len=([http_request]=4096 [command_parser]=4096 [stateful_events]=8192 [stateless_events]=8192
                    [agent_query]=8192 [config]=4096 [jwt]=2048 [legacy_frame]=8192 [legacy_enrollment]=4096)
max_len[predecoder]=8192
max_len[decoders]=8192
max_len[os_regex]=4096
max_len[rules]=8192
max_len[ruleset_xml]=8192
configure_and_build "${targets[@]/#/fuzz_}"
run() {
  local target=$1 work=build-fuzz/long/$1
  mkdir -p "$work/corpus" "$work/artifacts"
  cp -n tests/fuzz/corpus/"$target"/* "$work/corpus/"
  echo "fuzz $target: ${seconds}s from $(date -u +%H:%M:%S), log in $work/log"
  nice -n 10 build-fuzz/tests/fuzz/fuzz_"$target" -max_total_time="$seconds" -max_len="${max_len[$target]}" \
    -timeout=10 -print_final_stats=1 -artifact_prefix="$work/artifacts/" "$work/corpus" > "$work/log" 2>&1 \
    && echo "fuzz $target: done, $(grep -E '^#[0-9]+.*(DONE|cov)' "$work/log" | tail -1)" \
    || echo "fuzz $target: FAILED, see $work/log and $work/artifacts/"
}
for ((i = 0; i < ${#targets[@]}; i += 2)); do
  run "${targets[i]}" &
  if ((i + 1 < ${#targets[@]})); then run "${targets[i + 1]}" & fi
  wait
done
