#include "engine/bus_publisher.h"

#include <boost/json.hpp>

#include "core/order_document.h"
#include "core/time_format.h"

namespace herald::engine {

namespace json = boost::json;

namespace {

json::value parsed_or_text(const std::string& text) {
  json::error_code ec;
  auto value = json::parse(text, ec);
  return ec ? json::value(text) : value;
}

}  // namespace

std::string subject_token(std::string_view text) {
  std::string token;
  for (char c : text) token += (c == '.' || c == '*' || c == '>' || c == ' ' || c == '\t') ? '_' : c;
  return token.empty() ? "_" : token;
}

BusPublisher::BusPublisher(bus::EventBus* bus, const core::Clock& clock, std::string node_name, std::size_t max_queued)
    : bus_(bus), clock_(clock), node_name_(std::move(node_name)) {
  if (bus_ != nullptr) worker_ = std::make_unique<SerialWorker>(max_queued);
}

BusPublisher::~BusPublisher() { stop(); }

void BusPublisher::stop() {
  if (worker_) worker_->stop();
}

std::uint64_t BusPublisher::dropped() const { return worker_ ? worker_->dropped() : 0; }

std::int64_t BusPublisher::now_ms() const {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock_.now().time_since_epoch()).count();
}

void BusPublisher::enqueue(SerialWorker::Task task) {
  if (worker_) worker_->post(std::move(task));
}

void BusPublisher::publish(std::string subject, std::string payload, bus::Durability durability,
                           std::string message_id) {
  bus_->publish({std::move(subject), std::move(payload), durability, std::move(message_id)});
}

void BusPublisher::orders_created(const std::vector<core::Order>& orders) {
  if (bus_ == nullptr) return;
  auto ts = now_ms();
  enqueue([this, orders, ts] {
    for (const auto& order : orders) {
      auto document = core::order_document(order);
      document["node_name"] = node_name_;
      document["ts"] = ts;
      auto id = core::document_id(order.key);
      auto text = json::serialize(document);
      if (!order.agent_id) {
        publish("commands.server." + subject_token(order.command.target.id), text, bus::Durability::transient);
      }
      publish("orders.pending", std::move(text), bus::Durability::durable, id + "-pending");
    }
  });
}

void BusPublisher::orders_sent(const std::vector<core::Order>& orders) {
  if (bus_ == nullptr) return;
  auto ts = now_ms();
  enqueue([this, orders, ts] {
    for (const auto& order : orders) {
      auto id = core::document_id(order.key);
      json::object event{{"id", id}, {"status", "sent"}, {"previous_status", "pending"}, {"node_name", node_name_},
                         {"ts", ts}};
      if (order.agent_id) event["agent_id"] = *order.agent_id;
      event["action"] = order.command.action.name;
      publish("orders.sent", json::serialize(event), bus::Durability::durable, id + "-sent");
    }
  });
}

void BusPublisher::results_applied(const std::vector<store::ResultReport>& reports) {
  if (bus_ == nullptr) return;
  auto ts = now_ms();
  enqueue([this, reports, ts] {
    for (const auto& report : reports) {
      auto id = core::document_id(report.key);
      auto status = std::string(core::to_string(core::status_for_result_code(report.result.code)));
      json::object result{{"code", report.result.code}, {"message", report.result.message}};
      json::object event{{"id", id}, {"status", status}, {"result", std::move(result)}, {"node_name", node_name_},
                         {"ts", ts}};
      if (report.reporter_agent_id) event["agent_id"] = *report.reporter_agent_id;
      publish("orders." + status, json::serialize(event), bus::Durability::durable,
              id + "-" + status + "-" + std::to_string(report.result.code));
    }
  });
}

