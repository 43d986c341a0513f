#include "api/alert_query_params.h"

#include <charconv>

#include "api/replies.h"
#include "core/field_limits.h"
#include "core/time_format.h"
#include "engine/stored_alert.h"

namespace herald::api {

namespace {

std::optional<std::int64_t> integer(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

http::Response bad(const std::string& detail) {
  return problem_reply(400, "Bad Request", detail);
}

}  // namespace

std::optional<std::int64_t> parse_alert_time(std::string_view text) {
  if (auto seconds = integer(text)) {
    if (*seconds < 0 || *seconds > 253'402'300'799) return std::nullopt;  // up to 9999-12-31
    return *seconds * 1000;
  }
  if (auto alert_style = engine::parse_alert_timestamp(text)) return alert_style;
  if (text.size() == 28 && text[23] == ' ') {  // the alert's "+0100" with its '+' decoded to a space
    std::string plus(text);
    plus[23] = '+';
    return engine::parse_alert_timestamp(plus);
  }
  if (text.size() >= 20 && text[19] == '.' && text.back() == 'Z') {  // fractional seconds: keep the ms
    auto seconds = core::parse_utc(std::string(text.substr(0, 19)) + "Z");
    auto fraction = text.substr(20, text.size() - 21);
    if (!seconds || fraction.empty() || fraction.find_first_not_of("0123456789") != std::string_view::npos) {
      return std::nullopt;
    }
    std::string millis(fraction.substr(0, 3));
    millis.resize(3, '0');
    return *seconds * 1000 + *integer(millis);
  }
  if (auto seconds = core::parse_utc(text)) return *seconds * 1000;
  return std::nullopt;
}

std::variant<store::AlertQuery, http::Response> parse_alert_query(const http::Request& request) {
  store::AlertQuery query;
  for (auto [name, target] : {std::pair{"from", &query.from_ms}, std::pair{"to", &query.to_ms}}) {
    auto value = request.query_param(name);
    if (!value) continue;
    *target = parse_alert_time(*value);
    if (!*target) {
      return bad(std::string(name) + " must be an ISO-8601 UTC time (2026-12-08T01:02:03Z) or epoch seconds, got '" +
                 std::string(value->substr(0, 64)) + "'");
    }
  }
  if (query.from_ms && query.to_ms && *query.from_ms > *query.to_ms) return bad("from must not be after to");
  if (auto level = request.query_param("level")) {
    auto value = integer(*level);
    if (!value || *value < 0 || *value > 16) return bad("level must be an integer from 0 to 16");
    query.min_level = static_cast<int>(*value);
  }
  if (auto rule = request.query_param("rule_id")) {
    auto value = integer(*rule);
    if (!value || *value < 1 || *value > 4'294'967'295) return bad("rule_id must be a positive integer");
    query.rule_id = *value;
  }
  // Bounded as the other text filters of the API (core/field_limits.h).
  for (auto [name, target] : {std::pair{"group", &query.group}, std::pair{"agent_id", &query.agent_id},
                              std::pair{"search", &query.search}}) {
    auto value = request.query_param(name);
    if (!value) continue;
    if (value->empty()) return bad(std::string(name) + " must not be empty");
    if (value->size() > core::kMaxShortText) {
      return bad(std::string(name) + " may be at most " + std::to_string(core::kMaxShortText) + " bytes long, got " +
                 std::to_string(value->size()));
    }
    *target = std::string(*value);
  }
  if (auto offset = request.query_param("offset")) {
    auto value = integer(*offset);
    if (!value || *value < 0) return bad("offset must be a non-negative integer");
    query.offset = *value;
  }
  if (auto limit = request.query_param("limit")) {
    auto value = integer(*limit);
    if (!value || *value < 1 || *value > kMaxAlertPage) {
      return bad("limit must be an integer from 1 to " + std::to_string(kMaxAlertPage));
    }
    query.limit = *value;
  }
  if (auto sort = request.query_param("sort")) {
    if (*sort == "-timestamp") {
      query.sort = store::AlertQuery::Sort::newest_first;
    } else if (*sort == "+timestamp" || *sort == "timestamp") {
      query.sort = store::AlertQuery::Sort::oldest_first;
    } else if (*sort == "-level") {
      query.sort = store::AlertQuery::Sort::highest_level;
    } else {
      return bad("sort must be -timestamp, +timestamp or -level");
    }
  }
  return query;
}

}  // namespace herald::api
