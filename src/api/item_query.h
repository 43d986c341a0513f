#pragma once
// Wazuh's list parameters over items already built in memory (the ruleset routes): `search`
// (case-insensitive text in any value; a leading '-' keeps the items without it), `sort`
// ("+a,-b.c": fields, nested with '.', descending with '-'), then `offset`/`limit`.
#include <boost/json/array.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "api/replies.h"
#include "http/message.h"

namespace herald::api {

struct SortKey {
  std::string field;  // "id", "details.parent"
  bool descending = false;
};

struct ItemQuery {
  Paging paging;
  std::vector<SortKey> sort;  // empty: the order the items were built in
  std::optional<std::string> search;
  bool search_excludes = false;  // "-text"
};

// Parses offset, limit, sort and search. nullopt + `error` filled on a bad value.
std::optional<ItemQuery> parse_item_query(const http::Request& request, http::Response& error);

// Keeps the items that pass the search, sorts them (stable) and keeps the requested page.
// Returns how many passed the search (Wazuh's total_affected_items).
std::int64_t apply_item_query(const ItemQuery& query, boost::json::array& items);

// Whether `value` (a string, number or array or object of them) holds `text`, ignoring ASCII case.
bool json_contains_text(const boost::json::value& value, std::string_view lowered_text);

// "1,2, 3" -> {"1","2","3"} (empty pieces dropped).
std::vector<std::string> split_list(std::string_view text);

}  // namespace herald::api
