#!/usr/bin/env bash
# herald-bench against one heraldd node (SQLite, PostgreSQL) and two PostgreSQL + NATS nodes behind
# nginx, everything on this machine and on loopback. Figures and how to read them: BENCHMARKS.md,
# section "Scale-out (PostgreSQL, two nodes behind nginx)".
#
# Configurations:
#   A  one node, SQLite (storage defaults: WAL, synchronous FULL)
#   B  one node, PostgreSQL 15 (no NATS)
#   C  two nodes on the same PostgreSQL + one nats-server, behind nginx
#      (deploy/nginx/herald-cluster.conf with the addresses and ports substituted)
# Every run gets fresh servers: a new heraldd data_dir per node and, on PostgreSQL, a new database
# (CREATE DATABASE per run in one PostgreSQL cluster that lives for the whole script). PostgreSQL
# runs with its defaults, fsync=on and synchronous_commit=on included, on the same ext4 disk as
# SQLite's database (a temp dir under $TMPDIR, /tmp by default).
#
# Runs, interleaved so that the machine's noise falls on every configuration alike, --reps times:
#   ingest-{A,B,C}          herald-bench ingest --scenario group-fanout,single-agent
#                           (C: --url is nginx, so requests alternate between the nodes)
#   fleet-{A,B}             herald-bench fleet, --fleet-agents agents, everything on the one node
#   fleet-Cx                commands to node-1 directly, agents polling node-2 directly: every
#                           delivery is a cross-node wake-up over NATS
#   fleet-large-{A,B}       herald-bench fleet, --large-fleet-agents agents, on the one node
#   fleet-large-Cn          the same through nginx (management and comms URLs both nginx's)
# Each run's directory (OUT/runs/NAME) keeps the bench JSON and stderr, the heraldd logs and
# configs, a /metrics scrape of every node, nginx's config and error log, and meta.json: load
# averages before and after, wall time and the CPU seconds used by each heraldd, PostgreSQL (the
# postmaster and its backends), nats-server, nginx, herald-bench (with its fleet workers), other
# unniced and niced processes during the bench. OUT/summary.md has medians, min-max and ratios
# to A. Nothing is pinned to a core: all of it shares the machine's cores with whatever else runs.
#
# Needs: root (PostgreSQL runs as the `postgres` system user; without root, as yourself),
# PostgreSQL 15 server binaries, nats-server, nginx (apt-get install -y nginx-light), jq, python3,
# and a Release build:
#   cmake -S . -B build-bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DHERALD_BUILD_TESTS=OFF
#   cmake --build build-bench -j2 --target heraldd herald-bench
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
build="$repo/build-bench"
out=""
reps=3
runs="ingest,fleet,fleet-large"
configs="A,B,C"
ingest_agents=10000
clients=32
duration=10
fanout_repeats=5
fleet_agents=2000
large_fleet_agents=8000
ingest_scenarios="group-fanout,single-agent"
pg_settings=()
fleet_idle=5
single_commands=200
repoll_delay_ms=0
nginx_workers=1
run_timeout=600
keep=0
summarize_only=""

usage() {
  cat <<'EOF'
usage: tools/bench/cluster.sh [options]
  --build DIR              build tree with src/app/heraldd and tools/bench/herald-bench (default build-bench)
  --out DIR                results (default ./bench-cluster-YYYYmmdd-HHMMSS)
  --reps N                 repetitions of every run (default 3)
  --configs LIST           subset of A,B,C (default A,B,C)
  --runs LIST              subset of ingest, fleet, fleet-large (default ingest,fleet,fleet-large):
                           fleet: --fleet-agents agents, A and B on their node, Cx commands to node-1
                           and agents on node-2 (every delivery crosses nodes); fleet-large:
                           --large-fleet-agents agents, A and B on their node, Cn through nginx
  --ingest-agents N        ingest --agents, the size of the group fan-out (default 10000)
  --clients N              ingest single-agent --clients (default 32)
  --duration S             ingest single-agent --duration (default 10)
  --fanout-repeats N       ingest --fanout-repeats (default 5)
  --fleet-agents N         fleet agents for A, B and Cx (default 2000)
  --large-fleet-agents N   fleet-large agents (default 8000: through nginx, which holds 2 fds per
                           parked poll, and a process may hold 20000)
  --ingest-scenarios LIST  ingest --scenario (default group-fanout,single-agent)
  --pg-setting NAME=VALUE  extra PostgreSQL setting (repeatable; a diagnostic, e.g.
                           synchronous_commit=off; the default run uses PostgreSQL's defaults)
  --fleet-idle S           fleet --idle, the settling time between parking and the group command
                           (default 5)
  --single-commands N      fleet --single-commands (default 200)
  --repoll-delay-ms MS     fleet --repoll-delay-ms (default 0: re-poll at once; the real agent waits 1000)
  --nginx-workers N        nginx worker_processes (default 1)
  --timeout S              bound on one herald-bench run (default 600)
  --keep                   keep the temp dir (PostgreSQL cluster, data dirs)
  --summarize DIR          only (re)write DIR/summary.md from DIR/runs and print it
EOF
}

while (($#)); do
  case "$1" in
    --build) build=$2; shift 2 ;;
    --out) out=$2; shift 2 ;;
    --reps) reps=$2; shift 2 ;;
    --configs) configs=$2; shift 2 ;;
    --runs) runs=$2; shift 2 ;;
    --ingest-agents) ingest_agents=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --duration) duration=$2; shift 2 ;;
    --fanout-repeats) fanout_repeats=$2; shift 2 ;;
    --fleet-agents) fleet_agents=$2; shift 2 ;;
    --large-fleet-agents) large_fleet_agents=$2; shift 2 ;;
    --ingest-scenarios) ingest_scenarios=$2; shift 2 ;;
    --pg-setting) pg_settings+=("$2"); shift 2 ;;
    --nginx-workers) nginx_workers=$2; shift 2 ;;
    --fleet-idle) fleet_idle=$2; shift 2 ;;
    --single-commands) single_commands=$2; shift 2 ;;
    --repoll-delay-ms) repoll_delay_ms=$2; shift 2 ;;
    --timeout) run_timeout=$2; shift 2 ;;
    --keep) keep=1; shift ;;
    --summarize) summarize_only=$2; shift 2 ;;
    -h | --help) usage; exit 0 ;;
    *) echo "cluster.sh: unknown option $1" >&2; usage >&2; exit 2 ;;
  esac
