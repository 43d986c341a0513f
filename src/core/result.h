#pragma once
// Errors are values. Core and store return Result<T>; the HTTP layer maps an Error to a status
// code in one place (api/error_reply.cpp).
#include <string>
#include <utility>
#include <variant>

namespace herald::core {

enum class ErrorKind {
  invalid_argument,  // the caller sent something wrong (400)
  not_found,         // the thing named does not exist (404)
  conflict,          // it exists already (400/409, per route)
  unauthorized,      // credentials missing or wrong (401)
  forbidden,         // authenticated but not allowed (403)
  unavailable,       // a dependency (database, bus) is down (503)
  internal,          // a bug or an unexpected failure (500)
};

struct Error {
  ErrorKind kind = ErrorKind::internal;
  std::string message;
};

inline Error invalid_argument(std::string message) { return {ErrorKind::invalid_argument, std::move(message)}; }
inline Error not_found(std::string message) { return {ErrorKind::not_found, std::move(message)}; }
inline Error conflict(std::string message) { return {ErrorKind::conflict, std::move(message)}; }
inline Error unavailable(std::string message) { return {ErrorKind::unavailable, std::move(message)}; }
inline Error internal_error(std::string message) { return {ErrorKind::internal, std::move(message)}; }

template <class T>
class [[nodiscard]] Result {
 public:
  Result(T value) : state_(std::move(value)) {}
  Result(Error error) : state_(std::move(error)) {}
  // Default-constructs as an internal error so that Result can cross asio completion signatures.
  Result() : state_(Error{ErrorKind::internal, "no result"}) {}

  bool ok() const { return std::holds_alternative<T>(state_); }
  explicit operator bool() const { return ok(); }
  T& value() & { return std::get<T>(state_); }
  const T& value() const& { return std::get<T>(state_); }
  T&& value() && { return std::get<T>(std::move(state_)); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  const Error& error() const { return std::get<Error>(state_); }

 private:
  std::variant<T, Error> state_;
};

struct Unit {};
using Status = Result<Unit>;
inline Status ok_status() { return Unit{}; }

}  // namespace herald::core
