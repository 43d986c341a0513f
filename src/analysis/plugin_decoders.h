#pragma once
// The plugin decoders Wazuh 4.x ships (<plugin_decoder>NAME</plugin_decoder>), each written in
// its own file: pf_decoder, symantec_ws_decoder, sonicwall_decoder, ossec_alert_decoder and
// json_decoder. A plugin reads the event's log and writes fields as Wazuh's does; two of them
// also change the event's decoder type.
#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace herald::analysis {

class Event;
class JsonDocument;
struct Decoder;
enum class DecoderType : std::uint8_t;

enum class PluginDecoder : unsigned char { none, pf, symantec_ws, sonicwall, ossec_alert, json };

// The plugin a <plugin_decoder> names, compared exactly: PF_Decoder, SymantecWS_Decoder,
// SonicWall_Decoder, OSSECAlert_Decoder, JSON_Decoder.
std::optional<PluginDecoder> plugin_decoder_from_name(std::string_view name);
std::string_view plugin_decoder_name(PluginDecoder plugin);

// Whether a rule id exists (the OSSECAlert plugin only accepts alerts of known rules). Empty:
// every id is accepted.
using RuleExists = std::function<bool(std::string_view rule_id)>;

// Offsets into event.log() as the decoder walk left them (Wazuh's lf->log_after_parent and
// lf->log_after_prematch), kUnsetLogOffset where Wazuh's pointer is NULL.
inline constexpr std::size_t kUnsetLogOffset = static_cast<std::size_t>(-1);

// What a plugin runs with.
struct PluginContext {
  Event& event;
  // Wazuh's lf->decoder_info when the plugin runs: the decoder whose options (offset, JSON
  // options) the plugin reads. That is the parent when the plugin belongs to a child without a
  // prematch.
  const Decoder& decoder_info;
  std::size_t log_after_parent = kUnsetLogOffset;
  std::size_t log_after_prematch = kUnsetLogOffset;
  DecoderType& type;                          // the event's decoder type
  std::optional<std::string>& generated_rule;  // OSSECAlert: the rule of the alert it forwards
  const RuleExists& rule_exists;
  JsonDocument& json_scratch;
};

void run_plugin_decoder(PluginDecoder plugin, PluginContext& context);

// Text up to its first NUL: the plugins read the log as the C string Wazuh has.
inline std::string_view up_to_nul(std::string_view text) { return text.substr(0, text.find('\0')); }

}  // namespace herald::analysis
