#include "analysis/decoder_accumulator.h"

#include <array>

#include "analysis/event.h"

namespace herald::analysis {
namespace {

constexpr std::array<StaticField, 7> kAccumulatedFields{
    StaticField::dstuser, StaticField::srcuser, StaticField::dstip, StaticField::srcip,
    StaticField::dstport, StaticField::srcport, StaticField::data,
};

// Wazuh's rule for both directions: a value fills a place that is unset or empty, and only a
// value of 1 to 80 bytes does.
bool fills(std::optional<std::string_view> place, std::string_view value) {
  return (!place || place->empty()) && !value.empty() && value.size() <= Accumulator::kMaxValueSize;
}

std::optional<std::string_view> as_view(const std::optional<std::string>& text) {
  return text ? std::optional<std::string_view>(*text) : std::nullopt;
}

}  // namespace

void Accumulator::purge_if_due(std::int64_t now) {
  if (!last_purge_) last_purge_ = now;
  ++lookups_;
  if (lookups_ < kPurgeEveryLookups && *last_purge_ < now + kPurgeIntervalSeconds) return;
  lookups_ = 0;
  last_purge_ = now;
  std::erase_if(entries_, [now](const auto& entry) { return entry.second.timestamp < now - kExpireSeconds; });
}

void Accumulator::accumulate(Event& event, std::string_view decoder_name, std::int64_t now) {
  const std::optional<std::string_view> id = event.static_field(StaticField::id);
  if (!id) return;
  purge_if_due(now);

  key_.clear();
  key_.append(event.hostname.has_value() ? event.hostname.view() : std::string_view("(null)"));
  key_.push_back(' ');
  key_.append(decoder_name);
  key_.push_back(' ');
  key_.append(*id);
  if (key_.size() > kMaxKeySize) return;

  auto found = entries_.find(key_);
  if (found != entries_.end() && found->second.timestamp > 0 && found->second.timestamp < now - kExpireSeconds) {
    found->second = Entry{};
  } else if (found != entries_.end()) {
    for (std::size_t i = 0; i < kFieldCount; ++i) {
      const auto& stored = found->second.fields[i];
      if (stored && fills(event.static_field(kAccumulatedFields[i]), *stored)) {
        event.set_static_field(kAccumulatedFields[i], *stored);
      }
    }
  }
  if (found == entries_.end()) found = entries_.try_emplace(key_).first;

  Entry& entry = found->second;
  entry.timestamp = now;
  for (std::size_t i = 0; i < kFieldCount; ++i) {
    const std::optional<std::string_view> value = event.static_field(kAccumulatedFields[i]);
    if (value && fills(as_view(entry.fields[i]), *value)) entry.fields[i].emplace(*value);
  }
}

}  // namespace herald::analysis
