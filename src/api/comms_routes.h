#pragma once
#include "api/api_context.h"
#include "http/router.h"

namespace herald::api {

// Every route of the comms listener (wire-protocol (c)).
void register_comms_routes(http::Router& router, ApiContext& context);

// The comms API's error replies: {"message":<text>,"code":<int>}.
http::Response comms_error(unsigned status, std::string_view message, int code);

}  // namespace herald::api
