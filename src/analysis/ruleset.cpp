#include "analysis/ruleset.h"

namespace herald::analysis {

namespace {

std::optional<RuleCategory> category_of(DecoderType type) {
  switch (type) {
    case DecoderType::syslog: return RuleCategory::syslog;
    case DecoderType::firewall: return RuleCategory::firewall;
    case DecoderType::ids: return RuleCategory::ids;
    case DecoderType::web_log: return RuleCategory::web_log;
    case DecoderType::squid: return RuleCategory::squid;
    case DecoderType::windows: return RuleCategory::windows;
    case DecoderType::ossec:
    case DecoderType::ossec_alert: return RuleCategory::ossec;
    case DecoderType::host_information: return std::nullopt;  // no rule category takes it
  }
  return RuleCategory::syslog;
}

}  // namespace

Ruleset::Ruleset(DecoderSet decoders, ListRegistry lists, RuleSet rules)
    : decoders_(std::move(decoders)), lists_(std::move(lists)), rules_(std::move(rules)) {
  fts_.reserve(decoders_.size());
  for (const auto& decoder : decoders_.decoders()) fts_.push_back(fts_key_fields(decoder));
}

core::Result<std::shared_ptr<const Ruleset>> Ruleset::load(const RulesetSources& sources, LoadWarnings& warnings) {
  auto decoders = DecoderSet::load(sources.decoders, warnings);
  if (!decoders) return decoders.error();

  ListRegistry lists;
  for (const auto& file : sources.lists) {
    auto list = CdbList::parse(file.text, file.path);
    if (!list) return list.error();
    for (const auto& warning : list->warnings()) warnings.push_back(warning);
    lists.add(file.path, std::make_shared<const CdbList>(std::move(*list)));
  }

  const DecoderSet& decoder_set = *decoders;
  auto rules = RuleSet::load(
      sources.rules, [&decoder_set](std::string_view name) { return decoder_set.has_decoder(name); }, lists, warnings);
  if (!rules) return rules.error();

  std::shared_ptr<Ruleset> ruleset(new Ruleset(std::move(*decoders), std::move(lists), std::move(*rules)));
  for (const auto& file : sources.decoders) ruleset->decoder_files_.push_back(file.path);
  for (const auto& file : sources.rules) ruleset->rule_files_.push_back(file.path);
  for (const auto& file : sources.lists) ruleset->list_files_.push_back(file.path);
  ruleset->sources_ = sources;
  return std::shared_ptr<const Ruleset>(std::move(ruleset));
}

EventDecoderInfo Ruleset::decoder_info(const Decoder* decoder, DecoderType type) const {
  EventDecoderInfo info;
  info.category = category_of(type);
  if (decoder == nullptr) return info;
  const auto all = decoders_.decoders();
  if (decoder >= all.data() && decoder < all.data() + all.size()) info.fts = &fts_[static_cast<std::size_t>(decoder - all.data())];
  info.accumulate = decoder->accumulate;
  if (decoder->ftscomment) info.ftscomment = *decoder->ftscomment;
  return info;
}

}  // namespace herald::analysis
