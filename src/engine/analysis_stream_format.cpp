#include "engine/analysis_stream_format.h"

#include <boost/json.hpp>

namespace herald::engine {

namespace json = boost::json;

namespace {

constexpr std::int64_t kVersion = 1;

std::string_view kind_name(AnalysisInput::Kind kind) {
  return kind == AnalysisInput::Kind::stateless_body ? "stateless_body" : "message";
}

// The string field `key`, or an error naming it.
core::Result<std::string> string_field(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  if (value == nullptr) return core::invalid_argument("missing field " + std::string(key));
  if (!value->is_string()) return core::invalid_argument("field " + std::string(key) + " is not a string");
  return std::string(value->get_string());
}

}  // namespace

std::string encode_analysis_input(const AnalysisInput& input) {
  return json::serialize(json::object{{"v", kVersion},
                                      {"kind", kind_name(input.kind)},
                                      {"agent_id", input.agent_id},
                                      {"agent_name", input.agent_name},
                                      {"agent_ip", input.agent_ip},
                                      {"queue", std::string(1, input.queue)},
                                      {"location", input.location},
                                      {"message", input.message}});
}

core::Result<AnalysisInput> decode_analysis_input(std::string_view data) {
  boost::system::error_code error;
  json::value parsed = json::parse(data, error);
  if (error) return core::invalid_argument("not JSON: " + error.message());
  const auto* object = parsed.if_object();
  if (object == nullptr) return core::invalid_argument("not a JSON object");
  const auto* version = object->if_contains("v");
  if (version == nullptr || !version->is_int64() || version->get_int64() != kVersion) {
    return core::invalid_argument("field v is not 1");
  }
  AnalysisInput input;
  auto kind = string_field(*object, "kind");
  if (!kind) return kind.error();
  if (*kind == "message") {
    input.kind = AnalysisInput::Kind::message;
  } else if (*kind == "stateless_body") {
    input.kind = AnalysisInput::Kind::stateless_body;
  } else {
    return core::invalid_argument("unknown kind " + *kind);
  }
  std::string* targets[] = {&input.agent_id, &input.agent_name, &input.agent_ip, &input.location, &input.message};
  const std::string_view keys[] = {"agent_id", "agent_name", "agent_ip", "location", "message"};
  for (std::size_t i = 0; i < std::size(keys); ++i) {
    auto value = string_field(*object, keys[i]);
    if (!value) return value.error();
    *targets[i] = std::move(value).value();
  }
  if (input.agent_id.empty()) return core::invalid_argument("field agent_id is empty");
  auto queue = string_field(*object, "queue");
  if (!queue) return queue.error();
  if (queue->size() != 1) return core::invalid_argument("field queue is not one character");
  input.queue = (*queue)[0];
  return input;
}

std::uint32_t analysis_partition(std::string_view agent_id, std::uint32_t partitions) {
  std::uint32_t hash = 2166136261u;
  for (unsigned char c : agent_id) {
    hash ^= c;
    hash *= 16777619u;
  }
  return hash % partitions;
}

std::string analysis_subject(std::uint32_t partition) {
  return "analysis." + std::to_string(partition);
}

}  // namespace herald::engine
