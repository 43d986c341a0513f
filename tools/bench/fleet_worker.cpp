#include "fleet_worker.h"

#include <unistd.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/read_until.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/json.hpp>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <functional>
#include <optional>
#include <sstream>
#include <unordered_set>

#include "agent_http.h"
#include "concurrency.h"
#include "process_stats.h"

namespace herald::bench {

namespace asio = boost::asio;
namespace json = boost::json;
using asio::awaitable;
using boost::beast::http::verb;

namespace {

class Worker {
 public:
  explicit Worker(WorkerConfig config)
      : config_(std::move(config)),
        tokens_(config_.ids.size()),
        generation_(config_.ids.size(), 0),
        watch_(config_.ids.size(), nullptr),
        stopped_(config_.ids.size(), false),
        muted_(config_.ids.size(), false) {
    for (std::size_t i = 0; i < config_.ids.size(); ++i) {
      const auto global = config_.first_index + i;
      json::object host{{"architecture", "x86_64"},
                        {"hostname", "bench-" + std::to_string(global)},
                        {"ip", json::array{"10.0.0.5"}},
                        {"os", json::object{{"name", "Ubuntu"}, {"type", "Linux"}, {"version", "24.04"}}}};
      json::object agent{{"groups", json::array{}}, {"host", std::move(host)}, {"id", config_.ids[i]},
                         {"name", "bench-" + std::to_string(global)}, {"type", "Endpoint"}, {"version", "6.0.0"}};
      metadata_.push_back(json::serialize(json::object{{"agent", std::move(agent)}}));
    }
  }

  [[noreturn]] void run() {
    asio::co_spawn(io_, control(), [](std::exception_ptr) { ::_exit(3); });
    io_.run();
    ::_exit(0);
  }

 private:
  void emit(const std::string& line) {
    if (!write_line(config_.out_fd, line)) ::_exit(4);  // the coordinator is gone
  }
  std::string global(std::size_t i) const { return std::to_string(config_.first_index + i); }

  // The indexes into this worker's slice of the fleet indexes after the command word.
  std::vector<std::size_t> own_agents(std::istringstream& words) const {
    std::vector<std::size_t> local;
    std::size_t agent = 0;
    while (words >> agent) {
      if (agent >= config_.first_index && agent < config_.first_index + config_.ids.size()) {
        local.push_back(agent - config_.first_index);
      }
    }
    return local;
  }

  std::optional<asio::ip::address> source_for(std::size_t i) const {
    if (config_.sources.empty()) return std::nullopt;
    return config_.sources[(config_.first_index + i) % config_.sources.size()];
  }

  awaitable<void> control() {
    asio::posix::stream_descriptor input(io_, config_.in_fd);
    std::string buffer;
    for (;;) {
      boost::system::error_code ec;
      const auto length = co_await asio::async_read_until(input, asio::dynamic_buffer(buffer), '\n',
                                                          asio::redirect_error(asio::use_awaitable, ec));
      if (ec) ::_exit(0);
      const std::string line = buffer.substr(0, length - 1);
      buffer.erase(0, length);
      if (line == "quit") ::_exit(0);
      if (line == "report 1") report_ = true;
      if (line == "report 0") report_ = false;
      if (line == "park") asio::co_spawn(io_, park_all(), asio::detached);
      std::istringstream words(line);
      std::string command;
      words >> command;
      if (command == "auth") {
        long spread_ms = 0;
        words >> spread_ms;
        asio::co_spawn(io_, authenticate_all(std::chrono::milliseconds(std::max(0L, spread_ms))), asio::detached);
      }
      if (command == "storm") {
        std::string mode;
        std::size_t in_flight = 1;
        words >> mode >> in_flight;
        asio::co_spawn(io_, storm(mode == "drop", std::max<std::size_t>(1, in_flight)), asio::detached);
      }
      if (command == "kill") {
        for (const auto i : own_agents(words)) kill(i);
      }
      if (command == "mute") {
        for (const auto i : own_agents(words)) muted_[i] = true;
      }
    }
  }

  // The agent dies: its connection closes now and it never sends anything again.
  void kill(std::size_t i) {
    stopped_[i] = true;
    ++generation_[i];
    if (watch_[i] != nullptr) watch_[i]->hang_up();
    emit("K " + global(i) + " " + std::to_string(monotonic_ns()) + "\n");
  }

