// herald orders list | show | watch.
#include <boost/json.hpp>
#include <ostream>
#include <thread>

#include "cli/durations.h"
#include "cli/failure.h"
#include "cli/herald_handlers.h"
#include "cli/herald_views.h"
#include "cli/json_fields.h"
#include "cli/order_watch.h"
#include "cli/paged_list.h"
#include "cli/server_url.h"

namespace herald::cli {

namespace json = boost::json;

namespace {

constexpr std::int64_t kDefaultOrdersShown = 500;
constexpr std::int64_t kFailuresShown = 20;

// Counts come from one cheap request per status (limit=1, read the total), so a watch over a
// 100k-order request does not download every order twice a second. Non-terminal statuses are
// read first: terminal ones only grow, so when success + failure (read last) reaches the total,
// every order really is finished.
class ServerWatchEnvironment final : public WatchEnvironment {
 public:
  ServerWatchEnvironment(ManagementClient& client, std::string request_id)
      : client_(client), request_id_(std::move(request_id)) {}

  OrderCounts count_orders() override {
    OrderCounts counts;
    counts.pending = count("pending");
    counts.sent = count("sent");
    counts.success = count("success");
    counts.failure = count("failure");
    return counts;
  }
  std::chrono::steady_clock::time_point now() override { return std::chrono::steady_clock::now(); }
  void sleep_for(std::chrono::milliseconds duration) override { std::this_thread::sleep_for(duration); }

 private:
  std::int64_t count(const char* status) {
    return count_items(client_, "/orders", {{"request_id", request_id_}, {"status", status}});
  }

  ManagementClient& client_;
  std::string request_id_;
};

std::chrono::milliseconds duration_option(const ParsedCommand& args, const std::string& name,
                                          std::chrono::milliseconds fallback) {
  auto text = args.value(name);
  if (!text) return fallback;
  auto duration = parse_duration(*text);
  if (!duration || duration->count() <= 0) {
    throw bad_arguments(name + " must be a duration such as 0.5s, 500ms, 30s or 5m, not '" + *text + "'");
  }
  return *duration;
}

const char* outcome_name(WatchOutcome outcome) {
  switch (outcome) {
    case WatchOutcome::all_success:
      return "success";
    case WatchOutcome::some_failed:
      return "failure";
    case WatchOutcome::timed_out:
      return "timeout";
  }
  return "timeout";
}

int exit_code(WatchOutcome outcome) {
  switch (outcome) {
    case WatchOutcome::all_success:
      return static_cast<int>(ExitCode::ok);
    case WatchOutcome::some_failed:
      return static_cast<int>(ExitCode::orders_failed);
    case WatchOutcome::timed_out:
      return static_cast<int>(ExitCode::watch_timeout);
  }
  return static_cast<int>(ExitCode::watch_timeout);
}

std::string summary_line(const std::string& request_id, std::int64_t total, const WatchResult& result,
                         std::chrono::milliseconds timeout) {
  const auto& counts = result.counts;
  std::string out = "request " + request_id + ": ";
  if (result.outcome == WatchOutcome::timed_out) {
    return out + "gave up after " + format_elapsed(timeout) + ": " + std::to_string(total - counts.finished()) +
           " of " + std::to_string(total) + " orders not finished (pending " + std::to_string(counts.pending) +
           ", sent " + std::to_string(counts.sent) + ")\n";
  }
  return out + "all " + std::to_string(total) + " orders finished: " + std::to_string(counts.success) + " success, " +
         std::to_string(counts.failure) + " failure (" + format_elapsed(result.elapsed) + ")\n";
}

}  // namespace

int orders_list(CommandContext& context) {
  const auto& args = context.args();
  QueryParams params{{"request_id", args.value("--request").value_or("")},
                     {"status", args.value("--status").value_or("")},
                     {"agent_id", args.value("--agent").value_or("")},
                     {"sort", args.value("--sort").value_or("")}};
  std::int64_t limit = kDefaultOrdersShown;
  if (auto text = args.value("--limit")) limit = positive_integer_option("--limit", *text);
  auto data = fetch_all_pages(context.client(), "/orders", std::move(params), limit);
  if (context.json()) {
    context.print_json(data);
    return 0;
  }
  const auto& orders = data.at("affected_items").as_array();
  auto total = field_integer(data, "total_affected_items");
  context.out() << format_orders_table(orders);
  if (static_cast<std::int64_t>(orders.size()) < total) {
    context.out() << orders.size() << " of " << total << " orders (raise --limit for more)\n";
  } else {
    context.out() << orders.size() << (orders.size() == 1 ? " order\n" : " orders\n");
  }
  return 0;
}

int orders_show(CommandContext& context) {
  const auto& id = context.args().positionals.at(0);
  auto reply = context.client().get("/orders/" + path_segment(id));
  const auto& items = envelope_data(reply).at("affected_items").as_array();
  if (items.empty() || !items.front().is_object()) throw server_failure("order " + id + " not found");
  if (context.json()) {
    context.print_json(items.front());
  } else {
    context.out() << format_order_details(items.front().get_object());
  }
  return 0;
}

int orders_watch(CommandContext& context) {
  const auto& args = context.args();
  const auto& request_id = args.positionals.at(0);
  positive_integer_option("request id", request_id);
  WatchOptions options;
  options.request_id = request_id;
  options.interval = duration_option(args, "--interval", std::chrono::milliseconds(500));
  if (args.has("--timeout")) options.timeout = duration_option(args, "--timeout", {});
  options.style = context.json()            ? ProgressStyle::none
                  : context.stdout_is_tty() ? ProgressStyle::bar
                                            : ProgressStyle::lines;

  auto& client = context.client();
  options.total = count_items(client, "/orders", {{"request_id", request_id}});
  if (options.total == 0) throw server_failure("request " + request_id + " has no orders");
  ServerWatchEnvironment environment(client, request_id);
  auto result = watch_orders(options, environment, context.out());

  json::array failed;
  if (result.counts.failure > 0) {
    auto data = fetch_all_pages(client, "/orders", {{"request_id", request_id}, {"status", "failure"}}, kFailuresShown);
    failed = std::move(data.at("affected_items").as_array());
  }
  if (context.json()) {
    const auto& counts = result.counts;
    context.print_json(json::object{{"request_id", request_id},
                                    {"total", options.total},
                                    {"pending", counts.pending},
                                    {"sent", counts.sent},
                                    {"success", counts.success},
                                    {"failure", counts.failure},
                                    {"outcome", outcome_name(result.outcome)},
                                    {"elapsed_seconds", static_cast<double>(result.elapsed.count()) / 1000.0},
                                    {"failed_orders", std::move(failed)}});
  } else {
    context.out() << summary_line(request_id, options.total, result, options.timeout.value_or(result.elapsed));
    if (!failed.empty()) {
      context.out() << "\nfailed orders" << (result.counts.failure > kFailuresShown ? " (first 20)" : "") << ":\n"
                    << format_orders_table(failed);
    }
  }
  return exit_code(result.outcome);
}

}  // namespace herald::cli
