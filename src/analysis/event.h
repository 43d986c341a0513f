#pragma once
// One event as Wazuh 4.x analysisd models it (its Eventinfo): where it came from, the raw log, what
// pre-decoding read from the log's header, and the fields decoders extract.
//
// An Event is meant to be reused: reset() empties it but keeps every buffer's capacity, so a
// worker that handles one event at a time stops allocating once its buffers are large enough.
// Setters copy into those buffers, which is why they take string_view.
//
// Not safe for concurrent use: one Event per worker (const methods may run concurrently).
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace herald::analysis {

// A text that may be absent, as Wazuh's NULL-or-string fields are: an empty text is present.
class OptionalText {
 public:
  bool has_value() const { return present_; }
  std::string_view view() const { return text_; }  // "" when absent
  std::optional<std::string_view> get() const {
    return present_ ? std::optional<std::string_view>(text_) : std::nullopt;
  }
  void assign(std::string_view text) {
    text_.assign(text.data(), text.size());
    present_ = true;
  }
  void reset() {
    text_.clear();
    present_ = false;
  }

 private:
  std::string text_;
  bool present_ = false;
};

// The fields Eventinfo keeps in members of their own (every other decoded field is dynamic).
// srcgeoip/dstgeoip are filled by a GeoIP lookup, never by a decoder's <order>.
enum class StaticField : std::uint8_t {
  srcip,
  dstip,
  srcport,
  dstport,
  protocol,
  action,
  srcuser,
  dstuser,
  id,
  status,
  url,
  data,
  extra_data,
  system_name,
  srcgeoip,
  dstgeoip,
};
inline constexpr std::size_t kStaticFieldCount = 16;

// The static field a decoder <order> name fills, compared exactly as Wazuh does (case matters).
// "user" is Wazuh's alias for dstuser. srcgeoip/dstgeoip are not order names: a decoder naming
// them fills a dynamic field of that name, as in Wazuh.
std::optional<StaticField> static_field_from_name(std::string_view name);
// The canonical name: "srcip", ..., "system_name", "srcgeoip", "dstgeoip".
std::string_view static_field_name(StaticField field);
// True for the names a rule's <field name="..."> may not use because they are static (Wazuh's
// list, compared ignoring case): the static fields plus "user".
bool is_static_field_name(std::string_view name);

// A dynamic field, in the order decoders added it.
struct DynamicField {
  std::string name;
  std::string value;
};

class Event {
 public:
  // Wazuh's analysisd.decoder_order_size default: the most dynamic fields one event holds.
  static constexpr std::size_t kDefaultMaxDynamicFields = 256;

  explicit Event(std::size_t max_dynamic_fields = kDefaultMaxDynamicFields);

  // --- Where it came from. The event sources fill these; predecode() completes them. ---
  char queue = 0;          // the 4.x queue character: '1' log files, '8' syscheck, ...
  std::string agent_id;    // "000" for the manager's own events
  std::string agent_name;  // empty when unknown
  std::string agent_ip;    // as the agent's key has it ("any" is common); empty when unknown
  // Before predecode(): as analysisd reads it, "[<id>] (<name>) <ip>-><path>" for agents.
  // After: Wazuh's form, "(<name>) <ip>-><path>" for agents and "<path>" for the manager; rules'
  // <location> match this text.
  std::string location;
  std::string full_log;  // the log as received; what alerts show as full_log

  // --- Pre-decoding (predecode()). ---
  OptionalText timestamp;        // the header's date text, e.g. "Dec 29 10:00:01"
  OptionalText header_hostname;  // the host the header names
  // Wazuh's hostname: the agent's name for agent events; locally the header's host, else the
  // manager's. Rules' <hostname> match this.
  OptionalText hostname;
  OptionalText program_name;  // decoders' <program_name> match this; absent when none was found
  OptionalText pid;           // the digits of "prog[pid]:" (Wazuh reads them but does not keep them)

  // The part of full_log decoders and rules read (Wazuh's lf->log): what follows the header.
  // Usually a suffix of full_log, but pre-decoding can end it early (the macOS ASL form keeps
  // only the [Message ...] text).
  std::string_view log() const;
  std::size_t log_offset() const { return log_offset_; }
  // Clamped to full_log. reset() and a new full_log need a new call (predecode() makes it).
  void set_log(std::size_t offset, std::size_t length);

  // --- Decoding. ---
  std::string decoder_name;         // the decoder that matched last; empty when none
  std::string parent_decoder_name;  // its parent's name; empty when it has none

  // --- Fields. ---
  std::optional<std::string_view> static_field(StaticField field) const;
  // Wazuh keeps the last value a static field is given.
  void set_static_field(StaticField field, std::string_view value);
  void clear_static_field(StaticField field);

  // Adds a dynamic field even when one of that name exists: Wazuh keeps every value, in order,
  // and lookups see the first. False (and nothing added) once the event holds the maximum.
  bool append_field(std::string_view name, std::string_view value);
  // The first dynamic field of that name, compared ignoring ASCII case as Wazuh's FindField.
  std::optional<std::string_view> dynamic_field(std::string_view name) const;
  std::span<const DynamicField> dynamic_fields() const { return {dynamic_.data(), dynamic_count_}; }

  // What a decoder's <order> does with one capture: a static name (static_field_from_name)
  // replaces that field, any other name is appended as a dynamic field. False only when a
  // dynamic field could not be added (the maximum is reached).
  bool set_field(std::string_view name, std::string_view value);
  // Static by static_field_from_name, otherwise dynamic (first match, ignoring case).
  std::optional<std::string_view> field(std::string_view name) const;

  // Back to a default-constructed state, buffers kept.
  void reset();

 private:
  std::array<OptionalText, kStaticFieldCount> static_fields_;
  // The first dynamic_count_ entries are in use; the rest are kept for their buffers.
  std::vector<DynamicField> dynamic_;
  std::size_t dynamic_count_ = 0;
  std::size_t max_dynamic_fields_;
  std::size_t log_offset_ = 0;
  std::size_t log_length_ = 0;
};

// The static field Wazuh's JSON decoder fills for a JSON key, which differs from <order> names:
// it says "systemname" (not "system_name"), and "user" fills dstuser only while the event's
// dstuser is unset or empty (otherwise "user" stays a dynamic field).
std::optional<StaticField> json_key_static_field(std::string_view key, const Event& event);

}  // namespace herald::analysis