void BusPublisher::orders_expired(const std::vector<store::ExpiredOrder>& expired) {
  if (bus_ == nullptr) return;
  auto ts = now_ms();
  enqueue([this, expired, ts] {
    for (const auto& order : expired) {
      auto id = core::document_id(order.key);
      auto message = order.previous == core::OrderStatus::pending ? core::kNotDeliveredMessage : core::kNoResultMessage;
      json::object event{{"id", id},
                         {"status", "failure"},
                         {"previous_status", core::to_string(order.previous)},
                         {"result", json::object{{"code", 1}, {"message", message}}},
                         {"reason", "expired"},
                         {"node_name", node_name_},
                         {"ts", ts}};
      if (order.agent_id) event["agent_id"] = *order.agent_id;
      publish("orders.failure", json::serialize(event), bus::Durability::durable, id + "-failure-expired");
    }
  });
}

void BusPublisher::status_changed(const StatusTransition& transition) {
  if (bus_ == nullptr) return;
  json::object event{{"id", transition.agent_id},
                     {"status", transition.status},
                     {"previous_status", transition.previous_status},
                     {"status_code", transition.status_code},
                     {"status_reason", transition.reason},
                     {"previous_status_duration_ms", transition.previous_duration_ms},
                     {"disconnection_time", transition.disconnection_time},
                     {"node_name", transition.node_name},
                     {"ts", transition.at_ms}};
  if (transition.last_keepalive) event["lastKeepAlive"] = core::format_utc(*transition.last_keepalive);
  auto message_id = transition.agent_id + "-" + transition.status + "-" + std::to_string(transition.at_ms);
  auto subject = "agent." + transition.agent_id + ".status";
  enqueue([this, subject = std::move(subject), text = json::serialize(event), message_id = std::move(message_id)] {
    publish(subject, text, bus::Durability::durable, message_id);
  });
}

void BusPublisher::keepalive(const std::string& agent_id, std::int64_t at_ms) {
  if (bus_ == nullptr) return;
  json::object event{{"id", agent_id},
                     {"lastKeepAlive", core::format_utc(at_ms / 1000)},
                     {"node_name", node_name_},
                     {"ts", at_ms}};
  auto subject = "agent." + agent_id + ".keepalive";
  enqueue([this, subject = std::move(subject), text = json::serialize(event)] {
    publish(subject, text, bus::Durability::transient);
  });
}

void BusPublisher::agent_enrolled(const store::AgentRecord& agent) {
  if (bus_ == nullptr) return;
  auto ts = now_ms();
  json::object event{{"id", agent.id},
                     {"name", agent.name},
                     {"status", agent.connection_status},
                     {"ip", agent.ip},
                     {"version", agent.version},
                     {"dateAdd", core::format_utc(agent.date_add)},
                     {"node_name", node_name_},
                     {"ts", ts}};
  auto subject = "agent." + agent.id + ".enrolled";
  enqueue([this, subject = std::move(subject), text = json::serialize(event), id = agent.id] {
    publish(subject, text, bus::Durability::durable, id + "-enrolled");
  });
}

void BusPublisher::agent_events(const std::string& agent_id, bool stateful, std::vector<std::string> lines) {
  if (bus_ == nullptr) return;
  auto ts = now_ms();
  enqueue([this, agent_id, stateful, lines = std::move(lines), ts] {
    json::array events;
    for (const auto& line : lines) events.push_back(parsed_or_text(line));
    json::object event{{"agent_id", agent_id}, {"events", std::move(events)}, {"node_name", node_name_}, {"ts", ts}};
    publish(std::string("events.") + (stateful ? "stateful." : "stateless.") + agent_id, json::serialize(event),
            bus::Durability::transient);
  });
}

void BusPublisher::alert(int level, std::uint32_t rule_id, std::string alert_json) {
  if (bus_ == nullptr) return;
  enqueue([this, level, rule_id, alert_json = std::move(alert_json)]() mutable {
    publish("alerts." + std::to_string(level) + "." + std::to_string(rule_id), std::move(alert_json),
            bus::Durability::transient);
  });
}

void BusPublisher::alert_response(std::string record_json) {
  if (bus_ == nullptr) return;
  enqueue([this, record_json = std::move(record_json)]() mutable {
    publish("alerts.responses", std::move(record_json), bus::Durability::transient);
  });
}

}  // namespace herald::engine
