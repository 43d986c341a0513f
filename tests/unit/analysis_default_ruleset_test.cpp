// Herald's default ruleset (ruleset/) and its test corpus (tests/analysis/corpus/): everything
// that can be checked without the engine. The files must parse, be Wazuh 4.x options only, refer
// to rules and decoders that exist (and load earlier, as Wazuh requires), and the corpus must
// follow its schema (tests/analysis/corpus/README.md) and cover every rule.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "analysis/ruleset_xml.h"

namespace herald::analysis {
namespace {

namespace fs = std::filesystem;

const fs::path kSourceDir = HERALD_SOURCE_DIR;
const fs::path kRulesetDir = kSourceDir / "ruleset";
const fs::path kCorpusDir = kSourceDir / "tests" / "analysis" / "corpus";

struct LoadedFile {
  std::string name;
  std::vector<XmlElement> roots;
};

std::vector<fs::path> files_in(const fs::path& dir, std::string_view extension) {
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(dir)) {
    if (entry.is_regular_file() && entry.path().extension() == extension) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());  // Wazuh loads a directory in name order
  return files;
}

std::vector<LoadedFile> load_xml_dir(const fs::path& dir) {
  std::vector<LoadedFile> loaded;
  for (const fs::path& path : files_in(dir, ".xml")) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    auto parsed = parse_ruleset_xml(text.str(), path.filename().string());
    if (!parsed) {
      ADD_FAILURE() << parsed.error().message;
      continue;
    }
    loaded.push_back({path.filename().string(), std::move(parsed).value()});
  }
  return loaded;
}

std::string lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

std::vector<std::string> split(std::string_view text, std::string_view separators) {
  std::vector<std::string> parts;
  std::string current;
  for (char c : text) {
    if (separators.find(c) != std::string_view::npos) {
      if (!current.empty()) parts.push_back(current);
      current.clear();
    } else {
      current.push_back(c);
    }
  }
  if (!current.empty()) parts.push_back(current);
  return parts;
}

std::optional<int> to_int(std::string_view text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end != text.data() + text.size()) return std::nullopt;
  return value;
}

const XmlElement* child(const XmlElement& element, std::string_view name) {
  for (const XmlElement& c : element.children) {
    if (lower(c.name) == name) return &c;
  }
  return nullptr;
}

// What the tests below need to know about the ruleset, in load order.
struct Ruleset {
  struct Rule {
    int id = 0;
    int level = 0;
    std::set<std::string> groups;
    std::string group_text;  // as Wazuh builds it: the group name, then each <group>
  };
  std::map<int, Rule> rules;
  std::set<std::string> decoder_names;           // every <decoder name>
  std::set<std::string> reported_decoder_names;  // what an event can carry: roots and use_own_name
  std::vector<std::string> problems;
};

// Options Wazuh 4.x accepts in a decoder (analysisd/decoders/decode-xml.c).
const std::set<std::string> kDecoderOptions = {
    "parent", "program_name", "prematch",     "regex",      "order",           "plugin_decoder",      "type",
    "fts",    "ftscomment",   "use_own_name", "accumulate", "json_null_field", "json_array_structure"};

