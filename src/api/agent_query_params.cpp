#include "api/agent_query_params.h"

#include <array>

#include "api/replies.h"
#include "core/field_limits.h"
#include "core/time_format.h"

namespace herald::api {

namespace {

// Parameters that filter one field for equality (Wazuh's named filters).
constexpr std::array<std::string_view, 11> kFieldFilters = {
    "name",    "ip",        "registerIP", "version",         "node_name",          "os.platform",
    "os.name", "os.version", "group",     "manager_host",    "group_config_status",
};

// Accepted and ignored: Wazuh clients send them on every call.
constexpr std::array<std::string_view, 3> kIgnored = {"pretty", "wait_for_complete", "distinct"};

constexpr std::array<std::string_view, 4> kStatuses = {"active", "pending", "disconnected", "never_connected"};

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> items;
  while (!text.empty()) {
    auto comma = text.find(',');
    auto item = text.substr(0, comma);
    if (!item.empty()) items.emplace_back(item);
    text = comma == std::string_view::npos ? std::string_view() : text.substr(comma + 1);
  }
  return items;
}

template <std::size_t N>
bool one_of(std::string_view value, const std::array<std::string_view, N>& values) {
  for (auto candidate : values) {
    if (candidate == value) return true;
  }
  return false;
}

http::Response bad_parameter(std::string_view detail) { return problem_reply(400, "Bad Request", detail, 1000); }

std::optional<http::Response> too_long(std::string_view parameter, std::string_view value, std::size_t limit) {
  if (value.size() <= limit) return std::nullopt;
  return bad_parameter(std::string(parameter) + " may be at most " + std::to_string(limit) + " bytes long, got " +
                       std::to_string(value.size()));
}

}  // namespace

std::variant<AgentListRequest, http::Response> parse_agent_list_request(const http::Request& request,
                                                                        std::int64_t now) {
  AgentListRequest parsed;
  auto& query = parsed.query;
  http::Response error;
  auto paging = parse_paging(request, error);
  if (!paging) return error;
  query.offset = paging->offset;
  query.limit = paging->limit;

  for (const auto& [name, value] : request.query) {
    if (name == "offset" || name == "limit" || one_of(name, kIgnored)) continue;
    if (name == "agents_list") {
      query.ids = split_list(value);
      if (query.ids.size() > core::kMaxListedAgents) {
        return bad_parameter("agents_list may name at most " + std::to_string(core::kMaxListedAgents) + " agents");
      }
      for (const auto& id : query.ids) {
        if (id.size() > core::kMaxShortText) {
          return bad_parameter("agents_list ids may be at most " + std::to_string(core::kMaxShortText) +
                               " bytes long, got " + std::to_string(id.size()));
        }
      }
    } else if (name == "status") {
      for (auto& status : split_list(value)) {
        if (status == "never connected") status = "never_connected";
        if (!one_of(status, kStatuses)) {
          return bad_parameter("status must be a comma list of active, pending, disconnected, never_connected");
        }
        query.statuses.push_back(status);
      }
    } else if (name == "older_than") {
      auto seconds = core::parse_duration_seconds(value);
      if (!seconds) return bad_parameter("older_than must be a duration such as 30s, 10m, 7d or a number of seconds");
      query.older_than_cutoff = now - *seconds;
    } else if (name == "q") {
      auto q = core::parse_agent_filter(value);
      if (!q) return bad_parameter(q.error().message);
      query.q = std::move(*q);
    } else if (name == "sort") {
      auto sort = core::parse_agent_sort(value);
      if (!sort) return bad_parameter(sort.error().message);
      query.sort = std::move(*sort);
    } else if (name == "search") {
      if (auto error = too_long("search", value, core::kMaxFilterLength)) return *error;
      std::string_view text = value;
      if (!text.empty() && text.front() == '-') {
        query.search_negated = true;
        text.remove_prefix(1);
      }
      query.search = std::string(text);
    } else if (name == "select") {
      parsed.select = split_list(value);
      if (parsed.select.size() > core::kMaxSelectFields) {
        return bad_parameter("select may name at most " + std::to_string(core::kMaxSelectFields) + " fields");
      }
      for (const auto& field : parsed.select) {
        if (!core::parse_agent_field(field) && field != "os" && field != "status_reason" && field != "configSum" &&
            field != "mergedSum" && field != "type" && field != "host" && field != "labels" && !field.starts_with("os.")) {
          return bad_parameter("select names an unknown field: " + field);
        }
      }
    } else if (one_of(name, kFieldFilters)) {
      if (auto error = too_long(name, value, core::kMaxFilterLength)) return *error;
      // Repeated parameters add up: each is one more condition ANDed into the query.
      if (query.conditions.size() >= core::kMaxFilterTerms) {
        return bad_parameter("at most " + std::to_string(core::kMaxFilterTerms) + " field filters are allowed");
      }
      auto field = core::parse_agent_field(name == "manager_host" ? "node_name" : name);
      core::FilterCondition condition;
      condition.field = *field;
      condition.text = value;
      query.conditions.push_back(std::move(condition));
    } else {
      return bad_parameter("Unknown parameter: " + name);
    }
  }
  return parsed;
}

}  // namespace herald::api
