#include "legacy/wire/manager_messages.h"

#include <boost/json.hpp>

#include <algorithm>

#include "legacy/wire/crypto.h"
#include "legacy/wire/enrollment_request.h"

namespace herald::legacy::wire {
namespace {

constexpr std::string_view kRestartSuffix = " - null (from_the_server) (no_rule_id)";

bool skipped_shared_file(std::string_view name) {
  // validate_shared_files and copy_directory skip hidden files and merged.mg (and merged.mg.tmp).
  return name.empty() || name[0] == '.' || name.substr(0, 9) == "merged.mg";
}

// MergeAppendFile: "!<size> <name>\n" then the bytes.
void append_file(std::string& out, const SharedFile& file) {
  out.append("!").append(std::to_string(file.content.size())).append(" ").append(file.name).append("\n");
  out.append(file.content);
}

// c_group writes ar.conf (etc/shared/ar.conf) right after the header, then the group's files in
// wreaddir order (qsort with strcmp).
std::string merged_of(std::string_view header_name, std::vector<SharedFile> files) {
  std::stable_sort(files.begin(), files.end(), [](const SharedFile& a, const SharedFile& b) {
    if ((a.name == "ar.conf") != (b.name == "ar.conf")) return a.name == "ar.conf";
    return a.name < b.name;
  });
  std::string out = "#";
  out.append(header_name).append("\n");
  for (const auto& file : files) {
    if (!skipped_shared_file(file.name)) append_file(out, file);
  }
  return out;
}

}  // namespace

std::string handshake_error(std::string_view message) {
  boost::json::object body;
  body["message"] = message;
  return "#!-err " + boost::json::serialize(body);
}

std::string execd_message(std::string_view node, std::string_view module, std::string_view command,
                          const std::vector<std::string>& extra_args, std::string_view alert_json) {
  // getActiveResponseInJSON's key order: version, origin{name,module}, command,
  // parameters{extra_args,alert}; cJSON_PrintUnformatted, like serialize(), adds no spaces.
  boost::json::object message;
  message["version"] = 1;
  message["origin"] = boost::json::object{{"name", node}, {"module", module}};
  message["command"] = command;
  boost::json::array args;
  for (const auto& arg : extra_args) args.emplace_back(arg);
  boost::system::error_code ec;
  boost::json::value alert = boost::json::parse(alert_json, ec);
  if (ec || !alert.is_object()) alert = boost::json::object();  // the contract says object text
  message["parameters"] = boost::json::object{{"extra_args", std::move(args)}, {"alert", std::move(alert)}};
  return "#!-execd " + boost::json::serialize(message);
}

std::string restart_message(std::string_view agent_version, [[maybe_unused]] std::string_view node) {
  // send_restart_command: WazuhVersion(agent) >= "Wazuh v4.2.0" gets RESTART_AGENTS_JSON. That is
  // a class attribute of WazuhQueue, json.dumps'ed (", " and ": " separators) at import time with
  // origin={'module': origin_module.get()}, when the ContextVar still holds its default
  // 'framework' (dapi sets 'API' per request, later); it carries no node name. AR_Forward then
  // prefixes "#!-execd " (the flag is NNS) and create_wazuh_queue_socket_msg appends the suffix.
  const auto vs_json_form = agent_version.empty() ? std::optional(1) : compare_versions(agent_version, "v4.2.0");
  if (vs_json_form && *vs_json_form < 0) return "#!-execd restart-ossec0" + std::string(kRestartSuffix);
  return "#!-execd {\"version\": 1, \"origin\": {\"module\": \"framework\"}, \"command\": \"restart-wazuh0\", "
         "\"parameters\": {\"extra_args\": [], \"alert\": {}}}" +
         std::string(kRestartSuffix);
}

std::string request_message(std::string_view counter, std::string_view target, std::string_view command) {
  std::string out = "#!-req ";
  out.append(counter).append(" ").append(target).append(" ").append(command);
  return out;
}

std::vector<std::string> file_push_messages(std::string_view file_name, std::string_view content) {
  std::vector<std::string> messages;
  messages.reserve(2 + (content.size() + kFileChunkBytes - 1) / kFileChunkBytes);
  messages.push_back("#!-up file " + md5_hex(content) + " " + std::string(file_name) + "\n");
  for (std::size_t at = 0; at < content.size(); at += kFileChunkBytes) {
    messages.emplace_back(content.substr(at, kFileChunkBytes));
  }
  messages.emplace_back("#!-close file ");
  return messages;
}

std::string merged_file(const std::vector<GroupFiles>& groups) {
  if (groups.empty()) return {};
  if (groups.size() == 1) return merged_of(groups.front().group, groups.front().files);
  // c_multi_group: every group's files are copied, in the agent's group order, into
  // var/multigroups/<first 8 hex of sha256("g1,g2,…")>/ (copy_directory): a file of a later group
  // overwrites one of the same name, except agent.conf, which is appended after a line
  // "<!-- Source file: <group>/agent.conf -->\n". c_group then merges that directory, so the
  // header names the hash, not the groups.
  std::string csv;
  std::vector<SharedFile> files;
  for (const auto& group : groups) {
    if (!csv.empty()) csv.push_back(',');
    csv.append(group.group);
    for (const auto& file : group.files) {
      if (skipped_shared_file(file.name)) continue;
      auto existing = std::find_if(files.begin(), files.end(), [&](const SharedFile& f) { return f.name == file.name; });
      if (file.name == "agent.conf") {
        if (existing == files.end()) existing = files.insert(files.end(), SharedFile{file.name, {}});
        existing->content.append("<!-- Source file: ").append(group.group).append("/agent.conf -->\n");
        existing->content.append(file.content);
      } else if (existing != files.end()) {
        existing->content = file.content;
      } else {
        files.push_back(file);
      }
    }
  }
  return merged_of(sha256_hex(csv).substr(0, 8), std::move(files));
}

}  // namespace herald::legacy::wire
