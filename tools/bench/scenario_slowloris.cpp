// A normal client's latency while many slow clients hold connections open (slowloris): the
// http-baseline loop on GET /health with --clients clients, first alone, then next to
// --slow-connections connections from 8 loopback addresses that each send a request header one
// line a second and never finish it (reconnecting whenever heraldd cuts them at its header
// timeout). Reports both latency summaries and their ratios.
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/connect.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <atomic>
#include <memory>

#include "closed_loop.h"
#include "latency_stats.h"
#include "scenarios.h"

namespace herald::bench {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::ip::tcp;
using boost::asio::awaitable;
using namespace std::chrono_literals;

namespace {

constexpr auto use_tuple = asio::as_tuple(asio::use_awaitable);

struct SlowFleet {
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> open{0};        // connections currently holding a partial header
  std::atomic<std::size_t> connects{0};    // every connection made, reconnections included
  std::atomic<std::size_t> cut{0};         // closed by the server
  std::atomic<std::size_t> running{0};     // coroutines not yet finished
};

// One slow client: a header line a second, never the blank line that ends it.
awaitable<void> slow_client(std::shared_ptr<SlowFleet> fleet, tcp::endpoint server, std::string source) {
  const auto executor = co_await asio::this_coro::executor;
  asio::steady_timer pause(executor);
  while (!fleet->stopping) {
    tcp::socket socket(executor);
    boost::system::error_code ec;
    socket.open(tcp::v4(), ec);
    socket.bind(tcp::endpoint(asio::ip::make_address(source), 0), ec);
    std::tie(ec) = co_await socket.async_connect(server, use_tuple);
    if (ec) {
      pause.expires_after(100ms);
      co_await pause.async_wait(use_tuple);
      continue;
    }
    ++fleet->connects;
    ++fleet->open;
    std::string line = "GET /health HTTP/1.1\r\nHost: x\r\n";
    while (!fleet->stopping) {
      auto [write_error, bytes] = co_await asio::async_write(socket, asio::buffer(line), use_tuple);
      if (write_error) break;
      line = "X-Slow: a\r\n";
      pause.expires_after(1s);
      co_await pause.async_wait(use_tuple);
      // A cut connection shows up as a readable EOF (or a failed write next time).
      if (socket.available(ec) == 0 && !ec) {
        socket.non_blocking(true);
        char probe;
        socket.receive(asio::buffer(&probe, 1), 0, ec);
        if (ec != asio::error::would_block) break;
      }
    }
    --fleet->open;
    if (!fleet->stopping) ++fleet->cut;
  }
  --fleet->running;
}

awaitable<ClosedLoopResult> measure(const BenchContext& context, const IngestOptions& options) {
  ClosedLoopOptions load;
  load.clients = options.clients;
  load.warmup_s = options.warmup_s;
  load.duration_s = options.duration_s;
  load.target = "/health";
  co_return co_await run_closed_loop(context, load);
}

void put_latency(json::object& out, const char* prefix, ClosedLoopResult& result) {
  const auto summary = summarize(result.latencies_ms);
  json::object part;
  part["requests"] = summary.count;
  part["errors"] = result.errors;
  put_summary(part, summary, "_ms");
  out[prefix] = std::move(part);
}

}  // namespace

awaitable<json::object> run_slowloris(const BenchContext& context, const IngestOptions& options) {
  const auto executor = co_await asio::this_coro::executor;
  tcp::resolver resolver(executor);
  const auto resolved = co_await resolver.async_resolve(context.endpoint.host, context.endpoint.port, asio::use_awaitable);
  const tcp::endpoint server = *resolved.begin();

  spdlog::info("slowloris: {} clients on GET /health, alone", options.clients);
  ScenarioMeter meter(context);
  auto alone = co_await measure(context, options);

  auto fleet = std::make_shared<SlowFleet>();
  spdlog::info("slowloris: opening {} slow connections from 127.0.0.2-9", options.slow_connections);
  for (std::size_t i = 0; i < options.slow_connections; ++i) {
    ++fleet->running;
    asio::co_spawn(executor, slow_client(fleet, server, "127.0.0." + std::to_string(2 + i % 8)), asio::detached);
  }
  asio::steady_timer wait(executor);
  for (int tries = 0; tries < 300 && fleet->open < options.slow_connections; ++tries) {
    wait.expires_after(20ms);
    co_await wait.async_wait(use_tuple);
  }
  const std::size_t open_at_start = fleet->open;
  spdlog::info("slowloris: {} slow connections open; measuring again", open_at_start);
  auto beside_slow = co_await measure(context, options);
  const std::size_t open_at_end = fleet->open;

  fleet->stopping = true;
  for (int tries = 0; tries < 300 && fleet->running > 0; ++tries) {
    wait.expires_after(20ms);
    co_await wait.async_wait(use_tuple);
  }

  json::object out{{"scenario", "slowloris"}, {"clients", options.clients}};
  meter.finish(out);
  out["slow_connections"] = options.slow_connections;
  out["slow_open_at_start"] = open_at_start;
  out["slow_open_at_end"] = open_at_end;
  out["slow_connects"] = fleet->connects.load();
  out["slow_cut_by_server"] = fleet->cut.load();
  put_latency(out, "alone", alone);
  put_latency(out, "beside_slow", beside_slow);
  const auto alone_summary = summarize(alone.latencies_ms);
  const auto slow_summary = summarize(beside_slow.latencies_ms);
  if (alone_summary.p50 > 0) out["p50_ratio"] = round3(slow_summary.p50 / alone_summary.p50);
  if (alone_summary.p99 > 0) out["p99_ratio"] = round3(slow_summary.p99 / alone_summary.p99);
  spdlog::info("slowloris: p50 {:.3f} -> {:.3f} ms, p99 {:.3f} -> {:.3f} ms", alone_summary.p50, slow_summary.p50,
               alone_summary.p99, slow_summary.p99);
  co_return out;
}

}  // namespace herald::bench
