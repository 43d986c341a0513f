// POST /_plugins/_command_manager/commands bodies -> core::parse_commands.
// Invariants: no exception escapes; an error has a message (and a type unless plain text); a
// parsed batch obeys the documented rules (1..32767 s timeouts, non-empty action names, args an
// object) and, written back as a request body, parses again to the same commands.
#include <boost/json.hpp>
#include <cstddef>
#include <cstdint>

#include "core/command_parser.h"
#include "fuzz_check.h"

namespace {

namespace json = boost::json;
using herald::core::Command;

json::object to_json(const Command& command) {
  json::object target{{"type", herald::core::to_string(command.target.type)}, {"id", command.target.id}};
  json::object action{{"name", command.action.name}};
  // Stored {} comes from absent args too, and absent args skip the per-action rules (upstream:
  // an `update` without args is valid, with {} it is not), so {} is written back as absent.
  auto args = json::parse(command.action.args_json);
  if (!args.get_object().empty()) action["args"] = std::move(args);
  if (command.action.version) action["version"] = *command.action.version;
  json::object out{{"source", command.source},
                   {"target", std::move(target)},
                   {"timeout", command.timeout_seconds},
                   {"action", std::move(action)}};
  if (command.user) out["user"] = *command.user;
  return out;
}

bool same(const Command& a, const Command& b) {
  return a.source == b.source && a.user == b.user && a.target.type == b.target.type && a.target.id == b.target.id &&
         a.action.name == b.action.name && a.action.version == b.action.version &&
         json::parse(a.action.args_json) == json::parse(b.action.args_json) && a.timeout_seconds == b.timeout_seconds;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto body = herald::fuzz::as_text(data, size);
  auto parsed = FUZZ_NO_THROW("parse_commands", herald::core::parse_commands(body));

  if (const auto* error = std::get_if<herald::core::CommandParseError>(&parsed)) {
    FUZZ_CHECK(!error->message.empty(), "an error has a message");
    const bool plain = error->format == herald::core::CommandParseError::Format::plain_text;
    FUZZ_CHECK(plain == error->type.empty(), "indexer errors have a type, plain ones none");
    return 0;
  }

  const auto& commands = std::get<std::vector<Command>>(parsed);
  FUZZ_CHECK(!commands.empty(), "a parsed body has commands");
  json::array written;
  for (const auto& command : commands) {
    FUZZ_CHECK(command.timeout_seconds >= 1 && command.timeout_seconds <= herald::core::kMaxTimeoutSeconds,
               "timeout within 1..32767");
    FUZZ_CHECK(!command.action.name.empty(), "action name is not empty");
    boost::system::error_code ec;
    const auto args = json::parse(command.action.args_json, ec);
    FUZZ_CHECK(!ec && args.is_object(), "args_json is a JSON object");
    written.push_back(to_json(command));
  }

  const auto again = FUZZ_NO_THROW("parse_commands (re-parse)",
                                   herald::core::parse_commands(json::serialize(json::object{{"commands", written}})));
  const auto* reparsed = std::get_if<std::vector<Command>>(&again);
  FUZZ_CHECK(reparsed != nullptr, "the re-serialized commands parse");
  FUZZ_CHECK(reparsed->size() == commands.size(), "same number of commands after a round trip");
  for (std::size_t i = 0; i < commands.size(); ++i) {
    FUZZ_CHECK(same(commands[i], (*reparsed)[i]), "a command survives a round trip unchanged");
  }
  return 0;
}
