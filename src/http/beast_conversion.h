#pragma once
// Internal to src/http (Beast must not leak into headers other folders include): conversions
// from Beast's request parser to Herald's Request (replies: response_head.h).
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

#include <string>

#include "core/result.h"
#include "http/message.h"

namespace herald::http::detail {

using BeastRequest = boost::beast::http::request<boost::beast::http::string_body>;

Method to_method(boost::beast::http::verb verb);

// Fills method, target, decoded path and query and headers (not the body). Fails (400) when the
// target is not in origin form ("/path?query").
core::Result<Request> to_request_head(const boost::beast::http::request_header<>& header, std::string remote_address);
// The same, and the body too.
core::Result<Request> to_request(BeastRequest&& beast_request, std::string remote_address);

}  // namespace herald::http::detail
