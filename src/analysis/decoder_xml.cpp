#include "analysis/decoder_xml.h"

#include <optional>
#include <string>
#include <utility>

#include "analysis/os_match.h"

namespace herald::analysis {
namespace {

std::string location(std::string_view file, int line) { return std::string(file) + ":" + std::to_string(line); }

// Wazuh looks up these attributes with an exact name (w_get_attr_val_by_name uses strcmp).
const std::string* exact_attribute(const XmlElement& element, std::string_view name) {
  for (const auto& [attribute, value] : element.attributes) {
    if (attribute == name) return &value;
  }
  return nullptr;
}

std::string first_word(std::string_view part) {
  const std::size_t start = part.find_first_not_of(' ');
  if (start == std::string_view::npos) return {};
  part.remove_prefix(start);
  return std::string(part.substr(0, part.find(' ')));
}

class DecoderReader {
 public:
  DecoderReader(const XmlElement& element, std::string_view file, std::size_t position, LoadWarnings& warnings)
      : element_(element), file_(file), warnings_(warnings) {
    decoder_.file = std::string(file);
    decoder_.position = position;
    decoder_.line = element.line;
  }

  core::Result<Decoder> read() {
    if (auto status = read_name(); !status) return status.error();
    decoder_.written_name = decoder_.name;
    if (element_.children.empty()) return error(element_, "decoder '" + decoder_.name + "' has no options");
    for (const XmlElement& option : element_.children) {
      if (auto status = read_option(option); !status) return status.error();
    }
    if (auto status = check(); !status) return status.error();
    if (auto status = compile(); !status) return status.error();
    return std::move(decoder_);
  }

 private:
  core::Error error(const XmlElement& at, const std::string& what) const {
    return core::invalid_argument(location(file_, at.line) + ": " + at.name + ": " + what);
  }
  void warn(const XmlElement& at, const std::string& what) {
    warnings_.push_back(location(file_, at.line) + ": decoder '" + decoder_.name + "': " + what);
  }
  std::string about(std::string_view what) const { return "decoder '" + decoder_.name + "': " + std::string(what); }

  core::Status read_name() {
    const auto& attributes = element_.attributes;
    if (!nocase::equal(element_.name, "decoder")) return error(element_, "only <decoder> elements may be at the top");
    if (attributes.empty() || !nocase::equal(attributes[0].first, "name")) {
      return error(element_, "the first attribute must be name");
    }
    if (attributes.size() > 1 && (!nocase::equal(attributes[1].first, "status") || attributes.size() > 2)) {
      return error(element_, "only a status attribute may follow the name");
    }
    decoder_.name = attributes[0].second;
    return core::ok_status();
  }

  // Wazuh's _loadmemory: texts of repeated elements are joined; past the limit the text is
  // dropped (Wazuh logs an error and goes on without it).
  void append_text(std::optional<std::string>& text, const XmlElement& option) {
    const std::string& content = option.content;
    if (!text) {
      if (content.size() <= kMaxDecoderText) {
        text = content;
        return;
      }
    } else if (text->size() + content.size() <= kMaxDecoderText) {
      text->append(content);
      return;
    }
    warn(option, "the <" + option.name + "> text is longer than 1023 bytes and is dropped");
    text.reset();
  }

  // offset="after_parent|after_prematch|after_regex" (any case); nullopt for another value.
  static std::optional<DecoderOffset> read_offset(const XmlElement& option) {
    const std::string* value = exact_attribute(option, "offset");
    if (value == nullptr) return DecoderOffset::none;
    if (nocase::equal(*value, "after_parent")) return DecoderOffset::after_parent;
    if (nocase::equal(*value, "after_prematch")) return DecoderOffset::after_prematch;
    if (nocase::equal(*value, "after_regex")) return DecoderOffset::after_regex;
    return std::nullopt;
  }

