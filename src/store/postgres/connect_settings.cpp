#include "store/postgres/connect_settings.h"

#include <libpq-fe.h>

#include <string_view>

namespace herald::store::postgres {

namespace {

// Passwords a DSN may carry: `password=` in either syntax, and the userinfo of a URI
// (postgresql://user:secret@host). Found textually so that a DSN libpq cannot parse is covered.
std::vector<std::string> passwords_in(const std::string& dsn) {
  std::vector<std::string> found;
  if (PQconninfoOption* options = PQconninfoParse(dsn.c_str(), nullptr)) {
    for (auto* option = options; option->keyword != nullptr; ++option) {
      if (std::string_view(option->keyword) == "password" && option->val != nullptr && *option->val != '\0') {
        found.emplace_back(option->val);
      }
    }
    PQconninfoFree(options);
  }
  for (std::string_view key : {"password=", "password ="}) {
    for (auto at = dsn.find(key); at != std::string::npos; at = dsn.find(key, at + 1)) {
      auto start = dsn.find_first_not_of(" '", at + key.size());
      if (start == std::string::npos) break;
      auto end = dsn.find_first_of(" '&", start);
      found.push_back(dsn.substr(start, end == std::string::npos ? std::string::npos : end - start));
    }
  }
  if (auto scheme = dsn.find("://"); scheme != std::string::npos) {
    auto userinfo_end = dsn.find('@', scheme + 3);
    auto colon = dsn.find(':', scheme + 3);
    if (userinfo_end != std::string::npos && colon != std::string::npos && colon < userinfo_end) {
      found.push_back(dsn.substr(colon + 1, userinfo_end - colon - 1));
    }
  }
  return found;
}

}  // namespace

ConnectKeywords connect_keywords(const ConnectSettings& settings) {
  ConnectKeywords result;
  auto add = [&](const char* keyword, std::string value) {
    result.keywords.emplace_back(keyword);
    result.values.push_back(std::move(value));
  };
  add("connect_timeout", std::to_string(settings.connect_timeout_seconds));
  add("keepalives", "1");
  add("keepalives_idle", std::to_string(settings.keepalives_idle_seconds));
  add("keepalives_interval", std::to_string(settings.keepalives_interval_seconds));
  add("keepalives_count", std::to_string(settings.keepalives_count));
  add("tcp_user_timeout", std::to_string(settings.tcp_user_timeout_ms));
  add("application_name", settings.application_name);
  // Every string crosses the wire as UTF-8, whatever the client's locale.
  add("client_encoding", "UTF8");
  add("dbname", settings.dsn);
  return result;
}

core::Status validate_dsn(const std::string& dsn) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(dsn.c_str(), &error);
  if (options != nullptr) {
    PQconninfoFree(options);
    return core::ok_status();
  }
  std::string reason = error != nullptr ? one_line(error) : "out of memory";
  if (error != nullptr) PQfreemem(error);
  return core::invalid_argument("invalid PostgreSQL DSN: " + redact_password(reason, dsn));
}

std::string redact_password(std::string text, const std::string& dsn) {
  for (const auto& password : passwords_in(dsn)) {
    if (password.empty()) continue;
    for (auto at = text.find(password); at != std::string::npos; at = text.find(password, at + 3)) {
      text.replace(at, password.size(), "***");
    }
  }
  return text;
}

std::string one_line(std::string_view message) {
  std::string line;
  bool space = false;
  for (char c : message) {
    if (c == '\n' || c == '\t' || c == '\r' || c == ' ') {
      space = !line.empty();
      continue;
    }
    if (space) line += ' ';
    space = false;
    line += c;
  }
  return line;
}

}  // namespace herald::store::postgres
