#include "analysis/ruleset_xml.h"

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>

namespace herald::analysis {
namespace {

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  }
  return true;
}

std::string lowered(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = ascii_lower(c);
  return out;
}

// A name as shown in an error message: long ones are cut (they may be as long as the file).
std::string shown(std::string_view name) {
  constexpr std::size_t kShown = 64;
  return name.size() <= kShown ? std::string(name) : std::string(name.substr(0, kShown)) + "...";
}

// Where a variable name stops (besides the end of the text), per Wazuh.
bool ends_variable_name(char c) {
  return c == '$' || c == '.' || c == '|' || c == ',' || c == ' ';
}

constexpr std::size_t kMaxVariableName = 255;  // Wazuh: XML_VARIABLE_MAXSIZE - 1

// The `<var>` definitions seen so far. Visibility follows start-tag order: an element sees the
// first `visible` definitions, those completed before its start tag.
class Variables {
 public:
  std::size_t count() const { return values_.size(); }

  // The first definition wins, as in Wazuh's lookup.
  void define(std::string_view name, std::string value) {
    if (index_.emplace(lowered(name), values_.size()).second) values_.push_back(std::move(value));
  }

  const std::string* find(std::string_view name, std::size_t visible) const {
    const auto it = index_.find(lowered(name));
    return it == index_.end() || it->second >= visible ? nullptr : &values_[it->second];
  }

 private:
  std::unordered_map<std::string, std::size_t> index_;
  std::vector<std::string> values_;
};

// An element whose end tag has not been read yet.
struct OpenElement {
  XmlElement element;
  std::size_t visible_variables = 0;
  bool is_variable = false;
};

class Parser {
 public:
  Parser(std::string_view text, std::string_view file_name)
      : text_(text), file_name_(file_name), expansion_budget_(16 * text.size() + (std::size_t{1} << 20)) {}

  core::Result<std::vector<XmlElement>> run() {
    if (text_.find('\0') != std::string_view::npos) return fail(text_.find('\0'), "NUL byte in the file");
    while (pos_ < text_.size()) {
      const char c = text_[pos_];
      if (c == '<' && next_is('!')) {
        // Wazuh opens a comment even after a backslash and leaves the escape state alone.
        if (auto error = skip_comment()) return *error;
      } else if (c == '<' && !escaped_) {
        const auto error = next_is('/') ? read_end_tag() : read_start_tag();
        if (error) return *error;
        escaped_ = false;
      } else {
        escaped_ = c == '\\' ? !escaped_ : false;
        if (!open_.empty()) {
          std::string& content = open_.back().element.content;
          if (content.size() >= kMaxRulesetXmlText) return fail(pos_, "text longer than 20479 bytes");
          content.push_back(c);
        }
        ++pos_;
      }
    }
    if (!open_.empty()) {
      const XmlElement& unclosed = open_.back().element;
      return error_at(unclosed.line, "element <" + shown(unclosed.name) + "> is not closed");
    }
    return std::move(roots_);
  }

 private:
  using Failure = std::optional<core::Error>;

  bool next_is(char c) const { return pos_ + 1 < text_.size() && text_[pos_ + 1] == c; }

  // Lines are counted lazily and only forward: every position asked about is >= the last one.
  int line_at(std::size_t pos) {
    for (; line_pos_ < pos && line_pos_ < text_.size(); ++line_pos_) {
      if (text_[line_pos_] == '\n') ++line_;
    }
    return line_;
  }

  core::Error error_at(int line, std::string_view what) const {
    return core::invalid_argument(std::string(file_name_) + ":" + std::to_string(line) + ": " + std::string(what));
  }
  core::Error fail(std::size_t pos, std::string_view what) { return error_at(line_at(pos), what); }

  Failure skip_comment() {
    const std::size_t start = pos_;
    for (std::size_t i = pos_ + 2; i < text_.size(); ++i) {
      if (text_[i] == '!' && i + 1 < text_.size() && text_[i + 1] == '>') {
        pos_ = i + 2;
        return std::nullopt;
      }
      if (text_.compare(i, 3, "-->") == 0) {
        pos_ = i + 3;
        return std::nullopt;
      }
    }
    return fail(start, "comment is not closed");
  }

