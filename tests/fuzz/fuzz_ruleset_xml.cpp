// Wazuh ruleset XML as a user's ruleset directory may hold it -> parse_ruleset_xml. Invariants: no
// crash, hang or escaping exception; an error names the file and a line; a result respects the
// reader's bounds (nesting, attribute count and names, no <var> element, line numbers within the
// input) and its size stays proportional to the input even when variables expand.
#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "analysis/ruleset_xml.h"
#include "fuzz_check.h"

namespace {

using herald::analysis::XmlElement;

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
         });
}

// `expanded`: the input has a '$', so variables may have inserted any text (even '>').
void check_tree(const std::vector<XmlElement>& roots, int lines, std::size_t input_size, bool expanded) {
  std::vector<std::pair<const XmlElement*, std::size_t>> pending;  // element, depth
  for (const XmlElement& root : roots) pending.emplace_back(&root, 1);
  std::size_t total = 0;
  while (!pending.empty()) {
    const auto [element, depth] = pending.back();
    pending.pop_back();
    FUZZ_CHECK(depth <= herald::analysis::kMaxRulesetXmlDepth, "nesting is bounded");
    FUZZ_CHECK(!element->name.empty(), "elements have names");
    FUZZ_CHECK(element->name.find_first_of(" \t\r\n\v\f<>/='\"") == std::string::npos, "names have no markup");
    FUZZ_CHECK(!iequals(element->name, "var"), "variable definitions are not returned");
    FUZZ_CHECK(element->line >= 1 && element->line <= lines, "lines are within the input");
    FUZZ_CHECK(element->attributes.size() <= herald::analysis::kMaxRulesetXmlAttributes, "attributes are bounded");
    for (std::size_t i = 0; i < element->attributes.size(); ++i) {
      const auto& [name, value] = element->attributes[i];
      FUZZ_CHECK(expanded || value.find('>') == std::string::npos, "only a variable puts '>' in a value");
      FUZZ_CHECK(expanded || value.size() <= herald::analysis::kMaxRulesetXmlText, "values are bounded");
      for (std::size_t j = 0; j < i; ++j) FUZZ_CHECK(element->attributes[j].first != name, "no name twice");
      if (!name.empty()) FUZZ_CHECK(element->attribute(name) != nullptr, "lookup finds a present attribute");
      total += name.size() + value.size();
    }
    FUZZ_CHECK(expanded || element->content.size() <= herald::analysis::kMaxRulesetXmlText, "contents are bounded");
    total += element->name.size() + element->content.size();
    for (const XmlElement& child : element->children) pending.emplace_back(&child, depth + 1);
  }
  FUZZ_CHECK(total <= 17 * input_size + (std::size_t{1} << 20), "output is proportional to the input");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = herald::fuzz::as_text(data, size);
  const auto parsed = FUZZ_NO_THROW("parse_ruleset_xml", herald::analysis::parse_ruleset_xml(text, "f.xml"));
  if (!parsed) {
    const std::string& message = parsed.error().message;
    FUZZ_CHECK(message.rfind("f.xml:", 0) == 0, "errors name the file");
    std::size_t i = 6;
    while (i < message.size() && message[i] >= '0' && message[i] <= '9') ++i;
    FUZZ_CHECK(i > 6 && message.compare(i, 2, ": ") == 0, "errors name a line");
    return 0;
  }
  const int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
  check_tree(parsed.value(), lines, size, text.find('$') != std::string_view::npos);
  return 0;
}
