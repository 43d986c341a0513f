#pragma once
// Every bound Herald puts on what a client sends, in one place (README "Input limits" lists them).
//
// Stored strings are bounded so that one request cannot make a row, an order or every copy of an
// order in a fan-out arbitrarily large; the limits are generous for what real agents and Command
// Manager clients send (a Wazuh version is ~10 bytes, a uname ~200). Lengths are in bytes of
// UTF-8, which is what the store keeps. Query-parameter bounds keep a filter inside what both
// store backends can compile (SQLite refuses expression trees deeper than 1000, LIKE patterns
// longer than 50,000 bytes) so that a large filter is a 400 naming the parameter, never a 500.
#include <cstddef>

namespace herald::core {

// --- JSON bodies (commands, enrollment, agent events) ---
// Nesting depth of any JSON document read from a client or read back from the store. One value for
// all: what was accepted at the edge always parses again when it is read back (a smaller limit on
// the read side turned deep args or result data into {}).
inline constexpr std::size_t kMaxJsonDepth = 64;

// --- strings ---
inline constexpr std::size_t kMaxShortText = 256;        // versions, types, names of things, sources, ids
inline constexpr std::size_t kMaxLongText = 4096;        // free text: a uname, an args string, a result message
inline constexpr std::size_t kMaxAgentNameLength = 128;  // wire-protocol d2 (error 1738)
inline constexpr std::size_t kMaxGroupNameLength = 128;  // agent-status.md §2

// --- agents (POST /agents and the metadata line of the agent's event batches) ---
// type, version, host.hostname, host.architecture, host.os.{name,type,version,platform}, each ip:
// kMaxShortText. Any other string inside `host` (e.g. a uname): kMaxLongText.
inline constexpr std::size_t kMaxAgentIps = 256;                  // host.ip items
inline constexpr std::size_t kMaxAgentGroups = 128;               // groups an agent reports / set-group names
inline constexpr std::size_t kMaxHostJsonBytes = 64 * 1024;       // `host` as stored
inline constexpr std::size_t kMaxAgentMetadataBytes = 64 * 1024;  // the `agent` object copied into orders

// --- commands (POST /_plugins/_command_manager/commands) ---
// source, user, target.id, action.name, action.version, each key of args: kMaxShortText; each
// string in args: kMaxLongText; set-group names: kMaxGroupNameLength, at most kMaxAgentGroups.
inline constexpr std::size_t kMaxArgsJsonBytes = 64 * 1024;  // the normalized args object, serialized

// --- command results reported by agents (stateful `command` events) ---
// command.result.message: kMaxLongText.
inline constexpr std::size_t kMaxResultDataBytes = 64 * 1024;  // command.result.data, serialized

// --- GET /agents and GET /orders parameters ---
inline constexpr std::size_t kMaxFilterLength = 4096;    // q, search and each named filter's value
inline constexpr std::size_t kMaxFilterTerms = 100;      // conditions in q
inline constexpr std::size_t kMaxFilterDepth = 16;       // nested parentheses in q
inline constexpr std::size_t kMaxListedAgents = 10'000;  // agents_list ids (each kMaxShortText)
inline constexpr std::size_t kMaxSortKeys = 20;
inline constexpr std::size_t kMaxSelectFields = 64;

}  // namespace herald::core
