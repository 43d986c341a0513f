#pragma once
// One <decoder> element read into a Decoder as Wazuh's ReadDecodeXML reads it: its options, the
// checks that concern the decoder alone (those about its siblings are DecoderSet's) and its
// patterns compiled. Used by DecoderSet::load.
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "analysis/decoder.h"
#include "analysis/ruleset_file.h"
#include "analysis/ruleset_xml.h"
#include "core/result.h"

namespace herald::analysis {

// Wazuh's limit on a decoder's parent, prematch, regex, program_name and ftscomment text, all
// elements of one kind together (OS_SIZE_1024 with its terminator).
inline constexpr std::size_t kMaxDecoderText = 1023;

core::Result<Decoder> read_decoder(const XmlElement& element, std::string_view file, std::size_t position,
                                   LoadWarnings& warnings);

// Wazuh's OS_StrBreak: `text` cut at commas into at most `max_parts` parts (the last takes the
// rest); a comma right after a backslash is kept, without the backslash.
std::vector<std::string> split_wazuh_list(std::string_view text, std::size_t max_parts);

}  // namespace herald::analysis
