#include "api/ruleset_api.h"

#include <algorithm>
#include <boost/json.hpp>
#include <charconv>
#include <functional>
#include <set>

#include "api/content_type.h"
#include "api/item_query.h"
#include "api/management_auth.h"
#include "api/replies.h"
#include "api/ruleset_items.h"
#include "api/ruleset_xml_json.h"
#include "core/utf8.h"

namespace herald::api {

namespace json = boost::json;
using boost::asio::awaitable;
using engine::RulesetFileKind;

namespace {

// Custom files are read whole into memory and loaded with the ruleset: big enough for any
// hand-written file, small enough that a client cannot make every node hold gigabytes.
constexpr std::size_t kMaxCustomFileBytes = 8 * 1024 * 1024;

std::optional<int> to_int(std::string_view text) {
  int value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

const json::string* string_field(const json::value& item, std::string_view name) {
  const auto* value = item.as_object().if_contains(name);
  return value != nullptr && value->is_string() ? &value->as_string() : nullptr;
}

bool array_field_has(const json::value& item, std::string_view name, std::string_view wanted) {
  const auto* value = item.as_object().if_contains(name);
  if (value == nullptr || !value->is_array()) return false;
  return std::any_of(value->as_array().begin(), value->as_array().end(),
                     [&](const json::value& v) { return v.is_string() && v.as_string() == wanted; });
}

// `filename` (a comma list) and `relative_dirname`, shared by every listing.
using ItemFilter = std::function<bool(const json::value&)>;
void add_file_filters(const http::Request& request, std::vector<ItemFilter>& filters) {
  if (auto filenames = request.query_param("filename")) {
    auto names = split_list(*filenames);
    filters.push_back([names](const json::value& item) {
      const auto* name = string_field(item, "filename");
      return name != nullptr && std::find(names.begin(), names.end(), std::string_view(*name)) != names.end();
    });
  }
  if (auto directory = request.query_param("relative_dirname")) {
    std::string wanted(*directory);
    filters.push_back([wanted](const json::value& item) {
      const auto* dir = string_field(item, "relative_dirname");
      return dir != nullptr && *dir == wanted;
    });
  }
}

// `status`: enabled, disabled or all (Wazuh's values).
bool add_status_filter(const http::Request& request, std::vector<ItemFilter>& filters, http::Response& error) {
  auto status = request.query_param("status");
  if (!status || *status == "all") return true;
  if (*status != "enabled" && *status != "disabled") {
    error = problem_reply(400, "Bad Request", "Invalid 'status' parameter: use enabled, disabled or all", 1202);
    return false;
  }
  std::string wanted(*status);
  filters.push_back([wanted](const json::value& item) {
    const auto* value = string_field(item, "status");
    return value != nullptr && *value == wanted;
  });
  return true;
}

void keep_matching(json::array& items, const std::vector<ItemFilter>& filters) {
  json::array kept;
  for (auto& item : items) {
    if (std::all_of(filters.begin(), filters.end(), [&](const ItemFilter& f) { return f(item); })) {
      kept.push_back(std::move(item));
    }
  }
  items = std::move(kept);
}

// The common tail of every listing: search, sort, page, envelope.
http::Response listing_reply(json::array items, const ItemQuery& query, json::array failed, std::string_view message) {
  const auto total = apply_item_query(query, items);
  return envelope_reply(std::move(items), total, std::move(failed), message);
}

std::shared_ptr<const analysis::Ruleset> running(ApiContext& context) {
  return context.analysis->ruleset();
}

awaitable<http::Response> list_rules(ApiContext& context, http::Request& request) {
  http::Response error;
  auto query = parse_item_query(request, error);
  if (!query) co_return error;
  std::vector<ItemFilter> filters;
  add_file_filters(request, filters);
  if (!add_status_filter(request, filters, error)) co_return error;
  std::vector<int> wanted_ids;
  if (auto ids = request.query_param("rule_ids")) {
    for (const auto& piece : split_list(*ids)) {
      auto id = to_int(piece);
      if (!id || *id < 0) co_return problem_reply(400, "Bad Request", "Invalid 'rule_ids' value: " + piece, 1000);
      wanted_ids.push_back(*id);
    }
    filters.push_back([wanted_ids](const json::value& item) {
      return std::find(wanted_ids.begin(), wanted_ids.end(), item.at("id").to_number<int>()) != wanted_ids.end();
    });
  }
  if (auto level = request.query_param("level")) {
    const auto dash = level->find('-');
    auto low = to_int(level->substr(0, dash));
    auto high = dash == std::string_view::npos ? low : to_int(level->substr(dash + 1));
    if (!low || !high || *low > *high) {
      co_return problem_reply(400, "Bad Request",
                              "Error in argument 'level': it must be a number or an interval separated by '-'", 1203);
    }
    filters.push_back([low = *low, high = *high](const json::value& item) {
      const int value = item.at("level").to_number<int>();
      return value >= low && value <= high;
    });
  }
  for (const char* field : {"group", "pci_dss", "gpg13", "gdpr", "hipaa", "nist_800_53", "tsc", "mitre"}) {
    if (auto value = request.query_param(field)) {
      std::string wanted(*value);
      std::string array = std::string(field) == "group" ? "groups" : field;
      filters.push_back([wanted, array](const json::value& item) { return array_field_has(item, array, wanted); });
    }
  }
  if (query->sort.empty()) query->sort.push_back({"id", false});
  auto ruleset = running(context);
  // Thousands of rules take tens of milliseconds to build: off the io thread.
  co_return co_await context.pool.run([&] {
    auto items = rule_items(*ruleset);
    keep_matching(items, filters);
    json::array failed;
    for (int id : wanted_ids) {
      const bool found = std::any_of(items.begin(), items.end(),
                                     [&](const json::value& item) { return item.at("id").to_number<int>() == id; });
      if (!found) {
        failed.push_back(
            failed_item(std::to_string(id), 1208, "The rule does not exist or you do not have permission to see it"));
      }
    }
    const auto message = failed.empty() ? "All selected rules were returned"
                                        : (items.empty() ? "No rule was returned" : "Some rules were not returned");
    return listing_reply(std::move(items), *query, std::move(failed), message);
  });
}

awaitable<http::Response> list_rule_groups(ApiContext& context, http::Request& request) {
  http::Response error;
  auto query = parse_item_query(request, error);
  if (!query) co_return error;
  auto ruleset = running(context);
  auto groups = co_await context.pool.run([&] {
    std::set<std::string> names;
    for (const auto& item : rule_items(*ruleset)) {
      for (const auto& group : item.at("groups").as_array()) names.emplace(group.as_string());
    }
    return names;
  });
  json::array items;
  for (const auto& group : groups) items.emplace_back(group);
  // Items are plain strings: any sort field sorts them by value.
  const bool descending = !query->sort.empty() && query->sort.front().descending;
  if (descending) std::reverse(items.begin(), items.end());
  query->sort.clear();
  co_return listing_reply(std::move(items), *query, {}, "All groups in rules were returned");
}

awaitable<http::Response> list_files(ApiContext& context, http::Request& request, RulesetFileKind kind) {
  http::Response error;
  auto query = parse_item_query(request, error);
  if (!query) co_return error;
  std::vector<ItemFilter> filters;
  add_file_filters(request, filters);
  if (kind != RulesetFileKind::lists && !add_status_filter(request, filters, error)) co_return error;
  auto ruleset = running(context);
  const auto& sources = ruleset->sources();
  auto items = kind == RulesetFileKind::rules      ? file_items(sources.rules)
               : kind == RulesetFileKind::decoders ? file_items(sources.decoders)
                                                   : file_items(sources.lists, false);
  keep_matching(items, filters);
  const auto message = kind == RulesetFileKind::rules      ? "All rule files were returned"
                       : kind == RulesetFileKind::decoders ? "All decoder files were returned"
                                                           : "All specified paths were returned";
  co_return listing_reply(std::move(items), *query, {}, message);
}

const analysis::RulesetFile* find_file(const std::vector<analysis::RulesetFile>& files, std::string_view name,
                                       std::optional<std::string_view> directory) {
  for (const auto& file : files) {
    auto [dir, base] = split_file_path(file.path);
    if (base == name && (!directory || dir == *directory)) return &file;
  }
  return nullptr;
}

awaitable<http::Response> get_file(ApiContext& context, http::Request& request, RulesetFileKind kind) {
  const auto& name = request.path_params.at("filename");
  auto ruleset = running(context);
  const auto& sources = ruleset->sources();
  const auto& files = kind == RulesetFileKind::rules      ? sources.rules
                      : kind == RulesetFileKind::decoders ? sources.decoders
                                                          : sources.lists;
  const auto* file = find_file(files, name, request.query_param("relative_dirname"));
  const bool raw = request.query_param("raw") == std::optional<std::string_view>("true");
  if (file == nullptr) {
    const int code = kind == RulesetFileKind::rules ? 1415 : kind == RulesetFileKind::decoders ? 1503 : 1802;
    const std::string what = kind == RulesetFileKind::rules      ? "Rules file not found"
                             : kind == RulesetFileKind::decoders ? "Decoders file not found"
                                                                 : "Lists file not found";
    if (raw) co_return problem_reply(404, "Resource not found", what + ": " + name, code);
    json::array failed{failed_item(name, code, what)};
    co_return envelope_reply({}, 0, std::move(failed),
                             kind == RulesetFileKind::lists ? "No list was returned" : "No rule was returned");
  }
  if (raw) {
    auto reply = text_reply(200, file->text);
    reply.content_type = kind == RulesetFileKind::lists ? "text/plain" : "application/xml";
    co_return reply;
  }
  if (kind == RulesetFileKind::lists) {
    json::object entries;
    if (auto list = ruleset->lists().find(file->path)) {
      for (const auto& [key, value] : list->entries()) entries[key] = value;
    }
    co_return envelope_reply(json::array{std::move(entries)}, 1, {}, "CDB list was returned");
  }
  auto content = ruleset_xml_to_json(file->text, file->path);
  if (!content) co_return problem_reply(400, "Bad Request", content.error().message, 1413);
  co_return envelope_reply(
      json::array{std::move(content).value()}, 1, {},
      kind == RulesetFileKind::rules ? "Selected rule was returned" : "Selected decoder was returned");
}

awaitable<http::Response> list_decoders(ApiContext& context, http::Request& request, bool parents_only) {
  http::Response error;
  auto query = parse_item_query(request, error);
  if (!query) co_return error;
  std::vector<ItemFilter> filters;
  add_file_filters(request, filters);
  if (!add_status_filter(request, filters, error)) co_return error;
  std::vector<std::string> names;
  if (auto wanted = request.query_param("decoder_names")) {
    names = split_list(*wanted);
    filters.push_back([names](const json::value& item) {
      const auto* name = string_field(item, "name");
      return name != nullptr && std::find(names.begin(), names.end(), std::string_view(*name)) != names.end();
    });
  }
  if (parents_only) {
    filters.push_back([](const json::value& item) { return !item.at("details").as_object().contains("parent"); });
  }
  auto ruleset = running(context);
  co_return co_await context.pool.run([&] {
    auto items = decoder_items(*ruleset);
    keep_matching(items, filters);
    json::array failed;
    for (const auto& name : names) {
      const bool found = std::any_of(items.begin(), items.end(),
                                     [&](const json::value& item) { return *string_field(item, "name") == name; });
      if (!found) {
        failed.push_back(failed_item(name, 1504, "The decoder does not exist or you do not have permission to see it"));
      }
    }
    const auto message = failed.empty()
                             ? "All selected decoders were returned"
                             : (items.empty() ? "No decoder was returned" : "Some decoders were not returned");
    return listing_reply(std::move(items), *query, std::move(failed), message);
  });
}

awaitable<http::Response> list_lists(ApiContext& context, http::Request& request) {
  http::Response error;
  auto query = parse_item_query(request, error);
  if (!query) co_return error;
  std::vector<ItemFilter> filters;
  add_file_filters(request, filters);
  auto items = list_items(*running(context));
  keep_matching(items, filters);
  co_return listing_reply(std::move(items), *query, {}, "All specified lists were returned");
}

std::string uploaded_path(RulesetFileKind kind, const std::string& name) {
  return engine::custom_directory(kind) + "/" + name;
}

std::string_view uploaded_message(RulesetFileKind kind, bool deleted) {
  switch (kind) {
    case RulesetFileKind::rules:
      return deleted ? "Rule was successfully deleted" : "Rule was successfully uploaded";
    case RulesetFileKind::decoders:
      return deleted ? "Decoder file was successfully deleted" : "Decoder was successfully uploaded";
    case RulesetFileKind::lists:
      return deleted ? "CDB list file was successfully deleted" : "CDB list file uploaded successfully";
  }
  return "";
}

std::string_view not_uploaded_message(RulesetFileKind kind, bool deleted) {
  switch (kind) {
    case RulesetFileKind::rules:
      return deleted ? "Could not delete rule" : "Could not upload rule";
    case RulesetFileKind::decoders:
      return deleted ? "Could not delete decoder file" : "Could not upload decoder";
    case RulesetFileKind::lists:
      return deleted ? "Could not delete CDB list file" : "Could not upload CDB list file";
  }
  return "";
}

http::Response invalid_file_name(RulesetFileKind kind, std::string_view name) {
  return problem_reply(400, "Bad Request",
                       "Invalid file name '" + std::string(name) + "': use 1-255 characters of A-Z a-z 0-9 _ . - " +
                           (kind == RulesetFileKind::lists ? "(not ending in .cdb)" : "ending in .xml"),
                       1801);
}

// The outcome of a change: the envelope Wazuh answers, or a 400 naming file, line and element.
http::Response change_reply(const core::Status& changed, RulesetFileKind kind, const std::string& name, bool deleted) {
  const auto path = uploaded_path(kind, name);
  if (changed) return envelope_reply(json::array{json::string(path)}, 1, {}, uploaded_message(kind, deleted));
  switch (changed.error().kind) {
    case core::ErrorKind::conflict: {
      json::array failed{failed_item(path, 1905, "File could not be updated, it already exists")};
      return envelope_reply({}, 0, std::move(failed), not_uploaded_message(kind, deleted));
    }
    case core::ErrorKind::not_found: {
      json::array failed{failed_item(path, 1906, "File does not exist")};
      return envelope_reply({}, 0, std::move(failed), not_uploaded_message(kind, deleted));
    }
    case core::ErrorKind::invalid_argument:
      return problem_reply(400, "Bad Request", changed.error().message, kind == RulesetFileKind::lists ? 1800 : 1113);
    default:
      return error_reply(changed.error());
  }
}

awaitable<http::Response> put_file(ApiContext& context, http::Request& request, RulesetFileKind kind) {
  const auto& name = request.path_params.at("filename");
  if (!engine::is_valid_custom_file_name(kind, name)) co_return invalid_file_name(kind, name);
  if (const auto type = media_type(request); type != "application/octet-stream") {
    co_return problem_reply(415, "Unsupported Media Type",
                            "Invalid content-type: send the file as application/octet-stream", 6002);
  }
  bool overwrite = false;
  if (auto value = request.query_param("overwrite")) {
    if (*value != "true" && *value != "false") {
      co_return problem_reply(400, "Bad Request", "Invalid 'overwrite' parameter: use true or false", 1000);
    }
    overwrite = *value == "true";
  }
  if (request.body.empty()) co_return problem_reply(400, "Bad Request", "Empty files are not supported", 1112);
  const bool valid_text =
      request.body.find('\0') == std::string::npos && core::valid_utf8(request.body) == request.body;
  if (!valid_text) co_return problem_reply(400, "Bad Request", "The file must be UTF-8 text without NUL bytes", 1113);
  auto changed = co_await context.pool.run([&] { return context.rulesets->put(kind, name, request.body, overwrite); });
  co_return change_reply(changed, kind, name, false);
}

awaitable<http::Response> delete_file(ApiContext& context, http::Request& request, RulesetFileKind kind) {
  const auto& name = request.path_params.at("filename");
  if (!engine::is_valid_custom_file_name(kind, name)) co_return invalid_file_name(kind, name);
  auto changed = co_await context.pool.run([&] { return context.rulesets->remove(kind, name); });
  co_return change_reply(changed, kind, name, true);
}

}  // namespace

void register_ruleset_routes(http::Router& router, ApiContext& context) {
  if (context.analysis == nullptr) return;
  auto route = [&](http::Method method, std::string pattern, auto handler, std::size_t max_body_bytes = 0) {
    auto endpoint =
        require_user(context, [&context, handler](http::Request& request) { return handler(context, request); });
    if (max_body_bytes != 0) endpoint.max_body_bytes = max_body_bytes;
    router.add(method, std::move(pattern), std::move(endpoint));
  };
  route(http::Method::get, "/rules", list_rules);
  route(http::Method::get, "/rules/groups", list_rule_groups);
  route(http::Method::get, "/decoders", [](ApiContext& c, http::Request& r) { return list_decoders(c, r, false); });
  route(http::Method::get, "/decoders/parents",
        [](ApiContext& c, http::Request& r) { return list_decoders(c, r, true); });
  route(http::Method::get, "/lists", list_lists);
  for (auto kind : {RulesetFileKind::rules, RulesetFileKind::decoders, RulesetFileKind::lists}) {
    const std::string base = "/" + std::string(engine::to_string(kind)) + "/files";
    route(http::Method::get, base, [kind](ApiContext& c, http::Request& r) { return list_files(c, r, kind); });
    route(http::Method::get, base + "/{filename}",
          [kind](ApiContext& c, http::Request& r) { return get_file(c, r, kind); });
    if (context.rulesets == nullptr) continue;
    route(
        http::Method::put, base + "/{filename}",
        [kind](ApiContext& c, http::Request& r) { return put_file(c, r, kind); }, kMaxCustomFileBytes);
    route(http::Method::del, base + "/{filename}",
          [kind](ApiContext& c, http::Request& r) { return delete_file(c, r, kind); });
  }
}

}  // namespace herald::api
