// Many orders reaching their deadline at the same second: how long after it until every one of
// them is `failure` (none left pending or sent).
#include <boost/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>

#include "commands.h"
#include "concurrency.h"
#include "latency_stats.h"
#include "prometheus_text.h"
#include "scenarios.h"

namespace herald::bench {

namespace json = boost::json;
using boost::asio::awaitable;
using boost::beast::http::verb;
using SteadyClock = std::chrono::steady_clock;

namespace {

constexpr std::size_t kMaxTimelineSamples = 200;

// "YYYY-MM-DDTHH:MM:SSZ" (the server's format_utc) as a system_clock time point.
std::optional<std::chrono::system_clock::time_point> parse_utc(std::string_view text) {
  int year = 0;
  unsigned month = 0, day = 0, hour = 0, minute = 0, second = 0;
  const std::string copy(text);
  if (std::sscanf(copy.c_str(), "%4d-%2u-%2uT%2u:%2u:%2uZ", &year, &month, &day, &hour, &minute, &second) != 6) {
    return std::nullopt;
  }
  const std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month}, std::chrono::day{day}};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days{date} + std::chrono::hours(hour) + std::chrono::minutes(minute) +
         std::chrono::seconds(second);
}

// The deadline of the request's orders, from the first one's delivery_timestamp.
std::optional<std::chrono::system_clock::time_point> parse_first_deadline(std::string_view body) {
  json::error_code ec;
  auto parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return std::nullopt;
  const auto* data = parsed.get_object().if_contains("data");
  if (data == nullptr || !data->is_object()) return std::nullopt;
  const auto* items = data->get_object().if_contains("affected_items");
  if (items == nullptr || !items->is_array() || items->get_array().empty()) return std::nullopt;
  const auto& first = items->get_array().front();
  if (!first.is_object()) return std::nullopt;
  const auto* stamp = first.get_object().if_contains("delivery_timestamp");
  if (stamp == nullptr || !stamp->is_string()) return std::nullopt;
  return parse_utc(stamp->get_string());
}

// Sum of every herald_orders_expired_total series; nullopt if absent.
std::optional<double> expired_counter(std::string_view page) { return metric_value(page, "herald_orders_expired_total"); }

double seconds_between(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

}  // namespace

