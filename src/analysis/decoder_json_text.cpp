#include "analysis/decoder_json_text.h"

#include <locale.h>

#include <cfloat>
#include <climits>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace herald::analysis {
namespace {

// strtod in the C locale whatever the process locale is: cJSON reads '.' as the decimal point
// only in the C locale, and Wazuh runs in it.
double strtod_c(const char* text, char** end) {
  static const locale_t c_locale = newlocale(LC_ALL_MASK, "C", locale_t{});
  return strtod_l(text, end, c_locale);
}

unsigned parse_hex4(const char* digits) {
  unsigned value = 0;
  for (int i = 0; i < 4; ++i) {
    const char c = digits[i];
    unsigned digit;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(10 + c - 'A');
    } else if (c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(10 + c - 'a');
    } else {
      return 0;  // cJSON reads a malformed \u escape as code point 0
    }
    value = (value << 4) | digit;
  }
  return value;
}

}  // namespace

// The reader works on the input plus the terminating NUL cJSON counts in its buffer length, so
// `at(size)` is '\0' and the end tests read as cJSON's do.
class JsonReader {
 public:
  JsonReader(std::string_view input, JsonDocument& document) : input_(input), document_(document) {}

  bool read_document() {
    // cJSON looks for the mark only when four bytes (its terminator included) can be read.
    if (input_.size() >= 4 && input_.substr(0, 3) == "\xEF\xBB\xBF") offset_ = 3;
    skip_white_space();
    const std::uint32_t root = new_node();
    return parse_value(root);
  }

 private:
  std::size_t length() const { return input_.size() + 1; }
  bool can_access(std::size_t index) const { return offset_ + index < length(); }
  char at(std::size_t index) const {
    const std::size_t position = offset_ + index;
    return position < input_.size() ? input_[position] : '\0';
  }

  void skip_white_space() {
    while (can_access(0) && static_cast<unsigned char>(at(0)) <= 32) ++offset_;
    if (offset_ == length()) --offset_;
  }

  std::uint32_t new_node() {
    document_.nodes_.emplace_back();
    return static_cast<std::uint32_t>(document_.nodes_.size() - 1);
  }
  JsonNode& node(std::uint32_t index) { return document_.nodes_[index]; }

  bool starts_with(std::string_view word) const {
    if (offset_ + word.size() > length()) return false;
    for (std::size_t i = 0; i < word.size(); ++i) {
      if (at(i) != word[i]) return false;
    }
    return true;
  }

