#include "support/command_storm.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json.hpp>
#include <numeric>
#include <random>
#include <set>
#include <stdexcept>

#include "auth/secrets.h"
#include "support/agents.h"
#include "support/test_agent.h"

namespace herald::test {

namespace json = boost::json;
using namespace std::chrono_literals;

namespace {

constexpr const char* kCommands = "/_plugins/_command_manager/commands";
constexpr std::size_t kKeptBodyBytes = 4096;  // enough for any error body heraldd sends
constexpr std::size_t kMaxResultsPerBatch = 100;

std::string kept_body(const std::string& body) {
  return body.size() <= kKeptBodyBytes ? body : body.substr(0, kKeptBodyBytes) + "...";
}

// Sleeps up to `how_long`, waking early when `stopping` is set.
void pause(const std::atomic<bool>& stopping, std::chrono::milliseconds how_long) {
  auto until = StormClock::now() + how_long;
  while (!stopping && StormClock::now() < until) std::this_thread::sleep_for(5ms);
}

}  // namespace

std::size_t StormFleet::group_size(const std::string& group) const {
  return static_cast<std::size_t>(
      std::count_if(agents.begin(), agents.end(), [&](const Member& m) { return m.group == group; }));
}

const StormFleet::Member* StormFleet::find(const std::string& agent_id) const {
  auto it = std::find_if(agents.begin(), agents.end(), [&](const Member& m) { return m.id == agent_id; });
  return it == agents.end() ? nullptr : &*it;
}

StormFleet enroll_fleet(HttpClient& admin, int agent_count, int group_count, const std::string& prefix) {
  StormFleet fleet;
  for (int g = 0; g < group_count; ++g) {
    fleet.groups.push_back(prefix + "-" + std::to_string(g));
    create_group(admin, fleet.groups.back());
  }
  for (int i = 0; i < agent_count; ++i) {
    StormFleet::Member member{random_uuid_v4(), auth::random_alnum(32),
                              fleet.groups[static_cast<std::size_t>(i % group_count)]};
    auto reply = admin.post("/agents", enrollment_body(member.id, prefix + "-" + std::to_string(i), member.key));
    if (reply.status != 201) throw std::runtime_error("enrolment failed: " + std::to_string(reply.status) + reply.body);
    assign_group(admin, member.id, member.group);
    fleet.agents.push_back(std::move(member));
  }
  return fleet;
}

// ---- CommandStorm ----

CommandStorm::CommandStorm(std::string management_url, std::string authorization, const StormFleet& fleet,
                           Options options)
    : management_url_(std::move(management_url)),
      authorization_(std::move(authorization)),
      fleet_(fleet),
      options_(options) {}

CommandStorm::~CommandStorm() {
  stop();
}

void CommandStorm::start() {
  stopping_ = false;
  for (int i = 0; i < options_.clients; ++i) clients_.emplace_back([this, i] { run_client(i); });
}

void CommandStorm::request_stop() {
  stopping_ = true;
}

void CommandStorm::stop() {
  request_stop();
  for (auto& client : clients_) {
    if (client.joinable()) client.join();
  }
  clients_.clear();
}

std::vector<AcknowledgedCommand> CommandStorm::acknowledged() const {
  std::lock_guard lock(mutex_);
  return acknowledged_;
}

std::vector<StormReply> CommandStorm::replies() const {
  std::lock_guard lock(mutex_);
  return replies_;
}

void CommandStorm::run_client(int index) {
  std::mt19937_64 random(options_.seed * 1'000'003ULL + static_cast<std::uint64_t>(index));
  HttpClient client(management_url_);
  client.set_authorization(authorization_);
  while (!stopping_) {
    AcknowledgedCommand command;
    if (static_cast<int>(random() % 100) < options_.group_percent) {
      command.target_type = "group";
      command.target_id = fleet_.groups[random() % fleet_.groups.size()];
      command.expected_orders = fleet_.group_size(command.target_id);
    } else {
      command.target_type = "agent";
      command.target_id = fleet_.agents[random() % fleet_.agents.size()].id;
      command.expected_orders = 1;
    }
    const char* action = random() % 2 == 0 ? "restart" : "fetch-config";
    StormReply reply;
    reply.sent_at = StormClock::now();
    try {
      auto result = client.post(
          kCommands, command_body(command.target_type, command.target_id, options_.order_timeout_seconds, action));
      reply.latency = std::chrono::duration_cast<std::chrono::microseconds>(StormClock::now() - reply.sent_at);
      reply.status = result.status;
      if (result.status == 200) {
        const auto body = json::parse(result.body);
        command.request_id = std::stoll(std::string(body.at("request_id").as_string()));
        for (const auto& order : body.at("orders").as_array()) {
          command.order_ids.emplace_back(order.at("_id").as_string());
        }
        command.sent_at = reply.sent_at;
        command.acknowledged_at = StormClock::now();
      } else {
        reply.body = kept_body(result.body);
      }
    } catch (const std::exception& error) {
      reply.latency = std::chrono::duration_cast<std::chrono::microseconds>(StormClock::now() - reply.sent_at);
      reply.status = 0;
      reply.body = error.what();
      client.disconnect();
    }
    {
      std::lock_guard lock(mutex_);
      replies_.push_back(reply);
      if (reply.status == 200) {
        acknowledged_.push_back(std::move(command));
        ++acknowledged_count_;
      }
    }
    // A server that is gone or cannot store: do not spin on it.
    if (reply.status != 200) pause(stopping_, 20ms);
  }
}

// ---- StormAgents ----

struct StormAgents::AgentState {
  StormFleet::Member member;
  std::vector<std::string> backlog;  // document ids whose result is not acknowledged yet; under mutex_
};

StormAgents::StormAgents(const StormFleet& fleet) : fleet_(fleet) {
  for (const auto& member : fleet_.agents) states_.push_back(std::make_unique<AgentState>(AgentState{member, {}}));
}

StormAgents::~StormAgents() {
  stop();
}

void StormAgents::start(const std::string& comms_url) {
  stopping_ = false;
  for (auto& state : states_) {
    threads_.emplace_back([this, &state, comms_url] { run_poller(*state, comms_url); });
    threads_.emplace_back([this, &state, comms_url] { run_reporter(*state, comms_url); });
  }
}

void StormAgents::request_stop() {
  stopping_ = true;
}

void StormAgents::stop() {
  request_stop();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
  threads_.clear();
}

std::vector<StormDelivery> StormAgents::deliveries() const {
  std::lock_guard lock(mutex_);
  return deliveries_;
}

std::vector<AcknowledgedResult> StormAgents::acknowledged_results() const {
  std::lock_guard lock(mutex_);
  return results_;
}

std::size_t StormAgents::acknowledged_result_count() const {
  std::lock_guard lock(mutex_);
  return results_.size();
}

std::vector<AgentProblem> StormAgents::problems() const {
  std::lock_guard lock(mutex_);
  return problems_;
}

std::size_t StormAgents::backlog() const {
  std::lock_guard lock(mutex_);
  return std::accumulate(states_.begin(), states_.end(), std::size_t{0},
                         [](std::size_t sum, const auto& state) { return sum + state->backlog.size(); });
}

int StormAgents::result_code(const std::string& document_id) {
  auto sum = std::accumulate(document_id.begin(), document_id.end(), 0, [](int s, char c) { return s + c; });
  return sum % 3 == 0 ? 1 : 0;
}

std::string StormAgents::result_message(const std::string& document_id, int code) {
  return (code == 0 ? "storm done " : "storm failed ") + document_id;
}

namespace {

// Authenticates `agent` when it has no token; false (after a pause) when that failed.
template <class Problem>
bool has_token(TestAgent& agent, const std::atomic<bool>& stopping, Problem&& problem) {
  if (!agent.token().empty()) return true;
  auto reply = agent.authenticate();
  if (reply.status == 200) return true;
  problem("authenticate", reply);
  pause(stopping, 50ms);
  return false;
}

}  // namespace

void StormAgents::record_problem(std::string what, const HttpResult& reply) {
  std::lock_guard lock(mutex_);
  problems_.push_back({std::move(what), reply.status, kept_body(reply.body), StormClock::now()});
}

void StormAgents::run_poller(AgentState& state, std::string comms_url) {
  TestAgent agent(comms_url, state.member.id, state.member.key, "storm-" + state.member.id.substr(0, 8));
  auto problem = [this](std::string what, const HttpResult& reply) { record_problem(std::move(what), reply); };
  while (!stopping_) {
    try {
      if (!has_token(agent, stopping_, problem)) continue;
      auto reply = agent.poll();
      ++polls_;
      if (reply.status == 200) {
        const auto body = json::parse(reply.body);
        std::lock_guard lock(mutex_);
        for (const auto& command : body.at("commands").as_array()) {
          std::string id(command.at("document_id").as_string());
          deliveries_.push_back({id, state.member.id, std::string(command.at("target").at("id").as_string())});
          state.backlog.push_back(std::move(id));
        }
      } else if (reply.status == 401 || reply.status == 403) {
        agent.set_token("");
      } else if (reply.status != 408) {
        problem("poll", reply);
        pause(stopping_, 50ms);
      }
    } catch (const std::exception&) {
      pause(stopping_, 20ms);  // no reply: the server is gone (or being killed)
    }
  }
}

void StormAgents::run_reporter(AgentState& state, std::string comms_url) {
  TestAgent agent(comms_url, state.member.id, state.member.key, "storm-" + state.member.id.substr(0, 8));
  auto problem = [this](std::string what, const HttpResult& reply) { record_problem(std::move(what), reply); };
  while (!stopping_) {
    std::vector<std::string> batch;
    {
      std::lock_guard lock(mutex_);
      auto count = std::min(state.backlog.size(), kMaxResultsPerBatch);
      batch.assign(state.backlog.begin(), state.backlog.begin() + static_cast<std::ptrdiff_t>(count));
    }
    if (batch.empty()) {
      pause(stopping_, 2ms);
      continue;
    }
    try {
      if (!has_token(agent, stopping_, problem)) continue;
      std::string lines;
      for (const auto& id : batch) {
        const int code = result_code(id);
        lines += json::serialize(json::object{{"id", id}, {"module", "command"}, {"operation", "update"}}) + "\n";
        lines += json::serialize(json::object{
                     {"command",
                      json::object{{"result", json::object{{"code", code}, {"message", result_message(id, code)}}}}}}) +
                 "\n";
      }
      auto reply = agent.send_stateful(lines);
      if (reply.status == 401 || reply.status == 403) {
        agent.set_token("");
        continue;
      }
      if (reply.status != 200) {
        problem("result", reply);
        pause(stopping_, 50ms);
        continue;
      }
      const auto body = json::parse(reply.body);
      std::set<std::string> answered;
      std::lock_guard lock(mutex_);
      for (const auto& item : body.at("results").as_array()) {
        const auto* id = item.as_object().if_contains("id");
        if (id == nullptr || !id->is_string()) continue;
        std::string document_id(id->as_string());
        answered.insert(document_id);
        if (item.at("status").to_number<int>() == 200) {
          const int code = result_code(document_id);
          results_.push_back({document_id, code, result_message(document_id, code)});
        } else {
          problems_.push_back({"result item", static_cast<unsigned>(item.at("status").to_number<int>()),
                               json::serialize(item), StormClock::now()});
        }
      }
      // Answered items are done (acknowledged, or refused for good: sending them again cannot help).
      std::erase_if(state.backlog, [&](const std::string& id) { return answered.contains(id); });
    } catch (const std::exception&) {
      pause(stopping_, 20ms);  // no reply: the batch stays for the next attempt (or server)
    }
  }
}

// ---- checks ----

namespace {

struct StoredOrder {
  std::string status;
  int code = -1;
  std::string message;
};

StoredOrder stored_order(const json::value& item) {
  const auto& command = item.at("command").as_object();
  StoredOrder order{std::string(command.at("status").as_string()), -1, ""};
  if (const auto* result = command.if_contains("result"); result != nullptr && result->is_object()) {
    if (const auto* code = result->as_object().if_contains("code")) order.code = code->to_number<int>();
    if (const auto* message = result->as_object().if_contains("message"); message != nullptr && message->is_string()) {
      order.message = std::string(message->as_string());
    }
  }
  return order;
}

}  // namespace

DurabilityCheck check_acknowledged(const std::string& management_url, const std::string& authorization,
                                   const StormFleet& fleet, const std::vector<AcknowledgedCommand>& commands,
                                   const std::vector<AcknowledgedResult>& results, int threads) {
  DurabilityCheck check;
  std::map<std::string, StoredOrder> stored;  // document id -> what the listing showed
  std::mutex mutex;
  auto check_commands = [&](std::size_t first) {
    HttpClient client(management_url);
    client.set_authorization(authorization);
    std::vector<std::string> lost;
    std::map<std::string, StoredOrder> seen;
    std::size_t orders = 0;
    for (std::size_t i = first; i < commands.size(); i += static_cast<std::size_t>(threads)) {
      const auto& command = commands[i];
      const auto what =
          "request " + std::to_string(command.request_id) + " (" + command.target_type + " " + command.target_id + ")";
      auto reply = client.get("/orders?limit=100000&request_id=" + std::to_string(command.request_id));
      if (reply.status != 200) {
        lost.push_back(what + ": GET /orders answered " + std::to_string(reply.status) + " " + kept_body(reply.body));
        continue;
      }
      const auto body = json::parse(reply.body);
      std::set<std::string> ids;
      for (const auto& item : body.at("data").at("affected_items").as_array()) {
        std::string id(item.at("_id").as_string());
        std::string target(item.at("command").at("target").at("id").as_string());
        const auto* member = fleet.find(target);
        bool ours = command.target_type == "agent" ? target == command.target_id
                                                   : member != nullptr && member->group == command.target_id;
        if (!ours) lost.push_back(what + ": order " + id + " names " + target);
        seen[id] = stored_order(item);
        ids.insert(std::move(id));
      }
      const std::set<std::string> acknowledged(command.order_ids.begin(), command.order_ids.end());
      orders += acknowledged.size();
      if (acknowledged.size() != command.expected_orders) {
        lost.push_back(what + ": acknowledged with " + std::to_string(acknowledged.size()) + " orders, expected " +
                       std::to_string(command.expected_orders));
      }
      if (ids != acknowledged) {
        lost.push_back(what + ": the store has " + std::to_string(ids.size()) + " orders, the 200 listed " +
                       std::to_string(acknowledged.size()));
      }
    }
    std::lock_guard lock(mutex);
    check.orders += orders;
    check.lost_commands.insert(check.lost_commands.end(), lost.begin(), lost.end());
    stored.merge(seen);
  };
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) workers.emplace_back(check_commands, static_cast<std::size_t>(t));
  for (auto& worker : workers) worker.join();
  check.commands = commands.size();

