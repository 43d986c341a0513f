#include "http/body_budget.h"

namespace herald::http::detail {

bool BodyBudget::try_take(const std::string& address, std::size_t bytes) {
  std::lock_guard lock(mutex_);
  auto& of_address = by_address_[address];
  if (in_use_ + bytes > listener_limit_ || of_address + bytes > address_limit_) {
    if (of_address == 0) by_address_.erase(address);
    return false;
  }
  in_use_ += bytes;
  of_address += bytes;
  return true;
}

void BodyBudget::give_back(const std::string& address, std::size_t bytes) {
  std::lock_guard lock(mutex_);
  in_use_ -= bytes;
  auto found = by_address_.find(address);
  if (found == by_address_.end()) return;
  found->second -= bytes;
  if (found->second == 0) by_address_.erase(found);
}

std::size_t BodyBudget::in_use() const {
  std::lock_guard lock(mutex_);
  return in_use_;
}

}  // namespace herald::http::detail
