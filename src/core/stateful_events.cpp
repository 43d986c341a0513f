#include "core/stateful_events.h"

#include <boost/json.hpp>

#include <algorithm>
#include <array>
#include <limits>
#include <new>

#include "core/finite_numbers.h"

namespace herald::core {

namespace json = boost::json;

namespace {

constexpr std::array<std::string_view, 5> kModules = {"fim", "inventory", "sca", "vulnerability", "command"};
constexpr std::array<std::string_view, 7> kCollectors = {"hardware", "hotfixes", "packages", "networks",
                                                         "system",   "ports",    "processes"};
constexpr std::array<std::string_view, 3> kOperations = {"create", "update", "delete"};

template <std::size_t N>
bool one_of(const std::array<std::string_view, N>& allowed, std::string_view value) {
  return std::find(allowed.begin(), allowed.end(), value) != allowed.end();
}

struct Line {
  std::size_t number;     // 1-based, counting the blank lines too, for error details
  std::string_view text;  // without surrounding whitespace
};

bool is_blank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f'; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && is_blank(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_blank(text.back())) text.remove_suffix(1);
  return text;
}

std::vector<Line> non_blank_lines(std::string_view body) {
  std::vector<Line> lines;
  std::size_t number = 0;
  while (!body.empty()) {
    ++number;
    const auto end = body.find('\n');
    auto text = trim(body.substr(0, end));
    if (!text.empty()) lines.push_back({number, text});
    if (end == std::string_view::npos) break;
    body.remove_prefix(end + 1);
  }
  return lines;
}

StatefulEventsError bad_body(std::string detail = {}) {
  std::string message(kInvalidStatefulBody);
  if (!detail.empty()) message += ": " + detail;
  return {kInvalidStatefulBodyCode, std::move(message)};
}

StatefulEventsError invalid(std::string_view message) { return {400, std::string(message)}; }

std::string line_label(const Line& line) { return "line " + std::to_string(line.number); }

// Parses one line; on failure returns the 2709 error naming the line.
std::variant<json::value, StatefulEventsError> parse_line(const Line& line) {
  json::parse_options options;
  options.max_depth = 64;  // inventory documents nest a little; the default of 32 is tight
  boost::system::error_code ec;
  json::value value = json::parse(line.text, ec, {}, options);
  if (ec) return bad_body(line_label(line) + " is not valid JSON (" + ec.message() + ")");
  return value;
}

std::optional<std::string> string_at(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr || !value->is_string()) return std::nullopt;
  return std::string(value->get_string());
}

StatefulEventsError missing_agent_field(std::string_view field) {
  return {400, "Invalid agent metadata: missing or invalid agent" + std::string(field.empty() ? "" : ".") +
                   std::string(field)};
}

std::variant<AgentMetadata, StatefulEventsError> parse_metadata(const json::value& line) {
  const auto* agent_value = line.is_object() ? line.get_object().if_contains("agent") : nullptr;
  if (agent_value == nullptr || !agent_value->is_object()) return missing_agent_field("");
  const auto& agent = agent_value->get_object();
  // The metadata is stored and forwarded re-serialized: an infinite number would become `Infinity`.
  if (!holds_only_finite_numbers(*agent_value)) return StatefulEventsError{400, "Invalid agent metadata: numbers must fit a double"};

  AgentMetadata metadata;
  auto id = string_at(agent, "id");
  if (!id || id->empty()) return missing_agent_field("id");
  metadata.id = std::move(*id);
  auto name = string_at(agent, "name");
  if (!name) return missing_agent_field("name");
  metadata.name = std::move(*name);

  const auto* groups = agent.if_contains("groups");
  if (groups == nullptr || !groups->is_array()) return missing_agent_field("groups");
  for (const auto& group : groups->get_array()) {
    if (!group.is_string()) return missing_agent_field("groups");
    metadata.groups.emplace_back(group.get_string());
  }

  auto type = string_at(agent, "type");
  if (!type) return missing_agent_field("type");
  metadata.type = std::move(*type);
  auto version = string_at(agent, "version");
  if (!version) return missing_agent_field("version");
  metadata.version = std::move(*version);

  const auto* host_value = agent.if_contains("host");
  if (host_value == nullptr || !host_value->is_object()) return missing_agent_field("host");
  const auto& host = host_value->get_object();
  metadata.host_json = json::serialize(host);
  metadata.hostname = string_at(host, "hostname");
  metadata.architecture = string_at(host, "architecture");
  if (const auto* os = host.if_contains("os"); os != nullptr && os->is_object()) {
    metadata.os_name = string_at(os->get_object(), "name");
    metadata.os_type = string_at(os->get_object(), "type");
    metadata.os_version = string_at(os->get_object(), "version");
  }
  if (const auto* ip = host.if_contains("ip"); ip != nullptr) {
    if (ip->is_string()) metadata.ips.emplace_back(ip->get_string());
    if (ip->is_array()) {
      for (const auto& address : ip->get_array()) {
        if (address.is_string()) metadata.ips.emplace_back(address.get_string());
      }
    }
  }
  metadata.raw_json = json::serialize(agent);
  return metadata;
}

std::string route(const StatefulEvent& event) {
  if (event.module == "command") return "wazuh-commands";
  if (event.module == "fim") return "wazuh-states-fim";
  if (event.module == "sca") return "wazuh-states-sca";
  if (event.module == "vulnerability") return "wazuh-states-vulnerabilities";
  return "wazuh-states-inventory-" + event.collector.value_or("");
}

