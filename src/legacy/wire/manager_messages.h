#pragma once
// What the manager sends an agent (legacy-4x-protocol.md §3.1, §4): the texts, before
// encryption. Pure.
#include <string>
#include <string_view>
#include <vector>

namespace herald::legacy::wire {

inline constexpr std::string_view kAck = "#!-agent ack ";
inline constexpr std::string_view kForceReconnect = "#!-force_reconnect";
// "#!-err {"message":"…"}" (4.6+ agents log it and retry the handshake).
std::string handshake_error(std::string_view message);

// "#!-execd {json}" for agents >= 4.2: {"version":1,"origin":{"name":<node>,"module":<module>},
// "command":<command>,"parameters":{"extra_args":[…],"alert":<alert json or {}>}}. `command` is
// sent as given (Wazuh appends the timeout, e.g. "firewall-drop0"); `alert_json` must be a JSON
// object text.
std::string execd_message(std::string_view node, std::string_view module, std::string_view command,
                          const std::vector<std::string>& extra_args, std::string_view alert_json = "{}");
// The restart active response, exactly as the Wazuh API sends it: agents >= 4.2 get the JSON form
// with "restart-wazuh0" and the " - null (from_the_server) (no_rule_id)" suffix, older ones
// "#!-execd restart-ossec0 - null (from_the_server) (no_rule_id)". `agent_version` "v4.1.5" etc.;
// empty or unparsable: treated as current. The JSON is Python's json.dumps (spaces after ',' and
// ':') with origin {"module":"framework"} and no node name (see the .cpp), so `node` is unused.
std::string restart_message(std::string_view agent_version, std::string_view node);

// "#!-req <counter> <target> <command>" (counter: lowercase hex, no padding).
std::string request_message(std::string_view counter, std::string_view target, std::string_view command);

// A file push: "#!-up file <md5> <name>\n", the bytes in chunks of 900, "#!-close file ".
inline constexpr std::size_t kFileChunkBytes = 900;
std::vector<std::string> file_push_messages(std::string_view file_name, std::string_view content);

// merged.mg (c_group / MergeAppendFile): "#<group>\n" then for each file "!<size> <name>\n<content>",
// "ar.conf" first (c_group merges etc/shared/ar.conf before the group's directory: pass it as a
// file), then by name; hidden files and merged.mg* are skipped. For an agent in several groups,
// the multigroup file exactly as c_multi_group builds it: the header is
// "#<sha256hex("g1,g2")[0:8]>", a later group's file replaces an earlier one of the same name and
// agent.conf texts are concatenated, each after "<!-- Source file: <group>/agent.conf -->\n".
struct SharedFile {
  std::string name;
  std::string content;
};
struct GroupFiles {
  std::string group;
  std::vector<SharedFile> files;  // sorted by name, as readdir order is not to be relied on
};
std::string merged_file(const std::vector<GroupFiles>& groups);

}  // namespace herald::legacy::wire
