#pragma once
// Wazuh's accumulator (<accumulate/>): events of one host and decoder that carry the same `id`
// lend each other the fields they lack.
//
// An event with an id (even an empty one) is keyed "<hostname> <decoder name> <id>" (skipped
// when that key would not fit Wazuh's 256-byte buffer; an absent hostname prints "(null)").
// If an entry for the key was stored less than 120 s before, each of dstuser srcuser dstip
// srcip dstport srcport data the event has unset or empty takes the stored value. Then the
// entry stores each of those the event has, 1 to 80 bytes long, where it has none yet (a stored
// value is never replaced), and the event's time. Every 200th event runs a purge of the entries
// older than 120 s (also when the clock goes back more than 300 s).
//
// Not safe for concurrent use: one per worker (Wazuh has one behind a mutex).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace herald::analysis {

class Event;

class Accumulator {
 public:
  static constexpr std::int64_t kExpireSeconds = 120;
  static constexpr std::int64_t kPurgeIntervalSeconds = 300;
  static constexpr int kPurgeEveryLookups = 200;
  static constexpr std::size_t kMaxKeySize = 255;
  static constexpr std::size_t kMaxValueSize = 80;

  // Merges and records `event`, decoded by the decoder named `decoder_name`, at time `now`
  // (seconds since the epoch).
  void accumulate(Event& event, std::string_view decoder_name, std::int64_t now);

  std::size_t size() const { return entries_.size(); }

 private:
  static constexpr std::size_t kFieldCount = 7;
  struct Entry {
    std::int64_t timestamp = 0;
    std::optional<std::string> fields[kFieldCount];
  };

  void purge_if_due(std::int64_t now);

  std::unordered_map<std::string, Entry> entries_;
  int lookups_ = 0;
  std::optional<std::int64_t> last_purge_;
  std::string key_;  // reused
};

}  // namespace herald::analysis
