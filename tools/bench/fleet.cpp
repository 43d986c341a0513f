#include "fleet.h"

#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <cstdio>
#include <random>
#include <stdexcept>

#include "concurrency.h"

namespace herald::bench {

namespace json = boost::json;
using boost::asio::awaitable;
using boost::beast::http::verb;
using SteadyClock = std::chrono::steady_clock;

namespace {

std::mt19937_64& generator() {
  static std::mt19937_64 engine{std::random_device{}()};
  return engine;
}

std::string random_hex(std::size_t digits) {
  static constexpr char hex[] = "0123456789abcdef";
  std::string out(digits, '0');
  for (auto& c : out) c = hex[generator()() & 15];
  return out;
}

std::string enrollment_body(const std::string& id, const std::string& key, std::size_t index) {
  const std::string name = "bench-" + std::to_string(index);
  json::object host{{"hostname", name},
                    {"architecture", "x86_64"},
                    {"ip", json::array{"10.0.0.1"}},
                    {"os", json::object{{"name", "Ubuntu"}, {"version", "22.04"}, {"type", "linux"}}}};
  json::object body{{"id", id}, {"name", name}, {"key", key}, {"type", "Endpoint"}, {"version", "6.0.0"},
                    {"host", std::move(host)}};
  return json::serialize(body);
}

// Logs "<what> done/total (rate/s)" at most every two seconds.
class Progress {
 public:
  Progress(std::string what, std::size_t total) : what_(std::move(what)), total_(total) {}
  void advance() {
    ++done_;
    const auto now = SteadyClock::now();
    if (done_ == total_ || now - last_report_ > std::chrono::seconds(2)) {
      last_report_ = now;
      spdlog::info("{} {}/{} ({:.0f}/s)", what_, done_, total_, static_cast<double>(done_) / seconds_since(started_));
    }
  }

 private:
  std::string what_;
  std::size_t total_;
  std::size_t done_ = 0;
  SteadyClock::time_point started_ = SteadyClock::now();
  SteadyClock::time_point last_report_ = started_;
};

}  // namespace

std::string random_uuid_v4() {
  auto digits = random_hex(32);
  digits[12] = '4';
  digits[16] = "89ab"[generator()() & 3];
  return digits.substr(0, 8) + "-" + digits.substr(8, 4) + "-" + digits.substr(12, 4) + "-" + digits.substr(16, 4) +
         "-" + digits.substr(20);
}

awaitable<void> enroll_agents(const BenchContext& context, Fleet& fleet, std::size_t count, std::size_t connections) {
  const auto first = fleet.agent_ids.size();
  for (std::size_t i = 0; i < count; ++i) {
    fleet.agent_ids.push_back(random_uuid_v4());
    fleet.agent_keys.push_back(random_hex(32));
  }
  std::size_t next = first;
  Progress progress("enrolled", count);
  const auto started = SteadyClock::now();
  co_await run_concurrently(connections, [&](std::size_t) -> awaitable<void> {
    ApiClient client(context.executor, context.endpoint, *context.credentials);
    const std::string target = "/agents";
    while (next < fleet.agent_ids.size()) {
      const auto index = next++;
      const std::string body = enrollment_body(fleet.agent_ids[index], fleet.agent_keys[index], index);
      auto reply = co_await client.call(verb::post, target, body);
      if (reply.status != 201) {
        throw std::runtime_error("enrolling agent " + fleet.agent_ids[index] + ": HTTP " +
                                 std::to_string(reply.status) + " " + reply.body);
      }
      progress.advance();
    }
  });
  fleet.enroll_seconds = seconds_since(started);
}

awaitable<void> create_fleet_group(const BenchContext& context, Fleet& fleet, std::size_t connections) {
  const std::string group = "bench-" + random_hex(8);
  {
    ApiClient client(context.executor, context.endpoint, *context.credentials);
    const std::string target = "/groups";
    const std::string body = json::serialize(json::object{{"group_id", group}});
    auto reply = co_await client.call(verb::post, target, body);
    if (reply.status != 200 && reply.status != 201) {
      throw std::runtime_error("creating group " + group + ": HTTP " + std::to_string(reply.status) + " " + reply.body);
    }
  }
  std::size_t next = 0;
  Progress progress("assigned to " + group, fleet.agent_ids.size());
  const auto started = SteadyClock::now();
  co_await run_concurrently(connections, [&](std::size_t) -> awaitable<void> {
    ApiClient client(context.executor, context.endpoint, *context.credentials);
    while (next < fleet.agent_ids.size()) {
      const auto index = next++;
      const std::string target = "/agents/" + fleet.agent_ids[index] + "/group/" + group;
      auto reply = co_await client.call(verb::put, target);
      if (reply.status != 200) {
        throw std::runtime_error("assigning " + fleet.agent_ids[index] + " to " + group + ": HTTP " +
                                 std::to_string(reply.status) + " " + reply.body);
      }
      progress.advance();
    }
  });
  fleet.assign_seconds = seconds_since(started);
  fleet.group = group;
}

}  // namespace herald::bench
