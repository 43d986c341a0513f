#include "analysis/sonicwall_decoder.h"

#include <cstdlib>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "analysis/decoder.h"
#include "analysis/event.h"
#include "analysis/os_regex.h"
#include "analysis/plugin_decoders.h"

namespace herald::analysis {
namespace {

struct SonicWallPatterns {
  OsRegex header;
  OsRegex addresses;
  OsRegex proxy;
};

OsRegex compile_fixed(std::string_view pattern) {
  auto compiled = OsRegex::compile(pattern);
  // The patterns are constants of this file; a failure is a bug caught by the tests.
  if (!compiled) std::abort();
  return std::move(compiled).value();
}

const SonicWallPatterns& patterns() {
  static const SonicWallPatterns compiled{
      compile_fixed(R"(pri=(\d) c=(\d+) m=(\d+) )"),
      compile_fixed(R"(src=(\d+.\d+.\d+.\d+):(\d+):\S+ dst=(\d+.\d+.\d+.\d+):(\d+):)"),
      compile_fixed(R"(result=(\d+) dstname=(\S+) arg=(\S+)$)"),
  };
  return compiled;
}

// Where Wazuh's regex engine leaves its pointer after a match: on the last byte it matched.
std::size_t last_matched_byte(std::size_t match_end) { return match_end == 0 ? 0 : match_end - 1; }

bool is_one_of(std::string_view id, std::initializer_list<std::string_view> ids) {
  for (const std::string_view candidate : ids) {
    if (id == candidate) return true;
  }
  return false;
}

}  // namespace

void decode_sonicwall(Event& event, DecoderType& type) {
  const SonicWallPatterns& regexes = patterns();
  type = DecoderType::syslog;
  const std::string_view log = up_to_nul(event.log());
  Captures captures;
  std::size_t match_end = 0;

  if (!regexes.header.search(log, &captures, &match_end) || captures.size() < 3) return;
  event.set_static_field(StaticField::status, captures[0]);
  event.set_static_field(StaticField::id, captures[2]);
  const std::string category(captures[1].substr(0, 7));

  std::string_view rest = log.substr(last_matched_byte(match_end));
  if (!regexes.addresses.search(rest, &captures, &match_end) || captures.size() < 4) return;
  event.set_static_field(StaticField::srcip, captures[0]);
  event.set_static_field(StaticField::srcport, captures[1]);
  event.set_static_field(StaticField::dstip, captures[2]);
  event.set_static_field(StaticField::dstport, captures[3]);

  // Wazuh's cursor after the addresses: past the next space, and past "proto=<value>" when
  // that follows; the proxy regex of id 97 starts there.
  std::optional<std::string_view> cursor;
  rest = rest.substr(last_matched_byte(match_end));
  if (const std::size_t space = rest.find(' '); space != std::string_view::npos) {
    cursor = rest.substr(space + 1);
    if (cursor->starts_with("proto=")) {
      const std::string_view value = cursor->substr(6);
      std::size_t length = 0;
      // Wazuh's isValidChar refuses only the bytes 0 and 1.
      while (length < value.size() && length < 6 && value[length] != '\x01' && value[length] != '/') ++length;
      event.set_static_field(StaticField::protocol, value.substr(0, length));
      cursor = value.substr(length);
    }
  }

  const std::string id(event.static_field(StaticField::id).value_or(""));
  if (category == "32") {
    type = DecoderType::ids;
  } else if (is_one_of(id, {"98", "597", "598"})) {
    type = DecoderType::firewall;
    event.set_static_field(StaticField::action, "pass");
  } else if (is_one_of(id, {"38", "36", "173", "174", "37"})) {
    type = DecoderType::firewall;
    event.set_static_field(StaticField::action, "drop");
  } else if (id == "537") {
    type = DecoderType::firewall;
    event.set_static_field(StaticField::action, "close");
  } else if (id == "97") {
    type = DecoderType::squid;
    if (!cursor || !regexes.proxy.search(*cursor, &captures, &match_end) || captures.empty()) return;
    event.set_static_field(StaticField::id, captures[0]);
    if (captures.size() >= 3) {
      std::string url(captures[1]);
      url.append(captures[2]);
      event.set_static_field(StaticField::url, url);
    }
  }
}

}  // namespace herald::analysis