awaitable<json::object> run_expiry(const BenchContext& context, const Fleet& fleet, const IngestOptions& options) {
  ScenarioMeter meter(context);
  ApiClient client(context.executor, context.endpoint, *context.credentials);
  const std::size_t group_size = fleet.agent_ids.size();
  const std::size_t copies = (options.expiry_orders + group_size - 1) / group_size;
  const std::size_t expected = copies * group_size;
  const std::string commands_target = "/_plugins/_command_manager/commands";
  const std::string body = command_body(TargetType::group, fleet.group, options.expiry_timeout_s, copies);

  spdlog::info("expiry: creating {} orders ({} group command(s)) with timeout {} s", expected, copies,
               options.expiry_timeout_s);
  const auto sent = SteadyClock::now();
  auto reply = co_await client.call(verb::post, commands_target, body);
  const auto answered = SteadyClock::now();
  const auto created = reply.status == 200 ? parse_command_reply(reply.body) : std::nullopt;
  if (!created || created->orders != expected) {
    throw std::runtime_error("expiry: creating orders failed: HTTP " + std::to_string(reply.status) + " " +
                             reply.body.substr(0, 300));
  }
  const std::string by_request = "/orders?request_id=" + created->request_id;

  // The server's deadline has one-second resolution (created_at is whole seconds): read it back
  // rather than guess it from our send time.
  const std::string first_order_target = by_request + "&limit=1";
  auto first = co_await client.call(verb::get, first_order_target);
  auto deadline = SteadyClock::time_point{};
  bool deadline_from_server = false;
  if (auto server_deadline = first.status == 200 ? parse_first_deadline(first.body) : std::nullopt) {
    deadline = SteadyClock::now() + std::chrono::duration_cast<SteadyClock::duration>(*server_deadline -
                                                                                       std::chrono::system_clock::now());
    deadline_from_server = true;
  } else {
    deadline = sent + std::chrono::seconds(options.expiry_timeout_s);
    spdlog::warn("expiry: no delivery_timestamp in the order listing; using send time + timeout");
  }
  spdlog::info("expiry: request {} answered in {:.3f} s; deadline in {:.3f} s", created->request_id,
               seconds_between(sent, answered), seconds_between(SteadyClock::now(), deadline));
  // heraldd counts expirations in /metrics once they are committed: a cheap, precise second
  // signal, polled on its own connection while the listing queries (full scans) are slow.
  const std::string metrics_target = "/metrics";
  auto metrics_page = co_await client.call(verb::get, metrics_target);
  const auto expired_before = expired_counter(metrics_page.body);
  if (deadline > SteadyClock::now()) co_await sleep_for(deadline - SteadyClock::now());

  const std::string failure_target = by_request + "&status=failure&limit=1";
  const std::string pending_target = by_request + "&status=pending&limit=1";
  const std::string sent_target = by_request + "&status=sent&limit=1";
  const auto give_up = deadline + std::chrono::duration_cast<SteadyClock::duration>(
                                      std::chrono::duration<double>(options.expiry_wait_s));
  std::optional<double> first_failure_after;
  std::optional<double> all_failed_after;
  // SQLite readers see a snapshot taken when their query starts, so completion happened after the
  // last poll that still saw unfinished orders started, and before the satisfying one answered.
  std::optional<double> completed_not_before;
  std::optional<double> last_incomplete_poll_start;
  std::vector<double> poll_ms;
  json::array timeline;
  std::size_t failed = 0, pending = 0, in_sent = 0, poll_errors = 0;
  auto last_log = SteadyClock::now();
  std::optional<double> metrics_all_expired_after;
  bool listing_done = false;
  bool metrics_done = false;
  auto watch_metrics = [&]() -> awaitable<void> {
    if (!expired_before) co_return;
    ApiClient metrics_client(context.executor, context.endpoint, *context.credentials);
    while (!metrics_all_expired_after && !listing_done && SteadyClock::now() < give_up) {
      const auto poll_started = SteadyClock::now();
      auto page = co_await metrics_client.call(verb::get, metrics_target);
      const auto now_expired = expired_counter(page.body);
      if (now_expired && *now_expired - *expired_before >= static_cast<double>(expected)) {
        metrics_all_expired_after = seconds_between(deadline, SteadyClock::now());
        break;
      }
      const auto next_poll = poll_started + options.poll_interval;
      if (next_poll > SteadyClock::now()) co_await sleep_for(next_poll - SteadyClock::now());
    }
    metrics_done = true;
  };
  auto watch_listing = [&]() -> awaitable<void> {
    if (options.expiry_probe == "metrics" && expired_before) {
      while (!metrics_done) co_await sleep_for(options.poll_interval);
    }
    while (!all_failed_after && SteadyClock::now() < give_up) {
      const auto poll_started = SteadyClock::now();
      auto counted = co_await client.call(verb::get, failure_target);
      const auto total = counted.status == 200 ? parse_total(counted.body) : std::nullopt;
      const auto poll_done = SteadyClock::now();
      poll_ms.push_back(seconds_between(poll_started, poll_done) * 1000);
      if (!total) {
        ++poll_errors;
      } else {
        if (*total != failed && timeline.size() < kMaxTimelineSamples) {
          timeline.push_back(json::array{round3(seconds_between(deadline, poll_done)), *total});
        }
        failed = *total;
        if (failed > 0 && !first_failure_after) first_failure_after = seconds_between(deadline, poll_done);
        if (failed >= expected) {
          auto pending_reply = co_await client.call(verb::get, pending_target);
          auto sent_reply = co_await client.call(verb::get, sent_target);
          pending = parse_total(pending_reply.body).value_or(expected);
          in_sent = parse_total(sent_reply.body).value_or(expected);
          if (pending == 0 && in_sent == 0) {
            all_failed_after = seconds_between(deadline, poll_done);
            completed_not_before = last_incomplete_poll_start;  // none: no lower bound observed
          }
        }
        if (!all_failed_after) last_incomplete_poll_start = seconds_between(deadline, poll_started);
      }
      if (poll_done - last_log > std::chrono::seconds(1)) {
        last_log = poll_done;
        spdlog::info("expiry: {:.1f} s after deadline: {}/{} failure (poll {:.0f} ms)", seconds_between(deadline, poll_done),
                     failed, expected, poll_ms.back());
      }
      const auto next_poll = poll_started + options.poll_interval;
      if (!all_failed_after && next_poll > SteadyClock::now()) co_await sleep_for(next_poll - SteadyClock::now());
    }
    listing_done = true;
  };
  co_await run_concurrently(2, [&](std::size_t index) { return index == 0 ? watch_listing() : watch_metrics(); });
  if (metrics_all_expired_after) {
    spdlog::info("expiry: /metrics counted all {} expirations {:.3f} s after the deadline", expected,
                 *metrics_all_expired_after);
  }
  if (all_failed_after) {
    spdlog::info("expiry: all {} orders failure {:.3f} s after the deadline", expected, *all_failed_after);
  } else {
    spdlog::warn("expiry: gave up {:.0f} s after the deadline with {}/{} failure", options.expiry_wait_s, failed,
                 expected);
  }
  auto poll_summary = summarize(poll_ms);
  json::object out{{"scenario", "expiry"},
                   {"agents", group_size},
                   {"orders", expected},
                   {"timeout_s", options.expiry_timeout_s},
                   {"probe", options.expiry_probe},
                   {"create_latency_s", round3(seconds_between(sent, answered))},
                   {"deadline_from_server", deadline_from_server},
                   {"deadline_after_reply_s", round3(seconds_between(answered, deadline))},
                   {"completed", all_failed_after.has_value()},
                   {"failure_count", failed},
                   {"polls", poll_ms.size()},
                   {"poll_errors", poll_errors},
                   {"poll_p50_ms", round3(poll_summary.p50)},
                   {"poll_max_ms", round3(poll_summary.max)},
                   {"timeline_s_failures", std::move(timeline)},
                   {"target_s", 2.0}};
  out["first_failure_after_deadline_s"] = first_failure_after ? json::value(round3(*first_failure_after)) : nullptr;
  out["all_failure_after_deadline_s"] = all_failed_after ? json::value(round3(*all_failed_after)) : nullptr;
  out["all_failure_not_before_s"] = completed_not_before ? json::value(round3(*completed_not_before)) : nullptr;
  out["metrics_all_expired_after_deadline_s"] =
      metrics_all_expired_after ? json::value(round3(*metrics_all_expired_after)) : nullptr;
  meter.finish(out);
  co_return out;
}

}  // namespace herald::bench