  bool parse_value(std::uint32_t index) {
    if (starts_with("null")) {
      node(index).kind = JsonKind::null_value;
      offset_ += 4;
      return true;
    }
    if (starts_with("false")) {
      node(index).kind = JsonKind::false_value;
      offset_ += 5;
      return true;
    }
    if (starts_with("true")) {
      node(index).kind = JsonKind::true_value;
      node(index).integer = 1;
      offset_ += 4;
      return true;
    }
    if (!can_access(0)) return false;
    const char c = at(0);
    if (c == '"') {
      std::uint32_t text_offset = 0, text_size = 0;
      if (!parse_string(text_offset, text_size)) return false;
      JsonNode& string_node = node(index);
      string_node.kind = JsonKind::string;
      string_node.text_offset = text_offset;
      string_node.text_size = text_size;
      return true;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(index);
    if (c == '[') return parse_container(index, JsonKind::array);
    if (c == '{') return parse_container(index, JsonKind::object);
    return false;
  }

  bool parse_number(std::uint32_t index) {
    std::size_t run = 0;
    while (can_access(run)) {
      const char c = at(run);
      if (!((c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'e' || c == 'E' || c == '.')) break;
      ++run;
    }
    char small[64];
    std::string large;
    char* text = small;
    if (run >= sizeof(small)) {
      large.assign(input_.substr(offset_, run));
      text = large.data();
    } else {
      std::memcpy(small, input_.data() + offset_, run);
      small[run] = '\0';
    }
    char* end = nullptr;
    const double value = strtod_c(text, &end);
    if (end == text) return false;
    JsonNode& number = node(index);
    number.kind = JsonKind::number;
    number.number = value;
    if (value >= INT_MAX) {
      number.integer = INT_MAX;
    } else if (value <= static_cast<double>(INT_MIN)) {
      number.integer = INT_MIN;
    } else {
      number.integer = static_cast<int>(value);
    }
    offset_ += static_cast<std::size_t>(end - text);
    return true;
  }

  // Appends the code point a \u escape (or a pair) encodes to `out`; 0 on a malformed escape,
  // else the escape's length. `remaining` counts the bytes from the backslash to the quote.
  static std::size_t read_unicode_escape(const char* escape, std::size_t remaining, std::string& out,
                                         bool& reached_nul) {
    if (remaining < 6) return 0;
    const unsigned first = parse_hex4(escape + 2);
    if (first >= 0xDC00 && first <= 0xDFFF) return 0;
    unsigned code_point = first;
    std::size_t length = 6;
    if (first >= 0xD800 && first <= 0xDBFF) {
      if (remaining - 6 < 6 || escape[6] != '\\' || escape[7] != 'u') return 0;
      const unsigned second = parse_hex4(escape + 8);
      if (second < 0xDC00 || second > 0xDFFF) return 0;
      code_point = 0x10000 + (((first & 0x3FF) << 10) | (second & 0x3FF));
      length = 12;
    }
    if (reached_nul) return length;
    if (code_point == 0) {
      reached_nul = true;  // the C string ends here; cJSON still checks the rest
    } else if (code_point < 0x80) {
      out.push_back(static_cast<char>(code_point));
    } else if (code_point < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (code_point >> 6)));
      out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else if (code_point < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (code_point >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (code_point >> 18)));
      out.push_back(static_cast<char>(0x80 | ((code_point >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((code_point >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code_point & 0x3F)));
    }
    return length;
  }

  bool parse_string(std::uint32_t& text_offset, std::uint32_t& text_size) {
    if (at(0) != '"') return false;
    // Find the closing quote first, stepping over every escaped byte.
    std::size_t end = offset_ + 1;
    while (end < length() && (end < input_.size() ? input_[end] : '\0') != '"') {
      if (end < input_.size() && input_[end] == '\\') {
        if (end + 1 >= length()) return false;
        ++end;
      }
      ++end;
    }
    if (end >= input_.size()) return false;  // no closing quote before the terminator
    std::string& out = document_.strings_;
    const std::size_t start = out.size();
    bool reached_nul = false;
    std::size_t position = offset_ + 1;
    while (position < end) {
      const char c = input_[position];
      if (c != '\\') {
        if (!reached_nul) out.push_back(c);
        ++position;
        continue;
      }
      char unescaped;
      switch (input_[position + 1]) {
        case 'b': unescaped = '\b'; break;
        case 'f': unescaped = '\f'; break;
        case 'n': unescaped = '\n'; break;
        case 'r': unescaped = '\r'; break;
        case 't': unescaped = '\t'; break;
        case '"':
        case '\\':
        case '/': unescaped = input_[position + 1]; break;
        case 'u': {
          const std::size_t used = read_unicode_escape(input_.data() + position, end - position, out, reached_nul);
          if (used == 0) return false;
          position += used;
          continue;
        }
        default: return false;
      }
      if (!reached_nul) out.push_back(unescaped);
      position += 2;
    }
    text_offset = static_cast<std::uint32_t>(start);
    text_size = static_cast<std::uint32_t>(out.size() - start);
    offset_ = end + 1;
    return true;
  }

  bool parse_container(std::uint32_t index, JsonKind kind) {
    if (depth_ >= kMaxJsonNesting) return false;
    ++depth_;
    node(index).kind = kind;
    const char close = kind == JsonKind::array ? ']' : '}';
    ++offset_;
    skip_white_space();
    if (can_access(0) && at(0) == close) {
      --depth_;
      ++offset_;
      return true;
    }
    if (!can_access(0)) return false;
    --offset_;  // back onto the opening bracket, as if it were a comma
    std::uint32_t previous = JsonNode::kNone;
    do {
      const std::uint32_t child = new_node();
      if (previous == JsonNode::kNone) {
        node(index).first_child = child;
      } else {
        node(previous).next_sibling = child;
      }
      previous = child;
      ++offset_;
      skip_white_space();
      if (kind == JsonKind::object) {
        std::uint32_t key_offset = 0, key_size = 0;
        if (!parse_string(key_offset, key_size)) return false;
        JsonNode& member = node(child);
        member.has_key = true;
        member.key_offset = key_offset;
        member.key_size = key_size;
        skip_white_space();
        if (!can_access(0) || at(0) != ':') return false;
        ++offset_;
        skip_white_space();
      }
      if (!parse_value(child)) return false;
      skip_white_space();
    } while (can_access(0) && at(0) == ',');
    if (!can_access(0) || at(0) != close) return false;
    --depth_;
    ++offset_;
    return true;
  }

  std::string_view input_;
  JsonDocument& document_;
  std::size_t offset_ = 0;
  int depth_ = 0;
};

bool JsonDocument::parse(std::string_view input) {
  nodes_.clear();
  strings_.clear();
  if (const std::size_t nul = input.find('\0'); nul != std::string_view::npos) input = input.substr(0, nul);
  if (input.size() >= JsonNode::kNone) return false;
  JsonReader reader(input, *this);
  if (!reader.read_document()) {
    nodes_.clear();
    strings_.clear();
    return false;
  }
  return true;
}

void append_cjson_string(std::string_view text, std::string& out) {
  out.push_back('"');
  std::size_t plain = 0;  // start of the bytes not yet copied, which need no escape
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c != '"' && c != '\\' && static_cast<unsigned char>(c) >= 32) continue;
    out.append(text.data() + plain, i - plain);
    plain = i + 1;
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\b': out += "\\b"; break;
      case '\f': out += "\\f"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default: {
        char escape[8];
        std::snprintf(escape, sizeof(escape), "\\u%04x", static_cast<unsigned>(static_cast<unsigned char>(c)));
        out += escape;
      }
    }
  }
  out.append(text.data() + plain, text.size() - plain);
  out.push_back('"');
}

