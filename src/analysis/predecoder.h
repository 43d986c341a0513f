#pragma once
// Pre-decoding, as Wazuh 4.x analysisd does it before any decoder runs (OS_CleanMSG): the date,
// host and program a log's header carries, where the message after the header starts, and the
// agent identity held in the location.
//
// The header forms recognised are Wazuh's, found by fixed character positions (no parsing of the
// date itself), in this order:
//   syslog      "Dec 29 10:00:01 host prog[123]: msg" (RFC 3164; also "Mär" for March)
//   proftpd     "2015-04-16 21:51:02,805 host ..."
//   iso8601     "2007-06-14T15:48:55-04:00 host ...", with .fraction and zone variants
//   with_year   "2015 Dec 29 10:00:01 host ..."
//   macos_uls   "2021-04-21 10:16:09.404756-0700 host ..."
// (these five continue with a host and a program as below), then
//   xferlog     "Mon Apr 17 18:27:14 2006 1 64.160.42.130 ..."
//   snort       "01/28-09:13:16.240702  [**] ..."
//   suricata    "01/28/1979-09:13:16.240702  [**] ..."
//   apache      "[Fri Feb 11 18:06:35 2004] [warn] ..."
//   macos_asl   "[Time 2006.12.28 15:53:55 UTC] [Facility auth] [Sender sshd] ... [Message ...] ... [Host h]"
//   squid       "1140804070.368  11623 ..."
// After a syslog-family date: "host prog: ", "host prog[pid]: " (the space after ':' optional),
// "host prog[pid] ", Solaris' "prog: " with no host, AIX's "host auth|security:info prog: ", and
// a "[ID n facility.severity] " after the program is skipped. A host not followed by a space
// means no host; a program not in one of those shapes means no program (the message then starts
// after the host).
//
// Deliberate differences from Wazuh, each for malformed or accidental input only:
//   - A message starting with '{' (JSON) is never pre-decoded; Wazuh would if its bytes happened
//     to line up with a date layout.
//   - "Mär" dates keep their last character in the timestamp (Wazuh drops it).
//   - Reads never go past the end of the text (Wazuh can, after "[ID x]" at the very end).
//   - The text is read up to its first NUL byte, as a C string would be.
// Wazuh's quirks on odd headers are otherwise kept (for instance an AIX program name that is not
// followed by ':' runs to the end of the log), so decoders see what they see in Wazuh.
#include <cstddef>
#include <string_view>

#include "analysis/event.h"
#include "core/result.h"

namespace herald::analysis {

enum class HeaderForm {
  none,  // no date layout recognised: the whole text is the message
  json,  // starts with '{': left alone
  syslog,
  proftpd,
  iso8601,
  with_year,
  macos_uls,
  xferlog,
  snort,
  suricata,
  apache,
  macos_asl,
  squid,
};

// A part of the text: [offset, offset + length), meaningful when present.
struct TextSpan {
  bool present = false;
  std::size_t offset = 0;
  std::size_t length = 0;
};

struct LogHeader {
  HeaderForm form = HeaderForm::none;
  TextSpan timestamp;
  TextSpan hostname;
  TextSpan program_name;
  TextSpan pid;
  // The message after the header, always present.
  std::size_t log_offset = 0;
  std::size_t log_length = 0;
};

// The header of one log text. Linear in the text's length; never fails.
LogHeader parse_log_header(std::string_view text);

struct PredecodeOptions {
  // The hostname of a manager-local event whose header names none (Wazuh's short hostname).
  std::string_view manager_hostname;
};

// Fills the pre-decoding part of `event` from its full_log and location (both set by an event
// source), as OS_CleanMSG does:
//   - timestamp, header_hostname, program_name, pid and log() from the header;
//   - a location "[<id>] <rest>" is an agent's: agent_id becomes <id>, location <rest> (what
//     follows "] "), hostname the name in a leading "(<name>)" or "" without one; agent_name and
//     agent_ip, when empty, are taken from "(<name>) <ip>->";
//   - any other location is the manager's: agent_id "000", hostname the header's host or else
//     options.manager_hostname.
// Error (invalid_argument): a location starting with '[' that has no ']' (Wazuh drops such a
// message). On error the event's pre-decoding fields are unspecified.
core::Status predecode(Event& event, const PredecodeOptions& options = {});

}  // namespace herald::analysis
