#pragma once
// NATS subject rules, shared by every EventBus backend so that LocalBus accepts, prefixes and
// matches exactly what NatsBus sends to the server (ARCHITECTURE.md "NATS subjects").
//
// A subject is dot-separated tokens: none empty, no whitespace (it would split the NATS protocol
// line). A pattern may use `*` as a whole token (exactly one token) and `>` as its last token (one
// or more tokens). `*`/`>` inside a longer token ("a*b") are plain characters, as in NATS.
#include <string>
#include <string_view>

namespace herald::bus {

// True if `subject` is a concrete subject (no wildcard tokens) that NATS would accept.
bool is_valid_subject(std::string_view subject);

// True if `pattern` is a valid subscription pattern (wildcards allowed as described above).
bool is_valid_pattern(std::string_view pattern);

// True if the concrete `subject` is matched by `pattern`. Both are assumed valid.
bool subject_matches(std::string_view pattern, std::string_view subject);

// "<prefix>.<relative>", or `relative` alone when the prefix is empty.
std::string with_prefix(std::string_view prefix, std::string_view relative);

}  // namespace herald::bus
