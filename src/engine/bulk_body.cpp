#include "engine/bulk_body.h"

#include <boost/json.hpp>
#include <cctype>
#include <cstdio>

namespace herald::engine {

namespace json = boost::json;

namespace {

struct CivilDate {
  std::int64_t year;
  int month;
  int day;
};

// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
CivilDate civil_from_days(std::int64_t days) {
  const std::int64_t z = days + 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const std::int64_t doe = z - era * 146097;
  const std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const std::int64_t mp = (5 * doy + 2) / 153;
  const int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  return {yoe + era * 400 + (month <= 2 ? 1 : 0), month, day};
}

}  // namespace

std::string index_name(std::string_view pattern, std::int64_t epoch_seconds) {
  const std::int64_t days = epoch_seconds >= 0 ? epoch_seconds / 86400 : (epoch_seconds - 86399) / 86400;
  const CivilDate date = civil_from_days(days);
  std::string out;
  out.reserve(pattern.size() + 8);
  char digits[24];
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    if (pattern[i] != '%' || i + 1 == pattern.size()) {
      out += pattern[i];
      continue;
    }
    switch (pattern[++i]) {
      case 'Y':
        std::snprintf(digits, sizeof digits, "%04lld", static_cast<long long>(date.year));
        out += digits;
        break;
      case 'm':
        std::snprintf(digits, sizeof digits, "%02d", date.month);
        out += digits;
        break;
      case 'd':
        std::snprintf(digits, sizeof digits, "%02d", date.day);
        out += digits;
        break;
      case '%':
        out += '%';
        break;
      default:
        out += '%';
        out += pattern[i];
        break;
    }
  }
  return out;
}

core::Status check_index_pattern(std::string_view pattern) {
  if (pattern.empty()) return core::invalid_argument("index pattern is empty");
  for (std::size_t i = 0; i < pattern.size(); ++i) {
    const auto c = static_cast<unsigned char>(pattern[i]);
    if (std::isspace(c) || std::isupper(c) || c == '"' || c == '\\' || c < 0x20) {
      return core::invalid_argument(
          "index pattern '" + std::string(pattern) +
          "' has a character index names cannot hold (white space, upper case, quote, backslash)");
    }
    if (c == '%') {
      if (i + 1 == pattern.size() || std::string_view("Ymd%").find(pattern[i + 1]) == std::string_view::npos) {
        return core::invalid_argument("index pattern '" + std::string(pattern) + "': only %Y, %m, %d and %% are known");
      }
      ++i;
    }
  }
  return core::ok_status();
}

std::int64_t alert_epoch_seconds(std::string_view alert_id) {
  std::int64_t seconds = 0;
  std::size_t i = 0;
  for (; i < alert_id.size() && i < 18 && alert_id[i] >= '0' && alert_id[i] <= '9'; ++i) {
    seconds = seconds * 10 + (alert_id[i] - '0');
  }
  return i == 0 ? -1 : seconds;
}

void append_bulk_item(std::string& body, std::string_view index, std::string_view document) {
  body += R"({"index":{"_index":")";
  body += index;  // check_index_pattern keeps quotes and backslashes out
  body += "\"}}\n";
  body += document;
  body += '\n';
}

core::Result<BulkResponse> parse_bulk_response(std::string_view body) {
  boost::system::error_code ec;
  json::value parsed = json::parse(body, ec);
  if (ec || !parsed.is_object()) return core::invalid_argument("bulk reply is not a JSON object");
  const auto& root = parsed.get_object();
  BulkResponse out;
  if (const auto* errors = root.if_contains("errors"); errors && errors->is_bool()) out.errors = errors->get_bool();
  const auto* items = root.if_contains("items");
  if (!items || !items->is_array()) return core::invalid_argument("bulk reply has no items array");
  for (const auto& item : items->get_array()) {
    // Each item is {"<action>": {"status": N, "error": {...}}}; the action is "index" here.
    if (!item.is_object() || item.get_object().size() != 1 || !item.get_object().begin()->value().is_object()) {
      return core::invalid_argument("bulk reply item is not {action: {...}}");
    }
    const auto& result = item.get_object().begin()->value().get_object();
    const auto* status = result.if_contains("status");
    if (!status || !status->is_number()) return core::invalid_argument("bulk reply item has no status");
    BulkItemResult entry;
    entry.status = static_cast<unsigned>(status->to_number<std::int64_t>());
    if (const auto* error = result.if_contains("error")) {
      if (error->is_object()) {
        const auto* type = error->get_object().if_contains("type");
        const auto* reason = error->get_object().if_contains("reason");
        if (type && type->is_string()) entry.error = type->get_string();
        if (reason && reason->is_string())
          entry.error += (entry.error.empty() ? "" : ": ") + std::string(reason->get_string());
      } else {
        entry.error = json::serialize(*error);
      }
    }
    out.items.push_back(std::move(entry));
  }
  return out;
}

}  // namespace herald::engine
