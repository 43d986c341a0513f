#pragma once
// A client that behaves as the real wazuh-agent does on the comms API (wire-protocol (c)): one TCP
// connection per request; the agent's headers; NDJSON bodies sent as application/json; results
// reported as stateful `command` events; and, in run(), its pacing: re-poll 1 s after a 2xx or
// 408, re-authenticate at once after a 401/403, otherwise wait retry_interval.
#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"

namespace herald::test {

class TestAgent {
 public:
  TestAgent(std::string comms_url, std::string id, std::string key, std::string name = "test-agent");
  ~TestAgent();

  HttpResult authenticate();  // stores the token on 200
  HttpResult poll();          // GET /api/v1/commands (blocks while parked)
  HttpResult report_result(const std::string& document_id, int code, const std::string& message);
  HttpResult send_stateful(const std::string& ndjson_after_metadata);
  HttpResult send_stateless(const std::string& ndjson);
  HttpResult fetch_file(const std::string& name);

  std::string metadata_line() const;
  const std::string& token() const { return token_; }
  void set_token(std::string token) { token_ = std::move(token); }
  const std::string& id() const { return id_; }

  // The agent's main loop on a thread: poll; for every command received, report `result_code`
  // with the upstream success message; follow the pacing rules. `retry_interval` defaults to 30 s
  // like the agent's; tests may shorten it.
  void run(int result_code = 0, std::chrono::milliseconds retry_interval = std::chrono::seconds(30));
  void stop();
  std::vector<std::string> received_document_ids() const;
  int polls_completed() const { return polls_completed_; }

 private:
  HttpResult send(const std::string& method, const std::string& target, const std::string& body, bool with_token);

  std::string comms_url_, id_, key_, name_, token_;
  std::thread loop_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> polls_completed_{0};
  mutable std::mutex mutex_;
  std::vector<std::string> received_;
};

// A stateless body as the agent's logcollector sends lines of one file: the metadata line, then a
// header and a data line per log line.
std::string logcollector_body(const TestAgent& agent, const std::vector<std::string>& logs,
                              const std::string& created = "2026-12-07T10:00:00Z",
                              const std::string& path = "/var/log/auth.log");

// An agent enrolled through POST /agents on `admin` and authenticated on the comms API (both
// checked with gtest expectations).
std::unique_ptr<TestAgent> enrolled_agent(HttpClient& admin, const std::string& comms_url, const std::string& name);

}  // namespace herald::test
