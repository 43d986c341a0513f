#include "http/beast_conversion.h"

#include <boost/beast/core/string.hpp>
#include <boost/url/parse.hpp>

#include <iterator>

namespace herald::http::detail {

namespace bhttp = boost::beast::http;

Method to_method(bhttp::verb verb) {
  switch (verb) {
    case bhttp::verb::get: return Method::get;
    case bhttp::verb::head: return Method::head;
    case bhttp::verb::post: return Method::post;
    case bhttp::verb::put: return Method::put;
    case bhttp::verb::patch: return Method::patch;
    case bhttp::verb::delete_: return Method::del;
    case bhttp::verb::options: return Method::options;
    default: return Method::other;
  }
}

core::Result<Request> to_request_head(const boost::beast::http::request_header<>& header, std::string remote_address) {
  const auto target = header.target();
  const auto url = boost::urls::parse_origin_form(boost::urls::string_view(target.data(), target.size()));
  if (!url) return core::invalid_argument("malformed request target");

  Request request;
  request.method = to_method(header.method());
  request.target = std::string(target);
  request.path = url->path();
  for (const auto& param : url->params()) request.query.emplace_back(param.key, param.value);
  request.headers.reserve(static_cast<std::size_t>(std::distance(header.begin(), header.end())));
  for (const auto& field : header) {
    request.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  request.remote_address = std::move(remote_address);
  return request;
}

core::Result<Request> to_request(BeastRequest&& beast_request, std::string remote_address) {
  auto request = to_request_head(beast_request, std::move(remote_address));
  if (request) request->body = std::move(beast_request.body());
  return request;
}

}  // namespace herald::http::detail
