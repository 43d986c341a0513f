#pragma once
// A reader for the XML dialect of Wazuh 4.x decoder and rule files: it accepts what Wazuh's own
// reader (os_xml) accepts and gives it the same meaning, which is not standard XML.
//
//  * A file holds any number of top-level elements and needs no single root; text between them
//    is ignored. An empty file, or one of only comments, yields no elements.
//  * `<!` opens a comment that ends at the first `-->` or `!>` after it. Comments may appear
//    between elements and inside content (they are cut out of it), not inside a tag. There is no
//    CDATA: `<![CDATA[` opens a comment like any other `<!`, as it does for Wazuh.
//  * Entities are not decoded (`&lt;` stays those four characters). A `<` preceded by an odd run
//    of backslashes is content, and the backslashes stay: `\<` reaches the regex unchanged.
//  * Content is kept byte for byte (no trimming). An element that has children keeps as content
//    only the text after its last child, as Wazuh does.
//  * Attribute values are quoted with `"` or `'`, may contain `<` and newlines but not `>`; no
//    whitespace between the name and `=`; at most 48 attributes, no name twice (exact spelling).
//  * `<var name="X">value</var>` (any case, at any depth) defines X: it is not returned itself,
//    and `$X` in the attribute values and contents of elements whose start tag comes after it is
//    replaced by value. A name runs from `$` up to the next `$ . | , space` or the end; names
//    compare case-insensitively and the first definition wins. Values are inserted as written
//    (no nested expansion). As in Wazuh, a text of at most two bytes, or one read before any
//    variable is defined, is never expanded; `$(...` and a lone `$` stay literal; any other
//    `$name` that is not defined is an error.
//  * Names, contents and attribute values longer than 20479 bytes are errors (Wazuh's limit),
//    as is nesting deeper than kMaxRulesetXmlDepth (Wazuh: 1024; rulesets need 4).
//
// Stricter than Wazuh only on malformed markup it lets through by accident: an empty element name
// or one holding `<`, `=` or a quote, a `/` in a tag not followed by `>`, a NUL byte, a `<var>`
// with child elements or whose first attribute is not `name`, and expansion that would grow the
// text past a bound proportional to the input (so that a few bytes cannot expand to gigabytes).
// The one known difference in meaning: Wazuh adds the `>` of `<x a="1"/>` to the parent's content.
//
// Time and memory are linear in the input; nesting is handled without recursion.
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/result.h"

namespace herald::analysis {

inline constexpr std::size_t kMaxRulesetXmlDepth = 64;
inline constexpr std::size_t kMaxRulesetXmlText = 20479;  // bytes in a name, content or value
inline constexpr std::size_t kMaxRulesetXmlAttributes = 48;

struct XmlElement {
  std::string name;  // as written; Wazuh compares element names case-insensitively
  std::vector<std::pair<std::string, std::string>> attributes;  // in document order
  std::string content;                                          // variables expanded
  std::vector<XmlElement> children;                             // in document order
  int line = 0;                                                 // 1-based line of the element's `<`

  // The value of the first attribute whose name equals `name` ignoring ASCII case (how Wazuh
  // looks attributes up), or nullptr.
  const std::string* attribute(std::string_view name) const;
};

// Parses a whole ruleset file. Errors are invalid_argument with the message
// "<file_name>:<line>: <what>". Never throws (except std::bad_alloc).
core::Result<std::vector<XmlElement>> parse_ruleset_xml(std::string_view text, std::string_view file_name);

}  // namespace herald::analysis