  // Every live agent reconnects at once, as after a network blip or behind a balancer after a
  // server restart: new connection, new token, new poll.
  awaitable<void> storm(bool drop, std::size_t in_flight) {
    std::vector<std::size_t> live;
    for (std::size_t i = 0; i < config_.ids.size(); ++i) {
      if (!stopped_[i]) live.push_back(i);
    }
    if (drop) {
      // All connections go first, as when the network between agents and server breaks.
      for (const auto i : live) {
        ++generation_[i];
        if (watch_[i] != nullptr) watch_[i]->hang_up();
      }
    }
    storm_ok_ = storm_failed_ = 0;
    storm_expected_ = live.size();
    if (live.empty()) emit("A 0 0\n");
    for (const auto i : live) {
      while (connecting_ >= in_flight) co_await sleep_for(std::chrono::milliseconds(1));
      ++connecting_;
      asio::co_spawn(io_, reconnect(i), asio::detached);
    }
  }

  // Holds a connect slot (connecting_) until its poll is written or it fails.
  awaitable<void> reconnect(std::size_t i) {
    const bool authenticated = co_await authenticate(i);
    ++(authenticated ? storm_ok_ : storm_failed_);
    if (storm_ok_ + storm_failed_ == storm_expected_) {
      emit("A " + std::to_string(storm_ok_) + " " + std::to_string(storm_failed_) + "\n");
    }
    if (!authenticated) {
      --connecting_;
      co_return;
    }
    // From here on the agent's older poll loop, if any, ends when its poll does.
    const auto generation = ++generation_[i];
    co_await poll_loop(i, generation);
  }

  // True when agent i holds a token afterwards.
  awaitable<bool> authenticate(std::size_t i) {
    AgentRequest request;
    request.method = verb::post;
    request.target = "/api/v1/authentication";
    request.body = json::serialize(json::object{{"uuid", config_.ids[i]}, {"key", config_.keys[i]}});
    const auto source = source_for(i);
    AgentReply reply;
    try {
      reply = co_await agent_request(executor_, config_.server, source, config_.host, request,
                                     std::chrono::seconds(60));
    } catch (const std::exception& error) {
      emit("X " + global(i) + " auth: " + error.what() + "\n");
      co_return false;
    }
    json::error_code ec;
    const auto parsed = json::parse(reply.body, ec);
    const json::value* token = (!ec && parsed.is_object()) ? parsed.get_object().if_contains("token") : nullptr;
    if (reply.status != 200 || token == nullptr || !token->is_string()) {
      emit("X " + global(i) + " auth: HTTP " + std::to_string(reply.status) + "\n");
      co_return false;
    }
    tokens_[i] = "Bearer " + std::string(token->get_string());
    co_return true;
  }

  // `spread`: start the slice's authentications evenly over this long (0: as fast as the
  // concurrency allows), as a fleet whose agents started at different times.
  awaitable<void> authenticate_all(std::chrono::milliseconds spread) {
    std::size_t next = 0, ok = 0, failed = 0;
    const auto started = std::chrono::steady_clock::now();
    const auto spacing = std::chrono::microseconds(spread) / std::max<std::size_t>(1, config_.ids.size());
    const std::function<awaitable<void>(std::size_t)> one = [&](std::size_t) -> awaitable<void> {
      while (next < config_.ids.size()) {
        const auto index = next++;
        const auto due = started + spacing * static_cast<long>(index);
        if (due > std::chrono::steady_clock::now()) co_await sleep_for(due - std::chrono::steady_clock::now());
        const bool done = co_await authenticate(index);
        ++(done ? ok : failed);
      }
    };
    co_await run_concurrently(config_.auth_concurrency, one);
    emit("A " + std::to_string(ok) + " " + std::to_string(failed) + "\n");
  }

  awaitable<void> park_all() {
    for (std::size_t i = 0; i < config_.ids.size(); ++i) {
      if (stopped_[i]) continue;
      while (connecting_ >= config_.park_concurrency) co_await sleep_for(std::chrono::milliseconds(1));
      ++connecting_;
      asio::co_spawn(io_, poll_loop(i, generation_[i]), asio::detached);
    }
  }

  awaitable<void> post_result(std::size_t i, const std::vector<std::string>& document_ids) {
    AgentRequest request;
    request.method = verb::post;
    request.target = "/api/v1/events/stateful";
    request.authorization = tokens_[i];
    request.body = metadata_[i];
    for (const auto& id : document_ids) {
      request.body += "\n{\"id\":\"" + id + "\",\"module\":\"command\",\"operation\":\"update\"}";
      request.body += "\n{\"command\":{\"result\":{\"code\":0,\"message\":\"CentralizedConfiguration restart done.\"}}}";
    }
    const auto source = source_for(i);
    const auto started = monotonic_ns();
    try {
      auto reply = co_await agent_request(executor_, config_.server, source, config_.host, request,
                                          std::chrono::seconds(60));
      const auto now = monotonic_ns();
      emit("P " + global(i) + " " + std::to_string(now) + " " + std::to_string(reply.status) + " " +
           std::to_string((now - started) / 1000) + "\n");
    } catch (const std::exception& error) {
      emit("X " + global(i) + " result: " + error.what() + "\n");
    }
  }

