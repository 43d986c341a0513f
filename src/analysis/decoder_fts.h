#pragma once
// The first-time-seen key of Wazuh's FTS: what a rule with <if_fts/> looks up (the store of
// keys already seen belongs to the rules engine).
#include <string>
#include <string_view>
#include <vector>

namespace herald::analysis {

class Event;
struct Decoder;

// A decoder's <fts> fields: what makes up the key <if_fts/> rules look up.
struct FtsKeyFields {
  bool id = false;
  bool dstuser = false;
  bool srcuser = false;
  bool srcip = false;
  bool dstip = false;
  bool data = false;
  bool system_name = false;
  bool location = false;
  std::vector<std::string> dynamic;  // <order> names, in the decoder's order
  bool any = false;                  // the decoder has an <fts> at all
};

// The fields of `decoder`'s <fts>, with its dynamic <order> names resolved.
FtsKeyFields fts_key_fields(const Decoder& decoder);

// Wazuh's key: "<name> <id> <dstuser> <srcuser> <srcip> <dstip> <data> <system_name>
// <location>", each field empty unless named in <fts> and set, cut to 255 bytes; then, for each
// dynamic field named in <fts> that the event has, a space and its value, cut to 256 bytes in all.
std::string fts_key(std::string_view decoder_name, const Event& event, const FtsKeyFields& fields);
// With the event's decoder name (the rules engine's view).
std::string fts_key(const Event& event, const FtsKeyFields& fields);
// For an event decoded by `decoder` (DecodeState::decoder()).
std::string fts_key(const Decoder& decoder, const Event& event);

}  // namespace herald::analysis