namespace {

void print_string(std::string_view text, std::string& out) { append_cjson_string(text, out); }

bool close_enough(double a, double b) {
  const double largest = std::fmax(std::fabs(a), std::fabs(b));
  return std::fabs(a - b) <= largest * DBL_EPSILON;
}

// Returns false once `out` is longer than max_size.
// `formatted`: cJSON_Print's layout, else cJSON_PrintUnformatted's.
bool print_node(const JsonDocument& document, std::uint32_t index, int depth, std::string& out,
                std::size_t max_size, bool formatted = true) {
  if (out.size() > max_size) return false;
  const JsonNode& node = document.node(index);
  switch (node.kind) {
    case JsonKind::null_value: out += "null"; break;
    case JsonKind::false_value: out += "false"; break;
    case JsonKind::true_value: out += "true"; break;
    case JsonKind::number: append_cjson_number(node, out); break;
    case JsonKind::string: print_string(document.text(node), out); break;
    case JsonKind::array:
      out.push_back('[');
      for (std::uint32_t child = node.first_child; child != JsonNode::kNone;) {
        if (!print_node(document, child, depth + 1, out, max_size, formatted)) return false;
        child = document.node(child).next_sibling;
        if (child != JsonNode::kNone) out += formatted ? ", " : ",";
      }
      out.push_back(']');
      break;
    case JsonKind::object:
      if (!formatted) {
        out.push_back('{');
        for (std::uint32_t child = node.first_child; child != JsonNode::kNone;) {
          const JsonNode& member = document.node(child);
          print_string(document.key(member), out);
          out.push_back(':');
          if (!print_node(document, child, depth + 1, out, max_size, false)) return false;
          child = member.next_sibling;
          if (child != JsonNode::kNone) out.push_back(',');
        }
        out.push_back('}');
        break;
      }
      out += "{\n";
      for (std::uint32_t child = node.first_child; child != JsonNode::kNone;) {
        const JsonNode& member = document.node(child);
        out.append(static_cast<std::size_t>(depth + 1), '\t');
        print_string(document.key(member), out);
        out += ":\t";
        if (!print_node(document, child, depth + 1, out, max_size)) return false;
        child = member.next_sibling;
        if (child != JsonNode::kNone) out.push_back(',');
        out.push_back('\n');
      }
      out.append(static_cast<std::size_t>(depth), '\t');
      out.push_back('}');
      break;
  }
  return out.size() <= max_size;
}

}  // namespace

void append_cjson_number(const JsonNode& node, std::string& out) {
  const double value = node.number;
  char text[32];
  if (std::isnan(value) || std::isinf(value)) {
    out += "null";
    return;
  }
  if (value == static_cast<double>(node.integer)) {
    std::snprintf(text, sizeof(text), "%d", node.integer);
  } else {
    std::snprintf(text, sizeof(text), "%1.15g", value);
    char* end = nullptr;
    const double read_back = strtod_c(text, &end);
    if (end == text || !close_enough(read_back, value)) std::snprintf(text, sizeof(text), "%1.17g", value);
  }
  out += text;
}

bool JsonDocument::print(std::uint32_t index, std::string& out, std::size_t max_size) const {
  return print_node(*this, index, 0, out, max_size);
}

bool JsonDocument::print_unformatted(std::uint32_t index, std::string& out, std::size_t max_size) const {
  return print_node(*this, index, 0, out, max_size, false);
}

}  // namespace herald::analysis
