#include "analysis/symantec_ws_decoder.h"

#include <string_view>

#include "analysis/event.h"
#include "analysis/plugin_decoders.h"

namespace herald::analysis {
namespace {

// The value at `position`, up to the next comma and at most `limit` bytes; moves past it.
std::string_view read_value(std::string_view log, std::size_t& position, std::size_t limit) {
  const std::size_t start = position;
  while (position < log.size() && position - start < limit && log[position] != ',') ++position;
  return log.substr(start, position - start);
}

void set_if_unset(Event& event, StaticField field, std::string_view value) {
  if (!event.static_field(field)) event.set_static_field(field, value);
}

}  // namespace

void decode_symantec_ws(Event& event) {
  const std::string_view log = up_to_nul(event.log());
  const std::size_t first_comma = log.find(',');
  if (first_comma == std::string_view::npos) return;
  std::size_t position = first_comma + 1;
  while (true) {
    const std::string_view rest = log.substr(position);
    if (rest.starts_with("10=")) {
      position += 3;
      set_if_unset(event, StaticField::dstuser, read_value(log, position, 128));
    } else if (rest.starts_with("11=")) {
      position += 3;
      set_if_unset(event, StaticField::srcip, read_value(log, position, 128));
    } else if (rest.starts_with("60=")) {
      position += 3;
      set_if_unset(event, StaticField::url, read_value(log, position, 1024));
    } else if (rest.starts_with("3=") || rest.starts_with("2=")) {
      const std::string_view id = log.substr(position, 9);
      position += id.size();
      set_if_unset(event, StaticField::id, id);
    }
    const std::size_t comma = log.find(',', position);
    if (comma == std::string_view::npos) return;
    position = comma + 1;
  }
}

}  // namespace herald::analysis
