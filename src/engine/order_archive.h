#pragma once
// Retention: terminal orders older than the retention window are appended to compressed NDJSON
// files, one per day of their @timestamp (`<dir>/orders-YYYY-MM-DD.ndjson.gz`, readable with
// `zcat | jq`), and only then removed from the hot table. Each pass appends a new gzip member,
// which zcat reads as one stream. A crash between the append and the delete archives those
// orders twice on the next pass; it never loses one.
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "core/clock.h"
#include "core/result.h"
#include "engine/blocking_pool.h"
#include "store/store.h"

namespace herald::engine {

struct RetentionOptions {
  std::int64_t retention_seconds = 30 * 86400;
  std::string archive_dir = "var/archive";
  std::chrono::seconds interval{3600};  // how often a pass runs
  std::int64_t batch_size = 10'000;
  // In a cluster, passes run only on the leading node (null: always).
  std::function<bool()> leading;
};

class OrderArchiver {
 public:
  OrderArchiver(boost::asio::io_context& io, store::OrderStore& store, BlockingPool& pool, const core::Clock& clock,
                RetentionOptions options);

  void start();  // a pass now, then every interval
  void stop();

  // Archives and removes every terminal order last updated before now - retention (blocking).
  // Returns how many were archived.
  core::Result<std::int64_t> run_pass();

 private:
  boost::asio::awaitable<void> loop();

  boost::asio::steady_timer timer_;
  store::OrderStore& store_;
  BlockingPool& pool_;
  const core::Clock& clock_;
  RetentionOptions options_;
  bool stopped_ = false;
};

}  // namespace herald::engine
