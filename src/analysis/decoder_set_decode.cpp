// DecoderSet::decode: Wazuh's DecodeEvent walk over the two-level decoder tree.
#include <algorithm>

#include "analysis/decoder_set.h"

namespace herald::analysis {
namespace {

constexpr std::size_t kUnset = kUnsetLogOffset;

// Wazuh's pointer after a match, as an offset: one past the last byte matched, kept at the end.
std::size_t after_match(std::size_t from, std::size_t match_end, std::size_t log_size) {
  return std::min(from + match_end, log_size);
}

}  // namespace

void DecoderSet::decode(Event& event, DecodeState& state) const {
  state.begin();
  event.decoder_name.clear();
  event.parent_decoder_name.clear();

  const bool has_program_name = event.program_name.has_value();
  const std::string_view log = event.log();
  const std::vector<TopLevel>& candidates = has_program_name ? with_program_name_ : without_program_name_;
  std::size_t match_end = 0;

  for (const TopLevel& top : candidates) {
    const Decoder& decoder = decoders_[top.decoder];
    std::size_t after_parent_match = 0;  // Wazuh's pmatch
    if (has_program_name && !(decoder.program_name && decoder.program_name->matches(event.program_name.view()))) {
      continue;
    }
    if (decoder.prematch) {
      if (!decoder.prematch->search(log, nullptr, &match_end)) continue;
      after_parent_match = after_match(0, match_end, log.size());
    }

    state.decoder_ = &decoder;
    state.type_ = decoder.type;
    ChainOffsets offsets;
    offsets.log_after_prematch = after_parent_match;  // Wazuh's lf->log_after_prematch
    offsets.parent = after_parent_match;

    if (top.children.empty()) {
      // Without children the decoder decodes with its own regex or plugin.
      const std::uint32_t self[] = {top.decoder};
      run_chain(self, 0, event, state, offsets);
      break;
    }

    const std::vector<std::uint32_t>& children = top.children;
    std::size_t chosen = children.size();
    for (std::size_t i = 0; i < children.size();) {
      const Decoder& child = decoders_[children[i]];
      if (!child.prematch) {
        // Taken at once; the event keeps the parent as its decoder.
        offsets.prematch = after_parent_match;
        chosen = i;
        break;
      }
      const std::size_t from = child.prematch_offset == DecoderOffset::after_parent ? after_parent_match : 0;
      if (child.prematch->search(log.substr(from), nullptr, &match_end)) {
        offsets.prematch = after_match(from, match_end, log.size());
        offsets.log_after_parent = after_parent_match;
        offsets.log_after_prematch = offsets.prematch;
        state.decoder_ = &child;
        state.type_ = child.type;
        chosen = i;
        break;
      }
      // A failed chain head skips the decoders marked get_next after it and then one more: its
      // chain when the chain is contiguous (Wazuh's walk, also when it is not).
      if (child.get_next) {
        do {
          ++i;
        } while (i < children.size() && decoders_[children[i]].get_next);
        if (i == children.size()) break;
      }
      ++i;
    }
    if (chosen < children.size()) run_chain(children, chosen, event, state, offsets);
    break;
  }

  const Decoder* decoded_by = state.decoder_;
  if (decoded_by == nullptr) return;
  event.decoder_name = decoded_by->name;
  if (decoded_by->parent) event.parent_decoder_name = *decoded_by->parent;
  if (decoded_by->accumulate) state.accumulator_.accumulate(event, decoded_by->name, state.now_);
}

// The regex loop of DecodeEvent from chain[start] on: each decoder decodes, and the walk goes
// on to the next sibling while the current one has get_next.
void DecoderSet::run_chain(std::span<const std::uint32_t> chain, std::size_t start, Event& event, DecodeState& state,
                           const ChainOffsets& offsets) const {
  std::size_t after_previous_regex = kUnset;
  std::size_t match_end = 0;
  Captures& captures = state.captures_;
  for (std::size_t i = start; i < chain.size(); ++i) {
    const Decoder& decoder = decoders_[chain[i]];
    if (decoder.plugin != PluginDecoder::none) {
      PluginContext context{event,
                            *state.decoder_,
                            offsets.log_after_parent,
                            offsets.log_after_prematch,
                            state.type_,
                            state.generated_rule_,
                            state.rule_exists_,
                            state.json_scratch_};
      run_plugin_decoder(decoder.plugin, context);
    } else if (decoder.regex) {
      std::size_t from = 0;
      switch (decoder.regex_offset) {
        case DecoderOffset::none: from = 0; break;
        case DecoderOffset::after_parent: from = offsets.parent; break;
        case DecoderOffset::after_prematch: from = offsets.prematch; break;
        case DecoderOffset::after_regex:
          from = after_previous_regex != kUnset ? after_previous_regex : offsets.prematch;
          break;
      }
      // A plugin earlier in the chain may have replaced the log.
      const std::string_view log = event.log();
      const bool matched = from != kUnset && decoder.regex->search(log.substr(std::min(from, log.size())),
                                                                  &captures, &match_end);
      if (!matched) {
        if (decoder.get_next) continue;
        return;
      }
      after_previous_regex = after_match(std::min(from, log.size()), match_end, log.size());
      if (event.dynamic_fields().size() >= kDecoderOrderSize) return;  // Wazuh: "Regex has too many groups."
      const std::size_t filled = std::min(captures.size(), decoder.order.size());
      for (std::size_t k = 0; k < filled; ++k) {
        const OrderEntry& entry = decoder.order[k];
        if (entry.static_field) {
          event.set_static_field(*entry.static_field, captures[k]);
        } else {
          event.append_field(entry.name, captures[k]);
        }
      }
    } else {
      return;
    }
    if (!decoder.get_next) return;
  }
}

}  // namespace herald::analysis
