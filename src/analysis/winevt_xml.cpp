#include "analysis/winevt_xml.h"

#include <cstddef>
#include <utility>
#include <vector>

#include "analysis/decoder_json_text.h"
#include "analysis/ruleset_xml.h"
#include "analysis/winevt_names.h"

namespace herald::analysis {
namespace {

// analysisd joins unnamed <Data> values in an OS_MAXSTR buffer.
constexpr std::size_t kMaxJoinedData = 65535;

// Members of one JSON object in the order analysisd adds them; duplicates are kept, as
// cJSON_AddStringToObject keeps them.
using Members = std::vector<std::pair<std::string, std::string>>;

// What DecodeWinevt collects while it walks the XML.
struct Collected {
  Members system;
  Members eventdata;
  Members other;
  std::optional<std::string> other_name;
  std::string joined_data;
  std::optional<std::string> level;
  std::optional<std::string> keywords;
  std::optional<std::string> category_id;
  std::optional<std::string> subcategory_id;
  std::optional<std::string> audit_policy_changes;
};

bool is_c_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }

std::string lower_first(std::string_view name) {
  std::string lowered(name);
  if (!lowered.empty() && lowered[0] >= 'A' && lowered[0] <= 'Z') lowered[0] = static_cast<char>(lowered[0] - 'A' + 'a');
  return lowered;
}

// Wazuh's replace_win_format: trailing white space removed, but never the first byte.
std::string without_trailing_space(std::string_view text) {
  std::size_t end = text.size();
  while (end > 1 && is_c_space(text[end - 1])) --end;
  return std::string(text.substr(0, end));
}

// wstr_unescape_json: \b \t \n \f \r \" \\ undone, any other escape (\u, \/) kept as written.
std::string unescape_json(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\\') {
      out.push_back(text[i]);
      continue;
    }
    if (i + 1 == text.size()) {
      out.push_back('\\');
      break;
    }
    const char next = text[++i];
    switch (next) {
      case 'b': out.push_back('\b'); break;
      case 't': out.push_back('\t'); break;
      case 'n': out.push_back('\n'); break;
      case 'f': out.push_back('\f'); break;
      case 'r': out.push_back('\r'); break;
      case '"': out.push_back('"'); break;
      case '\\': out.push_back('\\'); break;
      default:
        out.push_back('\\');
        out.push_back(next);
    }
  }
  return out;
}

// Dropped by analysisd wherever it reads an event's values.
bool is_placeholder(std::string_view content) { return content == "(NULL)" || content == "-"; }

void read_system_child(const XmlElement& child, Collected& out) {
  const auto& attributes = child.attributes;
  const std::string& name = child.name;
  if (name == "Provider" && !attributes.empty()) {
    for (const auto& [attribute, value] : attributes) {
      if (attribute == "Name") {
        out.system.emplace_back("providerName", value);
      } else if (attribute == "Guid") {
        out.system.emplace_back("providerGuid", value);
      } else if (attribute == "EventSourceName") {
        out.system.emplace_back("eventSourceName", value);
      }
    }
  } else if (name == "TimeCreated" && !attributes.empty()) {
    if (attributes[0].first == "SystemTime") out.system.emplace_back("systemTime", attributes[0].second);
  } else if (name == "Execution" && !attributes.empty()) {
    for (const auto& [attribute, value] : attributes) {
      if (attribute == "ProcessID") {
        out.system.emplace_back("processID", value);
      } else if (attribute == "ThreadID") {
        out.system.emplace_back("threadID", value);
      }
    }
  } else if (name == "Channel") {
    out.system.emplace_back("channel", child.content);
    // Wazuh compares the first attribute's value, not its name, with "UserID".
    if (!attributes.empty() && attributes[0].second == "UserID") out.system.emplace_back("userID", "UserID");
  } else if (name == "Security") {
    if (!attributes.empty() && attributes[0].second == "UserID") out.system.emplace_back("securityUserID", "UserID");
  } else if (name == "Level") {
    out.level = child.content;
    out.system.emplace_back("level", child.content);
  } else if (name == "Keywords") {
    out.keywords = child.content;
    out.system.emplace_back("keywords", child.content);
  } else if (name == "Correlation") {
    // Skipped by analysisd.
  } else if (!child.content.empty()) {
    out.system.emplace_back(lower_first(name), child.content);
  }
}

void add_named_data(std::string key, std::string value, Collected& out) {
  if (key == "categoryId") {
    out.category_id = value;
  } else if (key == "subcategoryId") {
    out.subcategory_id = value;
  }
  if (key == "auditPolicyChanges") {
    out.audit_policy_changes = value;
    out.eventdata.emplace_back("auditPolicyChangesId", std::move(value));
  } else {
    out.eventdata.emplace_back(std::move(key), std::move(value));
  }
}

