#include "legacy/wire/control_message.h"

#include <boost/json.hpp>

#include <array>
#include <cctype>

namespace herald::legacy::wire {
namespace {

constexpr std::string_view kStartup = "agent startup ";
constexpr std::string_view kShutdown = "agent shutdown ";
constexpr std::string_view kRequest = "req ";
constexpr std::string_view kAgentIpLabel = "#\"_agent_ip\":";
constexpr std::string_view kMergedName = "merged.mg";

// get_os_arch: the first of these found anywhere in the uname.
constexpr std::array<std::string_view, 12> kArchitectures = {
    "x86_64", "i386", "i686", "sparc", "amd64", "i86pc", "ia64", "AIX", "armv6", "armv7", "aarch64", "arm64"};

std::string_view drop_last(std::string_view s) { return s.empty() ? s : s.substr(0, s.size() - 1); }

std::string leading_digits(std::string_view s) {
  std::size_t n = 0;
  while (n < s.size() && std::isdigit(static_cast<unsigned char>(s[n])) != 0) ++n;
  return std::string(s.substr(0, n));
}

// The regexes ^([0-9]+), ^[0-9]+\.([0-9]+) and ^[0-9]+\.[0-9]+\.([0-9]+(\.[0-9]+)*).
void version_numbers(std::string_view version, UnameFields& os, bool with_build) {
  os.os_major = leading_digits(version);
  if (os.os_major.empty() || version.size() <= os.os_major.size() || version[os.os_major.size()] != '.') return;
  std::string_view rest = version.substr(os.os_major.size() + 1);
  os.os_minor = leading_digits(rest);
  if (!with_build || os.os_minor.empty() || rest.size() <= os.os_minor.size() || rest[os.os_minor.size()] != '.') {
    return;
  }
  rest.remove_prefix(os.os_minor.size() + 1);
  std::size_t end = 0;
  while (true) {
    const std::string digits = leading_digits(rest.substr(end));
    if (digits.empty()) break;
    end += digits.size();
    if (end + 1 < rest.size() && rest[end] == '.' && std::isdigit(static_cast<unsigned char>(rest[end + 1])) != 0) {
      ++end;
      continue;
    }
    break;
  }
  os.os_build = std::string(rest.substr(0, end));
}

// cJSON_GetObjectItem matches keys case-insensitively.
const boost::json::value* find_key_icase(const boost::json::object& object, std::string_view key) {
  for (const auto& entry : object) {
    const std::string_view k = entry.key();
    if (k.size() != key.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < k.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(k[i])) == std::tolower(static_cast<unsigned char>(key[i]));
    }
    if (same) return &entry.value();
  }
  return nullptr;
}

void parse_startup(std::string_view text, ControlMessage& message) {
  message.kind = ControlMessage::Kind::startup;
  const auto brace = text.find('{');
  if (brace == std::string_view::npos) return;
  message.startup_json = std::string(text.substr(brace));
  boost::json::parse_options options;
  options.max_depth = 1000;  // cJSON's nesting limit
  boost::json::parser parser({}, options);
  boost::system::error_code ec;
  parser.write_some(message.startup_json.data(), message.startup_json.size(), ec);  // stops after one value
  if (ec) return;  // also error::incomplete when the text ends inside the value
  const boost::json::value root = parser.release();
  const boost::json::value* version = root.is_object() ? find_key_icase(root.get_object(), "version") : nullptr;
  if (version != nullptr && version->is_string()) {
    message.startup_version = std::string(version->get_string());
  } else {
    message.startup_json_invalid = true;
  }
}

// parse_agent_update_msg over the message cut after its last '\n'.
void parse_keepalive(std::string_view text, Keepalive& keepalive) {
  std::size_t start = 0;
  while (start < text.size()) {
    auto end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    const std::string_view line = text.substr(start, end - start);
    start = end + 1;
    if (line.empty()) continue;  // strtok_r skips empty tokens
    if (line[0] == '#' || line[0] == '!' || line[0] == '"') {
      if (line.substr(0, kAgentIpLabel.size()) == kAgentIpLabel) {
        keepalive.agent_ip = std::string(line.substr(kAgentIpLabel.size()));
      } else {
        keepalive.labels.emplace_back(line);
      }
    } else if (const auto dash = line.find(" - "); dash != std::string_view::npos) {
      const std::string_view after = line.substr(dash + 3);
      keepalive.os = parse_uname(line.substr(0, dash));
      std::string_view version;
      if (const auto slash = after.find(" / "); slash != std::string_view::npos) {
        version = after.substr(0, slash);
        keepalive.config_sum = std::string(after.substr(slash + 3));
        keepalive.uname = std::string(line.substr(0, dash + 3 + slash));
      } else {
        // No " / ": the version is looked for from "Wazuh" on.
        if (const auto wazuh = after.find("Wazuh"); wazuh != std::string_view::npos) version = after.substr(wazuh);
        keepalive.uname = std::string(line);
      }
      if (version.substr(0, 6) == "Wazuh ") version.remove_prefix(6);
      keepalive.version = std::string(version);
    } else if (const auto space = line.find(' '); space != std::string_view::npos) {
      // strncmp(…, "merged.mg", strlen - 1): "merged.m" is enough.
      if (line.substr(space + 1, kMergedName.size() - 1) == kMergedName.substr(0, kMergedName.size() - 1)) {
        const std::string_view sum = line.substr(0, space);
        if (sum == "x") {
          keepalive.merged_sum.reset();
        } else {
          keepalive.merged_sum = std::string(sum);
        }
      }
    }
  }
}

}  // namespace

