#pragma once
// One decoder of a Wazuh 4.x ruleset as analysisd holds it after loading (its OSDecoderInfo),
// built by DecoderSet::load from a <decoder> element. Plain data: immutable once the set is
// loaded, safe for concurrent use.
#include <bitset>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "analysis/event.h"
#include "analysis/json_decoder.h"
#include "analysis/pattern.h"
#include "analysis/plugin_decoders.h"

namespace herald::analysis {

// Wazuh's analysisd.decoder_order_size default: the most <order> entries a decoder may have, and
// the most dynamic fields an event holds.
inline constexpr std::size_t kDecoderOrderSize = 256;

// Where a regex, prematch or plugin reads the log from (the `offset` attribute).
enum class DecoderOffset : std::uint8_t {
  none,            // the whole log (what follows the syslog header)
  after_parent,    // after the parent's prematch (or after the program name when it had none)
  after_prematch,  // after this decoder's prematch
  after_regex,     // after the previous regex of the same-name chain
};

// <type>; `ossec_alert` is never written: the OSSECAlert plugin gives it to the events it decodes.
enum class DecoderType : std::uint8_t {
  syslog,
  firewall,
  ids,
  web_log,
  squid,
  windows,
  host_information,
  ossec,
  ossec_alert,
};

// What an <order> entry does with its capture.
struct OrderEntry {
  std::string name;                         // as written ("user" stays "user")
  std::optional<StaticField> static_field;  // set for Wazuh's static names, "user" -> dstuser
};

// The <fts> list: which event fields make up the first-time-seen key (see fts_key()).
struct FtsFields {
  bool name = false;  // the decoder name is always in the key; Wazuh still records the flag
  bool id = false;
  bool dstuser = false;  // "dstuser" or its alias "user"
  bool srcuser = false;
  bool srcip = false;
  bool dstip = false;
  bool data = false;  // "data" or "extra_data": both stand for the data field
  bool system_name = false;
  bool location = false;
  bool dynamic = false;
  std::bitset<kDecoderOrderSize> order_fields;  // indexes of dynamic <order> entries named in <fts>

  // Wazuh's `fts` flags are non-zero: rules with <if_fts/> look at this decoder's events.
  bool any() const { return name || id || dstuser || srcuser || srcip || dstip || data || system_name || location || dynamic; }
};

struct Decoder {
  // What events decoded by it show as decoder.name: a child's parent name unless it has
  // <use_own_name>true</use_own_name>.
  std::string name;
  std::string written_name;           // the name attribute as written
  std::optional<std::string> parent;  // <parent>; engaged (possibly empty) for children
  std::uint32_t id = 0;               // Wazuh's decoder id (DecoderSet::id_of(name))

  std::optional<Pattern> program_name;
  std::optional<Pattern> prematch;
  std::optional<Pattern> regex;
  DecoderOffset prematch_offset = DecoderOffset::none;  // only after_parent is accepted
  DecoderOffset regex_offset = DecoderOffset::none;
  std::vector<OrderEntry> order;  // empty when there is no <order>

  PluginDecoder plugin = PluginDecoder::none;
  DecoderOffset plugin_offset = DecoderOffset::none;
  JsonDecodeOptions json;  // <json_null_field>, <json_array_structure>

  DecoderType type = DecoderType::syslog;
  FtsFields fts;
  std::optional<std::string> ftscomment;
  bool accumulate = false;
  bool use_own_name = false;

  // Set on a child that has a later sibling of the same name: the walk goes on to the next
  // sibling's regex (Wazuh's get_next).
  bool get_next = false;

  // Where it was written, for messages and the API.
  std::string file;
  std::size_t position = 0;  // index among the file's <decoder> elements
  int line = 0;
};

std::string_view decoder_type_name(DecoderType type);
std::string_view decoder_offset_name(DecoderOffset offset);  // "" for none

}  // namespace herald::analysis
