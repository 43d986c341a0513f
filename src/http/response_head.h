#pragma once
// Internal to src/http: the bytes of a reply's status line and header block, written straight
// into a buffer the session reuses for every reply (no Beast message, no header allocations).
#include <string>

#include "http/message.h"

namespace herald::http::detail {

// The status actually sent: response.status when within 100..999, else 500 (a handler bug).
unsigned wire_status(const Response& response);

// Whether the reply carries its body: never for HEAD (which still gets the Content-Length) nor
// for 1xx, 204 and 304.
bool sends_body(const Response& response, bool head_request);

// Replaces `out` with "HTTP/1.x <status> <reason>\r\n", "Server: herald", the handler's headers,
// Content-Type (when there is a body and the handler set none) and Content-Length (except for
// 1xx, 204, 304), Connection per keep_alive and the version, and the empty line. Framing is
// ours: a handler's Content-Length, Transfer-Encoding or Connection is dropped, and so is any
// header whose name is not an HTTP token or whose value holds CR, LF or NUL (no response
// splitting, whatever a handler puts there).
// The same head answers HEAD (whose Content-Length is that of the GET reply).
void write_response_head(const Response& response, unsigned version, bool keep_alive, std::string& out);

}  // namespace herald::http::detail
