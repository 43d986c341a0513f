#pragma once
// The JSON forms of an order: the orders-stream document (wire-protocol (b)), used by the query
// API and the archive, and the command the agent receives (wire-protocol c3).
#include <boost/json/object.hpp>

#include "core/order.h"

namespace herald::core {

// {"_id", "agent":{"groups"}, "command":{source,user,target,action,timeout,status,order_id,
//  request_id,result}, "@timestamp", "delivery_timestamp"}. `agent` is absent for server orders.
boost::json::object order_document(const Order& order);

// {"document_id","request_id","order_id","source","user","target","action","timeout","status"};
// null fields are left out, as upstream does.
boost::json::object agent_command(const Order& order);

}  // namespace herald::core