// Options Wazuh 4.x accepts in a rule (analysisd/rules.c).
const std::set<std::string> kRuleOptions = {"regex",
                                            "match",
                                            "decoded_as",
                                            "category",
                                            "cve",
                                            "info",
                                            "time",
                                            "weekday",
                                            "description",
                                            "ignore",
                                            "check_if_ignored",
                                            "srcip",
                                            "srcgeoip",
                                            "srcport",
                                            "dstip",
                                            "dstgeoip",
                                            "dstport",
                                            "user",
                                            "url",
                                            "id",
                                            "data",
                                            "extra_data",
                                            "hostname",
                                            "program_name",
                                            "status",
                                            "protocol",
                                            "system_name",
                                            "action",
                                            "compiled_rule",
                                            "field",
                                            "location",
                                            "list",
                                            "if_sid",
                                            "if_group",
                                            "if_level",
                                            "if_fts",
                                            "if_matched_regex",
                                            "if_matched_group",
                                            "if_matched_sid",
                                            "same_source_ip",
                                            "same_srcip",
                                            "same_src_port",
                                            "same_srcport",
                                            "same_dst_port",
                                            "same_dstport",
                                            "same_srcuser",
                                            "same_user",
                                            "same_location",
                                            "same_id",
                                            "check_diff",
                                            "same_field",
                                            "same_dstip",
                                            "same_url",
                                            "same_srcgeoip",
                                            "same_protocol",
                                            "same_action",
                                            "same_data",
                                            "same_extra_data",
                                            "same_status",
                                            "same_system_name",
                                            "same_dstgeoip",
                                            "different_url",
                                            "different_srcip",
                                            "different_srcgeoip",
                                            "different_dstip",
                                            "different_src_port",
                                            "different_srcport",
                                            "different_dst_port",
                                            "different_dstport",
                                            "different_location",
                                            "different_protocol",
                                            "different_action",
                                            "different_srcuser",
                                            "different_user",
                                            "different_id",
                                            "different_data",
                                            "different_extra_data",
                                            "different_status",
                                            "different_system_name",
                                            "different_dstgeoip",
                                            "different_field",
                                            "not_same_source_ip",
                                            "not_same_user",
                                            "not_same_id",
                                            "not_same_field",
                                            "global_frequency",
                                            "options",
                                            "mitre",
                                            "group"};

bool is_correlation_option(const std::string& option) {
  return option.rfind("same_", 0) == 0 || option.rfind("different_", 0) == 0 || option.rfind("not_same_", 0) == 0 ||
         option == "global_frequency";
}

void load_decoders(Ruleset& ruleset) {
  std::set<std::string> roots;
  for (const LoadedFile& file : load_xml_dir(kRulesetDir / "decoders")) {
    for (const XmlElement& decoder : file.roots) {
      const std::string where = file.name + ":" + std::to_string(decoder.line);
      const std::string* name = decoder.attribute("name");
      if (lower(decoder.name) != "decoder" || name == nullptr || decoder.attributes.size() != 1) {
        ruleset.problems.push_back(where + ": a root must be <decoder name=\"...\">");
        continue;
      }
      if (name->rfind("herald-", 0) != 0) ruleset.problems.push_back(where + ": decoder names start with herald-");
      bool has_regex = false, has_order = false, has_prematch = false, has_program = false;
      const XmlElement* parent = child(decoder, "parent");
      for (const XmlElement& option : decoder.children) {
        const std::string option_name = lower(option.name);
        if (!kDecoderOptions.count(option_name)) ruleset.problems.push_back(where + ": unknown option " + option.name);
        has_regex |= option_name == "regex";
        has_order |= option_name == "order";
        has_prematch |= option_name == "prematch";
        has_program |= option_name == "program_name";
        if (option_name == "plugin_decoder" && option.content != "JSON_Decoder") {
          ruleset.problems.push_back(where + ": only the JSON_Decoder plugin is used");
        }
        if (option_name == "use_own_name" && option.content == "true") ruleset.reported_decoder_names.insert(*name);
      }
      if (has_regex != has_order) ruleset.problems.push_back(where + ": regex and order go together");
      if (parent == nullptr) {
        if (!has_prematch && !has_program)
          ruleset.problems.push_back(where + ": a root needs prematch or program_name");
        roots.insert(*name);
        ruleset.reported_decoder_names.insert(*name);
      } else if (!roots.count(parent->content)) {
        ruleset.problems.push_back(where + ": parent " + parent->content + " is not a decoder loaded before");
      }
      ruleset.decoder_names.insert(*name);
    }
  }
  // Wazuh's internal decoder of 4.x agents' event channel events (queue 'f'), which the engine
  // applies without a decoder file.
  ruleset.decoder_names.insert("windows_eventchannel");
  ruleset.reported_decoder_names.insert("windows_eventchannel");
}