UnameFields parse_uname(std::string_view uname_line) {
  UnameFields os;
  if (const auto dash = uname_line.find(" - "); dash != std::string_view::npos) uname_line = uname_line.substr(0, dash);
  os.os_uname = std::string(uname_line);
  if (const auto ver = uname_line.find(" [Ver: "); ver != std::string_view::npos) {
    // Windows: "Microsoft Windows 10 Pro [Ver: 10.0.19045.2965]".
    os.os_name = std::string(uname_line.substr(0, ver));
    os.os_version = std::string(drop_last(uname_line.substr(ver + 7)));
    version_numbers(os.os_version, os, true);
    os.os_platform = "windows";
    return os;
  }
  if (const auto bracket = uname_line.find(" ["); bracket != std::string_view::npos) {
    std::string_view name = uname_line.substr(bracket + 2);
    if (const auto colon = name.find(": "); colon != std::string_view::npos) {
      std::string_view version = drop_last(name.substr(colon + 2));
      name = name.substr(0, colon);
      if (const auto paren = version.find(" ("); paren != std::string_view::npos) {
        os.os_codename = std::string(drop_last(version.substr(paren + 2)));
        version = version.substr(0, paren);
      }
      os.os_version = std::string(version);
      version_numbers(version, os, false);
    } else {
      name = drop_last(name);
    }
    if (const auto bar = name.find('|'); bar != std::string_view::npos) {
      os.os_platform = std::string(name.substr(bar + 1));
      name = name.substr(0, bar);
    }
    os.os_name = std::string(name);
  }
  for (const auto arch : kArchitectures) {
    if (uname_line.find(arch) != std::string_view::npos) {
      os.os_arch = std::string(arch);
      break;
    }
  }
  // "sysname |nodename |…" or the fallback "sysname nodename release version machine".
  if (const auto bar = uname_line.find(" |"); bar != std::string_view::npos) {
    const std::string_view rest = uname_line.substr(bar + 2);
    os.hostname = std::string(rest.substr(0, rest.find(" |")));
  } else if (const auto space = uname_line.find(' '); space != std::string_view::npos) {
    const std::string_view rest = uname_line.substr(space + 1);
    os.hostname = std::string(rest.substr(0, rest.find(' ')));
  }
  return os;
}

bool is_control(std::string_view text) { return text.substr(0, kControlHeader.size()) == kControlHeader; }

ControlMessage parse_control(std::string_view text) {
  ControlMessage message;
  if (is_control(text)) text.remove_prefix(kControlHeader.size());
  if (text.substr(0, kRequest.size()) == kRequest) {
    const std::string_view rest = text.substr(kRequest.size());
    const auto space = rest.find(' ');
    if (space == std::string_view::npos) return message;  // "Request control format error": dropped
    message.kind = ControlMessage::Kind::request_reply;
    message.request_counter = std::string(rest.substr(0, space));
    message.request_response = std::string(rest.substr(space + 1));
    return message;
  }
  if (text.substr(0, kStartup.size()) == kStartup) {
    parse_startup(text, message);
    return message;
  }
  if (text == kShutdown) {
    message.kind = ControlMessage::Kind::shutdown;
    return message;
  }
  const auto last_newline = text.rfind('\n');
  if (last_newline == std::string_view::npos) return message;
  message.kind = ControlMessage::Kind::keepalive;
  parse_keepalive(text.substr(0, last_newline + 1), message.keepalive);
  return message;
}

std::optional<EventLine> parse_event(std::string_view text) {
  if (text.size() < 2 || text[1] != ':') return std::nullopt;
  for (std::size_t i = 2; i < text.size(); ++i) {
    if (text[i] == '|') {
      ++i;  // escaped character
    } else if (text[i] == ':') {
      return EventLine{text[0], std::string(text.substr(2, i - 2)), std::string(text.substr(i + 1))};
    }
  }
  return std::nullopt;
}

std::string relabelled_location(std::string_view id, std::string_view name, std::string_view ip,
                                std::string_view location) {
  std::string source = "[";
  source.append(id).append("] (").append(name).append(") ").append(ip);
  std::string out;
  out.reserve(source.size() + 8 + location.size());
  for (char c : source) {
    if (c == '|' || c == ':') out.push_back('|');
    out.push_back(c);
  }
  out.append("->").append(location);
  return out;
}

}  // namespace herald::legacy::wire
