#pragma once
// Parsing of the Authorization request header (RFC 7617 Basic, RFC 6750 Bearer). Pure functions,
// safe for concurrent use; they do not check the credentials, only extract them.
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace herald::auth {

// "Basic <base64(user:password)>" -> (user, password). The scheme is case-insensitive; spaces
// around the header value and between scheme and credentials are tolerated. The user ends at the
// first ':' so the password may contain ':'. Returns nullopt for another scheme, invalid
// (non-strict) base64, a decoded value without ':', or one containing NUL or other control bytes.
std::optional<std::pair<std::string, std::string>> parse_basic_authorization(std::string_view header_value);

// "Bearer <token>" -> token (a view into `header_value`). The scheme is case-insensitive;
// returns nullopt for another scheme, an empty token, or a token containing whitespace.
std::optional<std::string_view> parse_bearer(std::string_view header_value);

}  // namespace herald::auth