// Validates a header line into `event` (everything but data_json).
std::optional<StatefulEventsError> parse_header(const Line& line, const json::value& value, StatefulEvent& event) {
  const std::string where = "Invalid event header on " + line_label(line);
  if (!value.is_object()) return invalid(where + ": it must be a JSON object");
  const auto& header = value.get_object();

  const auto* module = header.if_contains("module");
  if (module == nullptr || module->is_null()) return invalid(where + ": missing module");
  if (!module->is_string() || !one_of(kModules, module->get_string())) return invalid(kInvalidModule);
  event.module = std::string(module->get_string());

  const auto* collector = header.if_contains("collector");
  if (collector != nullptr && !collector->is_null()) {
    if (!collector->is_string()) {
      return invalid(event.module == "inventory" ? std::string(kInvalidCollector)
                                                 : where + ": collector must be a string");
    }
    event.collector = std::string(collector->get_string());
  }
  if (event.module == "inventory" && (!event.collector || !one_of(kCollectors, *event.collector))) {
    return invalid(kInvalidCollector);
  }

  const auto* operation = header.if_contains("operation");
  if (operation == nullptr || operation->is_null()) return invalid(where + ": missing operation");
  if (!operation->is_string() || !one_of(kOperations, operation->get_string())) return invalid(kInvalidOperation);
  event.operation = std::string(operation->get_string());

  const auto* id = header.if_contains("id");
  if (id != nullptr && !id->is_null()) {
    if (!id->is_string()) return invalid(where + ": id must be a string");
    event.id = std::string(id->get_string());
  }
  // A result without the order id cannot be applied to anything; upstream would send the indexer
  // an update without `_id` and report the failure per item.
  if (event.module == "command" && (!event.id || event.id->empty())) return invalid(kCommandResultNeedsId);

  event.index = route(event);
  return std::nullopt;
}

ParsedStatefulEvents parse(std::string_view body) {
  const auto lines = non_blank_lines(body);
  if (lines.size() < 2) return bad_body();

  auto metadata_line = parse_line(lines[0]);
  if (auto* error = std::get_if<StatefulEventsError>(&metadata_line)) return std::move(*error);
  auto metadata = parse_metadata(std::get<json::value>(metadata_line));
  if (auto* error = std::get_if<StatefulEventsError>(&metadata)) return std::move(*error);

  StatefulBatch batch;
  batch.agent = std::move(std::get<AgentMetadata>(metadata));
  for (std::size_t next = 1; next < lines.size();) {
    const Line& header_line = lines[next++];
    auto header = parse_line(header_line);
    if (auto* error = std::get_if<StatefulEventsError>(&header)) return std::move(*error);
    StatefulEvent event;
    if (auto error = parse_header(header_line, std::get<json::value>(header), event)) return std::move(*error);

    if (event.operation != "delete") {
      if (next == lines.size()) {
        return bad_body(line_label(header_line) + ": the " + event.operation + " header has no data line");
      }
      const Line& data_line = lines[next++];
      auto data = parse_line(data_line);
      if (auto* error = std::get_if<StatefulEventsError>(&data)) return std::move(*error);
      if (!std::get<json::value>(data).is_object()) {
        return bad_body(line_label(data_line) + ": the event data must be a JSON object");
      }
      event.data_json = std::string(data_line.text);  // as received: no re-rendering of numbers
    }
    batch.events.push_back(std::move(event));
  }
  return batch;
}

}  // namespace

ParsedStatefulEvents parse_stateful_events(std::string_view body) {
  try {
    return parse(body);
  } catch (const std::bad_alloc&) {
    return bad_body("the body is too large");
  } catch (const std::exception& e) {
    // Boost.JSON reports through error codes; this is only a guard for the "never throws" contract.
    return bad_body(e.what());
  }
}

std::optional<AgentMetadata> parse_agent_metadata_line(std::string_view body) {
  auto first = body.substr(0, body.find('\n'));
  json::error_code ec;
  auto line = json::parse(first, ec);
  if (ec) return std::nullopt;
  auto metadata = parse_metadata(line);
  if (auto* parsed = std::get_if<AgentMetadata>(&metadata)) return std::move(*parsed);
  return std::nullopt;
}

std::optional<CommandResultReport> command_result(const StatefulEvent& event) {
  if (!event.data_json) return std::nullopt;
  boost::system::error_code ec;
  json::value data;
  try {
    data = json::parse(*event.data_json, ec);
  } catch (const std::exception&) {
    return std::nullopt;
  }
  if (ec || !data.is_object()) return std::nullopt;
  const auto* command = data.get_object().if_contains("command");
  if (command == nullptr || !command->is_object()) return std::nullopt;
  const auto* result_value = command->get_object().if_contains("result");
  if (result_value == nullptr || !result_value->is_object()) return std::nullopt;
  const auto& result = result_value->get_object();

  CommandResultReport report;
  const auto* code = result.if_contains("code");
  if (code == nullptr) return std::nullopt;
  if (code->is_int64()) {
    report.code = code->get_int64();
  } else if (code->is_uint64() && code->get_uint64() <= static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max())) {
    report.code = static_cast<std::int64_t>(code->get_uint64());
  } else {
    return std::nullopt;
  }
  if (const auto* message = result.if_contains("message"); message != nullptr) {
    if (!message->is_string()) return std::nullopt;
    report.message = std::string(message->get_string());
  }
  if (const auto* extra = result.if_contains("data"); extra != nullptr) {
    if (!holds_only_finite_numbers(*extra)) return std::nullopt;  // would be serialized as `Infinity`
    report.data_json = json::serialize(*extra);
  }
  return report;
}

}  // namespace herald::core
