#include "analysis/plugin_decoders.h"

#include <algorithm>
#include <array>
#include <utility>

#include "analysis/decoder.h"
#include "analysis/event.h"
#include "analysis/json_decoder.h"
#include "analysis/ossec_alert_decoder.h"
#include "analysis/pf_decoder.h"
#include "analysis/sonicwall_decoder.h"
#include "analysis/symantec_ws_decoder.h"

namespace herald::analysis {
namespace {

constexpr std::array<std::pair<std::string_view, PluginDecoder>, 5> kPlugins{{
    {"PF_Decoder", PluginDecoder::pf},
    {"SymantecWS_Decoder", PluginDecoder::symantec_ws},
    {"SonicWall_Decoder", PluginDecoder::sonicwall},
    {"OSSECAlert_Decoder", PluginDecoder::ossec_alert},
    {"JSON_Decoder", PluginDecoder::json},
}};

// The JSON decoder reads from where its decoder's offset says; Wazuh has no input for
// after_regex or an offset whose pointer the walk did not set.
void run_json(PluginContext& context) {
  const std::string_view log = context.event.log();
  std::size_t start = 0;
  switch (context.decoder_info.plugin_offset) {
    case DecoderOffset::none: start = 0; break;
    case DecoderOffset::after_parent: start = context.log_after_parent; break;
    case DecoderOffset::after_prematch: start = context.log_after_prematch; break;
    case DecoderOffset::after_regex: return;
  }
  if (start == kUnsetLogOffset) return;
  decode_json(log.substr(std::min(start, log.size())), context.decoder_info.json, context.event,
              context.json_scratch);
}

}  // namespace

std::optional<PluginDecoder> plugin_decoder_from_name(std::string_view name) {
  for (const auto& [plugin_name, plugin] : kPlugins) {
    if (plugin_name == name) return plugin;
  }
  return std::nullopt;
}

std::string_view plugin_decoder_name(PluginDecoder plugin) {
  for (const auto& [plugin_name, candidate] : kPlugins) {
    if (candidate == plugin) return plugin_name;
  }
  return "";
}

void run_plugin_decoder(PluginDecoder plugin, PluginContext& context) {
  switch (plugin) {
    case PluginDecoder::none: return;
    case PluginDecoder::pf: decode_pf(context.event); return;
    case PluginDecoder::symantec_ws: decode_symantec_ws(context.event); return;
    case PluginDecoder::sonicwall: decode_sonicwall(context.event, context.type); return;
    case PluginDecoder::ossec_alert:
      decode_ossec_alert(context.event, context.type, context.rule_exists, context.generated_rule);
      return;
    case PluginDecoder::json: run_json(context); return;
  }
}

}  // namespace herald::analysis
