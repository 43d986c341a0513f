#include "analysis/rule_memory.h"

#include <algorithm>

namespace herald::analysis {
namespace {

// OS_StrHowClosedMatch: the length of the common prefix.
std::size_t common_prefix(std::string_view a, std::string_view b) {
  const std::size_t limit = std::min(a.size(), b.size());
  std::size_t i = 0;
  while (i < limit && a[i] == b[i]) ++i;
  return i;
}

}  // namespace

bool FirstTimeSeen::first_time(std::string key, bool ids_event) {
  if (keys_.find(key) != keys_.end()) return false;
  if (ids_event) {
    int similar = 0;
    for (auto it = recent_.rbegin(); it != recent_.rend(); ++it) {
      if (common_prefix(*it, key) > kSimilarPrefix && ++similar > 2) {
        key.resize(std::min(key.size(), kSimilarPrefix));
        break;
      }
    }
    if (keys_.find(key) != keys_.end()) return false;  // Wazuh adds to its list, then undoes it
    recent_.push_back(key);
    if (recent_.size() > kRecentKeys) recent_.pop_front();
  }
  if (max_keys_ == 0) return true;
  while (keys_.size() >= max_keys_ && !order_.empty()) {
    keys_.erase(keys_.find(*order_.front()));  // by iterator: the key refers into the set
    order_.pop_front();
  }
  const auto inserted = keys_.insert(std::move(key)).first;
  order_.push_back(&*inserted);
  return true;
}

void IgnoreList::add(std::string entry) {
  if (max_entries_ == 0 || entries_.find(entry) != entries_.end()) return;
  while (entries_.size() >= max_entries_ && !order_.empty()) {
    entries_.erase(entries_.find(*order_.front()));
    order_.pop_front();
  }
  order_.push_back(&*entries_.insert(std::move(entry)).first);
}

std::optional<std::string> DiffMemory::changed(std::string_view host, int rule_id, std::string_view output) {
  std::string key;
  key.reserve(host.size() + 12);
  key.append(host).append("/").append(std::to_string(rule_id));
  if (auto it = entries_.find(key); it != entries_.end()) {
    if (it->second == output) return std::nullopt;
    std::string previous = std::move(it->second);
    bytes_ = bytes_ - previous.size() + output.size();
    it->second.assign(output);
    return previous;
  }
  if (max_entries_ == 0 || output.size() + key.size() > max_bytes_) return std::nullopt;
  while ((entries_.size() >= max_entries_ || bytes_ + key.size() + output.size() > max_bytes_) && !order_.empty()) {
    auto oldest = entries_.find(*order_.front());
    bytes_ -= oldest->first.size() + oldest->second.size();
    entries_.erase(oldest);
    order_.pop_front();
  }
  bytes_ += key.size() + output.size();
  const auto inserted = entries_.emplace(std::move(key), std::string(output)).first;
  order_.push_back(&inserted->first);
  return std::nullopt;
}

}  // namespace herald::analysis
