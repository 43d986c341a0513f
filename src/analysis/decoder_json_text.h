#pragma once
// The JSON text layer of the JSON_Decoder plugin: a reader and a printer that give a log the
// meaning Wazuh 4.x's bundled cJSON gives it (cJSON_ParseWithOpts without requiring the end,
// cJSON_Print), since Wazuh's JSON fields are defined by what cJSON accepts and prints:
//
//  * Parsing stops after the first value: `{"a":1} trailing text` is accepted. A UTF-8 byte order
//    mark is skipped; every byte <= 0x20 counts as white space. The input ends at its first NUL.
//  * Members keep document order and duplicates. Strings keep raw bytes (control characters and
//    invalid UTF-8 included); escapes are \" \\ \/ \b \f \n \r \t and \uXXXX (surrogate pairs must
//    pair up; a non-hex digit reads as code point 0). A string or key is cut at a NUL it encodes.
//  * A number is the longest run of `0-9 + - e E .` read with strtod in the C locale; its integer
//    view saturates at INT_MIN/INT_MAX as cJSON's valueint does.
//  * Nesting deeper than kMaxJsonNesting (cJSON's limit, 1000) is a parse failure.
//
// Memory is linear in the input; parsing and printing recurse at most kMaxJsonNesting deep.
// A JsonDocument is reusable (parse() clears it) and not safe for concurrent use.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace herald::analysis {

inline constexpr int kMaxJsonNesting = 1000;

enum class JsonKind : std::uint8_t { null_value, false_value, true_value, number, string, array, object };

struct JsonNode {
  static constexpr std::uint32_t kNone = 0xFFFFFFFFu;
  JsonKind kind = JsonKind::null_value;
  bool has_key = false;  // object members have a key (possibly empty); array items and the root do not
  double number = 0;     // cJSON valuedouble
  int integer = 0;       // cJSON valueint (saturated)
  std::uint32_t key_offset = 0, key_size = 0;
  std::uint32_t text_offset = 0, text_size = 0;  // a string's value
  std::uint32_t first_child = kNone, next_sibling = kNone;
};

class JsonDocument {
 public:
  // Parses `input`; false if cJSON would reject it (the document is then empty).
  bool parse(std::string_view input);

  bool empty() const { return nodes_.empty(); }
  std::uint32_t root() const { return 0; }
  const JsonNode& node(std::uint32_t index) const { return nodes_[index]; }
  std::string_view key(const JsonNode& node) const { return {strings_.data() + node.key_offset, node.key_size}; }
  std::string_view text(const JsonNode& node) const { return {strings_.data() + node.text_offset, node.text_size}; }

  // Appends what cJSON_Print (formatted: tabs, newlines, ", " in arrays) writes for the node.
  // False, with `out` holding a cut text, once `out` grows past max_size.
  bool print(std::uint32_t index, std::string& out, std::size_t max_size = std::string::npos) const;
  // The same for cJSON_PrintUnformatted (no white space: {"a":1,"b":[1,2]}).
  bool print_unformatted(std::uint32_t index, std::string& out, std::size_t max_size = std::string::npos) const;

 private:
  friend class JsonReader;
  std::vector<JsonNode> nodes_;
  std::string strings_;  // every key and string value, back to back
};

// The text cJSON_Print gives a number: "%d" of the integer view when it equals the value,
// otherwise "%1.15g", or "%1.17g" when "%1.15g" does not read back; "null" for inf and nan.
void append_cjson_number(const JsonNode& node, std::string& out);
// A string as cJSON prints it: quoted; `"` `\\` and control characters escaped (\b \f \n \r \t,
// else \u00XX); every other byte as it is.
void append_cjson_string(std::string_view text, std::string& out);

}  // namespace herald::analysis
