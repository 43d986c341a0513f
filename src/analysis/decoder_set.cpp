#include "analysis/decoder_set.h"

#include <algorithm>
#include <array>
#include <utility>

#include "analysis/decoder_xml.h"
#include "analysis/ruleset_xml.h"

namespace herald::analysis {
namespace {

// The decoders analysisd defines in code (SetDecodeXML): they take ids like the others and
// rules may name them in <decoded_as>.
constexpr std::array<std::string_view, 16> kInternalDecoders{
    "rootcheck",
    "syscheck_integrity_changed",
    "syscheck_new_entry",
    "syscheck_deleted",
    "syscheck_registry_key_modified",
    "syscheck_registry_key_added",
    "syscheck_registry_key_deleted",
    "syscheck_registry_value_modified",
    "syscheck_registry_value_added",
    "syscheck_registry_value_deleted",
    "hostinfo_new",
    "hostinfo_modified",
    "syscollector",
    "ciscat",
    "windows_eventchannel",
    "sca",
};

// Wazuh lets only its local decoder file (etc/decoders/local_decoder.xml) be empty.
bool is_local_decoder_file(std::string_view path) {
  const std::size_t slash = path.find_last_of('/');
  return path.substr(slash == std::string_view::npos ? 0 : slash + 1) == "local_decoder.xml";
}

core::Error tree_error(const Decoder& decoder, std::string_view what) {
  return core::invalid_argument(decoder.file + ":" + std::to_string(decoder.line) + ": decoder: decoder '" +
                                decoder.written_name + "': " + std::string(what));
}

}  // namespace

core::Result<DecoderSet> DecoderSet::load(const std::vector<RulesetFile>& files, LoadWarnings& warnings) {
  DecoderSet set;
  for (const RulesetFile& file : files) {
    if (auto status = set.add_file(file, warnings); !status) return status.error();
  }
  set.assign_names_and_ids();
  return set;
}

core::Status DecoderSet::add_file(const RulesetFile& file, LoadWarnings& warnings) {
  auto elements = parse_ruleset_xml(file.text, file.path);
  if (!elements) return elements.error();
  if (elements->empty()) {
    if (is_local_decoder_file(file.path)) return core::ok_status();
    return core::invalid_argument(file.path + ":1: decoders: the file has no decoders");
  }
  for (std::size_t position = 0; position < elements->size(); ++position) {
    auto decoder = read_decoder((*elements)[position], file.path, position, warnings);
    if (!decoder) return decoder.error();
    if (auto status = add_decoder(std::move(decoder).value()); !status) return status;
  }
  return core::ok_status();
}

// Wazuh's OS_AddOSDecoder: a child joins every top-level decoder of its parent's name, in the
// list with program names first; a top-level decoder joins the end of its list.
core::Status DecoderSet::add_decoder(Decoder decoder) {
  const auto index = static_cast<std::uint32_t>(decoders_.size());
  decoders_.push_back(std::move(decoder));
  const Decoder& added = decoders_.back();
  if (!added.parent) {
    (added.program_name ? with_program_name_ : without_program_name_).push_back(TopLevel{index, {}});
    return core::ok_status();
  }
  bool found = false;
  for (auto* list : {&with_program_name_, &without_program_name_}) {
    for (TopLevel& top : *list) {
      if (decoders_[top.decoder].written_name != *added.parent) continue;
      if (auto status = add_child(top.children, index); !status) return status;
      found = true;
    }
  }
  if (!found) return tree_error(added, "parent decoder '" + *added.parent + "' not found (it must come first)");
  return core::ok_status();
}

// Wazuh's _OS_AddOSDecoder for a child list: siblings of one name chain their regexes.
core::Status DecoderSet::add_child(std::vector<std::uint32_t>& children, std::uint32_t index) {
  const Decoder& added = decoders_[index];
  bool follows_a_match = false;
  for (const std::uint32_t sibling_index : children) {
    Decoder& sibling = decoders_[sibling_index];
    if (sibling.written_name != added.written_name) continue;
    if ((sibling.prematch || sibling.regex) && added.regex_offset != DecoderOffset::none) follows_a_match = true;
    if (added.prematch) return tree_error(added, "only the first decoder of a name may have a prematch");
    if (added.fts.any()) return tree_error(added, "only the first decoder of a name may have an fts");
    const bool sibling_decodes = sibling.regex || sibling.plugin != PluginDecoder::none;
    const bool added_decodes = added.regex || added.plugin != PluginDecoder::none;
    if (!sibling_decodes || !added_decodes) {
      return tree_error(added, "decoders of the same name need a regex or a plugin each");
    }
    sibling.get_next = true;
  }
  if (added.regex_offset == DecoderOffset::after_regex && !follows_a_match) {
    return tree_error(added, "offset after_regex needs an earlier decoder of the same name");
  }
  children.push_back(index);
  return core::ok_status();
}

// Wazuh's SetDecodeXML: ids from the sorted names, and children renamed after their parent.
void DecoderSet::assign_names_and_ids() {
  names_.clear();
  names_.reserve(decoders_.size() + kInternalDecoders.size());
  for (const Decoder& decoder : decoders_) names_.push_back(decoder.written_name);
  for (const std::string_view name : kInternalDecoders) names_.emplace_back(name);
  std::sort(names_.begin(), names_.end());
  names_.erase(std::unique(names_.begin(), names_.end()), names_.end());

  for (auto* list : {&without_program_name_, &with_program_name_}) {
    for (const TopLevel& top : *list) {
      Decoder& parent = decoders_[top.decoder];
      parent.id = id_of(parent.written_name);
      for (const std::uint32_t child_index : top.children) {
        Decoder& child = decoders_[child_index];
        child.id = child.use_own_name ? id_of(child.written_name) : parent.id;
        child.name = child.use_own_name ? child.written_name : parent.written_name;
      }
    }
  }
}

std::uint32_t DecoderSet::id_of(std::string_view name) const {
  const auto found = std::lower_bound(names_.begin(), names_.end(), name,
                                      [](const std::string& a, std::string_view b) { return a < b; });
  if (found == names_.end() || *found != name) return 0;
  return static_cast<std::uint32_t>(found - names_.begin()) + 1;
}

std::vector<DecoderListEntry> DecoderSet::list() const {
  std::vector<DecoderListEntry> entries;
  entries.reserve(decoders_.size());
  for (const Decoder& decoder : decoders_) {
    DecoderListEntry entry;
    entry.name = decoder.written_name;
    entry.parent = decoder.parent ? std::string_view(*decoder.parent) : std::string_view();
    entry.file = decoder.file;
    entry.position = decoder.position;
    entry.status = "enabled";
    entries.push_back(entry);
  }
  return entries;
}

std::string_view decoder_type_name(DecoderType type) {
  switch (type) {
    case DecoderType::syslog: return "syslog";
    case DecoderType::firewall: return "firewall";
    case DecoderType::ids: return "ids";
    case DecoderType::web_log: return "web-log";
    case DecoderType::squid: return "squid";
    case DecoderType::windows: return "windows";
    case DecoderType::host_information: return "host-information";
    case DecoderType::ossec: return "ossec";
    case DecoderType::ossec_alert: return "ossec_alert";
  }
  return "";
}

std::string_view decoder_offset_name(DecoderOffset offset) {
  switch (offset) {
    case DecoderOffset::none: return "";
    case DecoderOffset::after_parent: return "after_parent";
    case DecoderOffset::after_prematch: return "after_prematch";
    case DecoderOffset::after_regex: return "after_regex";
  }
  return "";
}

}  // namespace herald::analysis
