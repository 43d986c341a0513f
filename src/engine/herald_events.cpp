#include "engine/herald_events.h"

#include <spdlog/spdlog.h>

#include <boost/json.hpp>

namespace herald::engine {

namespace json = boost::json;

namespace {

constexpr std::string_view kLocation = "herald";
constexpr std::string_view kManagerAgentId = "000";

}  // namespace

HeraldEvents::HeraldEvents(AnalysisService& analysis, store::Store& store, std::string manager_name,
                           core::MetricsRegistry& metrics, std::size_t max_queued)
    : analysis_(analysis),
      store_(store),
      manager_name_(std::move(manager_name)),
      dropped_(&metrics.counter("herald_analysis_herald_events_dropped_total",
                                "Herald's own events (agent status, enrolments, failed orders, failed logins) not "
                                "analysed because their queue was full")),
      worker_(max_queued) {}

HeraldEvents::~HeraldEvents() { stop(); }

void HeraldEvents::stop() { worker_.stop(); }

void HeraldEvents::post(SerialWorker::Task task) {
  if (!worker_.post(std::move(task))) dropped_->inc();
}

void HeraldEvents::submit(std::string body_json) {
  AnalysisInput input;
  input.agent_id = std::string(kManagerAgentId);
  input.agent_name = manager_name_;
  input.agent_ip = "any";
  input.location = std::string(kLocation);
  input.message = std::move(body_json);
  std::vector<AnalysisInput> inputs;
  inputs.push_back(std::move(input));
  analysis_.submit(std::move(inputs));
}

std::string HeraldEvents::agent_name(const std::string& agent_id) {
  auto found = store_.find_agent(agent_id);
  if (!found || !*found) return {};
  return (*found)->name;
}

namespace {

json::object agent_object(const std::string& id, const std::string& name, const std::string& ip = {}) {
  json::object agent;
  if (!id.empty()) agent["id"] = id;
  if (!name.empty()) agent["name"] = name;
  if (!ip.empty()) agent["ip"] = ip;
  return agent;
}

std::string herald_event(json::object body) { return json::serialize(json::object{{"herald", std::move(body)}}); }

}  // namespace

void HeraldEvents::status_changed(const StatusTransition& transition) {
  const bool connected = transition.status == "active" && transition.previous_status != "active";
  const bool disconnected = transition.status == "disconnected" && transition.previous_status != "disconnected";
  if (!connected && !disconnected) return;
  post([this, transition, connected] {
    json::object body{{"event", connected ? "agent_connected" : "agent_disconnected"},
                      {"agent", agent_object(transition.agent_id, agent_name(transition.agent_id))}};
    if (!connected && !transition.reason.empty()) body["reason"] = transition.reason;
    submit(herald_event(std::move(body)));
  });
}

void HeraldEvents::order_failed(const core::OrderKey& key, const std::optional<std::string>& agent_id,
                                const std::string& message) {
  json::object order{{"id", core::document_id(key)}};
  std::string agent = agent_id.value_or("");
  if (auto found = store_.find_order(key); found && *found) {
    order["action"] = (*found)->command.action.name;
    if (agent.empty() && (*found)->agent_id) agent = *(*found)->agent_id;
  }
  if (!message.empty()) order["message"] = message;
  json::object body{{"event", "order_failed"}};
  if (!agent.empty()) body["agent"] = agent_object(agent, agent_name(agent));
  body["order"] = std::move(order);
  submit(herald_event(std::move(body)));
}

void HeraldEvents::results_applied(const std::vector<store::ResultReport>& reports) {
  for (const auto& report : reports) {
    if (core::status_for_result_code(report.result.code) != core::OrderStatus::failure) continue;
    post([this, key = report.key, agent = report.reporter_agent_id, message = report.result.message] {
      order_failed(key, agent, message);
    });
  }
}

void HeraldEvents::orders_expired(const std::vector<store::ExpiredOrder>& expired) {
  for (const auto& order : expired) {
    std::string message(order.previous == core::OrderStatus::pending ? core::kNotDeliveredMessage
                                                                     : core::kNoResultMessage);
    post([this, key = order.key, agent = order.agent_id, message = std::move(message)] {
      order_failed(key, agent, message);
    });
  }
}

void HeraldEvents::agent_enrolled(const store::AgentRecord& agent) {
  post([this, id = agent.id, name = agent.name, ip = agent.ip, groups = agent.groups] {
    json::object body{{"event", "agent_enrolled"}, {"agent", agent_object(id, name, ip)}};
    if (!groups.empty()) body["group"] = groups.front();
    submit(herald_event(std::move(body)));
  });
}

void HeraldEvents::enrollment_rejected(std::string agent_name, std::string source_ip, std::string reason) {
  post([this, name = std::move(agent_name), ip = std::move(source_ip), reason = std::move(reason)] {
    json::object body{{"event", "enrollment_rejected"}};
    if (!name.empty()) body["agent"] = agent_object({}, name);
    if (!ip.empty()) body["source"] = json::object{{"ip", ip}};
    if (!reason.empty()) body["reason"] = reason;
    submit(herald_event(std::move(body)));
  });
}

void HeraldEvents::api_authentication_failed(std::string source_ip, std::string user) {
  post([this, ip = std::move(source_ip), user = std::move(user)] {
    json::object body{{"event", "api_authentication_failed"}};
    if (!ip.empty()) body["source"] = json::object{{"ip", ip}};
    if (!user.empty()) body["user"] = user;
    submit(herald_event(std::move(body)));
  });
}

}  // namespace herald::engine
