#include "api/logtest_api.h"

#include <atomic>
#include <boost/json.hpp>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "analysis/logtest_output.h"
#include "api/content_type.h"
#include "api/management_auth.h"
#include "api/replies.h"
#include "core/input_checks.h"
#include "engine/logtest_sessions.h"

namespace herald::api {

namespace json = boost::json;
using boost::asio::awaitable;

namespace {

// Wazuh's codes: the framework's error when analysisd's logtest refuses a request, and the
// codemsg of an answer (W_LOGTEST_RCODE_*).
constexpr int kLogtestError = 7000;
constexpr int kSuccess = 0;
constexpr int kWarning = 1;
constexpr int kProcessError = -1;

struct LogtestState {
  LogtestState(ApiContext& context, const analysis::AnalyzerOptions& options) : sessions(context.clock, options) {
    json_options.manager_name = options.manager_name;
    json_options.mitre = options.mitre;
  }
  engine::LogtestSessions sessions;
  analysis::AlertJsonOptions json_options;
  std::atomic<std::uint64_t> alert_offset{0};
};

// analysisd's message list: "INFO: ", "WARNING: " or "ERROR: " and the text; the worst level
// sets codemsg (w_logtest_add_msg_response).
class Messages {
 public:
  void info(std::string text) { add("INFO: ", std::move(text), kSuccess); }
  void warning(std::string text) { add("WARNING: ", std::move(text), kWarning); }
  void error(std::string text) { add("ERROR: ", std::move(text), kProcessError); }
  int code() const { return code_; }
  // Moves what was added since the last flush into data["messages"] (created on first use, so
  // it sits where analysisd puts it).
  void flush(json::object& data) {
    if (pending_.empty()) return;
    json::value& messages = data["messages"];
    if (!messages.is_array()) messages.emplace_array();
    for (auto& text : pending_) messages.as_array().emplace_back(std::move(text));
    pending_.clear();
  }

