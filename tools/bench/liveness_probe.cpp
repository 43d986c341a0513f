#include "liveness_probe.h"

#include <boost/json.hpp>

#include <stdexcept>

#include "prometheus_text.h"

namespace herald::bench {

namespace json = boost::json;
using boost::asio::awaitable;
using boost::beast::http::verb;

namespace {

json::object data_of(const HttpReply& reply, const std::string& target) {
  json::error_code ec;
  auto parsed = json::parse(reply.body, ec);
  const json::value* data = (!ec && parsed.is_object()) ? parsed.get_object().if_contains("data") : nullptr;
  if (reply.status != 200 || data == nullptr || !data->is_object()) {
    throw std::runtime_error("GET " + target + ": HTTP " + std::to_string(reply.status) + " " +
                             reply.body.substr(0, 300));
  }
  return data->get_object();
}

std::size_t count_of(const json::object& object, std::string_view key) {
  const auto* value = object.if_contains(key);
  return value != nullptr && value->is_int64() ? static_cast<std::size_t>(value->get_int64()) : 0;
}

}  // namespace

json::object LivenessMetrics::gauges_json() const {
  return json::object{{"active", active}, {"pending", pending}, {"tracked", tracked}, {"parked_polls", parked_polls}};
}

json::object ConnectionSummary::to_json() const {
  return json::object{{"active", active},
                      {"pending", pending},
                      {"disconnected", disconnected},
                      {"never_connected", never_connected},
                      {"total", total}};
}

LivenessProbe::LivenessProbe(const BenchContext& context)
    : client_(context.executor, context.endpoint, *context.credentials) {}

awaitable<LivenessMetrics> LivenessProbe::metrics() {
  const std::string target = "/metrics";
  const auto reply = co_await client_.call(verb::get, target);
  const auto writes = metric_value(reply.body, "herald_keepalive_writes_total");
  const auto transitions = metric_value(reply.body, "herald_status_transitions_total");
  if (reply.status != 200 || !writes || !transitions) {
    throw std::runtime_error("GET /metrics: HTTP " + std::to_string(reply.status) +
                             " without herald_keepalive_writes_total / herald_status_transitions_total");
  }
  LivenessMetrics out;
  out.keepalive_writes = *writes;
  out.transitions = *transitions;
  out.active = metric_value(reply.body, "herald_agents_live", "status=\"active\"").value_or(-1);
  out.pending = metric_value(reply.body, "herald_agents_live", "status=\"pending\"").value_or(-1);
  out.tracked = metric_value(reply.body, "herald_agents_live", "status=\"tracked\"").value_or(-1);
  out.parked_polls = metric_value(reply.body, "herald_parked_polls").value_or(-1);
  co_return out;
}

awaitable<ConnectionSummary> LivenessProbe::summary() {
  const std::string target = "/agents/summary/status";
  const auto reply = co_await client_.call(verb::get, target);
  const auto data = data_of(reply, target);
  const auto* connection = data.if_contains("connection");
  if (connection == nullptr || !connection->is_object()) throw std::runtime_error("GET " + target + ": no connection");
  const auto& counts = connection->get_object();
  ConnectionSummary out;
  out.active = count_of(counts, "active");
  out.pending = count_of(counts, "pending");
  out.disconnected = count_of(counts, "disconnected");
  out.never_connected = count_of(counts, "never_connected");
  out.total = count_of(counts, "total");
  co_return out;
}

awaitable<std::vector<AgentStatusRow>> LivenessProbe::agents_with_status(std::string statuses) {
  const std::string target = "/agents?status=" + statuses + "&select=status,status_code&limit=100000";
  const auto reply = co_await client_.call(verb::get, target);
  const auto data = data_of(reply, target);
  const auto* items = data.if_contains("affected_items");
  if (items == nullptr || !items->is_array()) throw std::runtime_error("GET " + target + ": no affected_items");
  std::vector<AgentStatusRow> rows;
  for (const auto& item : items->get_array()) {
    if (!item.is_object()) continue;
    const auto& agent = item.get_object();
    const auto* id = agent.if_contains("id");
    const auto* status = agent.if_contains("status");
    const auto* code = agent.if_contains("status_code");
    if (id == nullptr || !id->is_string() || status == nullptr || !status->is_string()) continue;
    AgentStatusRow row;
    row.id = std::string(id->get_string());
    row.status = std::string(status->get_string());
    if (code != nullptr && code->is_int64()) row.status_code = static_cast<int>(code->get_int64());
    rows.push_back(std::move(row));
  }
  co_return rows;
}

}  // namespace herald::bench
