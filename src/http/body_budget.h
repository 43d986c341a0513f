#pragma once
// Internal to src/http: bounds the bytes of request bodies that nobody has authenticated yet
// (open routes such as an agent's POST /api/v1/authentication), on the whole listener and per
// source address, so that anonymous clients cannot make heraldd hold their bodies in memory.
#include <cstddef>
#include <mutex>
#include <string>
#include <unordered_map>

namespace herald::http::detail {

class BodyBudget {
 public:
  BodyBudget(std::size_t listener_limit, std::size_t address_limit)
      : listener_limit_(listener_limit), address_limit_(address_limit) {}
  BodyBudget(const BodyBudget&) = delete;
  BodyBudget& operator=(const BodyBudget&) = delete;

  // Takes `bytes` for `address`; false (nothing taken) when either limit would be passed.
  // Safe for concurrent use.
  bool try_take(const std::string& address, std::size_t bytes);
  // Gives back what try_take took. REQUIRES: a matching successful try_take.
  void give_back(const std::string& address, std::size_t bytes);

  std::size_t in_use() const;

 private:
  const std::size_t listener_limit_;
  const std::size_t address_limit_;
  mutable std::mutex mutex_;
  std::size_t in_use_ = 0;
  std::unordered_map<std::string, std::size_t> by_address_;
};

}  // namespace herald::http::detail
