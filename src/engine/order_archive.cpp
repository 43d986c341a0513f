#include "engine/order_archive.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/json/serialize.hpp>
#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include <zlib.h>

#include <filesystem>
#include <map>

#include "core/order_document.h"
#include "core/time_format.h"

namespace herald::engine {

namespace asio = boost::asio;

namespace {

// Appends `ndjson` as one gzip member and fsyncs, so that deleting the rows afterwards is safe.
core::Status append_gzip(const std::string& path, const std::string& ndjson) {
  int fd = ::open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
  if (fd < 0) return core::unavailable("cannot open archive " + path + ": " + std::strerror(errno));
  gzFile gz = gzdopen(::dup(fd), "ab");
  bool ok = gz != nullptr && gzwrite(gz, ndjson.data(), static_cast<unsigned>(ndjson.size())) ==
                                 static_cast<int>(ndjson.size());
  if (gz != nullptr) ok = gzclose(gz) == Z_OK && ok;
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok) return core::unavailable("cannot write archive " + path);
  return core::ok_status();
}

}  // namespace

OrderArchiver::OrderArchiver(asio::io_context& io, store::OrderStore& store, BlockingPool& pool,
                             const core::Clock& clock, RetentionOptions options)
    : timer_(io), store_(store), pool_(pool), clock_(clock), options_(std::move(options)) {}

void OrderArchiver::start() { asio::co_spawn(timer_.get_executor(), loop(), asio::detached); }

void OrderArchiver::stop() {
  asio::post(timer_.get_executor(), [this] {
    stopped_ = true;
    timer_.cancel();
  });
}

core::Result<std::int64_t> OrderArchiver::run_pass() {
  std::error_code ec;
  std::filesystem::create_directories(options_.archive_dir, ec);
  if (ec) return core::unavailable("cannot create " + options_.archive_dir + ": " + ec.message());

  const std::int64_t cutoff = clock_.now_seconds() - options_.retention_seconds;
  std::int64_t archived = 0;
  for (;;) {
    auto orders = store_.terminal_orders_before(cutoff, options_.batch_size);
    if (!orders) return orders.error();
    if (orders->empty()) break;

    std::map<std::string, std::string> lines_by_day;
    std::vector<core::OrderKey> keys;
    for (const auto& order : *orders) {
      auto& lines = lines_by_day[core::format_utc_date(order.created_at)];
      lines += boost::json::serialize(core::order_document(order));
      lines += '\n';
      keys.push_back(order.key);
    }
    for (const auto& [day, lines] : lines_by_day) {
      auto path = (std::filesystem::path(options_.archive_dir) / ("orders-" + day + ".ndjson.gz")).string();
      if (auto status = append_gzip(path, lines); !status) return status.error();
    }
    if (auto status = store_.delete_orders(keys); !status) return status.error();
    archived += static_cast<std::int64_t>(keys.size());
  }
  return archived;
}

asio::awaitable<void> OrderArchiver::loop() {
  while (!stopped_) {
    const bool leading = !options_.leading || options_.leading();
    core::Result<std::int64_t> archived = 0;
    if (leading) archived = co_await pool_.run([this] { return run_pass(); });
    if (!archived) {
      spdlog::warn("retention: archiving failed: {}", archived.error().message);
    } else if (*archived > 0) {
      spdlog::info("retention: archived {} orders to {}", *archived, options_.archive_dir);
    }
    timer_.expires_after(options_.interval);
    boost::system::error_code ignored;
    co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ignored));
  }
}

}  // namespace herald::engine
