#pragma once
// herald's human output: pure functions from the server's JSON to aligned text.
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <string>

namespace herald::cli {

// GET /agents items: ID NAME IP STATUS VERSION GROUPS LAST KEEP-ALIVE.
std::string format_agents_table(const boost::json::array& agents);
// One agent, field per line.
std::string format_agent_details(const boost::json::object& agent);
// GET /agents/summary/status `data`.
std::string format_agents_summary(const boost::json::object& summary);
// GET /groups items: NAME AGENTS CONFIG SUM.
std::string format_groups_table(const boost::json::array& groups);
// GET /orders items: ORDER STATUS TARGET ACTION CREATED RESULT.
std::string format_orders_table(const boost::json::array& orders);
// One order document, field per line.
std::string format_order_details(const boost::json::object& order);
// The Command Manager's 200 reply: the request id, its orders, and how to follow them.
std::string format_command_reply(const boost::json::object& reply);

// The request id of a Command Manager reply (sent as a string or a number); "" if none.
std::string reply_request_id(const boost::json::object& reply);

}  // namespace herald::cli
