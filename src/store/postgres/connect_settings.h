#pragma once
// How heraldd connects to PostgreSQL: the operator's DSN plus the timeouts that keep a call from
// hanging forever when the server or the network goes away. The DSN wins over these defaults
// when it sets the same keyword.
#include <string>
#include <string_view>
#include <vector>

#include "core/result.h"

namespace herald::store::postgres {

struct ConnectSettings {
  std::string dsn;                   // libpq keyword/value string or postgresql:// URI
  int connect_timeout_seconds = 5;   // per host tried
  int keepalives_idle_seconds = 10;  // TCP keep-alives detect a peer that vanished while idle
  int keepalives_interval_seconds = 5;
  int keepalives_count = 3;
  int tcp_user_timeout_ms = 30'000;  // unacknowledged data gives up after this
  // How long a statement may wait for the server's answer. Neither keep-alives nor
  // tcp_user_timeout notice a server that still acknowledges but never answers (a hung host, a
  // stuck proxy): without this, every request needing the database would wait forever. Past it
  // the connection counts as lost (broken()). 0: wait as long as it takes.
  int query_timeout_ms = 30'000;
  std::string application_name = "heraldd";
};

// libpq keywords and values for PQconnectdbParams (expand_dbname = 1): our defaults first, the
// DSN last so that whatever it sets overrides them.
struct ConnectKeywords {
  std::vector<std::string> keywords;
  std::vector<std::string> values;
};
ConnectKeywords connect_keywords(const ConnectSettings& settings);

// invalid_argument when libpq cannot parse the DSN (the reason, with any password removed).
core::Status validate_dsn(const std::string& dsn);

// `text` with every password the DSN carries replaced by "***" (libpq messages can quote it).
std::string redact_password(std::string text, const std::string& dsn);

// A libpq message on one line: newlines and tabs become single spaces, trailing space trimmed.
std::string one_line(std::string_view message);

}  // namespace herald::store::postgres