  // The agent's poll loop (wire-protocol c3): poll, handle the reply, poll again. Starts holding
  // a connect slot (connecting_), released once the first poll is written or fails. Ends when the
  // agent's generation moves on (a storm's newer loop took over, or the agent was killed) or when
  // a muted agent has read its reply.
  awaitable<void> poll_loop(std::size_t i, unsigned generation) {
    AgentRequest request;
    request.method = verb::get;
    request.target = "/api/v1/commands";
    const auto source = source_for(i);
    bool holds_slot = true;
    const std::function<void()> release_slot = [this, &holds_slot] {
      if (holds_slot) {
        holds_slot = false;
        --connecting_;
      }
    };
    RequestWatch watch;
    watch.on_written = [this, i, &release_slot] {
      release_slot();
      emit("W " + global(i) + "\n");
    };
    watch_[i] = &watch;
    while (generation_[i] == generation) {
      request.authorization = tokens_[i];
      AgentReply reply;
      bool failed = false;
      try {
        // The agent's socket timeout is 11 minutes (wire-protocol c3).
        reply = co_await agent_request(executor_, config_.server, source, config_.host, request,
                                       std::chrono::seconds(660), &watch);
      } catch (const std::exception& error) {
        release_slot();
        if (generation_[i] != generation) break;  // hung up by the bench
        emit("X " + global(i) + " poll: " + error.what() + "\n");
        failed = true;
      }
      if (failed) {
        co_await sleep_for(std::chrono::seconds(1));
        continue;
      }
      if (generation_[i] != generation) break;  // a newer poll of this agent took over
      const auto received = monotonic_ns();
      if (muted_[i]) {
        stopped_[i] = true;
        emit("M " + global(i) + " " + std::to_string(received) + "\n");
        break;
      }
      if (reply.status == 200) {
        std::vector<std::string> document_ids;
        json::error_code ec;
        const auto parsed = json::parse(reply.body, ec);
        const json::value* commands = (!ec && parsed.is_object()) ? parsed.get_object().if_contains("commands") : nullptr;
        if (commands != nullptr && commands->is_array()) {
          for (const auto& command : commands->get_array()) {
            const json::value* id = command.is_object() ? command.get_object().if_contains("document_id") : nullptr;
            if (id != nullptr && id->is_string()) {
              document_ids.emplace_back(id->get_string());
              // Delivery is at most once (wire-protocol c3): report any document seen before.
              if (!seen_.insert(document_ids.back()).second) emit("D " + global(i) + " " + document_ids.back() + "\n");
            }
          }
        }
        emit("R " + global(i) + " " + std::to_string(received) + " " + std::to_string(document_ids.size()) + "\n");
        if (report_ && !document_ids.empty()) co_await post_result(i, document_ids);
        if (config_.repoll_delay_ms > 0) co_await sleep_for(std::chrono::milliseconds(config_.repoll_delay_ms));
      } else if (reply.status == 408) {
        emit("T " + global(i) + "\n");
        co_await sleep_for(std::chrono::seconds(1));
      } else if (reply.status == 401 || reply.status == 403) {
        emit("X " + global(i) + " poll: HTTP " + std::to_string(reply.status) + ", re-authenticating\n");
        co_await authenticate(i);
        co_await sleep_for(std::chrono::seconds(1));
      } else {
        emit("X " + global(i) + " poll: HTTP " + std::to_string(reply.status) + "\n");
        co_await sleep_for(std::chrono::seconds(1));
      }
    }
    release_slot();
    if (watch_[i] == &watch) watch_[i] = nullptr;
  }

  WorkerConfig config_;
  asio::io_context io_{1};
  asio::any_io_executor executor_ = io_.get_executor();
  std::vector<std::string> tokens_;
  std::vector<std::string> metadata_;
  // Per agent: the current poll loop's generation (older loops end), the watch of its poll in
  // flight, whether it was killed or has gone silent, and whether it is to go silent.
  std::vector<unsigned> generation_;
  std::vector<RequestWatch*> watch_;
  std::vector<bool> stopped_;
  std::vector<bool> muted_;
  std::unordered_set<std::string> seen_;  // document ids delivered to this worker's agents
  std::size_t connecting_ = 0;            // agents between connect and poll written
  std::size_t storm_ok_ = 0, storm_failed_ = 0, storm_expected_ = 0;
  bool report_ = false;
};

}  // namespace

bool write_line(int fd, const std::string& line) {
  const char* data = line.data();
  std::size_t left = line.size();
  while (left > 0) {
    const auto written = ::write(fd, data, left);
    if (written < 0) {
      if (errno == EINTR) continue;
      return false;
    }
    data += written;
    left -= static_cast<std::size_t>(written);
  }
  return true;
}

void run_worker(WorkerConfig config) {
  Worker worker(std::move(config));
  worker.run();
}

}  // namespace herald::bench
