#pragma once
// Turns a dispatcher poll into a reply, for agents (comms API) and server modules (management API).
#include <boost/asio/awaitable.hpp>

#include "api/api_context.h"
#include "http/message.h"

namespace herald::api {

// 200 {"commands":[...]} with the orders (marked `sent` only once the reply is written), or
// 408 {"message":"Request exceeded the processing time limit","code":408} when nothing came.
// `target` must outlive the awaitable (a named object in the caller).
boost::asio::awaitable<http::Response> long_poll_orders(ApiContext& context, const store::DeliveryTarget& target);

}  // namespace herald::api