 private:
  void add(const char* prefix, std::string text, int code) {
    pending_.push_back(prefix + text);
    if (code == kProcessError || (code == kWarning && code_ != kProcessError)) code_ = code;
  }
  std::vector<std::string> pending_;
  int code_ = kSuccess;
};

http::Response logtest_refused(std::string_view message) {
  return problem_reply(400, "Bad Request", "Error trying to get logtest response: " + std::string(message),
                       kLogtestError);
}

http::Response analysis_disabled() {
  // What a Wazuh manager with <rule_test><enabled>no</enabled> logs ("(7201): Logtest disabled").
  return logtest_refused("(7201): Logtest disabled (analysis.enabled is false on this node)");
}

http::Response answer(json::object data) {
  return json_reply(200, json::object{{"error", 0}, {"data", std::move(data)}});
}

// The body as the Wazuh API's schema (LogtestRequest) checks it: the reply to send when invalid.
std::optional<http::Response> schema_problem(const json::object& body) {
  for (const char* name : {"event", "log_format", "location"}) {
    if (!body.contains(name))
      return problem_reply(400, "Bad Request", "'" + std::string(name) + "' is a required property");
  }
  for (const char* name : {"token", "log_format", "location", "event"}) {
    const json::value* value = body.if_contains(name);
    if (value != nullptr && !value->is_string()) {
      return problem_reply(400, "Bad Request", json::serialize(*value) + " is not of type 'string' ('" + name + "')");
    }
  }
  return std::nullopt;
}

// What analysisd's w_logtest_check_input_request refuses outright.
std::optional<std::string> input_problem(const json::object& body) {
  if (body.at("location").as_string().empty()) return "(7308): 'location' JSON field is required and must be a string";
  if (body.at("log_format").as_string().empty()) {
    return "(7308): 'log_format' JSON field is required and must be a string";
  }
  if (body.at("event").as_string().empty()) return "(7317): 'event' JSON field value is not valid";
  return std::nullopt;
}

// The session a request names, or a new one (with the messages analysisd gives either way).
std::shared_ptr<engine::LogtestSession> session_for(LogtestState& state, const json::object& body, Messages& messages) {
  std::shared_ptr<engine::LogtestSession> session;
  if (const json::value* token = body.if_contains("token")) {
    const std::string text(token->as_string());
    if (text.size() != engine::LogtestSessions::kTokenLength) {
      messages.warning("(7309): '" + text + "' is not a valid token");
    } else if (session = state.sessions.find(text); !session) {
      messages.warning("(7003): '" + text + "' token expires");
    }
  }
  if (session) return session;
  if (session = state.sessions.open(); session) {
    messages.info("(7202): Session initialized with token '" + session->token() + "'");
  } else {
    messages.error("(7311): Failure to initializing session");
  }
  return session;
}

awaitable<http::Response> run_logtest(ApiContext& context, std::shared_ptr<LogtestState> state,
                                      http::Request& request) {
  if (!declares_json(request)) {
    co_return problem_reply(406, "Not Acceptable", "Invalid content type, it must be application/json", 6002);
  }
  json::error_code ec;
  auto parsed = json::parse(request.body, ec, {}, core::client_json_options());
  if (ec == json::error::too_deep) {
    co_return problem_reply(400, "Bad Request", "The request body is not valid: " + core::json_parse_problem(ec));
  }
  if (ec || !parsed.is_object()) co_return problem_reply(400, "Bad Request", "The request body must be a JSON object");
  const json::object& body = parsed.as_object();
  if (auto problem = schema_problem(body)) co_return std::move(*problem);
  if (!state || context.analysis == nullptr) co_return analysis_disabled();
  if (auto problem = input_problem(body)) co_return logtest_refused(*problem);

  Messages messages;
  json::object data;
  auto session = session_for(*state, body, messages);
  messages.flush(data);
  if (!session) {
    data["codemsg"] = messages.code();
    co_return answer(std::move(data));
  }
  data["token"] = session->token();

  // Decoding and matching may take a while on a large ruleset: off the io threads.
  const auto ruleset = context.analysis->ruleset();
  const std::int64_t now = context.clock.now_seconds();
  const std::uint64_t offset = state->alert_offset.fetch_add(1, std::memory_order_relaxed);
  struct Outcome {
    std::optional<json::object> output;
    bool alert = false;
    bool format_error = false;
  };
  auto outcome = co_await context.pool.run([&] {
    return session->use(ruleset, [&](analysis::Analyzer& analyzer) {
      Outcome result;
      auto trace = analyzer.trace_logtest(request.body, now);
      if (!trace) return result;
      if (!trace->predecoded) {
        result.format_error = true;
        return result;
      }
      result.output = analysis::logtest_output(*trace, state->json_options, now, offset);
      result.alert = trace->alert_raised;
      return result;
    });
  });
  if (outcome.output) {
    data["output"] = std::move(*outcome.output);
  } else {
    if (outcome.format_error) messages.error("(1106): String not correctly formatted.");
    messages.error("(7312): Failed to process the event");
  }
  messages.flush(data);
  if (messages.code() >= kSuccess) data["alert"] = outcome.alert;
  data["codemsg"] = messages.code();
  co_return answer(std::move(data));
}

awaitable<http::Response> end_session(ApiContext& context, std::shared_ptr<LogtestState> state,
                                      http::Request& request) {
  const std::string& token = request.path_params.at("token");
  if (token.size() != engine::LogtestSessions::kTokenLength) {
    co_return logtest_refused("(7309): '" + token + "' is not a valid token");
  }
  if (!state || context.analysis == nullptr) co_return analysis_disabled();
  Messages messages;
  if (state->sessions.remove(token)) {
    messages.info("(7206): The session '" + token + "' was closed successfully");
  } else {
    messages.error("(7004): No session found for token '" + token + "'");
  }
  json::object data;
  messages.flush(data);
  data["codemsg"] = messages.code();
  co_return answer(std::move(data));
}

}  // namespace

void register_logtest_routes(http::Router& router, ApiContext& context) {
  std::shared_ptr<LogtestState> state;
  if (context.analysis != nullptr)
    state = std::make_shared<LogtestState>(context, context.analysis->analyzer_options());
  router.add(http::Method::put, "/logtest", require_user(context, [&context, state](http::Request& request) {
               return run_logtest(context, state, request);
             }));
  router.add(http::Method::del, "/logtest/sessions/{token}",
             require_user(context,
                          [&context, state](http::Request& request) { return end_session(context, state, request); }));
}

}  // namespace herald::api
