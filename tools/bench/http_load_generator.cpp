#include "http_load_generator.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/write.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <thread>

#include "http_response_head.h"

namespace herald::bench {

namespace asio = boost::asio;
using asio::ip::tcp;
using boost::system::error_code;
using Clock = std::chrono::steady_clock;

namespace {

enum Phase : int { kWarmup, kMeasuring, kStopping };

// What one thread saw in the window. Only its own thread touches it while the run lasts.
struct Tally {
  std::uint64_t successes = 0;
  std::uint64_t errors = 0;
  std::uint64_t reconnects = 0;
  std::map<std::string, std::uint64_t> error_kinds;
  std::vector<double> latencies_ms;

  void error(const std::string& kind) {
    ++errors;
    ++error_kinds[kind];
  }
};

// One keep-alive connection in a closed loop: connect, then write, read the whole reply, repeat,
// until the phase says stop. On a failure it reconnects after a short pause, so a server that
// refuses connections does not turn the loop into a busy spin.
class Connection {
 public:
  Connection(asio::io_context& io, const LoadTarget& target, const std::atomic<int>& phase, Tally& tally)
      : socket_(io), retry_timer_(io), target_(target), phase_(phase), tally_(tally), buffer_(kInitialBuffer) {}
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  void start() { connect(); }

 private:
  static constexpr std::size_t kInitialBuffer = 16 * 1024;
  static constexpr std::size_t kMaxHead = 64 * 1024;
  static constexpr std::chrono::milliseconds kRetryPause{10};

  bool measuring() const { return phase_.load(std::memory_order_relaxed) == kMeasuring; }
  bool stopping() const { return phase_.load(std::memory_order_relaxed) == kStopping; }

  void connect() {
    filled_ = 0;
    head_known_ = false;
    socket_.async_connect(target_.server, [this](const error_code& error) {
      if (error) return fail("connect: " + error.message());
      error_code ignored;
      socket_.set_option(tcp::no_delay(true), ignored);
      send();
    });
  }

  void send() {
    sent_at_ = Clock::now();
    asio::async_write(socket_, asio::buffer(target_.request), [this](const error_code& error, std::size_t) {
      if (error) return fail("write: " + error.message());
      read();
    });
  }

  void read() {
    if (filled_ == buffer_.size()) buffer_.resize(buffer_.size() * 2);
    socket_.async_read_some(asio::buffer(buffer_.data() + filled_, buffer_.size() - filled_),
                            [this](const error_code& error, std::size_t bytes) {
                              if (error) return fail("read: " + error.message());
                              filled_ += bytes;
                              on_bytes();
                            });
  }

  void on_bytes() {
    if (!head_known_) {
      const auto parsed = parse_response_head(std::string_view(buffer_.data(), filled_), head_, problem_);
      if (parsed == HeadParse::invalid) return fail("reply: " + problem_);
      if (parsed == HeadParse::incomplete) {
        if (filled_ >= kMaxHead) return fail("reply: head over 64 KiB");
        return read();
      }
      head_known_ = true;
    }
    const std::size_t whole = head_.head_bytes + head_.body_bytes;
    if (filled_ < whole) {
      if (buffer_.size() < whole) buffer_.resize(whole);
      return read();
    }
    record(Clock::now());
    // One request is in flight at a time, so nothing should follow the reply; keep it anyway.
    std::memmove(buffer_.data(), buffer_.data() + whole, filled_ - whole);
    filled_ -= whole;
    head_known_ = false;
    if (stopping()) return close();
    if (head_.closes) return reopen();
    send();
  }

  void record(Clock::time_point finished_at) {
    if (!measuring()) return;
    tally_.latencies_ms.push_back(std::chrono::duration<double, std::milli>(finished_at - sent_at_).count());
    if (head_.status >= 200 && head_.status < 300) {
      ++tally_.successes;
    } else {
      tally_.error("HTTP " + std::to_string(head_.status));
    }
  }