done

log() { printf '%s cluster.sh: %s\n' "$(date +%H:%M:%S)" "$*" >&2; }
die() { log "error: $*"; exit 1; }
has() { [[ ",$1," == *",$2,"* ]]; }

# ---------------------------------------------------------------------------------------------
# Summary: medians (min-max) over the repetitions, ratios of medians to A.
summarize() {
  local dir=$1
  python3 - "$dir" <<'PY'
import json, os, statistics, sys
root = sys.argv[1]
runs_dir = os.path.join(root, "runs")
runs = {}
for name in sorted(os.listdir(runs_dir)):
    d = os.path.join(runs_dir, name)
    try:
        meta = json.load(open(os.path.join(d, "meta.json")))
    except (OSError, ValueError):
        continue
    try:
        bench = json.load(open(os.path.join(d, "bench.json")))
    except (OSError, ValueError):
        bench = None
    runs[name] = (meta, bench)

def scen(bench, name):
    for s in (bench or {}).get("scenarios", []):
        if s.get("scenario") == name:
            return s
    return {}

def get(obj, *path):
    for p in path:
        if not isinstance(obj, dict) or p not in obj:
            return None
        obj = obj[p]
    return obj

metrics = {
    "ingest": [
        ("single-agent commands/s", lambda b: get(scen(b, "single-agent"), "requests_per_s"), "{:,.0f}"),
        ("single-agent p50 (ms)", lambda b: get(scen(b, "single-agent"), "p50_ms"), "{:.2f}"),
        ("single-agent p99 (ms)", lambda b: get(scen(b, "single-agent"), "p99_ms"), "{:.1f}"),
        ("single-agent errors", lambda b: get(scen(b, "single-agent"), "errors"), "{:.0f}"),
        ("group fan-out POST, median of the run (ms)", lambda b: 1000 * get(scen(b, "group-fanout"), "median_s") if get(scen(b, "group-fanout"), "median_s") is not None else None, "{:.0f}"),
        ("group fan-out POST, best of the run (ms)", lambda b: 1000 * get(scen(b, "group-fanout"), "min_s") if get(scen(b, "group-fanout"), "min_s") is not None else None, "{:.0f}"),
        ("enrollment /s (setup)", lambda b: get(b, "setup", "enroll_per_s"), "{:,.0f}"),
        ("group assignment /s (setup)", lambda b: get(b, "setup", "assign_per_s"), "{:,.0f}"),
    ],
    "fleet": [
        ("single: delivery after the 200, p50 (ms)", lambda b: get(b, "single_agent", "delivery_after_200", "p50_ms"), "{:.2f}"),
        ("single: delivery after the 200, p99 (ms)", lambda b: get(b, "single_agent", "delivery_after_200", "p99_ms"), "{:.2f}"),
        ("single: delivery after the send, p50 (ms)", lambda b: get(b, "single_agent", "delivery_after_send", "p50_ms"), "{:.2f}"),
        ("single: delivery after the send, p99 (ms)", lambda b: get(b, "single_agent", "delivery_after_send", "p99_ms"), "{:.2f}"),
        ("single: command POST p50 (ms)", lambda b: get(b, "single_agent", "command_post", "p50_ms"), "{:.2f}"),
        ("single: missed", lambda b: get(b, "single_agent", "missed"), "{:.0f}"),
        ("group: POST (ms)", lambda b: get(b, "group_command", "post_ms"), "{:.0f}"),
        ("group: last agent has it, after the 200 (s)", lambda b: get(b, "group_command", "last_delivery_after_200_s"), "{:.3f}"),
        ("group: last agent has it, after the send (s)", lambda b: get(b, "group_command", "last_delivery_after_send_s"), "{:.3f}"),
        ("group: agents reached", lambda b: get(b, "group_command", "agents_reached"), "{:.0f}"),
        ("group: all results applied, after the 200 (s)", lambda b: get(b, "group_command", "results", "all_success_after_200_s"), "{:.2f}"),
        ("auth /s", lambda b: get(b, "auth", "per_s"), "{:,.0f}"),
        ("agent errors", lambda b: get(b, "agent_errors", "count"), "{:.0f}"),
        ("orders delivered twice", lambda b: get(b, "agent_errors", "orders_redelivered"), "{:.0f}"),
    ],
}
meta_rows = [
    ("load average 1 min, before", lambda m: m.get("loadavg_before", [None])[0], "{:.2f}"),
    ("machine CPU busy during the run (cores)", lambda m: m["cpu"]["machine_busy_s"] / m["wall_s"] if m.get("cpu") else None, "{:.2f}"),
    ("  of which heraldd (cores)", lambda m: sum(v for k, v in m["cpu"].items() if k.startswith("heraldd")) / m["wall_s"] if m.get("cpu") else None, "{:.2f}"),
    ("  of which PostgreSQL (cores)", lambda m: m["cpu"].get("postgres", 0) / m["wall_s"] if m.get("cpu") else None, "{:.2f}"),
    ("  of which nats-server (cores)", lambda m: m["cpu"].get("nats", 0) / m["wall_s"] if m.get("cpu") else None, "{:.2f}"),
    ("  of which nginx (cores)", lambda m: m["cpu"].get("nginx", 0) / m["wall_s"] if m.get("cpu") else None, "{:.2f}"),
    ("  of which herald-bench (cores)", lambda m: m["cpu"].get("bench", 0) / m["wall_s"] if m.get("cpu") else None, "{:.2f}"),
    ("  of which other unniced processes (cores)", lambda m: m["cpu"].get("others", 0) / m["wall_s"] if m.get("cpu") else None, "{:.2f}"),
    ("  of which niced processes (cores; they yield to ours)", lambda m: m["cpu"].get("others_niced", 0) / m["wall_s"] if m.get("cpu") else None, "{:.2f}"),
    ("run wall time (s)", lambda m: m.get("wall_s"), "{:.0f}"),
]

def cell(values, fmt):
    values = [v for v in values if v is not None]
    if not values:
        return "–", None
    med = statistics.median(values)
    text = fmt.format(med)
    if len(values) > 1:
        text += " (" + fmt.format(min(values)) + "–" + fmt.format(max(values)) + ")"
    if len(values) < 3:
        text += f" [n={len(values)}]"
    return text, med

def table(kind, columns):
    lines = []
    header = ["figure"] + [c for c, _ in columns]
    ratio_cols = [c for c, _ in columns if c != "A"]
    header += [f"{c}/A" for c in ratio_cols]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "---|" * len(header))
    rows = [(label, "bench", f, fmt) for label, f, fmt in metrics[kind]] + [(label, "meta", f, fmt) for label, f, fmt in meta_rows]
    for label, source, f, fmt in rows:
        cells, meds = [], {}
        for col, prefix in columns:
            vals = []
            for name, (meta, bench) in runs.items():
                if name.rsplit("-", 1)[0] != prefix:
                    continue
                try:
                    vals.append(f(bench) if source == "bench" else f(meta))
                except (TypeError, KeyError, ZeroDivisionError, IndexError):
                    vals.append(None)
            text, med = cell(vals, fmt)
            cells.append(text)
            meds[col] = med
        for col in ratio_cols:
            a, x = meds.get("A"), meds.get(col)
            cells.append(f"{x / a:.2f}×" if a not in (None, 0) and x is not None and source == "bench" else "")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)

