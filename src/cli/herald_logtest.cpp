// herald logtest: wazuh-logtest over the Management API.
#include <boost/json.hpp>
#include <istream>
#include <ostream>
#include <string>

#include "cli/herald_handlers.h"
#include "cli/logtest_format.h"
#include "cli/server_url.h"

namespace herald::cli {

namespace json = boost::json;

namespace {

const json::object& data_of(const json::value& reply) {
  static const json::object kEmpty;
  if (!reply.is_object()) return kEmpty;
  const json::value* data = reply.get_object().if_contains("data");
  return data != nullptr && data->is_object() ? data->get_object() : kEmpty;
}

std::string token_of(const json::object& data) {
  const json::value* token = data.if_contains("token");
  return token != nullptr && token->is_string() ? std::string(token->get_string()) : std::string();
}

}  // namespace

int logtest(CommandContext& context) {
  // wazuh-logtest's defaults.
  const std::string location = context.args().value("--location").value_or("stdin");
  const std::string log_format = context.args().value("--log-format").value_or("syslog");
  if (context.stdout_is_tty() && !context.json()) context.err() << "Type one log per line\n";

  std::string token;
  for (std::string line; std::getline(context.in(), line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) continue;  // as wazuh-logtest: no empty events
    json::object body{{"event", line}, {"log_format", log_format}, {"location", location}};
    if (!token.empty()) body["token"] = token;
    auto reply = context.client().put("/logtest", json::serialize(body));
    const json::object& data = data_of(reply);
    const std::string answered = token_of(data);
    if (context.json()) {
      context.print_json(reply);
    } else {
      context.out() << "\n";
      if (!token.empty() && !answered.empty() && answered != token) {
        context.out() << "New session was created with token \"" << answered << "\"\n";
      }
      context.out() << format_logtest_phases(data);
    }
    if (!answered.empty()) token = answered;
  }
  if (!token.empty()) context.client().del("/logtest/sessions/" + path_segment(token));
  return 0;
}

}  // namespace herald::cli