  // type="..." where only `allowed` types are accepted; Wazuh warns and uses the default for
  // anything else.
  PatternType read_type(const XmlElement& option, PatternType fallback, bool osmatch_allowed) {
    const std::string* value = exact_attribute(option, "type");
    if (value == nullptr) return fallback;
    const auto type = parse_pattern_type(*value);
    if (!type || (type.value() == PatternType::osmatch && !osmatch_allowed)) {
      warn(option, "invalid type '" + *value + "' for <" + option.name + ">, using " + std::string(to_string(fallback)));
      return fallback;
    }
    return type.value();
  }

  core::Status read_pattern_option(const XmlElement& option, std::optional<std::string>& text, PatternType& type,
                                   DecoderOffset& offset) {
    std::optional<DecoderOffset> read = read_offset(option);
    if (!read) {
      // Wazuh: a warning for <regex>; an error message for <prematch> that still does not stop it.
      warn(option, "invalid offset '" + *exact_attribute(option, "offset") + "', using none");
      read = DecoderOffset::none;
    }
    if (text && *read != DecoderOffset::none) {
      return error(option, about("only the first <" + option.name + "> may have an offset"));
    }
    if (*read != DecoderOffset::none) offset = *read;
    type = read_type(option, PatternType::osregex, false);
    append_text(text, option);
    return core::ok_status();
  }

  core::Status read_plugin(const XmlElement& option) {
    if (const auto plugin = plugin_decoder_from_name(option.content)) {
      decoder_.plugin = *plugin;
    } else if (decoder_.plugin == PluginDecoder::none) {
      // A later unknown name keeps the plugin already chosen, as in Wazuh.
      return error(option, about("unknown plugin decoder '" + option.content + "'"));
    }
    const auto offset = read_offset(option);
    if (!offset) return error(option, about("invalid plugin offset"));
    decoder_.plugin_offset = *offset;
    return core::ok_status();
  }

  void read_json_null_field(const XmlElement& option) {
    const std::string& value = option.content;
    decoder_.json.null_field = JsonNullField::string;
    if (nocase::equal(value, "discard")) {
      decoder_.json.null_field = JsonNullField::discard;
    } else if (nocase::equal(value, "empty")) {
      warn(option, "json_null_field 'empty' is deprecated, using 'string'");
    } else if (!nocase::equal(value, "string")) {
      warn(option, "invalid json_null_field '" + value + "', using 'string'");
    }
  }

  void read_json_array_structure(const XmlElement& option) {
    const std::string& value = option.content;
    decoder_.json.array_structure = JsonArrayStructure::array;
    if (nocase::equal(value, "csv")) {
      decoder_.json.array_structure = JsonArrayStructure::csv;
    } else if (!nocase::equal(value, "array")) {
      warn(option, "invalid json_array_structure '" + value + "', using 'array'");
    }
  }

  core::Status read_type_option(const XmlElement& option) {
    static constexpr std::pair<std::string_view, DecoderType> kTypes[] = {
        {"firewall", DecoderType::firewall},   {"ids", DecoderType::ids},
        {"web-log", DecoderType::web_log},     {"syslog", DecoderType::syslog},
        {"squid", DecoderType::squid},         {"windows", DecoderType::windows},
        {"host-information", DecoderType::host_information}, {"ossec", DecoderType::ossec},
    };
    for (const auto& [name, type] : kTypes) {
      if (option.content == name) {
        decoder_.type = type;
        return core::ok_status();
      }
    }
    return error(option, about("invalid decoder type '" + option.content + "'"));
  }

  core::Status read_order(const XmlElement& option) {
    std::size_t commas = 0;
    for (const char c : option.content) commas += c == ',' ? 1 : 0;
    if (commas >= kDecoderOrderSize) return error(option, about("the order has too many fields"));
    decoder_.order.clear();
    for (const std::string& part : split_wazuh_list(option.content, kDecoderOrderSize)) {
      std::string word = first_word(part);
      if (word.empty()) return error(option, about("wrong field '" + part + "' in the order"));
      OrderEntry entry;
      entry.static_field = static_field_from_name(word);
      entry.name = std::move(word);
      decoder_.order.push_back(std::move(entry));
    }
    return core::ok_status();
  }

