#include "analysis/event_source.h"

#include <boost/json.hpp>
#include <exception>
#include <optional>

#include "core/input_checks.h"

namespace herald::analysis {

namespace json = boost::json;

namespace {

// As a C string: up to the first NUL.
std::string_view c_string(std::string_view text) {
  return text.substr(0, text.find('\0'));
}

// Where the location of "<location>:<message>" ends: the first ':' not escaped by '|'.
std::size_t unescaped_colon(std::string_view text) {
  bool escaped = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (escaped) {
      escaped = false;
    } else if (text[i] == ':') {
      return i;
    } else if (text[i] == '|') {
      escaped = true;
    }
  }
  return std::string_view::npos;
}

// Appends `escaped` unescaped as analysisd does: "||" is '|', "|x" is 'x', a trailing '|' stays.
// The whole of `out` stays within kMaxLocationLength.
void append_unescaped(std::string_view escaped, std::string& out) {
  for (std::size_t i = 0; i < escaped.size() && out.size() < kMaxLocationLength; ++i) {
    if (escaped[i] != '|' || i + 1 == escaped.size()) {
      out.push_back(escaped[i]);
    } else if (escaped[i + 1] == '|') {
      out.push_back('|');
      ++i;
    }
  }
}

std::optional<json::value> parse_json(std::string_view text, json::storage_ptr storage) {
  boost::system::error_code ec;
  try {
    auto value = json::parse(text, ec, std::move(storage), core::client_json_options());
    if (ec) return std::nullopt;
    return value;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

const json::string* string_member(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_string() ? &value->get_string() : nullptr;
}

const json::object* object_member(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_object() ? &value->get_object() : nullptr;
}

std::string_view view(const json::string& text) {
  return {text.data(), text.size()};
}

// Runs a JSON-reading body: allocation failures come back as errors, not exceptions.
template <class Body>
auto guarded(std::string_view what, Body body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& e) {
    return core::internal_error(std::string(what) + ": " + e.what());
  }
}

// "[<id>] (<name>) <ip>->", the prefix remoted gives an agent's locations.
void append_agent_prefix(const AgentIdentity& agent, std::string& out) {
  out.append("[").append(agent.id).append("] (").append(agent.name).append(") ").append(agent.ip).append("->");
}

}  // namespace

core::Status parse_queue_message(std::string_view text, Event& event) {
  event.reset();
  text = c_string(text);
  if (text.size() < 2 || text[1] != ':') {
    return core::invalid_argument("a queue message starts with its queue character and ':'");
  }
  const std::string_view rest = text.substr(2);
  const auto colon = unescaped_colon(rest);
  if (colon == std::string_view::npos) return core::invalid_argument("no unescaped ':' ends the location");
  event.queue = text[0];
  append_unescaped(rest.substr(0, colon), event.location);
  event.full_log.assign(rest.substr(colon + 1));
  return core::ok_status();
}

core::Status parse_legacy_agent_message(const AgentIdentity& agent, std::string_view text, Event& event) {
  event.reset();
  text = c_string(text);
  if (text.size() < 2 || text[1] != ':') {
    return core::invalid_argument("an agent event starts with its queue character and ':'");
  }
  const std::string_view rest = text.substr(2);
  if (rest.starts_with("keepalive")) return core::not_found("a keepalive location carries no event");
  const auto colon = unescaped_colon(rest);
  if (colon == std::string_view::npos) return core::invalid_argument("no unescaped ':' ends the location");
  event.queue = text[0];
  event.agent_id.assign(agent.id);
  event.agent_name.assign(agent.name);
  event.agent_ip.assign(agent.ip);
  append_agent_prefix(agent, event.location);
  if (event.location.size() > kMaxLocationLength) event.location.resize(kMaxLocationLength);
  append_unescaped(rest.substr(0, colon), event.location);
  event.full_log.assign(rest.substr(colon + 1));
  return core::ok_status();
}

core::Status parse_legacy_event_line(std::string_view line, Event& event) {
  return guarded("parse_legacy_event_line", [&]() -> core::Status {
    event.reset();
    json::monotonic_resource scratch;
    const auto value = parse_json(line, &scratch);
    if (!value || !value->is_object()) return core::invalid_argument("a legacy event line is a JSON object");
    const auto& object = value->get_object();
    const auto* agent_id = string_member(object, "agent_id");
    const auto* agent_name = string_member(object, "agent_name");
    const auto* queue = string_member(object, "queue");
    const auto* location = string_member(object, "location");
    const auto* message = string_member(object, "message");
    if (agent_id == nullptr || agent_name == nullptr || location == nullptr || message == nullptr) {
      return core::invalid_argument("a legacy event line needs the strings agent_id, agent_name, location and message");
    }
    if (queue == nullptr || queue->size() != 1) {
      return core::invalid_argument("a legacy event line needs \"queue\", a one-character string");
    }
    event.queue = (*queue)[0];
    event.agent_id.assign(view(*agent_id));
    event.agent_name.assign(view(*agent_name));
    append_unescaped(view(*location), event.location);
    event.full_log.assign(c_string(view(*message)));
    return core::ok_status();
  });
}

core::Result<AgentIdentity> parse_stateless_agent(std::string_view metadata_line) {
  return guarded("parse_stateless_agent", [&]() -> core::Result<AgentIdentity> {
    json::monotonic_resource scratch;
    const auto value = parse_json(metadata_line, &scratch);
    const json::object* agent = nullptr;
    if (value && value->is_object()) agent = object_member(value->get_object(), "agent");
    if (agent == nullptr) return core::invalid_argument("the metadata line is an object {\"agent\":{...}}");
    const auto* id = string_member(*agent, "id");
    const auto* name = string_member(*agent, "name");
    if (id == nullptr || id->empty() || name == nullptr) {
      return core::invalid_argument("the agent metadata needs agent.id (a non-empty string) and agent.name (a string)");
    }
    AgentIdentity identity{std::string(view(*id)), std::string(view(*name)), "any"};
    if (const auto* host = object_member(*agent, "host")) {
      if (const auto* ip = host->if_contains("ip")) {
        if (ip->is_string()) {
          identity.ip = std::string(view(ip->get_string()));
        } else if (ip->is_array() && !ip->get_array().empty() && ip->get_array().front().is_string()) {
          identity.ip = std::string(view(ip->get_array().front().get_string()));
        }
      }
    }
    if (identity.ip.empty()) identity.ip = "any";
    return identity;
  });
}

core::Status parse_stateless_event(const AgentIdentity& agent, std::string_view header_line, std::string_view data_line,
                                   Event& event) {
  return guarded("parse_stateless_event", [&]() -> core::Status {
    event.reset();
    json::monotonic_resource scratch;
    const auto header = parse_json(header_line, &scratch);
    if (!header || !header->is_object()) return core::invalid_argument("a stateless header is a JSON object");
    const auto data = parse_json(data_line, &scratch);
    if (!data || !data->is_object()) return core::invalid_argument("a stateless data line is a JSON object");

    const json::string* original = nullptr;
    if (const auto* event_object = object_member(data->get_object(), "event")) {
      original = string_member(*event_object, "original");
    }
    if (original == nullptr) return core::invalid_argument("the stateless data has no event.original string");

    const json::string* path = nullptr;
    if (const auto* log = object_member(data->get_object(), "log")) {
      if (const auto* file = object_member(*log, "file")) path = string_member(*file, "path");
    }
    if (path == nullptr) path = string_member(header->get_object(), "collector");
    if (path == nullptr) path = string_member(header->get_object(), "module");

    event.queue = '1';
    event.agent_id.assign(agent.id);
    event.agent_name.assign(agent.name);
    event.agent_ip.assign(agent.ip);
    append_agent_prefix(agent, event.location);
    if (path != nullptr) event.location.append(view(*path));
    if (event.location.size() > kMaxLocationLength) event.location.resize(kMaxLocationLength);
    event.full_log.assign(c_string(view(*original)));
    return core::ok_status();
  });
}

core::Status parse_logtest_request(std::string_view request_json, Event& event) {
  return guarded("parse_logtest_request", [&]() -> core::Status {
    event.reset();
    json::monotonic_resource scratch;
    const auto value = parse_json(request_json, &scratch);
    if (!value || !value->is_object()) return core::invalid_argument("a logtest request is a JSON object");
    const json::object* request = &value->get_object();
    // The logtest socket's form: {"command":"log_processing","parameters":{...}}.
    if (request->if_contains("event") == nullptr) {
      if (const auto* parameters = object_member(*request, "parameters")) request = parameters;
    }

    const auto* location = string_member(*request, "location");
    if (location == nullptr || location->empty()) {
      return core::invalid_argument("a logtest request needs \"location\", a non-empty string");
    }
    const auto* log_format = string_member(*request, "log_format");
    if (log_format == nullptr || log_format->empty()) {
      return core::invalid_argument("a logtest request needs \"log_format\", a non-empty string");
    }
    const auto* log = request->if_contains("event");
    if (log == nullptr) return core::invalid_argument("a logtest request needs \"event\"");
    if (log->is_string() && !log->get_string().empty()) {
      event.full_log.assign(c_string(view(log->get_string())));
    } else if (log->is_object() && !log->get_object().empty()) {
      event.full_log = json::serialize(*log);
    } else {
      return core::invalid_argument("a logtest \"event\" is a non-empty string or a non-empty object");
    }
    event.queue = '1';
    event.location.assign(view(*location).substr(0, kMaxLocationLength));
    return core::ok_status();
  });
}

}  // namespace herald::analysis
