#pragma once
// A small Prometheus registry (text exposition format 0.0.4), no external library.
//
// Hot path: Counter::inc, Gauge::set/add and Histogram::observe are lock-free atomics. Looking
// up a metric in the registry takes a shared lock; only creating a new family or label
// combination takes the exclusive lock. Callers on hot paths should look a metric up once and
// keep the reference.
#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

namespace herald::core {

// Monotonic count. Safe for concurrent use.
class Counter {
 public:
  void inc(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// A value that goes up and down. Safe for concurrent use.
class Gauge {
 public:
  void set(double value) { value_.store(value, std::memory_order_relaxed); }
  void add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

// Distribution over fixed buckets. Safe for concurrent use. A render taken during concurrent
// observe() calls may see sum and buckets from slightly different instants (never torn values).
class Histogram {
 public:
  // Bucket upper bounds (inclusive, "le"). Sorted and de-duplicated here; NaN and +Inf are
  // dropped (the +Inf bucket always exists).
  explicit Histogram(std::vector<double> upper_bounds);

  // Records one observation. NaN is ignored.
  void observe(double value);

  // The finite upper bounds, ascending.
  const std::vector<double>& upper_bounds() const { return upper_bounds_; }
  // Cumulative counts: element i counts observations <= upper_bounds()[i]; the extra last element
  // is the +Inf bucket (== total count of that snapshot).
  std::vector<std::uint64_t> cumulative_counts() const;
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  std::uint64_t count() const { return count_.load(std::memory_order_relaxed); }

  // Default buckets for request latencies in seconds (the Prometheus client defaults).
  static std::vector<double> default_latency_buckets();

 private:
  std::vector<double> upper_bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> buckets_;  // upper_bounds_.size() + 1, non-cumulative
  std::atomic<double> sum_{0.0};
  std::atomic<std::uint64_t> count_{0};
};

// Owns every metric of the process. Safe for concurrent use.
//
// A family is a metric name with a type, a help text and fixed label names; each distinct list of
// label values is one child. The first registration of a name fixes its type, label names (and,
// for histograms, buckets); a later call that disagrees, a name or label name that Prometheus
// would reject, or label_values of the wrong length is a programming error and throws
// std::invalid_argument (it surfaces the first time the code path runs, e.g. in tests).
// Returned references stay valid for the registry's whole life.
class MetricsRegistry {
 public:
  using LabelValues = std::vector<std::string>;
  using Samples = std::vector<std::pair<LabelValues, double>>;

  MetricsRegistry();
  ~MetricsRegistry();
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  Counter& counter(const std::string& name, const std::string& help,
                   const std::vector<std::string>& label_names = {},
                   const LabelValues& label_values = {});

  Gauge& gauge(const std::string& name, const std::string& help,
               const std::vector<std::string>& label_names = {},
               const LabelValues& label_values = {});

  Histogram& histogram(const std::string& name, const std::string& help, std::vector<double> upper_bounds,
                       const std::vector<std::string>& label_names = {},
                       const LabelValues& label_values = {});

  // A gauge family whose samples are computed at render time (e.g. orders by status, read from
  // the store). `fn` returns (label values, value) pairs; pairs with the wrong number of label
  // values are skipped. `fn` runs on the rendering thread without any registry lock held (it may
  // use the registry), possibly concurrently with itself if render() is called concurrently.
  void gauge_callback(const std::string& name, const std::string& help,
                      const std::vector<std::string>& label_names, std::function<Samples()> fn);

  // The whole registry in Prometheus text format 0.0.4: families sorted by name, children sorted
  // by label values, "# HELP" / "# TYPE" lines, escaped label values and help, histograms as
  // cumulative _bucket{le=...} (ending with le="+Inf"), _sum and _count. Families without any
  // sample are omitted.
  std::string render() const;

 private:
  struct Family;
  enum class Kind { counter, gauge, histogram, gauge_callback };

  // Finds or creates the family (validating it) and returns it. REQUIRES: exclusive lock held.
  Family& family_locked(const std::string& name, const std::string& help, Kind kind,
                        const std::vector<std::string>& label_names, const std::vector<double>* bounds);
  template <class Metric, class Make>
  Metric& child(const std::string& name, const std::string& help, Kind kind,
                const std::vector<std::string>& label_names, const LabelValues& label_values,
                const std::vector<double>* bounds, Make make);

  mutable std::shared_mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>> families_;
};

}  // namespace herald::core
