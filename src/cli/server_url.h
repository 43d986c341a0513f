#pragma once
// Where the Management API is: the base URL an operator gives (`--url`, HERALD_URL, `url:`), and
// the request targets built on it.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace herald::cli {

struct ServerUrl {
  bool tls = false;
  std::string host;         // for the resolver and certificate checks (IPv6 without brackets)
  std::string port;         // always set: 80 / 443 when the URL names none
  std::string host_header;  // for the Host header (IPv6 in brackets, port when given)
  std::string base_path;    // "" or "/prefix" with no trailing slash (heraldd behind a proxy path)
};

// Parses "http[s]://host[:port][/prefix]". Throws Failure(bad_arguments) on anything else
// (another scheme, user info, a query or fragment).
ServerUrl parse_server_url(std::string_view text);

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// base_path + path + "?k=v&..." with keys and values percent-encoded as needed. Parameters with
// an empty value are left out, so callers can pass optional filters unconditionally.
std::string request_target(const ServerUrl& server, std::string_view path, const QueryParams& params = {});

// One path segment, percent-encoded (ids and group names in paths such as /orders/{id}).
std::string path_segment(std::string_view text);

}  // namespace herald::cli