void read_eventdata_child(const XmlElement& child, Collected& out) {
  const std::string& content = child.content;
  if (child.name == "Data" && !child.attributes.empty() && !content.empty()) {
    for (const auto& [attribute, value] : child.attributes) {
      if (is_placeholder(content)) continue;
      if (attribute == "Name") {
        add_named_data(lower_first(value), without_trailing_space(content), out);
        break;
      }
      // analysisd names the field after any attribute's value, and goes on to the next one.
      out.eventdata.emplace_back(lower_first(value), without_trailing_space(content));
    }
    return;
  }
  if (content.empty() || is_placeholder(content)) return;
  std::string value = without_trailing_space(content);
  if (child.name != "Data") {
    out.eventdata.emplace_back(lower_first(child.name), std::move(value));
    return;
  }
  if (!out.joined_data.empty()) out.joined_data.append(", ");
  out.joined_data.append(value);
  if (out.joined_data.size() > kMaxJoinedData) out.joined_data.resize(kMaxJoinedData);
}

// An event child that is neither System nor EventData: each of its children contributes its
// own text children, and the last one names the object.
void read_other_child(const XmlElement& child, Collected& out) {
  for (const XmlElement& grandchild : child.children) {
    if (!grandchild.content.empty() && !is_placeholder(grandchild.content)) {
      out.other.emplace_back(lower_first(grandchild.name), without_trailing_space(grandchild.content));
    }
  }
  out.other_name = lower_first(child.name);
}

void read_event(const XmlElement& event, Collected& out) {
  for (const XmlElement& section : event.children) {
    for (const XmlElement& child : section.children) {
      if (section.name == "System") {
        read_system_child(child, out);
      } else if (section.name == "EventData") {
        read_eventdata_child(child, out);
      } else {
        read_other_child(child, out);
      }
    }
  }
}

// What analysisd adds once the XML is read: the severity and, for audit events, the names of
// the category, subcategory and audit policy changes.
void add_names(Collected& out) {
  if (out.level && out.keywords) {
    out.system.emplace_back("severityValue", std::string(winevt_severity(*out.level, *out.keywords)));
    if (out.category_id && out.subcategory_id) {
      const WinevtCategory names = winevt_category(*out.category_id, *out.subcategory_id);
      if (names.category) out.eventdata.emplace_back("category", std::string(*names.category));
      if (names.subcategory) out.eventdata.emplace_back("subcategory", std::string(*names.subcategory));
    }
  }
  if (out.audit_policy_changes) {
    if (auto changes = winevt_audit_policy_changes(*out.audit_policy_changes)) {
      out.eventdata.emplace_back("auditPolicyChanges", std::move(*changes));
    }
  }
}

void print_object(const Members& members, std::string& out) {
  out.push_back('{');
  for (std::size_t i = 0; i < members.size(); ++i) {
    if (i > 0) out.push_back(',');
    append_cjson_string(members[i].first, out);
    out.push_back(':');
    append_cjson_string(members[i].second, out);
  }
  out.push_back('}');
}

std::string print_win(const Collected& collected) {
  std::string out = "{\"win\":{\"system\":";
  print_object(collected.system, out);
  Members eventdata = collected.eventdata;
  if (!collected.joined_data.empty()) eventdata.emplace_back("data", collected.joined_data);
  if (!eventdata.empty()) {
    out += ",\"eventdata\":";
    print_object(eventdata, out);
  }
  if (collected.other_name) {
    out.push_back(',');
    append_cjson_string(*collected.other_name, out);
    out.push_back(':');
    print_object(collected.other, out);
  }
  out += "}}";
  return out;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    const auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
    if (lower(a[i]) != lower(b[i])) return false;
  }
  return true;
}

// cJSON_GetObjectItem: the first member of that name ignoring case.
std::optional<std::uint32_t> member(const JsonDocument& document, std::string_view name) {
  const JsonNode& root = document.node(document.root());
  if (root.kind != JsonKind::object) return std::nullopt;
  for (std::uint32_t child = root.first_child; child != JsonNode::kNone; child = document.node(child).next_sibling) {
    if (iequals(document.key(document.node(child)), name)) return child;
  }
  return std::nullopt;
}

}  // namespace

core::Result<EventChannelJson> eventchannel_to_json(std::string_view message, JsonDocument& scratch) {
  if (!scratch.parse(message)) return core::invalid_argument("the event channel message is not JSON");
  const auto event_member = member(scratch, "Event");
  if (!event_member) return core::invalid_argument("the event channel message has no \"Event\" member");

  EventChannelJson result;
  Collected collected;
  std::string printed_event;
  scratch.print_unformatted(*event_member, printed_event);
  auto elements = parse_ruleset_xml(printed_event, "EventChannel");
  if (!elements) {
    result.xml_error = elements.error().message;
  } else if (!elements->empty()) {
    read_event(elements->front(), collected);
    add_names(collected);
  }

  if (const auto message_member = member(scratch, "Message")) {
    std::string printed_message;
    scratch.print_unformatted(*message_member, printed_message);
    collected.system.emplace_back("message", without_trailing_space(unescape_json(printed_message)));
  }
  result.json = print_win(collected);
  return result;
}

}  // namespace herald::analysis
