#pragma once
// A command storm against a real heraldd, for the crash-durability and outage tests: client
// threads sending single-agent and group commands to the Command Manager, and simulated agents
// that long-poll the comms API and report a result for every order they receive. Whatever the
// server acknowledged is recorded (a command's 200 with its order ids, a result's 2xx item) so
// that a test can hold the store to it afterwards, on the same server or on one restarted over
// its data; whatever it answered otherwise is recorded too, with its latency.
//
// Threads: every method is safe for concurrent use, except that start/stop of one object must
// come from one thread.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "support/http_client.h"

namespace herald::test {

using StormClock = std::chrono::steady_clock;

// The agents a storm targets, spread over groups.
struct StormFleet {
  struct Member {
    std::string id, key, group;
  };
  std::vector<Member> agents;
  std::vector<std::string> groups;
  std::size_t group_size(const std::string& group) const;
  const Member* find(const std::string& agent_id) const;
};
// Enrolls `agent_count` agents through `admin`, assigned round-robin to `group_count` groups
// named "<prefix>-<n>" (created here). Throws when the server refuses.
StormFleet enroll_fleet(HttpClient& admin, int agent_count, int group_count, const std::string& prefix);

// One reply as a storm client saw it.
struct StormReply {
  unsigned status = 0;  // 0: no reply (transport error)
  StormClock::time_point sent_at;
  std::chrono::microseconds latency{0};
  std::string body;  // kept unless the status is 200 (truncated beyond 4 KiB)
};

// A command the server answered 200.
struct AcknowledgedCommand {
  std::int64_t request_id = 0;
  std::string target_type;  // "agent" or "group"
  std::string target_id;
  std::vector<std::string> order_ids;  // as the reply listed them
  std::size_t expected_orders = 0;     // 1, or the group's size
  StormClock::time_point sent_at, acknowledged_at;
};

// `clients` threads, each on its own kept-alive connection, sending one command after the other
// until stopped: `group_percent` of them to a group of the fleet, the others to one agent, both
// chosen by a random generator seeded from `seed` and the client's index.
class CommandStorm {
 public:
  struct Options {
    int clients = 32;
    int group_percent = 30;
    int order_timeout_seconds = 3600;  // long: no order expires during a test
    std::uint64_t seed = 1;
  };
  // `authorization`: the Authorization header value, e.g. "Bearer <token>".
  CommandStorm(std::string management_url, std::string authorization, const StormFleet& fleet, Options options);
  ~CommandStorm();  // stop()
  CommandStorm(const CommandStorm&) = delete;
  CommandStorm& operator=(const CommandStorm&) = delete;

  void start();
  // Tells the clients to end after the request under way; stop() then waits for them.
  void request_stop();
  void stop();

  std::vector<AcknowledgedCommand> acknowledged() const;
  std::size_t acknowledged_count() const { return acknowledged_count_; }
  std::vector<StormReply> replies() const;  // every request's outcome, in the order they ended

 private:
  void run_client(int index);

  std::string management_url_, authorization_;
  const StormFleet& fleet_;
  Options options_;
  std::vector<std::thread> clients_;
  std::atomic<bool> stopping_{false};
  std::atomic<std::size_t> acknowledged_count_{0};
  mutable std::mutex mutex_;
  std::vector<AcknowledgedCommand> acknowledged_;
  std::vector<StormReply> replies_;
};

// An order as an agent received it.
struct StormDelivery {
  std::string document_id;
  std::string agent_id;   // who polled
  std::string target_id;  // whom the order names
};

// A result the server acknowledged: reply 200 and the item's status 200.
struct AcknowledgedResult {
  std::string document_id;
  int code = 0;
  std::string message;
};

// A reply to an agent that is neither a success nor a transport error.
struct AgentProblem {
  std::string what;  // "poll", "result", "authenticate", "result item"
  unsigned status = 0;
  std::string body;
  StormClock::time_point at;
};

// The fleet's agents, as the real agent behaves minus its pauses, each with two threads: a poller
// that polls again as soon as a poll ends and keeps every order received, and a reporter that
// sends a result for each (code 0 or 1, chosen by its document id, with a message naming it) in
// stateful batches while the poller goes on polling, as the agent's executor does. A result not
// acknowledged is sent again (at least once, as the agent does), also across servers: start()
// again with the restarted server's URL and the backlog goes there, while the poller already polls.
class StormAgents {
 public:
  explicit StormAgents(const StormFleet& fleet);
  ~StormAgents();  // stop()
  StormAgents(const StormAgents&) = delete;
  StormAgents& operator=(const StormAgents&) = delete;

  void start(const std::string& comms_url);
  void request_stop();
  void stop();

  std::vector<StormDelivery> deliveries() const;  // across every start()
  std::vector<AcknowledgedResult> acknowledged_results() const;
  std::size_t acknowledged_result_count() const;
  std::vector<AgentProblem> problems() const;
  std::size_t backlog() const;  // results received but not acknowledged yet
  int polls() const { return polls_; }

  // The result an agent reports for `document_id`.
  static int result_code(const std::string& document_id);
  static std::string result_message(const std::string& document_id, int code);

 private:
  struct AgentState;
  void run_poller(AgentState& state, std::string comms_url);
  void run_reporter(AgentState& state, std::string comms_url);
  void record_problem(std::string what, const HttpResult& reply);

  const StormFleet& fleet_;
  std::vector<std::unique_ptr<AgentState>> states_;
  std::vector<std::thread> threads_;
  std::atomic<bool> stopping_{false};
  std::atomic<int> polls_{0};
  mutable std::mutex mutex_;
  std::vector<StormDelivery> deliveries_;
  std::vector<AcknowledgedResult> results_;
  std::vector<AgentProblem> problems_;
};

// What the store holds of what was acknowledged, read through the management API.
struct DurabilityCheck {
  std::size_t commands = 0;                // acknowledged commands checked
  std::size_t orders = 0;                  // their orders
  std::size_t results = 0;                 // acknowledged results checked
  std::vector<std::string> lost_commands;  // missing orders, partial groups, foreign orders: what is wrong
  std::vector<std::string> lost_results;   // acknowledged results not on their order
  std::size_t lost() const { return lost_commands.size() + lost_results.size(); }
};
// Every command in `commands` must have exactly its orders (GET /orders?request_id=…), each
// naming an agent of its target, and every result in `results` must be on its order (status
// success for code 0, failure otherwise, with its code and message). `threads` requests at once.
DurabilityCheck check_acknowledged(const std::string& management_url, const std::string& authorization,
                                   const StormFleet& fleet, const std::vector<AcknowledgedCommand>& commands,
                                   const std::vector<AcknowledgedResult>& results, int threads = 4);

// Document ids received more than once, with how often; and deliveries to an agent the order
// does not name.
struct DeliveryCheck {
  std::map<std::string, int> duplicated;
  std::vector<std::string> misdelivered;
  std::vector<std::string> describe_duplicated() const;  // "<id> delivered <n> times"
};
DeliveryCheck check_deliveries(const std::vector<StormDelivery>& deliveries);

// Fails the running test once for each of the first `at_most` entries of `failures` (prefixed),
// and once more for how many were left out.
void fail_for_each(const std::vector<std::string>& failures, const std::string& prefix, std::size_t at_most = 20);

}  // namespace herald::test
