#include "cli/logtest_format.h"

#include <algorithm>
#include <boost/json.hpp>
#include <string_view>
#include <vector>

namespace herald::cli {

namespace json = boost::json;

namespace {

// A value as Python's str() shows it (the script formats with '%s').
std::string python_text(const json::value& value, bool nested = false) {
  switch (value.kind()) {
    case json::kind::string: {
      std::string text(value.get_string());
      if (!nested) return text;
      const bool use_double = text.find('\'') != std::string::npos && text.find('"') == std::string::npos;
      return use_double ? "\"" + text + "\"" : "'" + text + "'";
    }
    case json::kind::bool_:
      return value.get_bool() ? "True" : "False";
    case json::kind::null:
      return "None";
    case json::kind::array: {
      std::string text = "[";
      for (const auto& item : value.get_array()) {
        if (text.size() > 1) text += ", ";
        text += python_text(item, true);
      }
      return text + "]";
    }
    case json::kind::object: {
      std::string text = "{";
      for (const auto& member : value.get_object()) {
        if (text.size() > 1) text += ", ";
        text += "'" + std::string(member.key()) + "': " + python_text(member.value(), true);
      }
      return text + "}";
    }
    default:
      return json::serialize(value);
  }
}

// show_phase_info: the `first` fields in that order, then the others sorted by name, objects
// flattened with "<name>." prefixes.
void show_phase(std::string& out, const json::object& phase, const std::vector<std::string_view>& first,
                const std::string& prefix = "") {
  for (auto name : first) {
    if (const json::value* value = phase.if_contains(name))
      out += "\t" + std::string(name) + ": '" + python_text(*value) + "'\n";
  }
  std::vector<std::string_view> rest;
  for (const auto& member : phase) {
    if (std::find(first.begin(), first.end(), member.key()) == first.end()) rest.push_back(member.key());
  }
  std::sort(rest.begin(), rest.end());
  for (auto name : rest) {
    const json::value& value = phase.at(name);
    if (value.is_object()) {
      show_phase(out, value.get_object(), {}, prefix + std::string(name) + ".");
    } else {
      out += "\t" + prefix + std::string(name) + ": '" + python_text(value) + "'\n";
    }
  }
}

}  // namespace

std::string format_logtest_phases(const json::object& data) {
  std::string out;
  bool warned = false;
  if (const json::value* messages = data.if_contains("messages"); messages && messages->is_array()) {
    for (const auto& message : messages->get_array()) {
      if (!message.is_string()) continue;
      const std::string_view text = message.get_string();
      if (text.starts_with("WARNING") || text.starts_with("ERROR")) {
        out += "** Wazuh-Logtest: " + std::string(text) + "\n";
        warned = true;
      }
    }
  }
  if (warned) out += "\n";
  const json::value* found = data.if_contains("output");
  if (found == nullptr || !found->is_object()) return out;
  const json::object& output = found->get_object();

  out += "**Phase 1: Completed pre-decoding.\n";
  if (const json::value* full_log = output.if_contains("full_log"))
    out += "\tfull event: '" + python_text(*full_log) + "'\n";
  if (const json::value* predecoder = output.if_contains("predecoder"); predecoder && predecoder->is_object()) {
    show_phase(out, predecoder->get_object(), {"timestamp", "hostname", "program_name"});
  }
  out += "\n**Phase 2: Completed decoding.\n";
  const json::value* decoder = output.if_contains("decoder");
  if (decoder != nullptr && decoder->is_object() && !decoder->get_object().empty()) {
    show_phase(out, decoder->get_object(), {"name", "parent"});
    if (const json::value* fields = output.if_contains("data"); fields && fields->is_object()) {
      show_phase(out, fields->get_object(), {});
    }
  } else {
    out += "\tNo decoder matched.\n";
  }
  if (const json::value* rule = output.if_contains("rule"); rule && rule->is_object()) {
    out += "\n**Phase 3: Completed filtering (rules).\n";
    show_phase(out, rule->get_object(), {"id", "level", "description", "groups", "firedtimes"});
  }
  if (const json::value* alert = data.if_contains("alert"); alert && alert->is_bool() && alert->get_bool()) {
    out += "**Alert to be generated.\n";
  }
  return out;
}

}  // namespace herald::cli
