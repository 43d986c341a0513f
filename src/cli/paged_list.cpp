#include "cli/paged_list.h"

#include <algorithm>
#include <boost/json.hpp>

#include "cli/failure.h"
#include "cli/json_fields.h"

namespace herald::cli {

namespace json = boost::json;

namespace {

const json::array& array_member(const json::object& object, std::string_view key) {
  static const json::array empty;
  const auto* value = object.if_contains(key);
  return value && value->is_array() ? value->get_array() : empty;
}

}  // namespace

const json::object& envelope_data(const json::value& reply) {
  const json::value* data = reply.is_object() ? reply.get_object().if_contains("data") : nullptr;
  if (data == nullptr || !data->is_object()) throw server_failure("unexpected reply from the server: no `data` object");
  return data->get_object();
}

json::object fetch_all_pages(ManagementClient& client, std::string_view path, QueryParams params,
                             std::optional<std::int64_t> max_items, std::int64_t page_size) {
  json::array items;
  json::array failed;
  std::int64_t total = 0;
  std::int64_t offset = 0;
  auto base_size = params.size();
  for (;;) {
    std::int64_t limit = page_size;
    if (max_items) limit = std::min(limit, *max_items - offset);
    if (limit <= 0) break;
    params.resize(base_size);
    params.emplace_back("offset", std::to_string(offset));
    params.emplace_back("limit", std::to_string(limit));
    auto reply = client.get(path, params);
    const auto& data = envelope_data(reply);
    const auto& page = array_member(data, "affected_items");
    for (const auto& item : page) items.push_back(item);
    for (const auto& item : array_member(data, "failed_items")) failed.push_back(item);
    total = field_integer(data, "total_affected_items");
    offset += static_cast<std::int64_t>(page.size());
    // An empty page ends the walk even if the total says more (items removed meanwhile).
    if (page.empty() || offset >= total) break;
  }
  auto failed_count = static_cast<std::int64_t>(failed.size());
  return json::object{{"affected_items", std::move(items)},
                      {"total_affected_items", total},
                      {"total_failed_items", failed_count},
                      {"failed_items", std::move(failed)}};
}

std::int64_t count_items(ManagementClient& client, std::string_view path, QueryParams params) {
  params.emplace_back("limit", "1");
  auto reply = client.get(path, params);
  return field_integer(envelope_data(reply), "total_affected_items");
}

}  // namespace herald::cli