void check_rule_references(Ruleset& ruleset, const XmlElement& rule, const std::string& where) {
  auto known_group = [&](const std::string& pattern) {
    return std::any_of(ruleset.rules.begin(), ruleset.rules.end(), [&](const auto& entry) {
      return lower(entry.second.group_text).find(lower(pattern)) != std::string::npos;
    });
  };
  bool context = false;
  for (const XmlElement& option : rule.children) {
    const std::string name = lower(option.name);
    if (name == "if_sid" || name == "if_matched_sid") {
      for (const std::string& sid : split(option.content, ", ")) {
        const auto id = to_int(sid);
        if (!id || !ruleset.rules.count(*id)) ruleset.problems.push_back(where + ": " + name + " " + sid + " unknown");
      }
    }
    if ((name == "if_group" || name == "if_matched_group") && !known_group(option.content)) {
      ruleset.problems.push_back(where + ": no rule loaded before has a group like " + option.content);
    }
    if (name == "decoded_as" && !ruleset.decoder_names.count(option.content)) {
      ruleset.problems.push_back(where + ": decoded_as names an unknown decoder " + option.content);
    }
    context |= name.rfind("if_matched_", 0) == 0;
  }
  const bool wants_context = rule.attribute("frequency") != nullptr ||
                             std::any_of(rule.children.begin(), rule.children.end(), [](const XmlElement& option) {
                               return is_correlation_option(lower(option.name));
                             });
  if (wants_context && !context) ruleset.problems.push_back(where + ": frequency/same_*/different_* need if_matched_*");
}

void load_rules(Ruleset& ruleset) {
  for (const LoadedFile& file : load_xml_dir(kRulesetDir / "rules")) {
    for (const XmlElement& group : file.roots) {
      const std::string* group_name = group.attribute("name");
      if (lower(group.name) != "group" || group_name == nullptr || group.attributes.size() != 1) {
        ruleset.problems.push_back(file.name + ":" + std::to_string(group.line) + ": a root must be <group name>");
        continue;
      }
      for (const XmlElement& rule : group.children) {
        const std::string where = file.name + ":" + std::to_string(rule.line);
        const std::string* id_text = rule.attribute("id");
        const std::string* level_text = rule.attribute("level");
        const int id = id_text ? to_int(*id_text).value_or(-1) : -1;
        const int level = level_text ? to_int(*level_text).value_or(-1) : -1;
        if (lower(rule.name) != "rule" || id < 0 || level < 0 || level > 16) {
          ruleset.problems.push_back(where + ": a rule needs a numeric id and a level 0-16");
          continue;
        }
        if (ruleset.rules.count(id)) ruleset.problems.push_back(where + ": rule id " + *id_text + " defined twice");
        // Only ids below 10 are roots of Wazuh's rule tree: the one category root is the exception.
        const bool category_root = id < 10 && level == 0 && rule.attribute("noalert") && child(rule, "category");
        if (id < 200000 && !category_root) ruleset.problems.push_back(where + ": rule ids are 200000 and up");
        if (child(rule, "description") == nullptr) ruleset.problems.push_back(where + ": no description");
        for (const XmlElement& option : rule.children) {
          if (!kRuleOptions.count(lower(option.name))) {
            ruleset.problems.push_back(where + ": unknown option " + option.name);
          }
        }
        if (const std::string* frequency = rule.attribute("frequency")) {
          const auto value = to_int(*frequency);
          if (!value || *value < 2 || *value > 9999) ruleset.problems.push_back(where + ": frequency out of 2-9999");
        }
        check_rule_references(ruleset, rule, where);

        Ruleset::Rule info{id, level, {}, *group_name};
        for (const XmlElement& option : rule.children) {
          if (lower(option.name) == "group") info.group_text += option.content;
        }
        for (const std::string& name : split(info.group_text, ",")) info.groups.insert(name);
        ruleset.rules[id] = std::move(info);
      }
    }
  }
}

const Ruleset& default_ruleset() {
  static const Ruleset ruleset = [] {
    Ruleset loaded;
    load_decoders(loaded);
    load_rules(loaded);
    return loaded;
  }();
  return ruleset;
}

TEST(AnalysisDefaultRuleset, FilesParseAndUseWazuhOptionsOnly) {
  ASSERT_TRUE(fs::is_directory(kRulesetDir / "decoders"));
  ASSERT_TRUE(fs::is_directory(kRulesetDir / "rules"));
  const Ruleset& ruleset = default_ruleset();
  for (const std::string& problem : ruleset.problems) ADD_FAILURE() << problem;
  EXPECT_GT(ruleset.rules.size(), 80u);
  EXPECT_GT(ruleset.decoder_names.size(), 20u);
}

