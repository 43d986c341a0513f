#include "analysis/ossec_alert_decoder.h"

#include <algorithm>
#include <string_view>

#include "analysis/decoder.h"
#include "analysis/event.h"

namespace herald::analysis {
namespace {

constexpr std::size_t kNewLocationLimit = 254;  // Wazuh's 256-byte buffer, written with size 255
constexpr std::size_t kFullLogLimit = 4094;

}  // namespace

void decode_ossec_alert(Event& event, DecoderType& type, const RuleExists& rule_exists,
                        std::optional<std::string>& generated_rule) {
  type = DecoderType::ossec_alert;
  // A copy: the event's log is about to be replaced.
  const std::string log(up_to_nul(event.log()));
  auto at = [&](std::size_t i) { return i < log.size() ? log[i] : '\0'; };
  constexpr auto npos = std::string::npos;

  // Wazuh compares 12 and 18 bytes: the second form needs no colon after "Level".
  if (log.compare(0, 12, "Alert Level:") != 0 && log.compare(0, 18, "ossec: Alert Level") != 0) return;

  std::size_t position = log.find(';');
  if (position == npos) return;
  position = log.find(':', position + 1);
  if (position == npos || at(position + 1) != ' ') return;
  position += 2;
  const std::size_t id_end = log.find(' ', position);
  if (id_end == npos) return;
  const std::string_view rule_id = std::string_view(log).substr(position, id_end - position);
  if (rule_exists && !rule_exists(rule_id)) return;

  position = log.find(';', id_end);
  if (position == npos) return;
  ++position;
  if (log.compare(position, 11, " Location: ") != 0) return;
  position += 11;
  const std::size_t location_end = log.find(';', position);
  if (location_end == npos) return;
  std::string location = event.location;
  location.push_back('|');
  location.append(log, position, location_end - position);
  if (location.size() > kNewLocationLimit) location.resize(kNewLocationLimit);
  event.location = location;
  event.hostname.assign(location);

  position = location_end + 1;
  while (at(position) == ' ' && at(position + 1) != ' ') {
    ++position;
    const std::size_t entry_end = log.find(';', position);
    if (entry_end == npos) return;
    const std::string_view entry = std::string_view(log).substr(position, entry_end - position);
    if (entry.starts_with("srcip: ")) event.set_static_field(StaticField::srcip, entry.substr(7));
    if (entry.starts_with("user: ")) event.set_static_field(StaticField::dstuser, entry.substr(6));
    position = entry_end + 1;
  }
  while (at(position) == ' ') ++position;

  event.full_log = log.substr(std::min(position, log.size()), kFullLogLimit);
  event.set_log(0, event.full_log.size());
  generated_rule = std::string(rule_id);
}

}  // namespace herald::analysis
