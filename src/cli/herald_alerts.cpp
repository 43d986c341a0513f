// herald alerts: the stored alerts (GET /alerts) with its filters, as a table or JSON, and
// --follow, which keeps polling every second for alerts newer than the newest shown.
#include <boost/json.hpp>
#include <chrono>
#include <ostream>
#include <set>
#include <thread>

#include "cli/herald_handlers.h"
#include "cli/json_fields.h"
#include "cli/paged_list.h"
#include "cli/table.h"
#include "core/time_format.h"

namespace herald::cli {

namespace json = boost::json;

namespace {

constexpr std::int64_t kDefaultAlertsShown = 100;
constexpr std::int64_t kAlertPageSize = 500;  // the server's largest limit for /alerts
constexpr auto kFollowInterval = std::chrono::seconds(1);

TableRow alert_row(const json::object& alert) {
  const auto& rule = field_object(alert, "rule");
  const auto& agent = field_object(alert, "agent");
  return {field_text(alert, "timestamp"), field_text(rule, "level"), field_text(rule, "id"),
          field_text(agent, "id") + " " + field_text(agent, "name"), field_text(rule, "description")};
}

const TableRow kAlertHeader{"TIME", "LEVEL", "RULE", "AGENT", "DESCRIPTION"};

QueryParams filters(const ParsedCommand& args) {
  return {{"from", args.value("--from").value_or("")},       {"to", args.value("--to").value_or("")},
          {"level", args.value("--level").value_or("")},     {"rule_id", args.value("--rule").value_or("")},
          {"group", args.value("--group").value_or("")},     {"agent_id", args.value("--agent").value_or("")},
          {"search", args.value("--search").value_or("")}};
}

// An alert's "2026-12-08T02:00:00.250+0100" as "2026-12-08T01:00:00.250Z", which GET /alerts
// takes as `from` without the '+' (a space once a query string is decoded).
std::string as_utc(const std::string& timestamp) {
  if (timestamp.size() != 28 || (timestamp[23] != '+' && timestamp[23] != '-')) return timestamp;
  auto seconds = core::parse_utc(timestamp.substr(0, 19) + "Z");
  if (!seconds) return timestamp;
  const auto offset = (std::stoll(timestamp.substr(24, 2)) * 3600 + std::stoll(timestamp.substr(26, 2)) * 60) *
                      (timestamp[23] == '-' ? -1 : 1);
  auto utc = core::format_utc(*seconds - offset);  // yyyy-MM-ddTHH:mm:ssZ
  return utc.substr(0, 19) + timestamp.substr(19, 4) + "Z";
}

// Polls for alerts at or after the newest shown, oldest first; alerts of that same millisecond
// already shown are skipped by id. Prints each as a line (a JSON document with --json).
[[noreturn]] void follow(CommandContext& context, const ParsedCommand& args, std::string newest,
                         std::set<std::string> shown_at_newest) {
  while (true) {
    std::this_thread::sleep_for(kFollowInterval);
    auto params = filters(args);
    if (!newest.empty()) {
      std::erase_if(params, [](const auto& param) { return param.first == "from"; });
      params.emplace_back("from", as_utc(newest));
    }
    params.emplace_back("sort", "timestamp");  // oldest first
    auto data = fetch_all_pages(context.client(), "/alerts", std::move(params), std::nullopt, kAlertPageSize);
    for (const auto& item : data.at("affected_items").as_array()) {
      if (!item.is_object()) continue;
      const auto& alert = item.get_object();
      const auto id = field_text(alert, "id");
      const auto time = field_text(alert, "timestamp");
      if (time == newest && shown_at_newest.contains(id)) continue;
      if (time != newest) shown_at_newest.clear();
      newest = time;
      shown_at_newest.insert(id);
      if (context.json()) {
        context.print_json(alert);
      } else {
        std::string line;
        for (const auto& field : alert_row(alert)) line += (line.empty() ? "" : "  ") + field;
        context.out() << line << "\n";
      }
    }
    context.out().flush();
  }
}

}  // namespace

int alerts_list(CommandContext& context) {
  const auto& args = context.args();
  auto params = filters(args);
  params.emplace_back("sort", args.value("--sort").value_or(""));
  std::int64_t limit = kDefaultAlertsShown;
  if (auto text = args.value("--limit")) limit = positive_integer_option("--limit", *text);
  const bool following = args.has("--follow");
  if (following) params.back().second = "-timestamp";  // the newest, shown oldest first below
  auto data = fetch_all_pages(context.client(), "/alerts", std::move(params), limit, kAlertPageSize);
  auto& alerts = data.at("affected_items").as_array();
  if (!following) {
    if (context.json()) {
      context.print_json(data);
      return 0;
    }
    std::vector<TableRow> rows;
    for (const auto& alert : alerts) {
      if (alert.is_object()) rows.push_back(alert_row(alert.get_object()));
    }
    context.out() << format_table(kAlertHeader, rows);
    const auto total = field_integer(data, "total_affected_items");
    if (static_cast<std::int64_t>(alerts.size()) < total) {
      context.out() << alerts.size() << " of " << total << " alerts (raise --limit for more)\n";
    } else {
      context.out() << alerts.size() << (alerts.size() == 1 ? " alert\n" : " alerts\n");
    }
    return 0;
  }
  std::string newest;
  std::set<std::string> shown_at_newest;
  std::vector<TableRow> rows;
  for (auto it = alerts.rbegin(); it != alerts.rend(); ++it) {
    if (!it->is_object()) continue;
    const auto& alert = it->get_object();
    const auto time = field_text(alert, "timestamp");
    if (time != newest) shown_at_newest.clear();
    newest = time;
    shown_at_newest.insert(field_text(alert, "id"));
    if (context.json()) {
      context.print_json(alert);
    } else {
      rows.push_back(alert_row(alert));
    }
  }
  if (!context.json()) context.out() << format_table(kAlertHeader, rows);
  context.out().flush();
  follow(context, args, std::move(newest), std::move(shown_at_newest));
}

}  // namespace herald::cli
