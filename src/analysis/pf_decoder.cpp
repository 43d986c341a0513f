#include "analysis/pf_decoder.h"

#include <string_view>

#include "analysis/event.h"
#include "analysis/plugin_decoders.h"

namespace herald::analysis {
namespace {

// Splits "a.b.c.d.port" at its fourth dot into the address and the port, as Wazuh does.
void set_address(Event& event, std::string_view text, StaticField ip, StaticField port) {
  std::size_t dots = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '.' && ++dots == 4) {
      event.set_static_field(ip, text.substr(0, i));
      event.set_static_field(port, text.substr(i + 1));
      return;
    }
  }
  event.set_static_field(ip, text);
}

}  // namespace

void decode_pf(Event& event) {
  const std::string_view log = up_to_nul(event.log());
  auto at = [&](std::size_t i) { return i < log.size() ? log[i] : '\0'; };

  std::size_t position = log.find(')');
  if (position == std::string_view::npos || at(++position) != ' ') return;
  ++position;
  if (at(position) == 'p') {
    event.set_static_field(StaticField::action, "pass");
  } else if (at(position) == 'b') {
    event.set_static_field(StaticField::action, "block");
  } else {
    return;
  }

  position = log.find(':', position);
  if (position == std::string_view::npos || at(++position) != ' ') return;
  ++position;
  const std::size_t source_end = log.find(' ', position);
  if (source_end == std::string_view::npos) return;
  set_address(event, log.substr(position, source_end - position), StaticField::srcip, StaticField::srcport);

  position = source_end + 1;
  if (at(position) != '>' || at(position + 1) != ' ') return;
  position += 2;
  const std::size_t destination_end = log.find(':', position);
  if (destination_end == std::string_view::npos) return;
  set_address(event, log.substr(position, destination_end - position), StaticField::dstip, StaticField::dstport);

  position = destination_end + 1;
  while (at(position) == ' ') ++position;
  if (position >= log.size()) return;
  const char protocol = log[position];
  event.set_static_field(StaticField::protocol, protocol == 'u' ? "UDP" : protocol == 'i' ? "ICMP" : "TCP");
}

}  // namespace herald::analysis
