#pragma once
// The first-time-seen key of Wazuh's FTS: what a rule with <if_fts/> looks up (the store of
// keys already seen belongs to the rules engine).
#include <string>

namespace herald::analysis {

class Event;
struct Decoder;

// Wazuh's key for an event decoded by `decoder` (the event's decoder, DecodeState::decoder()):
// "<name> <id> <dstuser> <srcuser> <srcip> <dstip> <data> <system_name> <location>", each
// field empty unless named in the decoder's <fts> and set, cut to 255 bytes; then, for each
// dynamic <order> field named in <fts> that the event has, a space and its value, cut to 256
// bytes in all.
std::string fts_key(const Decoder& decoder, const Event& event);

}  // namespace herald::analysis