  Failure read_end_tag() {
    const std::size_t start = pos_;
    const std::size_t close = text_.find('>', pos_ + 2);
    if (close == std::string_view::npos) return fail(start, "end tag is not closed");
    const std::string_view name = text_.substr(pos_ + 2, close - pos_ - 2);
    if (open_.empty()) return fail(start, "end tag </" + shown(name) + "> without an open element");
    if (name != open_.back().element.name) {
      return fail(start, "end tag </" + shown(name) + "> does not close <" + shown(open_.back().element.name) + ">");
    }
    pos_ = close + 1;
    OpenElement done = std::move(open_.back());
    open_.pop_back();
    return finish(std::move(done));
  }

  Failure read_start_tag() {
    const std::size_t start = pos_;
    OpenElement open;
    open.element.line = line_at(start);
    open.visible_variables = variables_.count();

    std::size_t i = pos_ + 1;
    while (i < text_.size() && !is_space(text_[i]) && text_[i] != '>' && text_[i] != '/') ++i;
    open.element.name = std::string(text_.substr(pos_ + 1, i - pos_ - 1));
    const std::string& name = open.element.name;
    if (name.empty()) return fail(start, "element without a name");
    if (name.size() > kMaxRulesetXmlText) return fail(start, "element name longer than 20479 bytes");
    if (name.find_first_of("<='\"") != std::string::npos) return fail(start, "bad element name '" + shown(name) + "'");
    open.is_variable = iequals(name, "var");

    pos_ = i;
    bool self_closing = false;
    if (auto error = read_attributes(open, self_closing)) return error;
    if (open.is_variable) {
      const auto& attributes = open.element.attributes;
      if (attributes.empty() || !iequals(attributes.front().first, "name")) {
        return fail(start, "<var> needs 'name' as its first attribute");
      }
      if (attributes.front().second.size() > kMaxVariableName) return fail(start, "variable name too long");
    }
    if (open_.size() >= kMaxRulesetXmlDepth) {
      return fail(start, "elements nested deeper than " + std::to_string(kMaxRulesetXmlDepth) + " levels");
    }
    if (!open_.empty()) {
      if (open_.back().is_variable) return fail(start, "<var> cannot hold elements");
      open_.back().element.content.clear();  // only the text after the last child counts
    }
    if (self_closing) return finish(std::move(open));
    open_.push_back(std::move(open));
    return std::nullopt;
  }

