#include "cli/command_body.h"

#include <boost/json.hpp>

#include "cli/durations.h"
#include "cli/failure.h"

namespace herald::cli {

namespace json = boost::json;

namespace {

json::object parse_target(const std::string& text) {
  auto colon = text.find(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == text.size()) {
    throw bad_arguments("--target must be agent:<id>, group:<name> or server:<module>, not '" + text + "'");
  }
  auto type = text.substr(0, colon);
  if (type != "agent" && type != "group" && type != "server") {
    throw bad_arguments("--target type must be agent, group or server, not '" + type + "'");
  }
  return json::object{{"type", type}, {"id", text.substr(colon + 1)}};
}

json::object parse_args(const std::vector<std::string>& args) {
  json::object out;
  for (const auto& arg : args) {
    auto equals = arg.find('=');
    if (equals == std::string::npos || equals == 0) {
      throw bad_arguments("--arg must be key=text or key:=json, not '" + arg + "'");
    }
    bool raw_json = arg[equals - 1] == ':';
    auto key = arg.substr(0, raw_json ? equals - 1 : equals);
    auto text = arg.substr(equals + 1);
    if (key.empty()) throw bad_arguments("--arg '" + arg + "' has no key");
    if (out.contains(key)) throw bad_arguments("--arg " + key + " is given twice");
    if (raw_json) {
      json::error_code ec;
      auto value = json::parse(text, ec);
      if (ec) throw bad_arguments("--arg " + key + ":= is not valid JSON: " + text);
      out[key] = std::move(value);
    } else {
      out[key] = text;
    }
  }
  return out;
}

std::int64_t parse_timeout_seconds(const std::string& text) {
  auto duration = parse_duration(text);
  if (!duration || duration->count() <= 0 || duration->count() % 1000 != 0) {
    throw bad_arguments("--timeout must be a whole number of seconds (or e.g. 5m), not '" + text + "'");
  }
  return duration->count() / 1000;
}

}  // namespace

std::string build_command_body(const CommandFlags& flags) {
  if (flags.target.empty()) throw bad_arguments("commands send needs --target (or --file)");
  if (flags.action.empty()) throw bad_arguments("commands send needs --action (or --file)");
  json::object action{{"name", flags.action}, {"args", parse_args(flags.args)}, {"version", flags.version}};
  json::object command{{"source", flags.source},
                       {"user", flags.user},
                       {"target", parse_target(flags.target)},
                       {"action", std::move(action)},
                       {"timeout", parse_timeout_seconds(flags.timeout)}};
  return json::serialize(json::object{{"commands", json::array{std::move(command)}}});
}

}  // namespace herald::cli
