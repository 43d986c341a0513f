#include "engine/group_configurations.h"

#include <functional>
#include <unordered_map>
#include <utility>

#include "core/string_hash.h"

namespace herald::engine {

namespace {

struct CachedConfiguration {
  std::uint64_t generation = 0;
  std::chrono::steady_clock::time_point read_at;
  core::Result<std::optional<std::string>> value;
};

using ConfigurationCache = std::unordered_map<std::string, CachedConfiguration, core::StringHash, std::equal_to<>>;

std::atomic<std::uint64_t> next_cache_id{1};
// Per io thread and per instance; a few groups each, so never trimmed but on change.
thread_local std::unordered_map<std::uint64_t, ConfigurationCache> cached_configurations;

}  // namespace

GroupConfigurations::GroupConfigurations(store::GroupStore& store, BlockingPool& pool, std::chrono::milliseconds max_age)
    : store_(store), pool_(pool), max_age_(max_age), id_(next_cache_id.fetch_add(1)) {}

boost::asio::awaitable<core::Result<std::optional<std::string>>> GroupConfigurations::get(const std::string& group) {
  // Read the generation before the store: a change committed after this load bumps it, so what
  // the read below returns is never kept past that change.
  const std::uint64_t generation = generation_.load(std::memory_order_acquire);
  const auto now = std::chrono::steady_clock::now();
  if (max_age_.count() > 0) {
    auto& cache = cached_configurations[id_];
    if (auto found = cache.find(group); found != cache.end()) {
      if (found->second.generation == generation && now - found->second.read_at < max_age_) {
        co_return found->second.value;
      }
    }
  }
  auto value = co_await pool_.run([this, &group] { return store_.group_configuration(group); });
  const bool cacheable = value || value.error().kind == core::ErrorKind::not_found;
  if (max_age_.count() > 0 && cacheable) {
    // Looked up again: the coroutine resumes on its own io thread, but `cache` may have rehashed
    // meanwhile (another request on this thread). Stamped with the generation read before the
    // store, so a change that raced this read makes the entry stale at once.
    cached_configurations[id_].insert_or_assign(group, CachedConfiguration{generation, now, value});
  }
  co_return value;
}

}  // namespace herald::engine
