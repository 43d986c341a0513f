#pragma once
#include <string_view>

#include "http/message.h"

namespace herald::http {

// The server's default error reply: JSON {"message":<detail>,"code":<status>}.
Response default_error_response(unsigned status, std::string_view detail);

}  // namespace herald::http
