// herald commands send.
#include <boost/json.hpp>
#include <fstream>
#include <istream>
#include <ostream>
#include <sstream>

#include "cli/command_body.h"
#include "cli/failure.h"
#include "cli/herald_handlers.h"
#include "cli/herald_views.h"

namespace herald::cli {

namespace json = boost::json;

namespace {

constexpr const char* kCommandsPath = "/_plugins/_command_manager/commands";

// The body of --file PATH (or - for standard input), sent as written: the server validates it
// with the Command Manager's own messages. Only JSON syntax is checked here, to fail early.
std::string body_from_file(CommandContext& context, const std::string& path) {
  std::stringstream text;
  if (path == "-") {
    text << context.in().rdbuf();
  } else {
    std::ifstream file(path);
    if (!file) throw bad_arguments("cannot read " + path);
    text << file.rdbuf();
  }
  json::error_code ec;
  json::parse(text.str(), ec);
  if (ec) throw bad_arguments((path == "-" ? std::string("standard input") : path) + " is not valid JSON");
  return text.str();
}

std::string body_from_flags(CommandContext& context) {
  const auto& args = context.args();
  CommandFlags flags;
  flags.target = args.value("--target").value_or("");
  flags.action = args.value("--action").value_or("");
  flags.args = args.values("--arg");
  if (auto timeout = args.value("--timeout")) flags.timeout = *timeout;
  if (auto source = args.value("--source")) flags.source = *source;
  if (auto version = args.value("--action-version")) flags.version = *version;
  // The command records who sent it: the login user unless --user says otherwise.
  flags.user = args.value("--user").value_or("");
  if (flags.user.empty()) flags.user = context.settings().user;
  return build_command_body(flags);
}

}  // namespace

int commands_send(CommandContext& context) {
  const auto& args = context.args();
  std::string body;
  if (auto file = args.value("--file")) {
    for (const char* flag : {"--target", "--action", "--arg", "--timeout", "--user", "--source", "--action-version"}) {
      if (args.has(flag)) throw bad_arguments(std::string("--file and ") + flag + " cannot be combined");
    }
    body = body_from_file(context, *file);
  } else {
    body = body_from_flags(context);
  }
  auto reply = context.client().post(kCommandsPath, body);
  if (context.json()) {
    context.print_json(reply);
  } else if (reply.is_object()) {
    context.out() << format_command_reply(reply.get_object());
  }
  return 0;
}

}  // namespace herald::cli
