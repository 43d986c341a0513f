#pragma once
#include <string>

#include "support/http_client.h"

namespace herald::test {

std::string random_uuid_v4();
// The body the real agent sends to POST /agents.
std::string enrollment_body(const std::string& id, const std::string& name, const std::string& key);
// Enrolls an agent through the management API; returns its uuid. Throws unless 201.
std::string enroll_agent(HttpClient& client, const std::string& name, const std::string& key = "");
// Creates a group (POST /groups) and assigns agents; throws on failure.
void create_group(HttpClient& client, const std::string& group);
void assign_group(HttpClient& client, const std::string& agent_id, const std::string& group);
// A one-command body for POST /_plugins/_command_manager/commands.
std::string command_body(const std::string& target_type, const std::string& target_id, int timeout = 100,
                         const std::string& action = "restart");

}  // namespace herald::test
