#include "core/metrics.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <thread>

namespace herald::core {
namespace {

TEST(MetricsRegistry, RendersExactTextFormat) {
  MetricsRegistry registry;
  registry.counter("herald_requests_total", "HTTP requests.", {"listener", "code"}, {"comms", "200"}).inc(3);
  registry.counter("herald_requests_total", "HTTP requests.", {"listener", "code"}, {"comms", "403"}).inc();
  registry.counter("herald_requests_total", "HTTP requests.", {"listener", "code"}, {"management", "200"});
  registry.gauge("herald_connected_agents", "Agents with a parked poll.").set(42);
  registry.gauge("herald_temperature", "Has a \\ backslash\nand a newline.", {"path"}, {"C:\\dir \"x\"\nend"})
      .set(-1.5);
  Histogram& latency = registry.histogram("herald_request_seconds", "Latency.", {1, 0.1, 0.5});
  latency.observe(0.05);
  latency.observe(0.1);  // le is inclusive
  latency.observe(0.7);
  latency.observe(3);
  registry.gauge_callback("herald_orders", "Orders by status.", {"status"}, [] {
    return MetricsRegistry::Samples{{{"pending"}, 2}, {{"failure"}, 1}, {{"wrong", "arity"}, 9}};
  });

  EXPECT_EQ(registry.render(),
            "# HELP herald_connected_agents Agents with a parked poll.\n"
            "# TYPE herald_connected_agents gauge\n"
            "herald_connected_agents 42\n"
            "# HELP herald_orders Orders by status.\n"
            "# TYPE herald_orders gauge\n"
            "herald_orders{status=\"failure\"} 1\n"
            "herald_orders{status=\"pending\"} 2\n"
            "# HELP herald_request_seconds Latency.\n"
            "# TYPE herald_request_seconds histogram\n"
            "herald_request_seconds_bucket{le=\"0.1\"} 2\n"
            "herald_request_seconds_bucket{le=\"0.5\"} 2\n"
            "herald_request_seconds_bucket{le=\"1\"} 3\n"
            "herald_request_seconds_bucket{le=\"+Inf\"} 4\n"
            "herald_request_seconds_sum 3.85\n"
            "herald_request_seconds_count 4\n"
            "# HELP herald_requests_total HTTP requests.\n"
            "# TYPE herald_requests_total counter\n"
            "herald_requests_total{listener=\"comms\",code=\"200\"} 3\n"
            "herald_requests_total{listener=\"comms\",code=\"403\"} 1\n"
            "herald_requests_total{listener=\"management\",code=\"200\"} 0\n"
            "# HELP herald_temperature Has a \\\\ backslash\\nand a newline.\n"
            "# TYPE herald_temperature gauge\n"
            "herald_temperature{path=\"C:\\\\dir \\\"x\\\"\\nend\"} -1.5\n");
}

TEST(MetricsRegistry, LabelledHistogramAndSpecialValues) {
  MetricsRegistry registry;
  registry.histogram("h", "H.", {0.25, INFINITY, NAN, 0.25}, {"route"}, {"/a"}).observe(NAN);
  registry.gauge("g", "G.", {"k"}, {"inf"}).set(INFINITY);
  registry.gauge("g", "G.", {"k"}, {"nan"}).set(NAN);
  registry.gauge("g", "G.", {"k"}, {"small"}).set(1e-9);
  EXPECT_EQ(registry.render(),
            "# HELP g G.\n# TYPE g gauge\n"
            "g{k=\"inf\"} +Inf\n"
            "g{k=\"nan\"} NaN\n"
            "g{k=\"small\"} 1e-09\n"
            "# HELP h H.\n# TYPE h histogram\n"
            "h_bucket{route=\"/a\",le=\"0.25\"} 0\n"
            "h_bucket{route=\"/a\",le=\"+Inf\"} 0\n"
            "h_sum{route=\"/a\"} 0\n"
            "h_count{route=\"/a\"} 0\n");
}

TEST(MetricsRegistry, EmptyRegistryAndEmptyCallback) {
  MetricsRegistry registry;
  EXPECT_EQ(registry.render(), "");
  registry.gauge_callback("none", "Nothing.", {}, [] { return MetricsRegistry::Samples{}; });
  EXPECT_EQ(registry.render(), "");
}

TEST(MetricsRegistry, SameChildIsReturnedAndReferencesStayValid) {
  MetricsRegistry registry;
  Counter& first = registry.counter("c_total", "C.", {"a"}, {"x"});
  for (int i = 0; i < 1000; ++i) registry.counter("c_total", "C.", {"a"}, {std::to_string(i)});
  EXPECT_EQ(&first, &registry.counter("c_total", "C.", {"a"}, {"x"}));
  first.inc(5);
  EXPECT_EQ(registry.counter("c_total", "C.", {"a"}, {"x"}).value(), 5u);
}

TEST(MetricsRegistry, MisuseThrows) {
  MetricsRegistry registry;
  registry.counter("c_total", "C.", {"a"}, {"x"});
  EXPECT_THROW(registry.gauge("c_total", "C.", {"a"}, {"x"}), std::invalid_argument);
  EXPECT_THROW(registry.counter("c_total", "C.", {"b"}, {"x"}), std::invalid_argument);
  EXPECT_THROW(registry.counter("c_total", "C.", {"a"}, {}), std::invalid_argument);
  EXPECT_THROW(registry.counter("c_total", "C.", {"a"}, {"x", "y"}), std::invalid_argument);
  EXPECT_THROW(registry.counter("bad-name", "B."), std::invalid_argument);
  EXPECT_THROW(registry.counter("1bad", "B."), std::invalid_argument);
  EXPECT_THROW(registry.counter("ok", "B.", {"__reserved"}, {"x"}), std::invalid_argument);
  EXPECT_THROW(registry.counter("ok2", "B.", {"a", "a"}, {"x", "y"}), std::invalid_argument);
  EXPECT_THROW(registry.histogram("h", "H.", {1}, {"le"}, {"x"}), std::invalid_argument);
  registry.histogram("h2", "H.", {1, 2});
  EXPECT_THROW(registry.histogram("h2", "H.", {1, 3}), std::invalid_argument);
  EXPECT_NO_THROW(registry.histogram("h2", "H.", {2, 1}));
  registry.gauge_callback("cb", "CB.", {}, [] { return MetricsRegistry::Samples{}; });
  EXPECT_THROW(registry.gauge_callback("cb", "CB.", {}, [] { return MetricsRegistry::Samples{}; }),
               std::invalid_argument);
  EXPECT_THROW(registry.gauge("cb", "CB."), std::invalid_argument);
}

TEST(MetricsRegistry, CallbackMayUseTheRegistry) {
  MetricsRegistry registry;
  registry.gauge_callback("cb", "CB.", {}, [&registry] {
    registry.counter("renders_total", "Renders.").inc();
    return MetricsRegistry::Samples{{{}, 1}};
  });
  EXPECT_EQ(registry.render(), "# HELP cb CB.\n# TYPE cb gauge\ncb 1\n");
  EXPECT_EQ(registry.counter("renders_total", "Renders.").value(), 1u);
}

TEST(MetricsGauge, SetAndAdd) {
  Gauge gauge;
  gauge.set(2.5);
  gauge.add(-1);
  EXPECT_DOUBLE_EQ(gauge.value(), 1.5);
}

TEST(MetricsHistogram, CumulativeCounts) {
  Histogram histogram({5, 1});
  EXPECT_EQ(histogram.upper_bounds(), (std::vector<double>{1, 5}));
  for (double v : {0.0, 1.0, 1.5, 5.0, 6.0, -3.0}) histogram.observe(v);
  EXPECT_EQ(histogram.cumulative_counts(), (std::vector<std::uint64_t>{3, 5, 6}));
  EXPECT_EQ(histogram.count(), 6u);
  EXPECT_DOUBLE_EQ(histogram.sum(), 10.5);
}

TEST(MetricsRegistry, ConcurrentIncrementsFromSeveralThreads) {
  MetricsRegistry registry;
  constexpr int kThreads = 8;
  constexpr int kPerThread = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Counter& shared = registry.counter("shared_total", "S.");
      for (int i = 0; i < kPerThread; ++i) {
        shared.inc();
        // Lookups and creations racing with increments and renders.
        registry.counter("labelled_total", "L.", {"n"}, {std::to_string(i % 10)}).inc();
        registry.gauge("g", "G.").add(1);
        registry.histogram("h", "H.", {10, 100}).observe(i % 200);
        if (i % 5000 == 0) (void)registry.render();
      }
      (void)t;
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(registry.counter("shared_total", "S.").value(), std::uint64_t{kThreads} * kPerThread);
  std::uint64_t labelled = 0;
  for (int n = 0; n < 10; ++n) labelled += registry.counter("labelled_total", "L.", {"n"}, {std::to_string(n)}).value();
  EXPECT_EQ(labelled, std::uint64_t{kThreads} * kPerThread);
  EXPECT_DOUBLE_EQ(registry.gauge("g", "G.").value(), double{kThreads} * kPerThread);
  EXPECT_EQ(registry.histogram("h", "H.", {10, 100}).count(), std::uint64_t{kThreads} * kPerThread);
  EXPECT_NE(registry.render().find("shared_total 160000\n"), std::string::npos);
}

}  // namespace
}  // namespace herald::core