// ------------------------------------------------------------------ corpus

struct CorpusCase {
  std::string where;  // file: name
  std::optional<int> rule;
  std::optional<int> level;
  std::vector<std::string> groups;
  std::optional<std::string> decoder;
};

struct Corpus {
  std::vector<CorpusCase> cases;
  std::vector<std::string> problems;
};

bool is_string(const YAML::Node& node) {
  return node.IsScalar();
}

void check_agent(const YAML::Node& agent, const std::string& where, std::vector<std::string>& problems) {
  if (!agent.IsMap() || !agent["id"] || !agent["id"].IsScalar()) {
    problems.push_back(where + ": agent needs an id");
    return;
  }
  for (const auto& entry : agent) {
    const auto key = entry.first.as<std::string>();
    if (key != "id" && key != "name") problems.push_back(where + ": unknown agent key " + key);
  }
}

// A 4.x queue character, as the corpus' "queue" key gives it.
void check_queue(const YAML::Node& queue, const std::string& where, std::vector<std::string>& problems) {
  if (!queue.IsScalar() || queue.as<std::string>().size() != 1) problems.push_back(where + ": queue is one character");
}

void check_event(const YAML::Node& event, const std::string& where, std::vector<std::string>& problems) {
  if (event.IsScalar()) return;
  if (!event.IsMap() || !event["log"] || !is_string(event["log"])) {
    problems.push_back(where + ": a sequence entry is a log or a map with log");
    return;
  }
  for (const auto& entry : event) {
    const auto key = entry.first.as<std::string>();
    if (key == "agent") {
      check_agent(entry.second, where, problems);
    } else if (key == "repeat") {
      if (entry.second.as<int>() < 1) problems.push_back(where + ": repeat must be 1 or more");
    } else if (key == "queue") {
      check_queue(entry.second, where, problems);
    } else if (key != "log" && key != "location") {
      problems.push_back(where + ": unknown sequence key " + key);
    }
  }
}

CorpusCase read_expect(const YAML::Node& expect, const std::string& where, std::vector<std::string>& problems) {
  CorpusCase read{where, std::nullopt, std::nullopt, {}, std::nullopt};
  if (!expect.IsMap()) {
    problems.push_back(where + ": expect must be a map");
    return read;
  }
  for (const auto& entry : expect) {
    const auto key = entry.first.as<std::string>();
    const YAML::Node& value = entry.second;
    if (key == "decoder") {
      read.decoder = value.as<std::string>();
    } else if (key == "fields") {
      if (!value.IsMap()) problems.push_back(where + ": fields must be a map");
      for (const auto& field : value) {
        if (!field.second.IsScalar()) problems.push_back(where + ": field values are scalars");
      }
    } else if (key == "rule") {
      const auto text = value.as<std::string>();
      if (text != "none") {
        read.rule = to_int(text);
        if (!read.rule) problems.push_back(where + ": rule is an id or none");
      }
    } else if (key == "level") {
      read.level = value.as<int>();
    } else if (key == "groups") {
      if (!value.IsSequence()) problems.push_back(where + ": groups must be a list");
      for (const auto& group : value) read.groups.push_back(group.as<std::string>());
    } else {
      problems.push_back(where + ": unknown expect key " + key);
    }
  }
  if (!read.rule && (read.level || !read.groups.empty())) {
    problems.push_back(where + ": level and groups need a rule");
  }
  return read;
}

