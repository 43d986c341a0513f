#pragma once
// Wazuh's OSSECAlert_Decoder plugin: an alert another OSSEC/Wazuh manager forwarded by syslog,
//   Alert Level: 3; Rule: 5715 - sshd: authentication success.; Location: (web1) 10.0.0.2->/var/log/secure; srcip: 10.0.0.9; user: root;  Oct 10 ... original log
// It gives every event it sees the type ossec_alert, then needs, in order: "Alert Level:" (or
// "ossec: Alert Level") at the start; after the first ';' and the next ": ", a rule id that
// exists; after the next ';' " Location: " and the location up to ';'. The event's location
// becomes "<location>|<forwarded location>" (at most 254 bytes) and its hostname the same. Then
// "; srcip: X;" and "; user: X;" entries set srcip and dstuser, until two spaces or the end;
// the rest (past spaces, at most 4094 bytes) becomes the event's full log and log, and the rule
// id the generated rule. Decoding stops at the first part that does not fit.
#include <optional>
#include <string>

#include "analysis/plugin_decoders.h"

namespace herald::analysis {

void decode_ossec_alert(Event& event, DecoderType& type, const RuleExists& rule_exists,
                        std::optional<std::string>& generated_rule);

}  // namespace herald::analysis