out = []
info = {}
try:
    info = json.load(open(os.path.join(root, "setup.json")))
except (OSError, ValueError):
    pass
if info:
    out.append("Setup: " + ", ".join(f"{k} {v}" for k, v in info.items() if not isinstance(v, (dict, list))))
    out.append("")
failed = [n for n, (m, b) in runs.items() if m.get("rc") != 0 or b is None]
ingest_cols = [(c, f"ingest-{c}") for c in "ABC" if any(n.startswith(f"ingest-{c}-") for n in runs)]
if ingest_cols:
    out.append("### ingest (group-fanout, single-agent)")
    out.append("")
    out.append(table("ingest", ingest_cols))
    out.append("")
for title, prefix, cols in (
        ("fleet, %s agents (A, B: agents and commands on the one node; Cx: commands to node-1, agents on node-2)" % info.get("fleet_agents", "?"),
         "fleet", ("A", "B", "Cx")),
        ("fleet-large, %s agents (A, B: on the one node; Cn: commands and agents through nginx)" % info.get("large_fleet_agents", "?"),
         "fleet-large", ("A", "B", "Cn"))):
    fleet_cols = [(c, f"{prefix}-{c}") for c in cols if any(n.startswith(f"{prefix}-{c}-") for n in runs)]
    if fleet_cols:
        out.append("### " + title)
        out.append("")
        out.append(table("fleet", fleet_cols))
        out.append("")