  // From just after the element name to just after the tag's `>`.
  Failure read_attributes(OpenElement& open, bool& self_closing) {
    auto& attributes = open.element.attributes;
    while (true) {
      while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
      if (pos_ >= text_.size()) return fail(pos_, "end of file inside the tag of <" + shown(open.element.name) + ">");
      if (text_[pos_] == '>') {
        ++pos_;
        return std::nullopt;
      }
      if (text_[pos_] == '/') {
        if (!next_is('>')) return fail(pos_, "'/' not followed by '>' in <" + shown(open.element.name) + ">");
        pos_ += 2;
        self_closing = true;
        return std::nullopt;
      }
      if (attributes.size() >= kMaxRulesetXmlAttributes) return fail(pos_, "more than 48 attributes");

      const std::size_t name_start = pos_;
      while (pos_ < text_.size() && !is_space(text_[pos_]) && text_[pos_] != '=' && text_[pos_] != '>' &&
             text_[pos_] != '/') {
        ++pos_;
      }
      std::string name(text_.substr(name_start, pos_ - name_start));
      if (name.size() > kMaxRulesetXmlText) return fail(name_start, "attribute name longer than 20479 bytes");
      if (pos_ >= text_.size()) return fail(pos_, "end of file inside attribute '" + shown(name) + "'");
      if (text_[pos_] != '=') return fail(pos_, "attribute '" + shown(name) + "' has no value");
      for (const auto& [existing, value] : attributes) {
        if (existing == name) return fail(name_start, "attribute '" + shown(name) + "' given twice");
      }
      ++pos_;
      while (pos_ < text_.size() && is_space(text_[pos_])) ++pos_;
      if (pos_ >= text_.size() || (text_[pos_] != '"' && text_[pos_] != '\'')) {
        return fail(pos_, "value of attribute '" + shown(name) + "' is not quoted");
      }
      const char quote = text_[pos_];
      const std::size_t value_start = ++pos_;
      const std::size_t value_end = text_.find_first_of(quote == '"' ? "\">" : "'>", value_start);
      if (value_end == std::string_view::npos)
        return fail(value_start, "attribute '" + shown(name) + "' is not closed");
      if (text_[value_end] == '>') return fail(value_end, "'>' inside the value of attribute '" + shown(name) + "'");
      if (value_end - value_start > kMaxRulesetXmlText) {
        return fail(value_start, "value of attribute '" + shown(name) + "' longer than 20479 bytes");
      }
      pos_ = value_end + 1;
      if (pos_ < text_.size() && !is_space(text_[pos_]) && text_[pos_] != '>' && text_[pos_] != '/') {
        return fail(pos_, "bad character after attribute '" + shown(name) + "'");
      }
      std::string value(text_.substr(value_start, value_end - value_start));
      // The name of a variable is taken as written.
      if (!open.is_variable) {
        if (auto error = expand(value, variables_.count(), line_at(value_start))) return error;
      }
      attributes.emplace_back(std::move(name), std::move(value));
    }
  }

  Failure finish(OpenElement done) {
    XmlElement& element = done.element;
    if (done.is_variable) {
      variables_.define(element.attributes.front().second, std::move(element.content));
      return std::nullopt;
    }
    if (auto error = expand(element.content, done.visible_variables, element.line)) return error;
    if (open_.empty()) {
      roots_.push_back(std::move(element));
    } else {
      open_.back().element.children.push_back(std::move(element));
    }
    return std::nullopt;
  }

  // Replaces $NAME in `text` with the first `visible` variables, Wazuh's way (see the header).
  // `line` is for the error message.
  Failure expand(std::string& text, std::size_t visible, int line) {
    if (visible == 0 || text.size() <= 2 || text.find('$') == std::string::npos) return std::nullopt;
    std::string out;
    out.reserve(text.size());
    std::size_t i = 0;
    while (i < text.size()) {
      if (text[i] != '$') {
        out.push_back(text[i++]);
        continue;
      }
      std::size_t end = i + 1;
      while (end < text.size() && !ends_variable_name(text[end])) ++end;
      const std::string_view name = std::string_view(text).substr(i + 1, end - i - 1);
      if (name.size() > kMaxVariableName) return error_at(line, "variable name too long");
      if (const std::string* value = variables_.find(name, visible)) {
        if (value->size() > expansion_budget_) return error_at(line, "variables expand to too much text");
        expansion_budget_ -= value->size();
        out += *value;
      } else if (name.empty() || name.front() == '(') {
        out.append(text, i, end - i);
      } else {
        return error_at(line, "unknown variable '$" + shown(name) + "'");
      }
      i = end;  // the character that ended the name is read again: it may start the next one
    }
    text = std::move(out);
    return std::nullopt;
  }

  std::string_view text_;
  std::string_view file_name_;
  std::size_t pos_ = 0;
  bool escaped_ = false;  // an odd run of backslashes ends just before pos_
  std::size_t line_pos_ = 0;
  int line_ = 1;
  std::size_t expansion_budget_;
  Variables variables_;
  std::vector<OpenElement> open_;
  std::vector<XmlElement> roots_;
};

}  // namespace

const std::string* XmlElement::attribute(std::string_view wanted) const {
  for (const auto& [name, value] : attributes) {
    if (iequals(name, wanted)) return &value;
  }
  return nullptr;
}

core::Result<std::vector<XmlElement>> parse_ruleset_xml(std::string_view text, std::string_view file_name) {
  return Parser(text, file_name).run();
}

}  // namespace herald::analysis
