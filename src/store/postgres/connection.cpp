#include "store/postgres/connection.h"

#include <poll.h>
#include <spdlog/spdlog.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>

namespace herald::store::postgres {

namespace {

// SQL built per call (agent queries with IN lists of any length) would grow the cache without
// bound; past this many statements a connection runs new SQL unprepared.
constexpr std::size_t kMaxPreparedStatements = 200;

bool sqlstate_class(const std::string& state, std::string_view prefix) {
  return state.rfind(prefix, 0) == 0;
}

// The server ended the session (shutdown, crash, or it is still starting up).
bool ended_session(const std::string& state) {
  return state == "57P01" || state == "57P02" || state == "57P03" || sqlstate_class(state, "08");
}

std::int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// Notices ("relation already exists, skipping") go to the log, not to stderr.
void log_notice(void*, const char* message) {
  spdlog::debug("PostgreSQL: {}", one_line(message));
}

}  // namespace

Params& Params::add(std::int64_t value) {
  values_.emplace_back(std::to_string(value));
  return *this;
}

Params& Params::add(std::string_view value) {
  values_.emplace_back(std::string(value));
  return *this;
}

Params& Params::add(const std::optional<std::string>& value) {
  values_.push_back(value);
  return *this;
}

Params& Params::add(const std::optional<std::int64_t>& value) {
  return value ? add(*value) : add_null();
}

Params& Params::add_null() {
  values_.emplace_back(std::nullopt);
  return *this;
}

std::vector<const char*> Params::pointers() const {
  std::vector<const char*> pointers;
  pointers.reserve(values_.size());
  for (const auto& value : values_) pointers.push_back(value ? value->c_str() : nullptr);
  return pointers;
}

std::string int_array(const std::vector<std::int64_t>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    literal += std::to_string(values[i]);
  }
  return literal + "}";
}

namespace {

// An element of an array literal: always quoted, so commas, braces, spaces and the word NULL
// are plain text; inside the quotes only " and \ need a backslash.
void append_quoted_element(std::string& literal, const std::string& value) {
  literal += '"';
  for (char c : value) {
    if (c == '"' || c == '\\') literal += '\\';
    literal += c;
  }
  literal += '"';
}

}  // namespace

std::string text_array(const std::vector<std::string>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    append_quoted_element(literal, values[i]);
  }
  return literal + "}";
}

std::string text_array(const std::vector<std::optional<std::string>>& values) {
  std::string literal = "{";
  for (std::size_t i = 0; i < values.size(); ++i) {
    if (i > 0) literal += ',';
    if (values[i]) {
      append_quoted_element(literal, *values[i]);
    } else {
      literal += "NULL";
    }
  }
  return literal + "}";
}

std::string Rows::text(int row, int column) const {
  return std::string(PQgetvalue(result_.get(), row, column),
                     static_cast<std::size_t>(PQgetlength(result_.get(), row, column)));
}

std::optional<std::string> Rows::optional_text(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return text(row, column);
}

std::int64_t Rows::integer(int row, int column) const {
  return std::strtoll(PQgetvalue(result_.get(), row, column), nullptr, 10);
}

std::optional<std::int64_t> Rows::optional_integer(int row, int column) const {
  if (is_null(row, column)) return std::nullopt;
  return integer(row, column);
}

std::int64_t Rows::affected() const {
  return std::strtoll(PQcmdTuples(result_.get()), nullptr, 10);
}

core::Result<std::unique_ptr<Connection>> Connection::open(const ConnectSettings& settings) {
  if (auto valid = validate_dsn(settings.dsn); !valid) return valid.error();
  auto parameters = connect_keywords(settings);
  std::vector<const char*> keywords, values;
  for (std::size_t i = 0; i < parameters.keywords.size(); ++i) {
    keywords.push_back(parameters.keywords[i].c_str());
    values.push_back(parameters.values[i].c_str());
  }
  keywords.push_back(nullptr);
  values.push_back(nullptr);
  PGconn* conn = PQconnectdbParams(keywords.data(), values.data(), 1);
  if (conn == nullptr) return core::unavailable("cannot allocate a PostgreSQL connection");
  if (PQstatus(conn) != CONNECTION_OK) {
    const char* host = PQhost(conn);
    const char* port = PQport(conn);
    std::string where = std::string(host != nullptr && *host != '\0' ? host : "localhost") + ":" +
                        (port != nullptr && *port != '\0' ? port : "5432");
    std::string reason = redact_password(one_line(PQerrorMessage(conn)), settings.dsn);
    PQfinish(conn);
    return core::unavailable("cannot connect to PostgreSQL at " + where + ": " + reason);
  }
  PQsetNoticeProcessor(conn, log_notice, nullptr);
  return std::unique_ptr<Connection>(new Connection(conn, settings.query_timeout_ms));
}

Connection::~Connection() {
  PQfinish(conn_);
}

bool Connection::broken() const {
  return ended_by_server_ || timed_out_ || PQstatus(conn_) != CONNECTION_OK;
}

