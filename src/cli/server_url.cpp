#include "cli/server_url.h"

#include <boost/url/encode.hpp>
#include <boost/url/parse.hpp>
#include <boost/url/rfc/pchars.hpp>
#include <boost/url/url.hpp>

#include "cli/failure.h"

namespace herald::cli {

namespace urls = boost::urls;

ServerUrl parse_server_url(std::string_view text) {
  auto parsed = urls::parse_absolute_uri(text);
  if (!parsed) throw bad_arguments("invalid server URL '" + std::string(text) + "': " + parsed.error().message());
  const auto& url = *parsed;
  ServerUrl server;
  if (url.scheme_id() == urls::scheme::https) {
    server.tls = true;
  } else if (url.scheme_id() != urls::scheme::http) {
    throw bad_arguments("invalid server URL '" + std::string(text) + "': the scheme must be http or https");
  }
  if (!url.has_authority() || url.encoded_host().empty()) {
    throw bad_arguments("invalid server URL '" + std::string(text) + "': no host");
  }
  if (url.has_userinfo() || url.has_query() || url.has_fragment()) {
    throw bad_arguments("invalid server URL '" + std::string(text) +
                        "': give only scheme, host, port and path (credentials go in --user/--password)");
  }
  server.host = url.host_address();
  server.port = url.has_port() ? std::string(url.port()) : (server.tls ? "443" : "80");
  server.host_header = url.encoded_host_and_port();
  server.base_path = std::string(url.encoded_path());
  while (!server.base_path.empty() && server.base_path.back() == '/') server.base_path.pop_back();
  return server;
}

std::string request_target(const ServerUrl& server, std::string_view path, const QueryParams& params) {
  urls::url target;
  target.set_encoded_path(server.base_path + std::string(path));
  for (const auto& [key, value] : params) {
    if (!value.empty()) target.params().append({key, value});
  }
  return std::string(target.buffer());
}

std::string path_segment(std::string_view text) {
  // pchars minus nothing: '/' is not a pchar, so it is always encoded.
  return urls::encode(text, urls::pchars);
}

}  // namespace herald::cli