void read_corpus_file(const fs::path& path, Corpus& corpus) {
  const std::string file = path.filename().string();
  const YAML::Node root = YAML::LoadFile(path.string());
  if (!root.IsMap() || !root["cases"] || !root["cases"].IsSequence()) {
    corpus.problems.push_back(file + ": needs a cases list");
    return;
  }
  for (const auto& entry : root) {
    const auto key = entry.first.as<std::string>();
    if (key != "defaults" && key != "cases") corpus.problems.push_back(file + ": unknown top-level key " + key);
  }
  if (const YAML::Node defaults = root["defaults"]) {
    for (const auto& entry : defaults) {
      const auto key = entry.first.as<std::string>();
      if (key == "agent") {
        check_agent(entry.second, file + ": defaults", corpus.problems);
      } else if (key == "queue") {
        check_queue(entry.second, file + ": defaults", corpus.problems);
      } else if (key != "location") {
        corpus.problems.push_back(file + ": unknown defaults key " + key);
      }
    }
  }
  std::set<std::string> names;
  for (const YAML::Node& item : root["cases"]) {
    const std::string name = item["name"] ? item["name"].as<std::string>() : "";
    const std::string where = file + ": " + name;
    if (name.empty() || !names.insert(name).second) corpus.problems.push_back(where + ": names are unique and set");
    if (!item["log"] || !is_string(item["log"])) corpus.problems.push_back(where + ": no log");
    if (!item["expect"]) corpus.problems.push_back(where + ": no expect");
    for (const auto& entry : item) {
      const auto key = entry.first.as<std::string>();
      if (key == "agent") {
        check_agent(entry.second, where, corpus.problems);
      } else if (key == "sequence") {
        if (!entry.second.IsSequence() || entry.second.size() == 0)
          corpus.problems.push_back(where + ": empty sequence");
        for (const YAML::Node& event : entry.second) check_event(event, where, corpus.problems);
      } else if (key == "interval") {
        if (entry.second.as<int>() < 0) corpus.problems.push_back(where + ": negative interval");
      } else if (key == "queue") {
        check_queue(entry.second, where, corpus.problems);
      } else if (key != "name" && key != "log" && key != "location" && key != "expect") {
        corpus.problems.push_back(where + ": unknown key " + key);
      }
    }
    if (item["expect"]) corpus.cases.push_back(read_expect(item["expect"], where, corpus.problems));
  }
}

const Corpus& corpus() {
  static const Corpus loaded = [] {
    Corpus read;
    for (const fs::path& path : files_in(kCorpusDir, ".yml")) {
      try {
        read_corpus_file(path, read);
      } catch (const YAML::Exception& e) {
        read.problems.push_back(path.filename().string() + ": " + e.what());
      }
    }
    return read;
  }();
  return loaded;
}

TEST(AnalysisDefaultRuleset, CorpusFollowsItsSchema) {
  ASSERT_TRUE(fs::is_directory(kCorpusDir));
  const Corpus& read = corpus();
  for (const std::string& problem : read.problems) ADD_FAILURE() << problem;
  EXPECT_GE(read.cases.size(), 320u);
}

TEST(AnalysisDefaultRuleset, CorpusExpectationsAgreeWithTheRuleset) {
  const Ruleset& ruleset = default_ruleset();
  std::size_t alerting = 0;
  for (const CorpusCase& expected : corpus().cases) {
    if (expected.decoder && !ruleset.reported_decoder_names.count(*expected.decoder)) {
      ADD_FAILURE() << expected.where << ": no event is decoded as " << *expected.decoder;
    }
    if (!expected.rule) continue;
    const auto rule = ruleset.rules.find(*expected.rule);
    if (rule == ruleset.rules.end()) {
      ADD_FAILURE() << expected.where << ": rule " << *expected.rule << " does not exist";
      continue;
    }
    if (expected.level) {
      EXPECT_EQ(*expected.level, rule->second.level) << expected.where;
    }
    for (const std::string& group : expected.groups) {
      EXPECT_TRUE(rule->second.groups.count(group)) << expected.where << ": rule has no group " << group;
    }
    alerting += rule->second.level > 0 ? 1 : 0;
  }
  // Both what must alert and what must not are well represented (about 60% alert).
  const double share =
      static_cast<double>(alerting) / static_cast<double>(std::max<std::size_t>(1, corpus().cases.size()));
  EXPECT_GT(share, 0.5);
  EXPECT_LT(share, 0.75);
}

TEST(AnalysisDefaultRuleset, EveryRuleIsExpectedByACase) {
  std::set<int> expected;
  for (const CorpusCase& expected_case : corpus().cases) {
    if (expected_case.rule) expected.insert(*expected_case.rule);
  }
  for (const auto& [id, rule] : default_ruleset().rules) {
    if (id < 10) continue;  // the category root never is an event's result (noalert)
    EXPECT_TRUE(expected.count(id)) << "no corpus case expects rule " << id;
  }
}

}  // namespace
}  // namespace herald::analysis
