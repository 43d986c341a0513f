#include "api/ruleset_xml_json.h"

#include <boost/json.hpp>

#include "analysis/ruleset_xml.h"

namespace herald::api {

namespace json = boost::json;

namespace {

std::string_view trimmed(std::string_view text) {
  const auto first = text.find_first_not_of(" \t\r\n");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t\r\n");
  return text.substr(first, last - first + 1);
}

void add_member(json::object& object, std::string_view name, json::value value) {
  auto* existing = object.if_contains(name);
  if (existing == nullptr) {
    object[name] = std::move(value);
  } else if (existing->is_array()) {
    existing->as_array().push_back(std::move(value));
  } else {
    json::array both{std::move(*existing), std::move(value)};
    *existing = std::move(both);
  }
}

// Recursion depth is bounded by the parser (kMaxRulesetXmlDepth).
json::value element_json(const analysis::XmlElement& element) {
  const auto text = trimmed(element.content);
  if (element.attributes.empty() && element.children.empty()) {
    return text.empty() ? json::value(nullptr) : json::value(json::string(text));
  }
  json::object object;
  for (const auto& [name, value] : element.attributes) object["@" + name] = value;
  for (const auto& child : element.children) add_member(object, child.name, element_json(child));
  if (!text.empty()) object["#text"] = text;
  return object;
}

}  // namespace

core::Result<json::value> ruleset_xml_to_json(std::string_view text, std::string_view file_name) {
  auto elements = analysis::parse_ruleset_xml(text, file_name);
  if (!elements) return elements.error();
  json::object root;
  for (const auto& element : *elements) add_member(root, element.name, element_json(element));
  return json::value(std::move(root));
}

}  // namespace herald::api
