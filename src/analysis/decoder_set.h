#pragma once
// The decoders of a Wazuh 4.x ruleset, loaded from its decoder files, and Wazuh's decoding of
// an event with them (analysisd's ReadDecodeXML, OS_AddOSDecoder, SetDecodeXML, DecodeEvent).
//
// Loading. Files are read in the order given (Wazuh's: each decoder_dir's files sorted by name;
// decoder_exclude is the caller's, by leaving files out). Every check Wazuh makes is made with
// Wazuh's outcome: what stops Wazuh is an error (core::invalid_argument "path:line: element:
// what") and what Wazuh only warns about is a warning that keeps Wazuh's default. A decoder
// without <parent> goes to one of two top-level lists, that of decoders with a <program_name>
// or that of those without; a decoder with a <parent> becomes a child of every top-level
// decoder of that name already loaded (a parent must come first, and children cannot have
// children). Siblings of the same name form one chain of regexes (see decode()).
//
// Names and ids. A child is known by its parent's name unless it has
// <use_own_name>true</use_own_name>. Ids are Wazuh's: the 1-based rank of a name among all
// names written (children's own names included) and Wazuh's internal decoders' names, sorted
// bytewise; a child without use_own_name has its parent's id.
//
// Where Herald differs, on purpose: Wazuh's decoder_order_size is fixed at its default (256);
// SonicWall and OSSECAlert change the type of the event (DecodeState::type()) where Wazuh
// changes the shared decoder; a PCRE2 regex without groups does not see the captures a
// previous pattern left behind; the local decoder file that may be empty is any file named
// local_decoder.xml; a JSON array printed past kMaxJsonArrayText is dropped.
//
// Immutable after load, safe for concurrent use (each thread with its own DecodeState).
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/decoder.h"
#include "analysis/decoder_state.h"
#include "analysis/event.h"
#include "analysis/ruleset_file.h"
#include "core/result.h"

namespace herald::analysis {

// One decoder as the API lists it: as written, where written.
struct DecoderListEntry {
  std::string_view name;
  std::string_view parent;  // empty when it has none
  std::string_view file;
  std::size_t position = 0;     // index among its file's <decoder> elements
  std::string_view status;      // "enabled": excluded files are not loaded at all
};

class DecoderSet {
 public:
  // Loads `files`. On success `warnings` has gained Wazuh's warnings ("file:line: what").
  static core::Result<DecoderSet> load(const std::vector<RulesetFile>& files, LoadWarnings& warnings);

  DecoderSet(DecoderSet&&) noexcept = default;
  DecoderSet& operator=(DecoderSet&&) noexcept = default;
  DecoderSet(const DecoderSet&) = delete;
  DecoderSet& operator=(const DecoderSet&) = delete;

  // Decodes `event` (pre-decoded: program_name and log() set) as Wazuh's DecodeEvent does:
  //  1. Events with a program name try the top-level decoders that have a <program_name>, in
  //     load order; the others try those that have none. The first whose program name and
  //     prematch match is the event's decoder.
  //  2. Its children are tried in order: the first whose prematch matches (on the log, or after
  //     the parent's match with offset="after_parent") becomes the event's decoder; the first
  //     without a prematch is taken at once while the event keeps the parent as its decoder.
  //     A same-name chain whose first prematch fails is skipped as a whole (precisely: the
  //     siblings marked get_next after it and one more, as Wazuh steps).
  //  3. From the chosen decoder on, each regex of the chain runs on the log, after the parent,
  //     after the prematch or after the previous regex (offset); its captures fill the <order>
  //     fields (static names replace, others append). A failing regex ends decoding unless a
  //     later sibling follows; a plugin decodes in place of a regex.
  // Then the decoder's <accumulate> merges fields of earlier events (state's accumulator at
  // state.time()). Sets event.decoder_name / parent_decoder_name and the state's decoder(),
  // type() and generated_rule(). No heap allocation on the usual path once buffers have grown.
  void decode(Event& event, DecodeState& state) const;

  // Whether a <decoded_as> may name it: a name written in the files (a child's own name too)
  // or one of Wazuh's internal decoders (syscheck_*, rootcheck, windows_eventchannel, ...).
  bool has_decoder(std::string_view name) const { return id_of(name) != 0; }
  // Wazuh's id for that name, 0 when unknown.
  std::uint32_t id_of(std::string_view name) const;

  // Decoders loaded from the files.
  std::size_t size() const { return decoders_.size(); }
  std::span<const Decoder> decoders() const { return decoders_; }
  // In load order.
  std::vector<DecoderListEntry> list() const;

 private:
  struct TopLevel {
    std::uint32_t decoder = 0;
    std::vector<std::uint32_t> children;
  };

  // Where the walk's matches ended, as offsets into the log (Wazuh's pointers).
  struct ChainOffsets {
    std::size_t parent = 0;                            // after the parent's prematch (pmatch)
    std::size_t prematch = kUnsetLogOffset;            // after the child's prematch (cmatch)
    std::size_t log_after_parent = kUnsetLogOffset;    // what plugins see as lf->log_after_parent
    std::size_t log_after_prematch = kUnsetLogOffset;  // ... and lf->log_after_prematch
  };

  DecoderSet() = default;
  core::Status add_file(const RulesetFile& file, LoadWarnings& warnings);
  core::Status add_decoder(Decoder decoder);
  core::Status add_child(std::vector<std::uint32_t>& children, std::uint32_t index);
  void assign_names_and_ids();

  void run_chain(std::span<const std::uint32_t> chain, std::size_t start, Event& event, DecodeState& state,
                 const ChainOffsets& offsets) const;

  std::vector<Decoder> decoders_;
  std::vector<TopLevel> with_program_name_;
  std::vector<TopLevel> without_program_name_;
  std::vector<std::string> names_;  // sorted, distinct: ids are 1-based positions
};

}  // namespace herald::analysis