  HttpClient client(management_url);
  client.set_authorization(authorization);
  std::map<std::string, AcknowledgedResult> latest;  // a result acknowledged twice (sent again) is one
  for (const auto& result : results) latest[result.document_id] = result;
  for (const auto& [id, result] : latest) {
    auto it = stored.find(id);
    if (it == stored.end()) {
      auto reply = client.get("/orders/" + id);
      if (reply.status != 200) {
        check.lost_results.push_back(id + ": GET /orders/" + id + " answered " + std::to_string(reply.status));
        continue;
      }
      it =
          stored.emplace(id, stored_order(json::parse(reply.body).at("data").at("affected_items").as_array()[0])).first;
    }
    const auto& order = it->second;
    const std::string expected_status = result.code == 0 ? "success" : "failure";
    if (order.status != expected_status || order.code != result.code || order.message != result.message) {
      check.lost_results.push_back(id + ": acknowledged result " + std::to_string(result.code) + " \"" +
                                   result.message + "\", the order is " + order.status + " with " +
                                   std::to_string(order.code) + " \"" + order.message + "\"");
    }
  }
  check.results = latest.size();
  return check;
}

DeliveryCheck check_deliveries(const std::vector<StormDelivery>& deliveries) {
  DeliveryCheck check;
  std::map<std::string, int> times;
  for (const auto& delivery : deliveries) {
    ++times[delivery.document_id];
    if (delivery.target_id != delivery.agent_id) {
      check.misdelivered.push_back(delivery.document_id + " for " + delivery.target_id + " went to " +
                                   delivery.agent_id);
    }
  }
  for (const auto& [id, count] : times) {
    if (count > 1) check.duplicated.emplace(id, count);
  }
  return check;
}

std::vector<std::string> DeliveryCheck::describe_duplicated() const {
  std::vector<std::string> out;
  for (const auto& [id, times] : duplicated) out.push_back(id + " delivered " + std::to_string(times) + " times");
  return out;
}

void fail_for_each(const std::vector<std::string>& failures, const std::string& prefix, std::size_t at_most) {
  for (std::size_t i = 0; i < failures.size() && i < at_most; ++i) ADD_FAILURE() << prefix << failures[i];
  if (failures.size() > at_most) ADD_FAILURE() << prefix << "... and " << failures.size() - at_most << " more";
}


}  // namespace herald::test
