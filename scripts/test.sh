#!/usr/bin/env bash
# Builds everything and runs the whole test suite (unit + integration) with CTest.
# Installs the Debian packages it needs on a fresh Debian 12 machine.
#   scripts/test.sh          Release build in build/
#   scripts/test.sh --asan   AddressSanitizer + UndefinedBehaviorSanitizer build in build-asan/
#   scripts/test.sh --tsan   ThreadSanitizer build in build-tsan/; runs the unit suite and the
#                            integration suites that exercise concurrency (tsan_integration below),
#                            heraldd included, with TSAN_OPTIONS (tests/tsan.supp, halt on the first
#                            report). Slow: not part of .ci/run.
# Without --asan or --tsan, the fuzz targets then run for a bounded number of inputs each
# (scripts/fuzz.sh --ctest: clang build in build-fuzz/, ASan + UBSan; a few minutes).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/deps.sh
dir=build
flags=(-DCMAKE_BUILD_TYPE=Release -DHERALD_BUILD_TESTS=ON)
if [[ "${1:-}" == "--asan" ]]; then
  dir=build-asan
  flags=(-DCMAKE_BUILD_TYPE=Debug -DHERALD_SANITIZE=ON -DHERALD_BUILD_TESTS=ON)
elif [[ "${1:-}" == "--tsan" ]]; then
  dir=build-tsan
  flags=(-DCMAKE_BUILD_TYPE=Debug -DHERALD_TSAN=ON -DHERALD_BUILD_TESTS=ON)
  # The same options as the CTest environment of that build (tests/CMakeLists.txt); exported for
  # the test discovery run at build time and anything started outside CTest.
  export TSAN_OPTIONS="suppressions=$PWD/tests/tsan.supp:halt_on_error=1:second_deadlock_stack=1"
fi
cmake -S . -B "$dir" -G Ninja "${flags[@]}" > /dev/null
cmake --build "$dir" -j"$(nproc)"
if [[ "$dir" == build-tsan ]]; then
  # Integration suites with several threads at work in heraldd (HTTP sessions, long polls,
  # liveness, legacy connections, the NATS bus, PostgreSQL clusters), on both backends where the
  # suite has a postgres: run. The others (CLI, startup checks, hostile input, crash rounds) add
  # little concurrency for a lot of TSan time.
  tsan_integration='^(postgres:)?(CommsApi|CommsTokens|CommandManager|ManagementApi|LivenessEvents|Lifecycle|LegacyAgents|Cluster|ClusterE2E|PostgresBackend|BusNats|AnalysisJetStream|ActiveResponse|ActiveResponseUndo|IndexerForwarder|Integrations|AlertSearch|RulesetCluster)\.'
  status=0
  (cd "$dir" && ctest --output-on-failure --no-tests=error -j2 --timeout 600 -L '^unit$') || status=$?
  (cd "$dir" && ctest --output-on-failure --no-tests=error -j2 --timeout 600 -L '^(integration|postgres)$' \
    -R "$tsan_integration") || status=$?
  exit "$status"
fi
(cd "$dir" && ctest --output-on-failure --no-tests=error -j2 --timeout 600)
if [[ "$dir" == build ]]; then
  scripts/fuzz.sh --ctest
fi