  core::Status read_fts(const XmlElement& option) {
    FtsFields& fts = decoder_.fts;
    fts.order_fields.reset();
    for (const std::string& part : split_wazuh_list(option.content, kDecoderOrderSize)) {
      const std::string word = first_word(part);
      if (word.empty()) return error(option, about("wrong field '" + part + "' in the fts"));
      if (word == "dstuser" || word == "user") {
        fts.dstuser = true;
      } else if (word == "srcuser") {
        fts.srcuser = true;
      } else if (word == "srcip") {
        fts.srcip = true;
      } else if (word == "dstip") {
        fts.dstip = true;
      } else if (word == "id") {
        fts.id = true;
      } else if (word == "location") {
        fts.location = true;
      } else if (word == "data" || word == "extra_data") {
        fts.data = true;
      } else if (word == "system_name") {
        fts.system_name = true;
      } else if (word == "name") {
        fts.name = true;
      } else if (seen_order_) {
        // Wazuh looks the name up among the order's leading dynamic fields only: its list of
        // dynamic names ends at the first static entry.
        std::size_t index = 0;
        while (index < decoder_.order.size() && !decoder_.order[index].static_field &&
               !nocase::equal(decoder_.order[index].name, word)) {
          ++index;
        }
        if (index == decoder_.order.size() || decoder_.order[index].static_field) {
          return error(option, about("wrong field '" + part + "' in the fts"));
        }
        fts.dynamic = true;
        fts.order_fields.set(index);
      }
      // Before any <order>, Wazuh ignores a name it does not know.
    }
    return core::ok_status();
  }

  core::Status read_option(const XmlElement& option) {
    const std::string& name = option.name;
    if (nocase::equal(name, "parent")) {
      append_text(decoder_.parent, option);
    } else if (nocase::equal(name, "regex")) {
      return read_pattern_option(option, regex_text_, regex_type_, decoder_.regex_offset);
    } else if (nocase::equal(name, "prematch")) {
      return read_pattern_option(option, prematch_text_, prematch_type_, decoder_.prematch_offset);
    } else if (nocase::equal(name, "program_name")) {
      program_name_type_ = read_type(option, PatternType::osmatch, true);
      append_text(program_name_text_, option);
    } else if (nocase::equal(name, "ftscomment")) {
      append_text(decoder_.ftscomment, option);
    } else if (nocase::equal(name, "use_own_name")) {
      if (option.content == "true") decoder_.use_own_name = true;
    } else if (nocase::equal(name, "plugin_decoder")) {
      return read_plugin(option);
    } else if (nocase::equal(name, "json_null_field")) {
      read_json_null_field(option);
    } else if (nocase::equal(name, "json_array_structure")) {
      read_json_array_structure(option);
    } else if (name == "type") {  // Wazuh compares this one name with case
      return read_type_option(option);
    } else if (nocase::equal(name, "order")) {
      seen_order_ = true;
      return read_order(option);
    } else if (nocase::equal(name, "accumulate")) {
      decoder_.accumulate = true;
    } else if (nocase::equal(name, "fts")) {
      return read_fts(option);
    } else {
      return error(option, about("invalid element"));
    }
    return core::ok_status();
  }