  void close() {
    error_code ignored;
    socket_.close(ignored);
  }

  // The server said "Connection: close": not an error, but it costs a connect.
  void reopen() {
    close();
    if (measuring()) ++tally_.reconnects;
    connect();
  }

  void fail(const std::string& kind) {
    close();
    if (stopping()) return;
    if (measuring()) {
      tally_.error(kind);
      ++tally_.reconnects;
    }
    retry_timer_.expires_after(kRetryPause);
    retry_timer_.async_wait([this](const error_code& error) {
      if (!error && !stopping()) connect();
    });
  }

  tcp::socket socket_;
  asio::steady_timer retry_timer_;
  const LoadTarget& target_;
  const std::atomic<int>& phase_;
  Tally& tally_;
  std::vector<char> buffer_;
  std::size_t filled_ = 0;
  bool head_known_ = false;
  ResponseHead head_;
  std::string problem_;
  Clock::time_point sent_at_{};
};

struct Worker {
  // Declared before the connections: their sockets must go before the io_context does.
  asio::io_context io{1};
  Tally tally;
  std::vector<std::unique_ptr<Connection>> connections;
  std::thread thread;
};

void merge(LoadResult& into, Tally& tally) {
  into.successes += tally.successes;
  into.errors += tally.errors;
  into.reconnects += tally.reconnects;
  for (const auto& [kind, count] : tally.error_kinds) into.error_kinds[kind] += count;
  into.latencies_ms.insert(into.latencies_ms.end(), tally.latencies_ms.begin(), tally.latencies_ms.end());
}

}  // namespace

LoadResult run_load(const LoadTarget& target, const LoadShape& shape, const std::function<void()>& at_window_start,
                    const std::function<void()>& at_window_end) {
  if (shape.connections == 0 || shape.threads == 0) throw std::invalid_argument("no connections or no threads");
  const std::size_t threads = std::min(shape.threads, shape.connections);
  std::atomic<int> phase{kWarmup};
  std::mutex finished_mutex;
  std::condition_variable finished_changed;
  std::size_t finished = 0;

  std::vector<std::unique_ptr<Worker>> workers;
  for (std::size_t t = 0; t < threads; ++t) {
    auto worker = std::make_unique<Worker>();
    const std::size_t count = shape.connections / threads + (t < shape.connections % threads ? 1 : 0);
    worker->tally.latencies_ms.reserve(1 << 18);
    for (std::size_t c = 0; c < count; ++c) {
      worker->connections.push_back(std::make_unique<Connection>(worker->io, target, phase, worker->tally));
      worker->connections.back()->start();
    }
    workers.push_back(std::move(worker));
  }
  for (auto& worker : workers) {
    worker->thread = std::thread([&, w = worker.get()] {
      try {
        w->io.run();
      } catch (const std::exception& error) {
        w->tally.error(std::string("exception: ") + error.what());
      }
      {
        std::lock_guard lock(finished_mutex);
        ++finished;
      }
      finished_changed.notify_one();
    });
  }

  LoadResult result;
  std::this_thread::sleep_for(shape.warmup);
  if (at_window_start) at_window_start();
  const auto window_start = Clock::now();
  phase.store(kMeasuring, std::memory_order_relaxed);
  std::this_thread::sleep_for(shape.duration);
  phase.store(kStopping, std::memory_order_relaxed);
  result.window_s = std::chrono::duration<double>(Clock::now() - window_start).count();
  if (at_window_end) at_window_end();

  {
    std::unique_lock lock(finished_mutex);
    if (!finished_changed.wait_for(lock, shape.drain_timeout, [&] { return finished == workers.size(); })) {
      // A reply that never came: drop what is still in flight.
      result.drain_timed_out = true;
      for (auto& worker : workers) worker->io.stop();
    }
  }
  for (auto& worker : workers) {
    worker->thread.join();
    merge(result, worker->tally);
  }
  return result;
}

}  // namespace herald::bench