bool Connection::wait_readable(std::int64_t deadline_ms) {
  while (PQisBusy(conn_) != 0) {
    std::int64_t remaining = query_timeout_ms_ > 0 ? deadline_ms - now_ms() : -1;
    if (query_timeout_ms_ > 0 && remaining <= 0) return false;
    pollfd socket{PQsocket(conn_), POLLIN, 0};
    int ready = ::poll(&socket, 1, static_cast<int>(remaining));
    if (ready < 0 && errno == EINTR) continue;
    // A socket error, or input (or end of file) to read: libpq reports a lost connection itself.
    if (ready != 0 && PQconsumeInput(conn_) == 0) return true;
  }
  return true;
}

PGresult* Connection::await_result(bool sent) {
  if (!sent) return nullptr;
  const std::int64_t deadline_ms = now_ms() + query_timeout_ms_;
  PGresult* kept = nullptr;
  for (;;) {
    if (!wait_readable(deadline_ms)) {
      timed_out_ = true;
      PQclear(kept);
      return nullptr;
    }
    PGresult* next = PQgetResult(conn_);
    if (next == nullptr) return kept;
    const auto status = PQresultStatus(next);
    if (status == PGRES_COPY_IN) {
      PQclear(kept);
      return next;  // the server waits for the rows now: no more results until they are sent
    }
    const auto kept_status = kept != nullptr ? PQresultStatus(kept) : PGRES_COMMAND_OK;
    if (kept_status == PGRES_FATAL_ERROR || kept_status == PGRES_BAD_RESPONSE) {
      PQclear(next);  // PQexec reports the first error, not what followed it
    } else {
      PQclear(kept);
      kept = next;
    }
  }
}

core::Error Connection::failure(const PGresult* result) {
  const char* state = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  last_sqlstate_ = state != nullptr ? state : "";
  std::string message = result != nullptr ? one_line(PQresultErrorMessage(result)) : "";
  if (message.empty() && timed_out_) {
    message = "no answer from the server within " + std::to_string(query_timeout_ms_) + " ms";
  }
  if (message.empty()) message = one_line(PQerrorMessage(conn_));
  if (message.empty()) message = "unknown error";
  if (ended_session(last_sqlstate_)) ended_by_server_ = true;
  std::string text = "PostgreSQL: " + message;
  // Transient: out of resources, or lost a deadlock / serialization race / lock wait even after
  // the writer's retries; the caller may try again.
  if (broken() || sqlstate_class(last_sqlstate_, "53") || sqlstate_class(last_sqlstate_, "40") ||
      last_sqlstate_ == "55P03") {
    return core::unavailable(std::move(text));
  }
  if (sqlstate_class(last_sqlstate_, "23")) return core::conflict(std::move(text));
  if (sqlstate_class(last_sqlstate_, "22")) return core::invalid_argument(std::move(text));
  return core::internal_error(std::move(text));
}

core::Result<Rows> Connection::check(PGresult* result, ExecStatusType expected) {
  auto status = result != nullptr ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status == expected || (expected == PGRES_TUPLES_OK && status == PGRES_COMMAND_OK)) return Rows(result);
  auto error = failure(result);
  PQclear(result);
  return error;
}

core::Result<Rows> Connection::query(std::string_view sql, const Params& params) {
  last_sqlstate_.clear();
  const auto values = params.pointers();
  std::string text(sql);
  auto prepared = prepared_.find(text);
  if (prepared == prepared_.end() && prepared_.size() < kMaxPreparedStatements) {
    std::string name = "herald_" + std::to_string(prepared_.size() + 1);
    // Zero declared types: the server infers each parameter's type from where it is used.
    auto done = check(await_result(PQsendPrepare(conn_, name.c_str(), text.c_str(), 0, nullptr) == 1), PGRES_COMMAND_OK);
    if (!done) return done.error();
    prepared = prepared_.emplace(std::move(text), std::move(name)).first;
  }
  const bool sent =
      prepared != prepared_.end()
          ? PQsendQueryPrepared(conn_, prepared->second.c_str(), params.size(), values.data(), nullptr, nullptr, 0) == 1
          : PQsendQueryParams(conn_, text.c_str(), params.size(), nullptr, values.data(), nullptr, nullptr, 0) == 1;
  return check(await_result(sent), PGRES_TUPLES_OK);
}

core::Status Connection::exec(std::string_view sql) {
  last_sqlstate_.clear();
  std::string text(sql);
  auto done = check(await_result(PQsendQuery(conn_, text.c_str()) == 1), PGRES_TUPLES_OK);
  if (!done) return done.error();
  return core::ok_status();
}

core::Status Connection::copy_in(std::string_view copy_sql, const std::function<bool(std::string&)>& produce) {
  last_sqlstate_.clear();
  std::string text(copy_sql);
  auto started = check(await_result(PQsendQuery(conn_, text.c_str()) == 1), PGRES_COPY_IN);
  if (!started) return started.error();
  std::string buffer;
  for (bool more = true; more;) {
    buffer.clear();
    more = produce(buffer);
    if (!buffer.empty() && PQputCopyData(conn_, buffer.data(), static_cast<int>(buffer.size())) != 1) {
      return failure(nullptr);
    }
  }
  if (PQputCopyEnd(conn_, nullptr) != 1) return failure(nullptr);
  auto finished = check(await_result(true), PGRES_COMMAND_OK);
  if (!finished) return finished.error();
  return core::ok_status();
}

}  // namespace herald::store::postgres
