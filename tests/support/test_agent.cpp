#include "support/test_agent.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>

#include "auth/secrets.h"
#include "support/agents.h"

namespace herald::test {

namespace json = boost::json;

TestAgent::TestAgent(std::string comms_url, std::string id, std::string key, std::string name)
    : comms_url_(std::move(comms_url)), id_(std::move(id)), key_(std::move(key)), name_(std::move(name)) {}

TestAgent::~TestAgent() {
  stop();
}

HttpResult TestAgent::send(const std::string& method, const std::string& target, const std::string& body,
                           bool with_token) {
  HttpClient connection(comms_url_);  // one connection per request, as the agent does
  std::vector<std::pair<std::string, std::string>> headers = {
      {"User-Agent", "WazuhXDR/6.0.0 (Endpoint; x86_64; Linux)"}, {"Accept", "application/json"}};
  if (!body.empty() || method == "POST") headers.emplace_back("Content-Type", "application/json");
  if (with_token) headers.emplace_back("Authorization", "Bearer " + token_);
  return connection.request(method, target, body, headers);
}

HttpResult TestAgent::authenticate() {
  auto reply =
      send("POST", "/api/v1/authentication", json::serialize(json::object{{"uuid", id_}, {"key", key_}}), false);
  if (reply.status == 200) token_ = std::string(json::parse(reply.body).at("token").as_string());
  return reply;
}

HttpResult TestAgent::poll() {
  return send("GET", "/api/v1/commands", "", true);
}

std::string TestAgent::metadata_line() const {
  json::object host{{"architecture", "x86_64"},
                    {"hostname", name_},
                    {"ip", json::array{"10.0.0.5"}},
                    {"os", json::object{{"name", "Ubuntu"}, {"type", "Linux"}, {"version", "24.04"}}}};
  json::object agent{{"groups", json::array{}}, {"host", host},       {"id", id_},
                     {"name", name_},           {"type", "Endpoint"}, {"version", "6.0.0"}};
  return json::serialize(json::object{{"agent", agent}});
}

HttpResult TestAgent::send_stateful(const std::string& ndjson_after_metadata) {
  return send("POST", "/api/v1/events/stateful", metadata_line() + "\n" + ndjson_after_metadata, true);
}

HttpResult TestAgent::report_result(const std::string& document_id, int code, const std::string& message) {
  auto header = json::serialize(json::object{{"id", document_id}, {"module", "command"}, {"operation", "update"}});
  auto data = json::serialize(
      json::object{{"command", json::object{{"result", json::object{{"code", code}, {"message", message}}}}}});
  return send_stateful(header + "\n" + data + "\n");
}

HttpResult TestAgent::send_stateless(const std::string& ndjson) {
  return send("POST", "/api/v1/events/stateless", ndjson, true);
}

HttpResult TestAgent::fetch_file(const std::string& name) {
  return send("GET", "/api/v1/files?file_name=" + name, "", true);
}

void TestAgent::run(int result_code, std::chrono::milliseconds retry_interval) {
  loop_ = std::thread([this, result_code, retry_interval] {
    auto pause = [&](std::chrono::milliseconds how_long) {
      auto until = std::chrono::steady_clock::now() + how_long;
      while (!stopping_ && std::chrono::steady_clock::now() < until)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    };
    while (!stopping_) {
      if (token_.empty() && authenticate().status != 200) {
        pause(retry_interval);
        continue;
      }
      HttpResult reply;
      try {
        reply = poll();
      } catch (const std::exception&) {
        pause(retry_interval);  // a transport error counts as a 500
        continue;
      }
      ++polls_completed_;
      if (reply.status == 401 || reply.status == 403) {
        token_.clear();
        continue;
      }
      if (reply.status / 100 == 2) {
        const auto body = json::parse(reply.body);  // kept alive for the loop below
        for (const auto& command : body.at("commands").as_array()) {
          std::string id(command.at("document_id").as_string());
          {
            std::lock_guard lock(mutex_);
            received_.push_back(id);
          }
          report_result(
              id, result_code,
              "CentralizedConfiguration " + std::string(command.at("action").at("name").as_string()) + " done.");
        }
        pause(std::chrono::seconds(1));
      } else if (reply.status == 408) {
        pause(std::chrono::seconds(1));
      } else {
        pause(retry_interval);
      }
    }
  });
}

void TestAgent::stop() {
  stopping_ = true;
  if (loop_.joinable()) loop_.join();
}

std::vector<std::string> TestAgent::received_document_ids() const {
  std::lock_guard lock(mutex_);
  return received_;
}

std::string logcollector_body(const TestAgent& agent, const std::vector<std::string>& logs, const std::string& created,
                              const std::string& path) {
  namespace json = boost::json;
  std::string body = agent.metadata_line() + "\n";
  for (const auto& log : logs) {
    body += R"({"module":"logcollector","collector":"file"})"
            "\n";
    body += json::serialize(json::object{{"log", {{"file", {{"path", path}}}}},
                                         {"event", {{"original", log}, {"created", created}}}}) +
            "\n";
  }
  return body;
}

std::unique_ptr<TestAgent> enrolled_agent(HttpClient& admin, const std::string& comms_url, const std::string& name) {
  auto key = auth::random_alnum(32);
  auto id = random_uuid_v4();
  EXPECT_EQ(admin.post("/agents", enrollment_body(id, name, key)).status, 201u);
  auto agent = std::make_unique<TestAgent>(comms_url, id, key, name);
  EXPECT_EQ(agent->authenticate().status, 200u);
  return agent;
}

}  // namespace herald::test
