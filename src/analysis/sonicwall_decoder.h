#pragma once
// Wazuh's SonicWall_Decoder plugin: SonicWall firewall logs ("... pri=5 c=512 m=1233 ... src=...").
//  * "pri=(\d) c=(\d+) m=(\d+) " gives status, the category (its first 7 bytes) and id; then,
//    from the end of that match, "src=(ip):(port):\S+ dst=(ip):(port):" gives srcip, srcport,
//    dstip, dstport, and a "proto=" right after the next space gives the protocol (at most 6
//    bytes, up to a '/'). Either regex failing ends decoding with the fields set so far.
//  * The type starts as syslog; category 32 makes it ids; ids 98 597 598 make it firewall with
//    action "pass", 38 36 173 174 37 firewall "drop", 537 firewall "close", and 97 squid: then
//    "result=(\d+) dstname=(\S+) arg=(\S+)$" replaces id with the result code and sets url to
//    dstname followed by arg.
#include <cstdint>

namespace herald::analysis {

class Event;
enum class DecoderType : std::uint8_t;

void decode_sonicwall(Event& event, DecoderType& type);

}  // namespace herald::analysis
