// Wazuh decoders: arbitrary log lines through pre-decoding and a fixed decoder set that uses
// every feature (program names, prematch offsets, same-name chains, after_regex, PCRE2, the five
// plugins, accumulate, fts), the JSON decoder on its own, and arbitrary text as a decoder file.
// The first byte picks the mode: 'X' loads the rest as a decoder file (and, when it loads,
// decodes a few lines and the text itself with it); anything else is a log line.
// Invariants: no exception escapes; the event's decoder name is set exactly when the state has a
// decoder; an event never holds more dynamic fields than Wazuh's decoder_order_size; an fts key
// is at most 256 bytes.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "analysis/decoder_fts.h"
#include "analysis/decoder_json_text.h"
#include "analysis/decoder_set.h"
#include "analysis/json_decoder.h"
#include "analysis/predecoder.h"
#include "fuzz_check.h"

namespace {

using namespace herald::analysis;

constexpr const char* kDecoders = R"(
<decoder name="prog">
  <program_name>^fz</program_name>
  <accumulate />
</decoder>
<decoder name="prog-kv">
  <parent>prog</parent>
  <prematch>^kv </prematch>
  <regex offset="after_prematch">^(\S+) (\S*)</regex>
  <order>id, user</order>
  <fts>name, id, user, location</fts>
</decoder>
<decoder name="prog-kv">
  <parent>prog</parent>
  <regex offset="after_regex">^ ip=(\S+)</regex>
  <order>srcip</order>
</decoder>
<decoder name="prog-kv">
  <parent>prog</parent>
  <regex type="pcre2" offset="after_regex">(\w+)=(\w*)</regex>
  <order>dyn.key, dyn.value</order>
</decoder>
<decoder name="prog-own">
  <parent>prog</parent>
  <use_own_name>true</use_own_name>
  <prematch offset="after_parent">^own</prematch>
  <regex offset="after_parent">(\w+)$</regex>
  <order>extra_data</order>
</decoder>
<decoder name="prog-rest">
  <parent>prog</parent>
  <plugin_decoder>JSON_Decoder</plugin_decoder>
</decoder>
<decoder name="pcre">
  <program_name type="pcre2">^p\d+$</program_name>
  <prematch type="pcre2">^(?:a|b)+</prematch>
  <plugin_decoder offset="after_prematch">JSON_Decoder</plugin_decoder>
  <json_null_field>discard</json_null_field>
  <json_array_structure>csv</json_array_structure>
</decoder>
<decoder name="pf"><program_name>^pf$</program_name><plugin_decoder>PF_Decoder</plugin_decoder></decoder>
<decoder name="oa"><program_name>^ossec$</program_name><plugin_decoder>OSSECAlert_Decoder</plugin_decoder></decoder>
<decoder name="json"><prematch>^{\s*"</prematch><plugin_decoder>JSON_Decoder</plugin_decoder></decoder>
<decoder name="sonicwall"><prematch>^id=\S+ sn=</prematch><plugin_decoder>SonicWall_Decoder</plugin_decoder></decoder>
<decoder name="symantec"><prematch>^\d\d\d\d\d\d\d\d,</prematch><plugin_decoder>SymantecWS_Decoder</plugin_decoder></decoder>
<decoder name="words">
  <prematch>^\w+ </prematch>
  <regex>^(\w+) (\S+) (\S+)</regex>
  <order>action, srcip, url</order>
</decoder>
)";

const DecoderSet& fixed_set() {
  static const DecoderSet set = [] {
    LoadWarnings warnings;
    auto loaded = DecoderSet::load({RulesetFile{"fuzz_decoders.xml", kDecoders}}, warnings);
    FUZZ_CHECK(loaded.ok(), "the fixed decoder set loads");
    return std::move(loaded).value();
  }();
  return set;
}

void check_decode(const DecoderSet& set, std::string_view line, DecodeState& state) {
  Event event;
  event.full_log = std::string(line);
  event.location = "fuzz";
  if (!predecode(event, {"manager"})) return;
  FUZZ_NO_THROW("DecoderSet::decode", set.decode(event, state));
  if (state.decoder() == nullptr) {
    FUZZ_CHECK(event.decoder_name.empty(), "no decoder, no decoder name");
  } else {
    FUZZ_CHECK(event.decoder_name == state.decoder()->name, "the event names its decoder");
  }
  FUZZ_CHECK(event.dynamic_fields().size() <= kDecoderOrderSize, "dynamic fields stay within decoder_order_size");
  if (state.decoder() != nullptr) {
    const std::string key = FUZZ_NO_THROW("fts_key", fts_key(*state.decoder(), event));
    FUZZ_CHECK(key.size() <= 256, "an fts key fits Wazuh's buffer");
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view input = herald::fuzz::as_text(data, size);
  // One state for the whole run, as a worker has; the clock moves a second per input (and
  // sometimes back) so that accumulated entries expire and purges run.
  static DecodeState state;
  static std::int64_t clock = 1'000'000;
  clock += (size % 7 == 0) ? -400 : 1;
  state.set_time(clock);
  if (!input.empty() && input[0] == 'X') {
    LoadWarnings warnings;
    auto loaded = FUZZ_NO_THROW("DecoderSet::load",
                                DecoderSet::load({RulesetFile{"fuzz.xml", std::string(input.substr(1))}}, warnings));
    if (loaded) {
      DecodeState local;
      for (const char* line : {"Jan  1 00:00:00 host prog[1]: a message", "{\"a\":1}", "plain text"}) {
        check_decode(*loaded, line, local);
      }
      check_decode(*loaded, input.substr(1), local);
      for (const DecoderListEntry& entry : loaded->list()) FUZZ_CHECK(loaded->has_decoder(entry.name), "listed names are known");
    }
    return 0;
  }
  check_decode(fixed_set(), input, state);
  // The log with a program name the fixed set knows, to reach its children.
  check_decode(fixed_set(), "Jan  1 00:00:00 host fz[1]: " + std::string(input), state);
  Event event;
  JsonDocument scratch;
  FUZZ_NO_THROW("decode_json", decode_json(input, {}, event, scratch));
  FUZZ_NO_THROW("decode_json csv", decode_json(input, {JsonNullField::discard, JsonArrayStructure::csv}, event, scratch));
  FUZZ_CHECK(event.dynamic_fields().size() <= Event::kDefaultMaxDynamicFields, "JSON fields stay within the limit");
  return 0;
}
