#pragma once
// Turning an error reply of heraldd into one line an operator can act on.
#include <string>

#include "cli/http_connection.h"

namespace herald::cli {

// The message of a non-2xx reply: the `detail` of problem JSON ({"title","detail",["error"]}),
// the `reason` of an indexer-style error ({"error":{"reason"}}, the Command Manager's), the text
// of a text/plain reply (the Command Manager's validation messages), else "HTTP <status>".
std::string error_message(const HttpResponse& response);

}  // namespace herald::cli
