// The part of an HTTP/1.1 response a load generator must understand to stay in step on a
// keep-alive connection: status, where the head ends, how long the body is, whether the server
// closes afterwards. Nothing else is looked at.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace herald::bench {

struct ResponseHead {
  unsigned status = 0;
  std::size_t head_bytes = 0;  // status line and headers, through the blank line
  std::size_t body_bytes = 0;  // from Content-Length; 0 for 1xx, 204 and 304
  bool closes = false;         // "Connection: close": the server ends the connection after the body
};

enum class HeadParse { incomplete, complete, invalid };

// Parses the response head at the start of `data` (bytes read so far). `complete` fills `head`;
// `incomplete` means more bytes are needed; `invalid` sets `problem` (a malformed status line, a
// body framed other than by Content-Length, such as chunked or until-close). Header names are
// matched case-insensitively.
HeadParse parse_response_head(std::string_view data, ResponseHead& head, std::string& problem);

}  // namespace herald::bench
