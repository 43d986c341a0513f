#pragma once
// Wazuh CDB lists: the text source files (etc/lists/...) loaded into memory, and the lookups a
// rule's <list lookup="..."> makes against them. Wazuh compiles the text into a .cdb file; Herald
// reads the text and keeps an immutable hash map, which answers the same questions.
//
// The text format, as Wazuh's list compiler reads it, line by line:
//   key:value        the key is everything before the first ':', the value everything after it
//   key:             a key with an empty value
//   "a0:b1:c2":v     a key in double quotes may hold ':' (text before the opening quote and
//                    between the closing quote and the ':' is ignored)
//   key:"v:w"        a value in double quotes is what lies between them (the rest is ignored)
// A line ends at its first '\n' or '\r'. Lines with no ':' are skipped: blank ones and '#'
// comments silently, others with a warning, as are quoted keys or values missing their closing
// quote. No trimming: " key" and "key" are different keys. When a key appears twice, the first
// value is kept (a .cdb answers with the first record), with a warning.
//
// Immutable after construction, safe for concurrent use.
#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "core/result.h"
#include "core/string_hash.h"

namespace herald::analysis {

// A rule's lookup="..." kinds. Rules name them ignoring case; match_key is the default.
enum class ListLookup {
  match_key,                // the key is in the list
  not_match_key,            // the key is not in the list
  match_key_value,          // the key is in the list and its value passes check_value
  address_match_key,        // the address, or a prefix of it ending in '.', is in the list
  not_address_match_key,    // neither the address nor such a prefix is in the list
  address_match_key_value,  // the first of those found has a value that passes check_value
};
std::optional<ListLookup> list_lookup_from_name(std::string_view name);

// check_value: does a list value match? (A rule's compiled expression, outside this unit.)
using ValuePredicate = std::function<bool(std::string_view value)>;

struct CdbListOptions {
  // Turns the first warning into an error (Wazuh itself only skips such lines).
  bool strict = false;
};

class CdbList {
 public:
  // Parses list text; `source_name` (usually the file's path) prefixes warnings and errors as
  // "<source_name>:<line>: ...". Fails only in strict mode.
  static core::Result<CdbList> parse(std::string_view text, std::string source_name, CdbListOptions options = {});
  // Reads and parses a file. Errors: not_found when it does not exist, unavailable when it
  // cannot be read, and parse()'s.
  static core::Result<CdbList> load(const std::string& path, CdbListOptions options = {});

  const std::string& source_name() const { return source_name_; }
  std::size_t size() const { return entries_.size(); }
  // "<source_name>:<line>: <what>" for each line skipped or key ignored, in file order.
  const std::vector<std::string>& warnings() const { return warnings_; }

  // Every key and its value, sorted by key (the API lists them).
  std::vector<std::pair<std::string_view, std::string_view>> entries() const;

  // The value of exactly this key.
  std::optional<std::string_view> find(std::string_view key) const;
  // The value for an address as Wazuh's address lookups find it: the address itself, else its
  // longest prefix ending in '.' that is a key ("192.168." covers 192.168.0.0/16). Keys in CIDR
  // notation are only ever matched literally, as in Wazuh.
  std::optional<std::string_view> find_address(std::string_view address) const;

  bool match_key(std::string_view key) const { return find(key).has_value(); }
  bool not_match_key(std::string_view key) const { return !match_key(key); }
  // An empty predicate matches nothing (Wazuh without check_value).
  bool match_key_value(std::string_view key, const ValuePredicate& check_value) const;
  bool address_match_key(std::string_view address) const { return find_address(address).has_value(); }
  bool not_address_match_key(std::string_view address) const { return !address_match_key(address); }
  // As documented by Wazuh (found, and the value passes). Wazuh 4.14's code returns the opposite
  // (true when the address is absent or its value fails); Herald follows the documentation.
  bool address_match_key_value(std::string_view address, const ValuePredicate& check_value) const;

  // Any lookup by kind; check_value is used by the *_value kinds only.
  bool lookup(ListLookup kind, std::string_view key, const ValuePredicate& check_value = {}) const;

 private:
  CdbList() = default;
  static core::Result<CdbList> parse_text(std::string_view text, std::string source_name, CdbListOptions options);

  std::string source_name_;
  std::unordered_map<std::string, std::string, core::StringHash, std::equal_to<>> entries_;
  // The distinct lengths of keys ending in '.', longest first: the only prefixes worth a lookup,
  // so an address lookup costs a few probes whatever the address's length.
  std::vector<std::size_t> prefix_lengths_;
  std::vector<std::string> warnings_;
};

}  // namespace herald::analysis
