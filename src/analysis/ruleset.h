#pragma once
// A loaded ruleset: decoders, CDB lists and rules, built from RulesetSources in Wazuh's order
// (decoders, then lists, then rules, whose <decoded_as> and <list> must resolve). Immutable
// after load and shared by every worker's Analyzer; a reload builds a new one and swaps it in,
// so a failed reload leaves the running ruleset alone.
#include <cstddef>
#include <memory>
#include <string>
#include <vector>

#include "analysis/decoder_set.h"
#include "analysis/rule_engine.h"
#include "analysis/rule_set.h"
#include "analysis/ruleset_sources.h"
#include "core/result.h"

namespace herald::analysis {

class Ruleset {
 public:
  // Errors: the first decoder, list or rule file that fails, "path:line: element: what".
  // `warnings` gains what Wazuh would only warn about.
  static core::Result<std::shared_ptr<const Ruleset>> load(const RulesetSources& sources, LoadWarnings& warnings);

  const DecoderSet& decoders() const { return decoders_; }
  const RuleSet& rules() const { return rules_; }
  const ListRegistry& lists() const { return lists_; }
  // The files it was loaded from, in load order (paths only).
  const std::vector<std::string>& decoder_files() const { return decoder_files_; }
  const std::vector<std::string>& rule_files() const { return rule_files_; }
  const std::vector<std::string>& list_files() const { return list_files_; }
  // The files themselves, texts included (the rules API shows them, a reload starts from them).
  const RulesetSources& sources() const { return sources_; }

  // What the rule engine needs to know of the decoder an event was decoded by.
  EventDecoderInfo decoder_info(const Decoder* decoder, DecoderType type) const;

 private:
  Ruleset(DecoderSet decoders, ListRegistry lists, RuleSet rules);

  DecoderSet decoders_;
  ListRegistry lists_;
  RuleSet rules_;
  std::vector<FtsKeyFields> fts_;  // per decoder, by index in decoders_.decoders()
  std::vector<std::string> decoder_files_;
  std::vector<std::string> rule_files_;
  std::vector<std::string> list_files_;
  RulesetSources sources_;
};

}  // namespace herald::analysis
