#pragma once
// Wazuh's PF_Decoder plugin: OpenBSD pf logs as tcpdump prints them, e.g.
//   Mar 30 15:54:22.171929 rule 3/(match) pass out on xl0: 192.168.2.10.1514 > 192.168.2.190.1030:  udp 73
// After the first ')' and a space comes the action ('p' -> "pass", 'b' -> "block"), after the
// next ": " the source, after " > " the destination up to ':'; an address keeps its first four
// dot-separated parts and the rest is the port. The protocol is "UDP" or "ICMP" when the text
// after the destination starts (past spaces) with 'u' or 'i', else "TCP". Decoding stops at the
// first part that does not fit, keeping the fields already set.
namespace herald::analysis {

class Event;

void decode_pf(Event& event);

}  // namespace herald::analysis