  // The checks Wazuh makes once all options are read, in its order.
  core::Status check() {
    Decoder& d = decoder_;
    const bool has_parent = d.parent.has_value();
    if (!prematch_text_ && !has_parent && !program_name_text_) {
      return error(element_, about("a decoder needs a prematch, a program_name or a parent"));
    }
    if (!regex_text_ && (d.fts.any() || seen_order_)) return error(element_, about("an order or fts needs a regex"));
    if (regex_text_ && !seen_order_) return error(element_, about("a regex needs an order"));
    if (d.regex_offset == DecoderOffset::after_parent && !has_parent) {
      return error(element_, about("offset after_parent needs a parent"));
    }
    if (d.regex_offset == DecoderOffset::after_prematch) {
      if (!has_parent) {
        d.regex_offset = DecoderOffset::after_parent;  // what Wazuh makes of it
      } else if (!prematch_text_) {
        return error(element_, about("offset after_prematch needs a prematch"));
      }
    }
    if (d.regex_offset == DecoderOffset::after_regex && (!has_parent || !regex_text_)) {
      return error(element_, about("offset after_regex needs a parent"));
    }
    if (d.prematch_offset != DecoderOffset::none) {
      if (d.prematch_offset != DecoderOffset::after_parent) {
        return error(element_, about("a prematch offset can only be after_parent"));
      }
      if (!has_parent) return error(element_, about("offset after_parent needs a parent"));
    }
    if (d.plugin_offset == DecoderOffset::after_parent && !has_parent) {
      return error(element_, about("offset after_parent needs a parent"));
    }
    if (d.plugin_offset == DecoderOffset::after_prematch && !prematch_text_) {
      return error(element_, about("offset after_prematch needs a prematch"));
    }
    return core::ok_status();
  }

  core::Result<Pattern> compile_one(const std::string& text, PatternType type, std::string_view what) const {
    auto pattern = Pattern::compile(text, type);
    if (!pattern) {
      return error(element_, about("invalid " + std::string(what) + " '" + text + "': " + pattern.error().message));
    }
    return pattern;
  }

  core::Status compile() {
    if (prematch_text_) {
      auto pattern = compile_one(*prematch_text_, prematch_type_, "prematch");
      if (!pattern) return pattern.error();
      decoder_.prematch = std::move(pattern).value();
    }
    if (program_name_text_) {
      auto pattern = compile_one(*program_name_text_, program_name_type_, "program_name");
      if (!pattern) return pattern.error();
      decoder_.program_name = std::move(pattern).value();
    }
    if (regex_text_) {
      auto pattern = compile_one(*regex_text_, regex_type_, "regex");
      if (!pattern) return pattern.error();
      if (pattern->type() == PatternType::osregex && pattern->capture_count() == 0) {
        return error(element_, about("the regex '" + *regex_text_ + "' captures nothing"));
      }
      decoder_.regex = std::move(pattern).value();
    }
    if (decoder_.plugin != PluginDecoder::none && (decoder_.regex || seen_order_)) {
      return error(element_, about("a plugin decoder cannot have a regex or an order"));
    }
    return core::ok_status();
  }

  const XmlElement& element_;
  std::string_view file_;
  LoadWarnings& warnings_;
  Decoder decoder_;
  bool seen_order_ = false;
  std::optional<std::string> regex_text_, prematch_text_, program_name_text_;
  PatternType regex_type_ = PatternType::osregex;
  PatternType prematch_type_ = PatternType::osregex;
  PatternType program_name_type_ = PatternType::osmatch;
};

}  // namespace

core::Result<Decoder> read_decoder(const XmlElement& element, std::string_view file, std::size_t position,
                                   LoadWarnings& warnings) {
  return DecoderReader(element, file, position, warnings).read();
}

std::vector<std::string> split_wazuh_list(std::string_view text, std::size_t max_parts) {
  std::vector<std::string> parts;
  std::string part;
  for (const char c : text) {
    if (c == ',' && parts.size() + 1 < max_parts) {
      if (!part.empty() && part.back() == '\\') {
        part.back() = ',';
      } else {
        parts.push_back(std::move(part));
        part.clear();
      }
      continue;
    }
    part.push_back(c);
  }
  parts.push_back(std::move(part));
  return parts;
}

}  // namespace herald::analysis
