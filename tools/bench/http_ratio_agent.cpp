#include "http_ratio_agent.h"

#include <boost/json.hpp>

#include <stdexcept>

#include "agent_http.h"
#include "api_client.h"
#include "fleet.h"

namespace herald::bench {

namespace json = boost::json;
using boost::asio::awaitable;
using boost::beast::http::verb;

namespace {

// What an agent's group file holds: a mapping, as the agent requires.
constexpr std::string_view kGroupConfiguration =
    "agent:\n"
    "  retry_interval: 30s\n"
    "logcollector:\n"
    "  enabled: true\n"
    "  localfiles:\n"
    "    - /var/log/auth.log\n";

}  // namespace

awaitable<RatioAgent> prepare_ratio_agent(const BenchContext& context) {
  Fleet fleet;
  co_await enroll_agents(context, fleet, 1, 1);
  co_await create_fleet_group(context, fleet, 1);
  // fleet.cpp names the agents of a fresh fleet bench-0, bench-1, ...
  RatioAgent agent{fleet.agent_ids.front(), fleet.agent_keys.front(), "bench-0", fleet.group};
  ApiClient client(context.executor, context.endpoint, *context.credentials);
  const std::string target = "/groups/" + agent.group + "/configuration";
  const auto reply = co_await client.call(verb::put, target, kGroupConfiguration);
  if (reply.status != 200) {
    throw std::runtime_error("storing the configuration of " + agent.group + ": HTTP " + std::to_string(reply.status) +
                             " " + reply.body);
  }
  co_return agent;
}

awaitable<std::string> authenticate_ratio_agent(const boost::asio::any_io_executor& executor,
                                                const boost::asio::ip::tcp::endpoint& comms, const RatioAgent& agent) {
  AgentRequest request;
  request.method = verb::post;
  request.target = "/api/v1/authentication";
  request.body = json::serialize(json::object{{"uuid", agent.id}, {"key", agent.key}});
  const std::string host = comms.address().to_string();  // the agent sends no port
  const auto reply = co_await agent_request(executor, comms, std::nullopt, host, request, std::chrono::seconds(30));
  json::error_code ec;
  const auto parsed = json::parse(reply.body, ec);
  const json::value* token = (!ec && parsed.is_object()) ? parsed.get_object().if_contains("token") : nullptr;
  if (reply.status != 200 || token == nullptr || !token->is_string()) {
    throw std::runtime_error("agent authentication: HTTP " + std::to_string(reply.status) + " " + reply.body);
  }
  co_return "Bearer " + std::string(token->get_string());
}

std::string stateless_events_body(const RatioAgent& agent) {
  // The same host and OS as fleet.cpp enrolls the agent with, so heraldd stores the metadata once.
  json::object host{{"architecture", "x86_64"},
                    {"hostname", agent.name},
                    {"ip", json::array{"10.0.0.1"}},
                    {"os", json::object{{"name", "Ubuntu"}, {"type", "linux"}, {"version", "22.04"}}}};
  json::object metadata{{"agent", json::object{{"groups", json::array{json::string(agent.group)}},
                                               {"host", std::move(host)},
                                               {"id", agent.id},
                                               {"name", agent.name},
                                               {"type", "Endpoint"},
                                               {"version", "6.0.0"}}}};
  json::object header{{"module", "logcollector"}, {"collector", "file"}};
  json::object event{
      {"log", json::object{{"file", json::object{{"path", "/var/log/auth.log"}}}}},
      {"event", json::object{{"original", "Jan  1 00:00:00 bench sshd[4242]: Accepted publickey for bench"},
                             {"created", "2025-01-01T00:00:00.000Z"}}}};
  return json::serialize(metadata) + "\n" + json::serialize(header) + "\n" + json::serialize(event) + "\n";
}

}  // namespace herald::bench
