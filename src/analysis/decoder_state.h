#pragma once
// The mutable side of decoding, one per worker: the accumulator, reusable buffers, the time
// and rule lookup the caller provides, and what the last DecoderSet::decode() found beyond the
// fields it wrote into the event. Not safe for concurrent use; a DecoderSet shared by many
// workers is, each with its own DecodeState.
#include <cstdint>
#include <optional>
#include <string>

#include "analysis/decoder.h"
#include "analysis/decoder_accumulator.h"
#include "analysis/decoder_json_text.h"
#include "analysis/os_regex.h"
#include "analysis/plugin_decoders.h"

namespace herald::analysis {

class DecoderSet;

class DecodeState {
 public:
  // The time the accumulator compares with, seconds since the epoch. Set it before decode().
  void set_time(std::int64_t now) { now_ = now; }
  std::int64_t time() const { return now_; }

  // Lets the OSSECAlert plugin check that a forwarded alert's rule exists (Wazuh drops those
  // whose rule it does not know). Unset: every rule id is accepted.
  void set_rule_exists(RuleExists rule_exists) { rule_exists_ = std::move(rule_exists); }

  // --- What the last decode() found. ---
  // Wazuh's lf->decoder_info: the decoder whose name, type, fts and accumulate the event goes
  // on with; nullptr when no decoder matched. Points into the DecoderSet that decoded.
  const Decoder* decoder() const { return decoder_; }
  // The decoder's type, or what a plugin made it (SonicWall, OSSECAlert); syslog when no
  // decoder matched.
  DecoderType type() const { return type_; }
  // The rule id of the alert the OSSECAlert plugin decoded (Wazuh's lf->generated_rule).
  const std::optional<std::string>& generated_rule() const { return generated_rule_; }

  Accumulator& accumulator() { return accumulator_; }
  const Accumulator& accumulator() const { return accumulator_; }

 private:
  friend class DecoderSet;

  void begin() {
    decoder_ = nullptr;
    type_ = DecoderType::syslog;
    generated_rule_.reset();
  }

  std::int64_t now_ = 0;
  RuleExists rule_exists_;
  const Decoder* decoder_ = nullptr;
  DecoderType type_ = DecoderType::syslog;
  std::optional<std::string> generated_rule_;
  Accumulator accumulator_;
  Captures captures_;
  JsonDocument json_scratch_;
};

}  // namespace herald::analysis
