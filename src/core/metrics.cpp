#include "core/metrics.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <iterator>
#include <mutex>
#include <stdexcept>

namespace herald::core {
namespace {

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

bool valid_metric_name(const std::string& name) {
  if (name.empty() || !(is_name_start(name[0]) || name[0] == ':')) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return is_name_start(c) || is_digit(c) || c == ':'; });
}

bool valid_label_name(const std::string& name) {
  if (name.empty() || !is_name_start(name[0]) || name.starts_with("__")) return false;
  return std::all_of(name.begin(), name.end(), [](char c) { return is_name_start(c) || is_digit(c); });
}

std::vector<double> normalize_bounds(std::vector<double> bounds) {
  std::erase_if(bounds, [](double bound) { return std::isnan(bound) || bound == INFINITY; });
  std::sort(bounds.begin(), bounds.end());
  bounds.erase(std::unique(bounds.begin(), bounds.end()), bounds.end());
  return bounds;
}

// Prometheus (Go's ParseFloat) reads the shortest round-trip form, plus +Inf, -Inf and NaN.
std::string format_number(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[64];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

void append_escaped(std::string& out, const std::string& text, bool escape_quotes) {
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && escape_quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
}

// {a="x",b="y"[,le="..."]}, or nothing when there are no labels at all.
std::string label_set(const std::vector<std::string>& names, const std::vector<std::string>& values,
                      const std::string* le = nullptr) {
  if (names.empty() && le == nullptr) return {};
  std::string out = "{";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += ',';
    out += names[i];
    out += "=\"";
    append_escaped(out, values[i], true);
    out += '"';
  }
  if (le != nullptr) {
    if (!names.empty()) out += ',';
    out += "le=\"";
    out += *le;
    out += '"';
  }
  out += '}';
  return out;
}

void append_header(std::string& out, const std::string& name, const std::string& help, const char* type) {
  out += "# HELP ";
  out += name;
  out += ' ';
  append_escaped(out, help, false);
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void append_sample(std::string& out, const std::string& name, const std::string& labels, const std::string& value) {
  out += name;
  out += labels;
  out += ' ';
  out += value;
  out += '\n';
}

}  // namespace

// ---- Histogram ---------------------------------------------------------------------------------

Histogram::Histogram(std::vector<double> upper_bounds)
    : upper_bounds_(normalize_bounds(std::move(upper_bounds))),
      buckets_(std::make_unique<std::atomic<std::uint64_t>[]>(upper_bounds_.size() + 1)) {}