out.append("### runs")
out.append("")
out.append("| run | rc | load 1/5/15 before | after | wall s | CPU s: " + " / ".join(["heraldd", "postgres", "nats", "nginx", "bench", "other unniced", "niced"]) + " |")
out.append("|---|---|---|---|---|---|")
for name, (m, b) in sorted(runs.items(), key=lambda kv: kv[1][0].get("started", "")):
    c = m.get("cpu", {})
    h = sum(v for k, v in c.items() if k.startswith("heraldd"))
    cpu = " / ".join(f"{x:.1f}" for x in (h, c.get("postgres", 0), c.get("nats", 0), c.get("nginx", 0), c.get("bench", 0), c.get("others", 0), c.get("others_niced", 0)))
    out.append(f"| {name} ({m.get('started', '')}) | {m.get('rc')} | {' '.join(map(str, m.get('loadavg_before', [])))} | "
               f"{' '.join(map(str, m.get('loadavg_after', [])))} | {m.get('wall_s', 0):.0f} | {cpu} |")
if failed:
    out.append("")
    out.append("Failed runs (no figures): " + ", ".join(failed))
text = "\n".join(out) + "\n"
open(os.path.join(root, "summary.md"), "w").write(text)
print(text)
PY
}

if [[ -n "$summarize_only" ]]; then
  summarize "$summarize_only"
  exit 0
fi

# ---------------------------------------------------------------------------------------------
# Preconditions.
heraldd="$build/src/app/heraldd"
bench="$build/tools/bench/herald-bench"
[[ -x "$heraldd" && -x "$bench" ]] || die "no $heraldd or $bench; build them first (see the top of this script)"
pg_bin=/usr/lib/postgresql/15/bin
[[ -x "$pg_bin/initdb" ]] || pg_bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[[ -x "$pg_bin/initdb" && -x "$pg_bin/pg_ctl" ]] || die "PostgreSQL server binaries not found (scripts/deps.sh installs them)"
command -v nats-server >/dev/null || die "nats-server not found (scripts/deps.sh installs it)"
command -v jq >/dev/null || die "jq not found"
command -v python3 >/dev/null || die "python3 not found"
command -v psql >/dev/null || die "psql not found"
nginx=/usr/sbin/nginx
if [[ ! -x $nginx ]] && (has "$configs" C); then
  [[ $(id -u) -eq 0 ]] || die "nginx missing: apt-get install -y nginx-light"
  log "installing nginx-light"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx-light >/dev/null
fi
snippet="$repo/deploy/nginx/herald-cluster.conf"
[[ -f $snippet ]] || die "no $snippet"

[[ -n "$out" ]] || out="$PWD/bench-cluster-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$out/runs"
out=$(cd "$out" && pwd)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/herald-cluster-XXXXXX")
chmod 755 "$tmp"
password="bench-$(head -c 12 /dev/urandom | od -An -tx1 | tr -d ' \n')"
jwt_secret="$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')"
clk_tck=$(getconf CLK_TCK)

declare -A node_pid=() node_mgmt=() node_comms=() node_dir=()
pg_pid="" nats_pid="" nginx_pid="" pg_port="" nats_port=""
as_pg=()
if [[ $(id -u) -eq 0 ]]; then
  getent passwd postgres >/dev/null || die "running as root and there is no postgres system user"
  as_pg=(runuser -u postgres --)
fi

