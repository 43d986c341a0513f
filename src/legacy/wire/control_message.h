#pragma once
// What an agent sends on the secure channel once decrypted (legacy-4x-protocol.md §3, §4.2, §5):
// control messages ("#!-" prefix) and event lines. Pure.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace herald::legacy::wire {

inline constexpr std::string_view kControlHeader = "#!-";

// uname line → OS fields, as parse_uname_string does for
// "sysname |nodename |release |version |machine [os_name|os_platform: os_version] - Wazuh vX.Y.Z"
// (and the Windows and fallback forms).
// parse_uname_string cuts the codename out of the version: "12 (bookworm)" gives os_version "12"
// and os_codename "bookworm"; os_major/os_minor come from the version, os_build only on Windows.
struct UnameFields {
  std::string os_name, os_platform, os_version, os_arch;  // e.g. Debian GNU/Linux, debian, 12, x86_64
  std::string os_codename, os_major, os_minor, os_build;  // e.g. bookworm, 12, "", ""
  std::string hostname;                                    // nodename (empty for the Windows form)
  std::string os_uname;                                    // the line up to " - "
};
UnameFields parse_uname(std::string_view uname_line);

struct Keepalive {
  std::string uname;                      // the uname line as sent, without " / <sum>"
  UnameFields os;
  std::string version;                    // "Wazuh v4.12.0" → "v4.12.0" (empty if absent)
  std::optional<std::string> config_sum;  // md5 of agent.conf after " / "
  std::optional<std::string> merged_sum;  // "<md5> merged.mg" ("x" → nullopt)
  std::vector<std::string> labels;        // label lines, as sent ("\"env\":prod", "!\"h\":x", …) minus _agent_ip
  std::optional<std::string> agent_ip;    // #"_agent_ip":<ip>
};

struct ControlMessage {
  enum class Kind {
    startup,    // "#!-agent startup " or "#!-agent startup {json}"
    shutdown,   // "#!-agent shutdown "
    keepalive,  // any other "#!-…" holding a '\n' (save_controlmsg drops one without: unknown)
    request_reply,  // "#!-req <counter> <response>"
    unknown,    // "#!-…" that is none of these
  } kind = Kind::unknown;
  // startup: the JSON after "agent startup " (empty for pre-4.6 agents), and its "version" when
  // that is a string.
  std::string startup_json;
  std::optional<std::string> startup_version;
  // JSON that parses (cJSON_Parse from the first '{', trailing bytes ignored) but has no string
  // "version": remoted answers "Couldn't retrieve version". JSON that does not parse is treated
  // like no JSON at all (save_controlmsg skips the check and acks).
  bool startup_json_invalid = false;
  Keepalive keepalive;                // kind == keepalive
  std::string request_counter;        // kind == request_reply
  std::string request_response;       // "ok {…}", "err …"
};

bool is_control(std::string_view text);
// REQUIRES: is_control(text).
ControlMessage parse_control(std::string_view text);

// "<queue-char>:<location>:<message>" (§5). The location may itself hold ':' only when escaped
// ('|' escapes, as wstr_escape writes it); parsing stops at the first unescaped ':' after the
// queue character. The location is kept as sent (still escaped): remoted forwards it unchanged.
struct EventLine {
  char queue = 0;
  std::string location;
  std::string message;
};
std::optional<EventLine> parse_event(std::string_view text);
// The location as analysisd receives it: "[<id>] (<name>) <ip>-><location>", with '|' and ':' in
// the source part escaped as wstr_escape does.
std::string relabelled_location(std::string_view id, std::string_view name, std::string_view ip,
                                std::string_view location);

}  // namespace herald::legacy::wire
