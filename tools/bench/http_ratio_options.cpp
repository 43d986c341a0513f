#include "http_ratio_options.h"

#include <algorithm>
#include <iostream>

#include "option_parser.h"

namespace herald::bench {

namespace {

// An agent token lasts 900 s and is fetched right before each authenticated target runs.
constexpr double kLongestTargetRun_s = 850;

bool parse_targets(std::string_view text, std::vector<std::string>& out) {
  const auto& known = http_ratio_target_names();
  out.clear();
  while (!text.empty()) {
    const auto comma = text.find(',');
    const std::string item(text.substr(0, comma));
    if (std::find(known.begin(), known.end(), item) == known.end()) return false;
    if (std::find(out.begin(), out.end(), item) == out.end()) out.push_back(item);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return !out.empty();
}

}  // namespace

const std::vector<std::string>& http_ratio_target_names() {
  static const std::vector<std::string> names{"nginx", "root", "health", "files", "stateless"};
  return names;
}

std::string http_ratio_help() {
  const HttpRatioOptions d;
  return R"(usage: herald-bench http-ratio [options]

heraldd's HTTP request path held against nginx answering 204, with the same client, back to back
on the same machine. Prints one JSON document to stdout ({"command":"http-ratio",...}); progress
and a short table go to stderr.

The client is the bench's own closed-loop load generator (like wrk): --threads threads, each with
its own io_context, --connections keep-alive connections in all; each connection sends one
pre-built request, reads the whole reply (Content-Length or a body-less 204) and sends again.
Non-2xx replies and failed connections count as errors. Each target runs --warmup s unmeasured,
then --duration s measured.

Targets (--targets LIST, comma-separated, run in the order given; default: all of them):
  nginx      GET / on a spawned nginx (--nginx) whose only location is `return 204;`
  root       GET /api/v1/ on heraldd's comms listener (open route, empty 200)
  health     GET /health on heraldd's management listener (open route, checks the store)
  files      GET /api/v1/files?file_name=<group>.yml with an agent's Bearer token (comms)
  stateless  POST /api/v1/events/stateless, one logcollector event as the wazuh-agent sends it,
             with the agent's Bearer token (comms; heraldd appends it to its event sink)
Setup (once): one agent is enrolled (POST /agents), a group is created with a configuration
(PUT /groups/{id}/configuration) and the agent assigned to it. The agent authenticates
(POST /api/v1/authentication) right before each authenticated target runs; the measured requests
all carry that one token, as an agent's requests do.

Each of --rounds rounds runs every target once, in order. Per target the JSON holds the median
requests/s over rounds (2xx replies only), each round's requests/s, the median over rounds of the
p50 and p99 latency, errors over all rounds, the server's CPU per request (heraldd's pid; nginx:
master + workers) and the client's, and ratio_to_nginx = median(target) / median(nginx).

Options:
  --targets LIST         see above
  --rounds N             rounds (default )" + std::to_string(d.rounds) + R"()
  --threads N            client threads (default )" + std::to_string(d.threads) + R"()
  --connections N        client connections in all (default )" + std::to_string(d.connections) + R"()
  --warmup S             unmeasured seconds before each window (default 1)
  --duration S           measured seconds per target and round (default 8)
  --nginx PATH           the nginx binary (default /usr/sbin/nginx; Debian's nginx-light)
  --nginx-workers N|auto nginx worker_processes (default auto: one per core)
  --server-threads N     io threads (--threads) of a spawned heraldd (default )" +
         std::to_string(d.server_threads) + R"()

Server (one of):
  --spawn PATH           start PATH (heraldd) on a fresh temp data dir, 127.0.0.1 port 0; stop it
                         at the end. Default: the heraldd of the same build tree.
  --url URL              a running heraldd's management listener (with --comms-url; no server
                         CPU figures then)
  --comms-url URL        its comms listener, e.g. http://127.0.0.1:27000 (plain HTTP only)
  --user NAME            management user (default admin)
  --password PW          its password (default: $HERALD_BENCH_PASSWORD; random when spawned)
  --server-log-level L   logging.level of a spawned heraldd (default warn)
  --keep-data-dir        keep the spawned heraldd's and nginx's temp dirs

Everything listens and connects on 127.0.0.1 only.
)";
}

std::optional<HttpRatioOptions> parse_http_ratio_options(int argc, char** argv, bool& help_shown) {
  auto options = parse_command_line<HttpRatioOptions>(
      "http-ratio", argc, argv, http_ratio_help(), help_shown,
      [](std::string_view arg, std::string_view value, HttpRatioOptions& o) -> std::optional<bool> {
        if (arg == "--targets") return parse_targets(value, o.targets);
        if (arg == "--comms-url") {
          o.comms_url = value;
          return true;
        }
        if (arg == "--nginx") {
          o.nginx = value;
          return true;
        }
        if (arg == "--nginx-workers") {
          std::size_t workers = 0;
          o.nginx_workers = value;
          return value == "auto" || (parse_number(value, workers) && workers > 0);
        }
        if (arg == "--server-threads") return parse_number(value, o.server_threads) && o.server_threads > 0;
        if (arg == "--threads") return parse_number(value, o.threads) && o.threads > 0;
        if (arg == "--connections") return parse_number(value, o.connections) && o.connections > 0;
        if (arg == "--rounds") return parse_number(value, o.rounds) && o.rounds > 0;
        if (arg == "--warmup") return parse_number(value, o.warmup_s);
        if (arg == "--duration") return parse_number(value, o.duration_s) && o.duration_s > 0;
        return std::nullopt;
      });
  if (!options) return std::nullopt;
  const auto complain = [](const std::string& what) {
    std::cerr << "herald-bench http-ratio: " << what << "\n";
    return std::nullopt;
  };
  if (options->targets.empty()) options->targets = http_ratio_target_names();
  if (!options->url.empty() && (options->comms_url.empty() || options->password.empty())) {
    return complain("--url needs --comms-url and --password (or HERALD_BENCH_PASSWORD)");
  }
  if (options->url.empty() && !options->comms_url.empty()) return complain("--comms-url goes with --url");
  if (options->warmup_s + options->duration_s > kLongestTargetRun_s) {
    return complain("--warmup + --duration must stay under 850 s: an agent token lasts 900 s");
  }
  return options;
}

}  // namespace herald::bench