void Histogram::observe(double value) {
  if (std::isnan(value)) return;
  const auto bucket = std::lower_bound(upper_bounds_.begin(), upper_bounds_.end(), value) - upper_bounds_.begin();
  buckets_[static_cast<std::size_t>(bucket)].fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(value, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

std::vector<std::uint64_t> Histogram::cumulative_counts() const {
  std::vector<std::uint64_t> counts(upper_bounds_.size() + 1);
  std::uint64_t running = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    running += buckets_[i].load(std::memory_order_relaxed);
    counts[i] = running;
  }
  return counts;
}

std::vector<double> Histogram::default_latency_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

// ---- Registry ----------------------------------------------------------------------------------

struct MetricsRegistry::Family {
  Kind kind;
  std::string help;
  std::vector<std::string> label_names;
  std::vector<double> bounds;  // histograms only
  std::map<LabelValues, std::unique_ptr<Counter>> counters;
  std::map<LabelValues, std::unique_ptr<Gauge>> gauges;
  std::map<LabelValues, std::unique_ptr<Histogram>> histograms;
  std::function<Samples()> callback;

  template <class Metric>
  std::map<LabelValues, std::unique_ptr<Metric>>& children() {
    if constexpr (std::is_same_v<Metric, Counter>) {
      return counters;
    } else if constexpr (std::is_same_v<Metric, Gauge>) {
      return gauges;
    } else {
      return histograms;
    }
  }

  bool matches(Kind wanted_kind, const std::vector<std::string>& wanted_labels,
               const std::vector<double>* wanted_bounds) const {
    return kind == wanted_kind && label_names == wanted_labels &&
           (wanted_bounds == nullptr || bounds == *wanted_bounds);
  }
};

MetricsRegistry::MetricsRegistry() = default;
MetricsRegistry::~MetricsRegistry() = default;

MetricsRegistry::Family& MetricsRegistry::family_locked(const std::string& name, const std::string& help,
                                                        Kind kind, const std::vector<std::string>& label_names,
                                                        const std::vector<double>* bounds) {
  if (const auto found = families_.find(name); found != families_.end()) {
    if (!found->second->matches(kind, label_names, bounds)) {
      throw std::invalid_argument("metric " + name + " re-registered with another type, labels or buckets");
    }
    return *found->second;
  }
  if (!valid_metric_name(name)) throw std::invalid_argument("invalid metric name: " + name);
  for (std::size_t i = 0; i < label_names.size(); ++i) {
    const std::string& label = label_names[i];
    if (!valid_label_name(label) || (kind == Kind::histogram && label == "le")) {
      throw std::invalid_argument("invalid label name for " + name + ": " + label);
    }
    if (std::find(label_names.begin(), label_names.begin() + static_cast<std::ptrdiff_t>(i), label) !=
        label_names.begin() + static_cast<std::ptrdiff_t>(i)) {
      throw std::invalid_argument("duplicate label name for " + name + ": " + label);
    }
  }
  auto family = std::make_unique<Family>();
  family->kind = kind;
  family->help = help;
  family->label_names = label_names;
  if (bounds != nullptr) family->bounds = *bounds;
  return *families_.emplace(name, std::move(family)).first->second;
}

template <class Metric, class Make>
Metric& MetricsRegistry::child(const std::string& name, const std::string& help, Kind kind,
                               const std::vector<std::string>& label_names, const LabelValues& label_values,
                               const std::vector<double>* bounds, Make make) {
  {
    std::shared_lock lock(mutex_);
    if (const auto found = families_.find(name);
        found != families_.end() && found->second->matches(kind, label_names, bounds)) {
      auto& children = found->second->template children<Metric>();
      if (const auto existing = children.find(label_values); existing != children.end()) return *existing->second;
    }
  }
  std::unique_lock lock(mutex_);
  Family& family = family_locked(name, help, kind, label_names, bounds);
  if (label_values.size() != family.label_names.size()) {
    throw std::invalid_argument("metric " + name + ": wrong number of label values");
  }
  auto& children = family.template children<Metric>();
  auto& slot = children[label_values];
  if (!slot) slot = make();
  return *slot;
}

Counter& MetricsRegistry::counter(const std::string& name, const std::string& help,
                                  const std::vector<std::string>& label_names, const LabelValues& label_values) {
  return child<Counter>(name, help, Kind::counter, label_names, label_values, nullptr,
                        [] { return std::make_unique<Counter>(); });
}

Gauge& MetricsRegistry::gauge(const std::string& name, const std::string& help,
                              const std::vector<std::string>& label_names, const LabelValues& label_values) {
  return child<Gauge>(name, help, Kind::gauge, label_names, label_values, nullptr,
                      [] { return std::make_unique<Gauge>(); });
}

Histogram& MetricsRegistry::histogram(const std::string& name, const std::string& help,
                                      std::vector<double> upper_bounds, const std::vector<std::string>& label_names,
                                      const LabelValues& label_values) {
  const std::vector<double> bounds = normalize_bounds(std::move(upper_bounds));
  return child<Histogram>(name, help, Kind::histogram, label_names, label_values, &bounds,
                          [&bounds] { return std::make_unique<Histogram>(bounds); });
}

void MetricsRegistry::gauge_callback(const std::string& name, const std::string& help,
                                     const std::vector<std::string>& label_names, std::function<Samples()> fn) {
  std::unique_lock lock(mutex_);
  if (families_.contains(name)) throw std::invalid_argument("metric " + name + " registered twice");
  Family& family = family_locked(name, help, Kind::gauge_callback, label_names, nullptr);
  family.callback = std::move(fn);
}

std::string MetricsRegistry::render() const {
  // Callback families are evaluated after the lock is released, so a callback may itself use the
  // registry (or block on the store) without stalling metric creation elsewhere.
  struct Section {
    std::string text;  // already rendered, or empty for a callback family
    const std::string* name = nullptr;
    const Family* family = nullptr;
    std::function<Samples()> callback;
  };
  std::vector<Section> sections;
  {
    std::shared_lock lock(mutex_);
    sections.reserve(families_.size());
    for (const auto& [name, family] : families_) {
      Section section;
      section.name = &name;  // families are never removed, so these pointers outlive the lock
      section.family = family.get();
      std::string& out = section.text;
      switch (family->kind) {
        case Kind::counter:
          if (family->counters.empty()) break;
          append_header(out, name, family->help, "counter");
          for (const auto& [values, metric] : family->counters) {
            append_sample(out, name, label_set(family->label_names, values), std::to_string(metric->value()));
          }
          break;
        case Kind::gauge:
          if (family->gauges.empty()) break;
          append_header(out, name, family->help, "gauge");
          for (const auto& [values, metric] : family->gauges) {
            append_sample(out, name, label_set(family->label_names, values), format_number(metric->value()));
          }
          break;
        case Kind::histogram:
          if (family->histograms.empty()) break;
          append_header(out, name, family->help, "histogram");
          for (const auto& [values, metric] : family->histograms) {
            const std::vector<std::uint64_t> counts = metric->cumulative_counts();
            const double sum = metric->sum();
            for (std::size_t i = 0; i < counts.size(); ++i) {
              const std::string le = i < family->bounds.size() ? format_number(family->bounds[i]) : "+Inf";
              append_sample(out, name + "_bucket", label_set(family->label_names, values, &le),
                            std::to_string(counts[i]));
            }
            const std::string labels = label_set(family->label_names, values);
            append_sample(out, name + "_sum", labels, format_number(sum));
            append_sample(out, name + "_count", labels, std::to_string(counts.back()));
          }
          break;
        case Kind::gauge_callback:
          section.callback = family->callback;
          break;
      }
      sections.push_back(std::move(section));
    }
  }

  std::string out;
  for (Section& section : sections) {
    if (!section.callback) {
      out += section.text;
      continue;
    }
    Samples samples = section.callback();
    const std::vector<std::string>& label_names = section.family->label_names;
    std::erase_if(samples, [&](const auto& sample) { return sample.first.size() != label_names.size(); });
    if (samples.empty()) continue;
    std::stable_sort(samples.begin(), samples.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    append_header(out, *section.name, section.family->help, "gauge");
    for (const auto& [values, value] : samples) {
      append_sample(out, *section.name, label_set(label_names, values), format_number(value));
    }
  }
  return out;
}

}  // namespace herald::core