cleanup() {
  local rc=$?
  set +e
  for n in "${!node_pid[@]}"; do stop_node "$n"; done
  [[ -n "$nginx_pid" ]] && stop_nginx
  if [[ -n "$nats_pid" ]]; then kill -TERM "$nats_pid" 2>/dev/null; wait "$nats_pid" 2>/dev/null; fi
  if [[ -n "$pg_pid" ]]; then
    (cd "$tmp/pg" && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg/data" -m fast -w stop >/dev/null 2>&1)
  fi
  if ((keep)); then log "kept $tmp"; else rm -rf "$tmp"; fi
  exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# utime+stime (+ children's, with "all") of a pid in seconds; 0 when it is gone.
cpu_of() {
  local pid=$1 mode=${2:-self} line
  line=$(cat "/proc/$pid/stat" 2>/dev/null) || { echo 0; return; }
  line=${line##*) }
  # shellcheck disable=SC2086
  set -- $line
  if [[ $mode == all ]]; then
    echo $((${12} + ${13} + ${14} + ${15}))
  else
    echo $((${12} + ${13}))
  fi
}
# A process, its live children and the children it has reaped (cutime, cstime): ticks.
cpu_tree() {
  [[ -n "$1" ]] || { echo 0; return; }
  python3 - "$1" <<'PY'
import os, sys
root = sys.argv[1]
def fields(pid):
    try:
        text = open(f"/proc/{pid}/stat").read()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()  # fields from the state on: ppid [1], utime [11]
total = 0
for pid in os.listdir("/proc"):
    if not pid.isdigit():
        continue
    f = fields(pid)
    if f is None:
        continue
    if pid == root:
        total += int(f[11]) + int(f[12]) + int(f[13]) + int(f[14])
    elif f[1] == root:
        total += int(f[11]) + int(f[12])
print(total)
PY
}
# Ticks of the whole machine: "busy" (user, system, irq, softirq: what unniced processes such as
# ours use), "nice" (niced processes: other engineers' builds, which yield to ours) and "steal".
machine_ticks() {
  local user nice system irq softirq steal _
  read -r _ user nice system _ _ irq softirq steal _ </proc/stat
  echo "$((user + system + irq + softirq)) $nice $steal"
}
loadavg_json() { awk '{printf "[%s, %s, %s]", $1, $2, $3}' /proc/loadavg; }
ticks_to_s() { awk -v t="$1" -v h="$clk_tck" 'BEGIN {printf "%.2f", t / h}'; }

# ---------------------------------------------------------------------------------------------
# PostgreSQL (one cluster for the whole script, a database per run) and nats-server.
start_postgres() {
  mkdir -p "$tmp/pg"
  [[ ${#as_pg[@]} -eq 0 ]] || chown postgres: "$tmp/pg"
  pg_port=$(free_port)
  log "PostgreSQL: initdb in $tmp/pg/data, port $pg_port"
  (cd "$tmp/pg" && "${as_pg[@]}" "$pg_bin/initdb" -D "$tmp/pg/data" -A trust -U herald -E UTF8 --locale=C \
    >"$tmp/pg/initdb.log" 2>&1) || { cat "$tmp/pg/initdb.log" >&2; die "initdb failed"; }
  # Defaults otherwise: fsync=on, synchronous_commit=on, shared_buffers=128MB.
  (cd "$tmp/pg" && "${as_pg[@]}" "$pg_bin/pg_ctl" -D "$tmp/pg/data" -l "$tmp/pg/server.log" -w -t 60 \
    -o "-p $pg_port -c listen_addresses=127.0.0.1 -k $tmp/pg -c max_connections=200${pg_settings[*]/#/ -c }" start >/dev/null) ||
    { cat "$tmp/pg/server.log" >&2; die "PostgreSQL did not start"; }
  pg_pid=$(head -1 "$tmp/pg/data/postmaster.pid")
}
psql_admin() { psql -h 127.0.0.1 -p "$pg_port" -U herald -d postgres -qAtX "$@"; }

start_nats() {
  nats_port=$(free_port)
  mkdir -p "$tmp/nats"
  nats-server -a 127.0.0.1 -p "$nats_port" -js -sd "$tmp/nats" >"$tmp/nats/nats.log" 2>&1 &
  nats_pid=$!
  for _ in $(seq 100); do
    if (echo >"/dev/tcp/127.0.0.1/$nats_port") 2>/dev/null; then return; fi
    kill -0 "$nats_pid" 2>/dev/null || { cat "$tmp/nats/nats.log" >&2; die "nats-server exited"; }
    sleep 0.1
  done
  die "nats-server did not listen on $nats_port"
}

# ---------------------------------------------------------------------------------------------
# heraldd nodes.
# start_node NAME DIR BACKEND DATABASE NATS(yes|no)
start_node() {
  local name=$1 dir=$2 backend=$3 database=$4 nats=$5 pid ready
  mkdir -p "$dir"
  {
    echo "node: {name: $name}"
    echo "data_dir: $dir"
    if [[ $backend == postgres ]]; then
      echo "storage: {backend: postgres, dsn: \"host=127.0.0.1 port=$pg_port dbname=$database user=herald\"}"
    fi
    echo "management: {listen: \"127.0.0.1:0\"}"
    echo "comms: {listen: \"127.0.0.1:0\", commands_poll_timeout: 300s}"
    echo "http: {max_connections: 12000}"
    echo "legacy: {enrollment: {listen: \"127.0.0.1:0\"}, remote: {listen: \"127.0.0.1:0\"}}"
    echo "auth: {jwt_secret: \"$jwt_secret\"}"
    echo "logging: {level: warn}"
    [[ $nats == yes ]] && echo "nats: {enabled: yes, url: \"nats://127.0.0.1:$nats_port\"}"
  } >"$dir/heraldd.yml"
  (cd "$dir" && HERALD_ADMIN_PASSWORD=$password exec "$heraldd" --config "$dir/heraldd.yml" >"$dir/heraldd.log" 2>&1) &
  pid=$!
  node_pid[$name]=$pid
  node_dir[$name]=$dir
  for _ in $(seq 600); do
    if [[ -s "$dir/heraldd.ready" ]] && ready=$(jq -c . "$dir/heraldd.ready" 2>/dev/null) &&
      [[ $(jq -r '.comms // empty' <<<"$ready") ]]; then
      node_mgmt[$name]=$(jq -r .management <<<"$ready")
      node_comms[$name]=$(jq -r .comms <<<"$ready")
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { tail -20 "$dir/heraldd.log" >&2; unset "node_pid[$name]"; die "heraldd $name exited at start"; }
    sleep 0.1
  done
  die "heraldd $name not ready after 60 s (see $dir/heraldd.log)"
}

stop_node() {
  local name=$1 pid=${node_pid[$1]:-}
  [[ -n "$pid" ]] || return 0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    log "heraldd $name (pid $pid) ignored SIGTERM for 30 s; SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  local rc=0
  wait "$pid" 2>/dev/null || rc=$?
  ((rc == 0)) || log "heraldd $name exited with status $rc"
  unset "node_pid[$name]"
}

# ---------------------------------------------------------------------------------------------
# nginx: the shipped snippet with our two nodes and ports, in a minimal nginx.conf.
nginx_mgmt_port="" nginx_comms_port=""
start_nginx() {
  local dir=$1 m1=${node_mgmt[node-1]#http://} m2=${node_mgmt[node-2]#http://}
  local c1=${node_comms[node-1]#http://} c2=${node_comms[node-2]#http://}
  nginx_mgmt_port=$(free_port)
  nginx_comms_port=$(free_port)
  mkdir -p "$dir"/{body,proxy,fastcgi,uwsgi,scgi}
  chmod 777 "$dir"/{body,proxy,fastcgi,uwsgi,scgi}
  sed -e "s/10\.0\.0\.11:27000/$c1/; s/10\.0\.0\.12:27000/$c2/; s/10\.0\.0\.11:55000/$m1/; s/10\.0\.0\.12:55000/$m2/" \
    -e '/10\.0\.0\.13:/d' \
    -e "s/listen 27000;/listen 127.0.0.1:$nginx_comms_port;/; s/listen 55000;/listen 127.0.0.1:$nginx_mgmt_port;/" \
    "$snippet" >"$dir/herald-cluster.conf"
  if grep -q '10\.0\.0\.' "$dir/herald-cluster.conf" || ! grep -q "listen 127.0.0.1:$nginx_comms_port;" "$dir/herald-cluster.conf" ||
    ! grep -q "listen 127.0.0.1:$nginx_mgmt_port;" "$dir/herald-cluster.conf"; then
    die "$snippet no longer has the server/listen lines this script substitutes"
  fi
  cat >"$dir/nginx.conf" <<EOF
daemon off;
worker_processes $nginx_workers;
worker_rlimit_nofile 20000;
pid $dir/nginx.pid;
error_log $dir/error.log warn;
events { worker_connections 20000; }
http {
    access_log off;
    client_body_temp_path $dir/body;
    proxy_temp_path $dir/proxy;
    fastcgi_temp_path $dir/fastcgi;
    uwsgi_temp_path $dir/uwsgi;
    scgi_temp_path $dir/scgi;
    include $dir/herald-cluster.conf;
}
EOF
  "$nginx" -t -q -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" || die "nginx -t failed on $dir/nginx.conf"
  "$nginx" -p "$dir" -e "$dir/error.log" -c "$dir/nginx.conf" &
  nginx_pid=$!
  for _ in $(seq 100); do
    if (echo >"/dev/tcp/127.0.0.1/$nginx_comms_port") 2>/dev/null && (echo >"/dev/tcp/127.0.0.1/$nginx_mgmt_port") 2>/dev/null; then
      return 0
    fi
    kill -0 "$nginx_pid" 2>/dev/null || { cat "$dir/error.log" >&2; die "nginx exited"; }
    sleep 0.1
  done
  die "nginx did not listen"
}
stop_nginx() {
  kill -QUIT "$nginx_pid" 2>/dev/null || true
  for _ in $(seq 100); do kill -0 "$nginx_pid" 2>/dev/null || break; sleep 0.1; done
  kill -KILL "$nginx_pid" 2>/dev/null || true
  wait "$nginx_pid" 2>/dev/null || true
  nginx_pid=""
}

# ---------------------------------------------------------------------------------------------
# One run: fresh servers for CONFIG, herald-bench KIND, CPU and load around it, everything saved.
run_seq=0
# run_case NAME CONFIG(A|B|C) KIND(ingest|fleet|fleet-cross|fleet-large|fleet-nginx)
run_case() {
  local name=$1 config=$2 kind=$3 dir="$out/runs/$1" work
  run_seq=$((run_seq + 1))
  work="$tmp/run-$run_seq"
  mkdir -p "$dir" "$work"
  local database="herald_run_$run_seq"
  log "run $name: starting servers"
  case $config in
    A) start_node node-1 "$work/node-1" sqlite "" no ;;
    B) psql_admin -c "CREATE DATABASE $database" && start_node node-1 "$work/node-1" postgres "$database" no ;;
    C)
      psql_admin -c "CREATE DATABASE $database"
      start_node node-1 "$work/node-1" postgres "$database" yes
      start_node node-2 "$work/node-2" postgres "$database" yes
      start_nginx "$work/nginx"
      ;;
  esac
  local mgmt=${node_mgmt[node-1]} comms=${node_comms[node-1]}
  local args=()
  case $kind in
    ingest)
      if [[ $config == C ]]; then mgmt="http://127.0.0.1:$nginx_mgmt_port"; fi
      args=(ingest --url "$mgmt" --password "$password" --scenario "$ingest_scenarios"
        --agents "$ingest_agents" --fanout-repeats "$fanout_repeats" --clients "$clients" --duration "$duration")
      ;;
    fleet | fleet-cross | fleet-large | fleet-nginx)
      local agents=$fleet_agents
      if [[ $kind == fleet-large ]]; then agents=$large_fleet_agents; fi
      if [[ $kind == fleet-cross ]]; then comms=${node_comms[node-2]}; fi
      if [[ $kind == fleet-nginx ]]; then
        mgmt="http://127.0.0.1:$nginx_mgmt_port" comms="http://127.0.0.1:$nginx_comms_port" agents=$large_fleet_agents
      fi
      args=(fleet --url "$mgmt" --comms-url "$comms" --password "$password" --agents "$agents"
        --idle "$fleet_idle" --single-commands "$single_commands" --repoll-delay-ms "$repoll_delay_ms")
      ;;
  esac
  local nodes=("${!node_pid[@]}") n
  declare -A before=()
  for n in "${nodes[@]}"; do before[heraldd-$n]=$(cpu_of "${node_pid[$n]}"); done
  before[postgres]=$(cpu_tree "$pg_pid")
  before[nats]=$(cpu_tree "$nats_pid")
  before[nginx]=$(cpu_tree "$nginx_pid")
  local ticks_before load_before started t0 t1 rc=0
  ticks_before=$(machine_ticks)
  load_before=$(loadavg_json)
  started=$(date +%H:%M:%S)
  t0=$(date +%s.%N)
  log "run $name: load $(cut -d' ' -f1-3 /proc/loadavg); herald-bench ${args[*]/$password/***}"
  # The wrapper shell reads its own cutime/cstime once herald-bench (and its fleet workers) are reaped.
  bash -c 'timeout "$1" "${@:2}" >"'"$dir"'/bench.json" 2>"'"$dir"'/bench.err"; rc=$?
           s=$(cat /proc/$$/stat); s=${s##*) }; set -- $s; echo "$((${14} + ${15}))" >"'"$tmp/run-$run_seq.bench.ticks"'"; exit $rc' \
    _ "$run_timeout" "$bench" "${args[@]}" || rc=$?
  t1=$(date +%s.%N)
  local load_after ticks_after
  load_after=$(loadavg_json)
  ticks_after=$(machine_ticks)
  declare -A after=()
  for n in "${nodes[@]}"; do
    after[heraldd-$n]=$(cpu_of "${node_pid[$n]}")
    curl -s -m 10 "${node_mgmt[$n]}/metrics" >"$dir/$n.metrics" || true
  done
  after[nginx]=$(cpu_tree "$nginx_pid")
  after[nats]=$(cpu_tree "$nats_pid")
  if [[ -n "$nginx_pid" ]]; then
    stop_nginx
    cp "$work/nginx/error.log" "$dir/nginx-error.log" 2>/dev/null || true
    cp "$work/nginx/nginx.conf" "$work/nginx/herald-cluster.conf" "$dir/" 2>/dev/null || true
  fi
  for n in "${nodes[@]}"; do
    stop_node "$n"
    cp "${node_dir[$n]}/heraldd.log" "$dir/$n.log"
    cp "${node_dir[$n]}/heraldd.yml" "$dir/$n.yml"
  done
  # Backends of the stopped nodes have exited: their CPU is in the postmaster's cutime/cstime.
  after[postgres]=$(cpu_tree "$pg_pid")
  [[ $config == A ]] || psql_admin -c "DROP DATABASE IF EXISTS $database" || true
  rm -rf "$work"
  local bench_ticks ours=0 k cpu_json="" v
  bench_ticks=$(cat "$tmp/run-$run_seq.bench.ticks" 2>/dev/null || true)
  [[ -n "$bench_ticks" ]] || bench_ticks=0
  for k in "${!after[@]}"; do
    v=$((after[$k] - ${before[$k]:-0}))
    ((v >= 0)) || v=0
    ours=$((ours + v))
    cpu_json+="\"$k\": $(ticks_to_s $v), "
  done
  local b0 n0 s0 b1 n1 s1 others
  read -r b0 n0 s0 <<<"$ticks_before"
  read -r b1 n1 s1 <<<"$ticks_after"
  others=$((b1 - b0 - ours - bench_ticks))
  ((others >= 0)) || others=0
  cpu_json+="\"bench\": $(ticks_to_s "$bench_ticks"), \"others\": $(ticks_to_s $others), "
  cpu_json+="\"others_niced\": $(ticks_to_s $((n1 - n0))), \"steal\": $(ticks_to_s $((s1 - s0))), "
  cpu_json+="\"machine_busy_s\": $(ticks_to_s $((b1 - b0 + n1 - n0)))"
  cat >"$dir/meta.json" <<EOF
{"name": "$name", "config": "$config", "kind": "$kind", "rc": $rc, "started": "$started",
 "wall_s": $(awk -v a="$t0" -v b="$t1" 'BEGIN {printf "%.2f", b - a}'),
 "loadavg_before": $load_before, "loadavg_after": $load_after,
 "cpu": {$cpu_json},
 "command": $(printf '%s\n' "herald-bench ${args[*]/$password/***}" | jq -R .)}
EOF
  if ((rc != 0)); then
    log "run $name: herald-bench exited with status $rc; see $dir/bench.err"
    tail -5 "$dir/bench.err" >&2 || true
  else
    log "run $name: done in $(jq -r .wall_s "$dir/meta.json") s"
  fi
}

# ---------------------------------------------------------------------------------------------
git -C "$repo" rev-parse --short HEAD >/dev/null 2>&1 && commit=$(git -C "$repo" rev-parse --short HEAD) || commit=unknown
log "results in $out; temp dir $tmp"
need_pg=0
if has "$configs" B || has "$configs" C; then need_pg=1; fi
if ((need_pg)); then start_postgres; fi
if has "$configs" C; then start_nats; fi
{
  echo "{"
  echo " \"commit\": \"$commit\", \"date\": \"$(date -Iseconds)\", \"nproc\": $(nproc),"
  echo " \"reps\": $reps, \"ingest_agents\": $ingest_agents, \"clients\": $clients, \"duration_s\": $duration,"
  echo " \"fanout_repeats\": $fanout_repeats, \"fleet_agents\": $fleet_agents, \"large_fleet_agents\": $large_fleet_agents,"
  echo " \"ingest_scenarios\": \"$ingest_scenarios\", \"pg_settings\": \"${pg_settings[*]}\","
  echo " \"nginx_workers\": $nginx_workers, \"repoll_delay_ms\": $repoll_delay_ms,"
  if ((need_pg)); then
    echo " \"postgres\": \"$(psql_admin -c 'SELECT version()' | cut -d' ' -f1-2)\","
    echo " \"pg_fsync\": \"$(psql_admin -c 'SHOW fsync')\", \"pg_synchronous_commit\": \"$(psql_admin -c 'SHOW synchronous_commit')\","
    echo " \"pg_shared_buffers\": \"$(psql_admin -c 'SHOW shared_buffers')\", \"pg_data\": \"$tmp/pg/data\","
  fi
  echo " \"nginx\": \"$($nginx -v 2>&1 | sed 's/.*: //')\", \"nats\": \"$(nats-server --version)\","
  echo " \"dirty_src\": $(git -C "$repo" status --porcelain -- src tools 2>/dev/null | jq -R . | jq -s -c .)"
  echo "}"
} >"$out/setup.json"
jq -c . "$out/setup.json" >&2

for rep in $(seq "$reps"); do
  if has "$runs" ingest; then
    for c in A B C; do
      if has "$configs" $c; then run_case "ingest-$c-$rep" $c ingest; fi
    done
  fi
  if has "$runs" fleet; then
    if has "$configs" A; then run_case "fleet-A-$rep" A fleet; fi
    if has "$configs" B; then run_case "fleet-B-$rep" B fleet; fi
    if has "$configs" C; then run_case "fleet-Cx-$rep" C fleet-cross; fi
  fi
  if has "$runs" fleet-large; then
    if has "$configs" A; then run_case "fleet-large-A-$rep" A fleet-large; fi
    if has "$configs" B; then run_case "fleet-large-B-$rep" B fleet-large; fi
    if has "$configs" C; then run_case "fleet-large-Cn-$rep" C fleet-nginx; fi
  fi
done

summarize "$out"
