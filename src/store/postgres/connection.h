#pragma once
// A thin RAII layer over one libpq connection: bound parameters in text format, cached prepared
// statements, COPY FROM STDIN, typed row access, errors as core::Error. Not thread-safe: a
// connection belongs to one thread at a time (the writer thread, or a reader while leased).
//
// Error kinds: unavailable when the connection is gone or the server refuses work (class 08,
// 53, 57P01-57P03) or for transient contention (class 40: deadlock, serialization; 55P03),
// conflict for integrity violations (class 23), invalid_argument for data the server cannot
// store (class 22, e.g. invalid UTF-8), internal otherwise. A statement the server does not
// answer within settings.query_timeout_ms is unavailable too, and leaves the connection broken.
#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/result.h"
#include "store/postgres/connect_settings.h"

namespace herald::store::postgres {

// Parameters for one statement, in libpq's text format; nullopt is SQL NULL.
class Params {
 public:
  Params() = default;
  template <class... T>
  explicit Params(const T&... values) {
    (add(values), ...);
  }

  Params& add(std::int64_t value);
  Params& add(std::string_view value);
  Params& add(const std::string& value) { return add(std::string_view(value)); }
  Params& add(const char* value) { return add(std::string_view(value)); }
  Params& add(const std::optional<std::string>& value);
  Params& add(const std::optional<std::int64_t>& value);
  Params& add_null();

  int size() const { return static_cast<int>(values_.size()); }
  // Pointers into this object, valid while it lives unchanged.
  std::vector<const char*> pointers() const;

 private:
  std::vector<std::optional<std::string>> values_;
};

// Array literals for `$n::bigint[]` / `$n::text[]` parameters (values bound, never spliced).
std::string int_array(const std::vector<std::int64_t>& values);
std::string text_array(const std::vector<std::string>& values);
std::string text_array(const std::vector<std::optional<std::string>>& values);  // nullopt: NULL

// One result set. Columns are read by index, in the order the SELECT lists them.
class Rows {
 public:
  explicit Rows(PGresult* result) : result_(result, &PQclear) {}

  int size() const { return PQntuples(result_.get()); }
  bool empty() const { return size() == 0; }
  bool is_null(int row, int column) const { return PQgetisnull(result_.get(), row, column) != 0; }
  std::string text(int row, int column) const;
  std::optional<std::string> optional_text(int row, int column) const;
  std::int64_t integer(int row, int column) const;
  std::optional<std::int64_t> optional_integer(int row, int column) const;
  // Rows touched by an INSERT/UPDATE/DELETE.
  std::int64_t affected() const;

 private:
  std::unique_ptr<PGresult, decltype(&PQclear)> result_;
};

// The outcome of a statement whose rows are not needed.
inline core::Status status_of(const core::Result<Rows>& rows) {
  if (!rows) return rows.error();
  return core::ok_status();
}

class Connection {
 public:
  // Connects with the settings' timeouts and keep-alives. Errors: invalid_argument for a DSN
  // libpq cannot parse; unavailable (naming host, port and libpq's reason, never the password)
  // when the server cannot be reached or refuses the login.
  static core::Result<std::unique_ptr<Connection>> open(const ConnectSettings& settings);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // One statement with bound parameters. Statements are prepared once per connection and
  // reused; past a bound on the cache (SQL built per call) they run unprepared.
  core::Result<Rows> query(std::string_view sql, const Params& params = Params());
  // Runs SQL text without parameters (transaction control, DDL); may hold several statements.
  core::Status exec(std::string_view sql);
  // Runs `copy_sql` (a COPY ... FROM STDIN in text format) and streams what `produce` appends
  // to its buffer; `produce` returns false once it has appended the last rows.
  core::Status copy_in(std::string_view copy_sql, const std::function<bool(std::string&)>& produce);

  // The connection is gone (or the server ended the session, or did not answer in time): throw
  // it away.
  bool broken() const;
  // Replaces settings.query_timeout_ms for the statements that follow (0: no limit), e.g. for a
  // schema migration that may legitimately take long.
  void set_query_timeout_ms(int timeout_ms) { query_timeout_ms_ = timeout_ms; }
  // Inside a transaction that a failed statement aborted: COMMIT would only roll it back.
  bool transaction_failed() const { return PQtransactionStatus(conn_) == PQTRANS_INERROR; }
  // SQLSTATE of the last failed statement ("" after a success), e.g. 40P01 for a deadlock.
  const std::string& last_sqlstate() const { return last_sqlstate_; }

 private:
  Connection(PGconn* conn, int query_timeout_ms) : conn_(conn), query_timeout_ms_(query_timeout_ms) {}
  core::Result<Rows> check(PGresult* result, ExecStatusType expected);
  core::Error failure(const PGresult* result);
  // What PQexec would return for what was just sent (`sent`: the PQsend* call succeeded): the
  // last result, the first error, or the COPY IN state; waiting at most query_timeout_ms_ in all.
  // nullptr when nothing came (broken() then says whether the connection is lost).
  PGresult* await_result(bool sent);
  // Waits until libpq can hand out a result without blocking; false once the time is up.
  bool wait_readable(std::int64_t deadline_ms);

  PGconn* conn_;
  int query_timeout_ms_;
  bool timed_out_ = false;  // a statement got no answer in time: the session is in an unknown state
  bool ended_by_server_ = false;
  std::string last_sqlstate_;
  std::unordered_map<std::string, std::string> prepared_;  // SQL -> statement name
};

}  // namespace herald::store::postgres
