#include "api/item_query.h"

#include <algorithm>
#include <boost/json.hpp>
#include <cctype>

namespace herald::api {

namespace json = boost::json;

namespace {

std::string lowered(std::string_view text) {
  std::string out(text);
  for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string trimmed(std::string_view text) {
  while (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  while (!text.empty() && text.back() == ' ') text.remove_suffix(1);
  return std::string(text);
}

const json::value* field_of(const json::value& item, std::string_view path) {
  const json::value* at = &item;
  while (!path.empty()) {
    const auto dot = path.find('.');
    const auto name = path.substr(0, dot);
    if (!at->is_object()) return nullptr;
    at = at->as_object().if_contains(name);
    if (at == nullptr) return nullptr;
    path = dot == std::string_view::npos ? std::string_view() : path.substr(dot + 1);
  }
  return at;
}

// Missing values first, then numbers by value, then everything else by its text.
int compare_values(const json::value* a, const json::value* b) {
  if (a == nullptr || b == nullptr) return (a == nullptr ? 0 : 1) - (b == nullptr ? 0 : 1);
  if (a->is_number() && b->is_number()) {
    const double x = a->to_number<double>();
    const double y = b->to_number<double>();
    return x < y ? -1 : (x > y ? 1 : 0);
  }
  if (a->is_number() != b->is_number()) return a->is_number() ? -1 : 1;
  const std::string x = a->is_string() ? std::string(a->as_string()) : json::serialize(*a);
  const std::string y = b->is_string() ? std::string(b->as_string()) : json::serialize(*b);
  return x.compare(y);
}

}  // namespace

std::vector<std::string> split_list(std::string_view text) {
  std::vector<std::string> out;
  while (true) {
    const auto comma = text.find(',');
    auto piece = trimmed(text.substr(0, comma));
    if (!piece.empty()) out.push_back(std::move(piece));
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

bool json_contains_text(const json::value& value, std::string_view lowered_text) {
  switch (value.kind()) {
    case json::kind::string:
      return lowered(value.as_string()).find(lowered_text) != std::string::npos;
    case json::kind::int64:
    case json::kind::uint64:
    case json::kind::double_:
      return json::serialize(value).find(lowered_text) != std::string::npos;
    case json::kind::array:
      return std::any_of(value.as_array().begin(), value.as_array().end(),
                         [&](const json::value& v) { return json_contains_text(v, lowered_text); });
    case json::kind::object:
      return std::any_of(value.as_object().begin(), value.as_object().end(),
                         [&](const json::key_value_pair& p) { return json_contains_text(p.value(), lowered_text); });
    default:
      return false;
  }
}

std::optional<ItemQuery> parse_item_query(const http::Request& request, http::Response& error) {
  ItemQuery query;
  auto paging = parse_paging(request, error);
  if (!paging) return std::nullopt;
  query.paging = *paging;
  if (auto sort = request.query_param("sort")) {
    for (auto& piece : split_list(*sort)) {
      SortKey key;
      if (piece.front() == '-' || piece.front() == '+') {
        key.descending = piece.front() == '-';
        piece.erase(0, 1);
      }
      if (piece.empty()) {
        error = problem_reply(400, "Bad Request", "Invalid 'sort' parameter: a field name is missing", 1403);
        return std::nullopt;
      }
      key.field = std::move(piece);
      query.sort.push_back(std::move(key));
    }
  }
  if (auto search = request.query_param("search"); search && !search->empty()) {
    std::string_view text = *search;
    if (text.front() == '-') {
      query.search_excludes = true;
      text.remove_prefix(1);
    }
    query.search = lowered(text);
  }
  return query;
}

std::int64_t apply_item_query(const ItemQuery& query, json::array& items) {
  json::array kept;
  kept.reserve(items.size());
  for (auto& item : items) {
    if (query.search && json_contains_text(item, *query.search) == query.search_excludes) continue;
    kept.push_back(std::move(item));
  }
  if (!query.sort.empty()) {
    std::stable_sort(kept.begin(), kept.end(), [&](const json::value& a, const json::value& b) {
      for (const auto& key : query.sort) {
        const int order = compare_values(field_of(a, key.field), field_of(b, key.field));
        if (order != 0) return key.descending ? order > 0 : order < 0;
      }
      return false;
    });
  }
  const auto total = static_cast<std::int64_t>(kept.size());
  json::array page;
  for (std::int64_t i = query.paging.offset; i < total && i < query.paging.offset + query.paging.limit; ++i) {
    page.push_back(std::move(kept[static_cast<std::size_t>(i)]));
  }
  items = std::move(page);
  return total;
}

}  // namespace herald::api
