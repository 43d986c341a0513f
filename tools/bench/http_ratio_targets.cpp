#include "http_ratio_targets.h"

#include <stdexcept>

namespace herald::bench {

namespace {

// `authorization` ("Bearer ...") and `body` are left out when empty.
std::string http_request(const boost::asio::ip::tcp::endpoint& server, std::string_view method,
                         std::string_view target, std::string_view authorization = {}, std::string_view body = {}) {
  std::string out;
  out.append(method).append(" ").append(target).append(" HTTP/1.1\r\n");
  // The agent names the host without the port.
  out.append("Host: ").append(server.address().to_string()).append("\r\n");
  out.append("User-Agent: WazuhXDR/6.0.0 (Endpoint; x86_64; Linux)\r\n");
  out.append("Accept: application/json\r\n");
  if (!authorization.empty()) out.append("Authorization: ").append(authorization).append("\r\n");
  if (!body.empty()) {
    out.append("Content-Type: application/json\r\n");
    out.append("Content-Length: ").append(std::to_string(body.size())).append("\r\n");
  }
  out.append("\r\n").append(body);
  return out;
}

}  // namespace

std::string ratio_target_request_line(std::string_view name) {
  if (name == "nginx") return "GET / (nginx, return 204)";
  if (name == "root") return "GET /api/v1/ (comms)";
  if (name == "health") return "GET /health (management)";
  if (name == "files") return "GET /api/v1/files?file_name=<group>.yml (comms, Bearer)";
  if (name == "stateless") return "POST /api/v1/events/stateless (comms, Bearer)";
  throw std::invalid_argument("unknown http-ratio target " + std::string(name));
}

bool ratio_target_needs_agent(std::string_view name) { return name == "files" || name == "stateless"; }

LoadTarget ratio_load_target(std::string_view name, const RatioListeners& listeners, const RatioAgent& agent,
                             const std::string& authorization) {
  const auto& comms = listeners.comms;
  if (name == "nginx") return {listeners.nginx, http_request(listeners.nginx, "GET", "/")};
  if (name == "root") return {comms, http_request(comms, "GET", "/api/v1/")};
  if (name == "health") return {listeners.management, http_request(listeners.management, "GET", "/health")};
  if (name == "files") {
    return {comms, http_request(comms, "GET", "/api/v1/files?file_name=" + agent.group + ".yml", authorization)};
  }
  if (name == "stateless") {
    return {comms, http_request(comms, "POST", "/api/v1/events/stateless", authorization, stateless_events_body(agent))};
  }
  throw std::invalid_argument("unknown http-ratio target " + std::string(name));
}

}  // namespace herald::bench
