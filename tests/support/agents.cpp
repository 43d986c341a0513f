#include "support/agents.h"

#include <boost/json.hpp>

#include <random>
#include <stdexcept>

#include "auth/secrets.h"

namespace herald::test {

std::string random_uuid_v4() {
  auto hex = auth::random_hex(16);
  hex[12] = '4';
  hex[16] = "89ab"[std::stoi(std::string(1, hex[16]), nullptr, 16) % 4];
  return hex.substr(0, 8) + "-" + hex.substr(8, 4) + "-" + hex.substr(12, 4) + "-" + hex.substr(16, 4) + "-" +
         hex.substr(20, 12);
}

std::string enrollment_body(const std::string& id, const std::string& name, const std::string& key) {
  boost::json::object host{{"architecture", "x86_64"},
                           {"hostname", name},
                           {"ip", boost::json::array{"10.0.0.5"}},
                           {"os", boost::json::object{{"name", "Ubuntu"}, {"type", "Linux"}, {"version", "24.04"}}}};
  return boost::json::serialize(boost::json::object{
      {"id", id}, {"name", name}, {"key", key}, {"type", "Endpoint"}, {"version", "6.0.0"}, {"host", host}});
}

std::string enroll_agent(HttpClient& client, const std::string& name, const std::string& key) {
  auto id = random_uuid_v4();
  auto reply = client.post("/agents", enrollment_body(id, name, key.empty() ? auth::random_alnum(32) : key));
  if (reply.status != 201) throw std::runtime_error("enrollment failed: " + std::to_string(reply.status) + reply.body);
  return id;
}

void create_group(HttpClient& client, const std::string& group) {
  auto reply = client.post("/groups", "{\"group_id\":\"" + group + "\"}");
  if (reply.status != 200) throw std::runtime_error("group creation failed: " + reply.body);
}

void assign_group(HttpClient& client, const std::string& agent_id, const std::string& group) {
  auto reply = client.put("/agents/" + agent_id + "/group/" + group);
  if (reply.status != 200) throw std::runtime_error("assignment failed: " + reply.body);
}

std::string command_body(const std::string& target_type, const std::string& target_id, int timeout,
                         const std::string& action) {
  return R"({"commands":[{"action":{"name":")" + action +
         R"(","args":{},"version":"6.0.0"},"source":"Users/Services","user":"tester","timeout":)" +
         std::to_string(timeout) + R"(,"target":{"id":")" + target_id + R"(","type":")" + target_type + R"("}}]})";
}

}  // namespace herald::test
