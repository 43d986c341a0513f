// DecoderSet: loading Wazuh decoder files (every check, with Wazuh's outcome), the decoder tree
// and DecodeEvent's walk over it, fields, ids, accumulate and the fts key.
#include "analysis/decoder_set.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "analysis/decoder_fts.h"
#include "analysis/decoder_xml.h"
#include "analysis/event.h"

namespace herald::analysis {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

core::Result<DecoderSet> load(std::string_view xml, LoadWarnings* warnings = nullptr,
                              std::string path = "etc/decoders/test_decoders.xml") {
  LoadWarnings ignored;
  return DecoderSet::load({RulesetFile{std::move(path), std::string(xml)}}, warnings ? *warnings : ignored);
}

DecoderSet must_load(std::string_view xml) {
  auto set = load(xml);
  if (!set) ADD_FAILURE() << set.error().message;
  return std::move(set).value();
}

// The load error's message, or "" when it loads.
std::string load_error(std::string_view xml) {
  auto set = load(xml);
  return set ? std::string() : set.error().message;
}

Event event(std::string_view log, std::optional<std::string_view> program_name = std::nullopt) {
  Event result;
  result.full_log = std::string(log);
  result.set_log(0, result.full_log.size());
  if (program_name) result.program_name.assign(*program_name);
  result.hostname.assign("host");
  result.location = "/var/log/test";
  return result;
}

struct Decoded {
  std::string name;
  std::string parent;
  Fields dynamic;
  const Decoder* decoder = nullptr;
};

Decoded decode(const DecoderSet& set, Event& e, DecodeState& state) {
  set.decode(e, state);
  Decoded result{e.decoder_name, e.parent_decoder_name, {}, state.decoder()};
  for (const DynamicField& field : e.dynamic_fields()) result.dynamic.emplace_back(field.name, field.value);
  return result;
}

Decoded decode(const DecoderSet& set, std::string_view log, std::optional<std::string_view> program_name = std::nullopt) {
  Event e = event(log, program_name);
  DecodeState state;
  return decode(set, e, state);
}

std::string static_field(const Event& e, StaticField field) {
  const auto value = e.static_field(field);
  return value ? std::string(*value) : "<unset>";
}

// ---------------------------------------------------------------------------------------------
// Loading: what Wazuh refuses.

TEST(AnalysisDecoderSet, RefusesWhatIsNotADecoder) {
  EXPECT_NE(load_error(R"(<rule name="x"><prematch>a</prematch></rule>)"), "");
  EXPECT_NE(load_error(R"(<decoder><prematch>a</prematch></decoder>)"), "");
  EXPECT_NE(load_error(R"(<decoder id="1" name="x"><prematch>a</prematch></decoder>)"), "");
  EXPECT_NE(load_error(R"(<decoder name="x" type="y"><prematch>a</prematch></decoder>)"), "");
  EXPECT_NE(load_error(R"(<decoder name="x" status="on" z="1"><prematch>a</prematch></decoder>)"), "");
  EXPECT_NE(load_error(R"(<decoder name="x"></decoder>)"), "");
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch><colour>red</colour></decoder>)"), "");
  // Element and attribute names compare ignoring case, except <type>.
  EXPECT_EQ(load_error(R"(<DECODER NAME="x" STATUS="on"><PREMATCH>a</PREMATCH></DECODER>)"), "");
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch><TYPE>ids</TYPE></decoder>)"), "");
}

TEST(AnalysisDecoderSet, ErrorsNameTheFileLineAndElement) {
  const std::string message = load_error("<decoder name=\"x\">\n  <prematch>a</prematch>\n  <colour>red</colour>\n</decoder>");
  EXPECT_EQ(message.rfind("etc/decoders/test_decoders.xml:3: colour: ", 0), 0u) << message;
  EXPECT_NE(message.find("'x'"), std::string::npos) << message;
}

TEST(AnalysisDecoderSet, RefusesEmptyFilesExceptTheLocalDecoderFile) {
  EXPECT_NE(load_error(""), "");
  EXPECT_NE(load_error("<!-- only a comment -->"), "");
  LoadWarnings warnings;
  EXPECT_TRUE(load("", &warnings, "etc/decoders/local_decoder.xml"));
  EXPECT_TRUE(load("<!-- nothing yet -->\n", &warnings, "/var/ossec/etc/decoders/local_decoder.xml"));
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch>)"), "");  // malformed XML
}

TEST(AnalysisDecoderSet, RefusesDecodersWithoutAnAnchor) {
  EXPECT_NE(load_error(R"(<decoder name="x"><type>ids</type></decoder>)"), "");
  EXPECT_EQ(load_error(R"(<decoder name="x"><program_name>p</program_name></decoder>)"), "");
}

TEST(AnalysisDecoderSet, RegexAndOrderGoTogether) {
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch><regex>(\w+)</regex></decoder>)"), "");
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch><order>srcip</order></decoder>)"), "");
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch><fts>name</fts></decoder>)"), "");
  // An OS_Regex regex must capture; a PCRE2 one need not.
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch><regex>\w+</regex><order>a</order></decoder>)"), "");
  EXPECT_EQ(load_error(R"(<decoder name="x"><prematch>a</prematch><regex type="pcre2">\w+</regex><order>a</order></decoder>)"),
            "");
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch><regex>(\w+</regex><order>a</order></decoder>)"), "");
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>(a</prematch></decoder>)"), "");
}

TEST(AnalysisDecoderSet, OrderEntries) {
  const std::string regex = R"(<decoder name="x"><prematch>a</prematch><regex>(\w+)</regex>)";
  EXPECT_NE(load_error(regex + "<order>srcip,,dstip</order></decoder>"), "");
  EXPECT_NE(load_error(regex + "<order>srcip, </order></decoder>"), "");
  std::string many = regex + "<order>f0";
  for (int i = 1; i < 256; ++i) many += ",f" + std::to_string(i);
  EXPECT_EQ(load_error(many + "</order></decoder>"), "");
  EXPECT_NE(load_error(many + ",f256</order></decoder>"), "");

  const DecoderSet set = must_load(regex + "<order> srcip ,user, my.field extra,\\,odd</order></decoder>");
  const std::vector<OrderEntry>& order = set.decoders()[0].order;
  ASSERT_EQ(order.size(), 4u);
  EXPECT_EQ(order[0].static_field, StaticField::srcip);
  EXPECT_EQ(order[1].name, "user");
  EXPECT_EQ(order[1].static_field, StaticField::dstuser);
  EXPECT_EQ(order[2].name, "my.field");  // a word ends at its first space
  EXPECT_FALSE(order[2].static_field);
  EXPECT_EQ(order[3].name, ",odd");  // an escaped comma stays, without its backslash
}

TEST(AnalysisDecoderSet, SplitsListsAsOsStrBreak) {
  EXPECT_EQ(split_wazuh_list("a,b,c", 256), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_EQ(split_wazuh_list("a\\,b,c", 256), (std::vector<std::string>{"a,b", "c"}));
  EXPECT_EQ(split_wazuh_list("a\\\\,b", 256), (std::vector<std::string>{"a\\,b"}));
  EXPECT_EQ(split_wazuh_list("a,b,c", 2), (std::vector<std::string>{"a", "b,c"}));
  EXPECT_EQ(split_wazuh_list("", 256), (std::vector<std::string>{""}));
  EXPECT_EQ(split_wazuh_list(",", 256), (std::vector<std::string>{"", ""}));
}

TEST(AnalysisDecoderSet, FtsNames) {
  const std::string head = R"(<decoder name="x"><prematch>a</prematch><regex>(\w+) (\w+) (\w+)</regex>)";
  auto fts_of = [&](const std::string& body) {
    const DecoderSet set = must_load(head + body + "</decoder>");
    return set.decoders()[0].fts;
  };
  FtsFields fts = fts_of("<order>a,b,srcip</order><fts>name, user, extra_data, location, system_name, A, b</fts>");
  EXPECT_TRUE(fts.name && fts.dstuser && fts.data && fts.location && fts.system_name && fts.dynamic);
  EXPECT_TRUE(fts.order_fields.test(0) && fts.order_fields.test(1) && !fts.order_fields.test(2));
  // Wazuh finds dynamic names only before the order's first static entry.
  EXPECT_NE(load_error(head + "<order>srcip,a,b</order><fts>a</fts></decoder>"), "");
  EXPECT_NE(load_error(head + "<order>a,b,c</order><fts>d</fts></decoder>"), "");
  EXPECT_NE(load_error(head + "<order>a,b,c</order><fts>a,,b</fts></decoder>"), "");
  // Before any order an unknown name is ignored; an fts of only such names is no fts.
  fts = fts_of("<fts>a, b</fts><order>a,b,c</order>");
  EXPECT_FALSE(fts.any());
  // srcport is no fts name: it is looked up as a dynamic field.
  EXPECT_NE(load_error(head + "<order>a,srcport</order><fts>srcport</fts></decoder>"), "");
}

TEST(AnalysisDecoderSet, TypesAndPlugins) {
  EXPECT_EQ(must_load(R"(<decoder name="x"><prematch>a</prematch><type>web-log</type></decoder>)").decoders()[0].type,
            DecoderType::web_log);
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch><type>Ids</type></decoder>)"), "");
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch><plugin_decoder>JSON</plugin_decoder></decoder>)"), "");
  // After a known plugin, an unknown name is ignored (Wazuh keeps the first).
  const DecoderSet set = must_load(
      R"(<decoder name="x"><prematch>a</prematch><plugin_decoder>PF_Decoder</plugin_decoder>)"
      R"(<plugin_decoder>Nope</plugin_decoder></decoder>)");
  EXPECT_EQ(set.decoders()[0].plugin, PluginDecoder::pf);
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch><plugin_decoder>PF_Decoder</plugin_decoder>)"
                       R"(<regex>(a)</regex><order>id</order></decoder>)"),
            "");
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch>)"
                       R"(<plugin_decoder offset="later">JSON_Decoder</plugin_decoder></decoder>)"),
            "");
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch>)"
                       R"(<plugin_decoder offset="after_parent">JSON_Decoder</plugin_decoder></decoder>)"),
            "");
  EXPECT_NE(load_error(R"(<decoder name="x"><program_name>a</program_name>)"
                       R"(<plugin_decoder offset="after_prematch">JSON_Decoder</plugin_decoder></decoder>)"),
            "");
}

TEST(AnalysisDecoderSet, Offsets) {
  const std::string parent = R"(<decoder name="p"><prematch>^p </prematch></decoder>)";
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch><regex offset="after_parent">(a)</regex>)"
                       R"(<order>id</order></decoder>)"),
            "");
  EXPECT_NE(load_error(parent + R"(<decoder name="x"><parent>p</parent><regex offset="after_prematch">(a)</regex>)"
                                R"(<order>id</order></decoder>)"),
            "");
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch>a</prematch><regex offset="after_regex">(a)</regex>)"
                       R"(<order>id</order></decoder>)"),
            "");
  // The first of a name cannot read after a previous regex.
  EXPECT_NE(load_error(parent + R"(<decoder name="x"><parent>p</parent><regex offset="after_regex">(a)</regex>)"
                                R"(<order>id</order></decoder>)"),
            "");
  // A prematch can only be after_parent, and only in a child.
  EXPECT_NE(load_error(parent + R"(<decoder name="x"><parent>p</parent><prematch offset="after_prematch">a</prematch>)"
                                R"(</decoder>)"),
            "");
  EXPECT_NE(load_error(R"(<decoder name="x"><prematch offset="after_parent">a</prematch></decoder>)"), "");
  // Only the first regex or prematch may have an offset.
  EXPECT_NE(load_error(parent + R"(<decoder name="x"><parent>p</parent><regex>(a)</regex>)"
                                R"(<regex offset="after_parent">(b)</regex><order>id</order></decoder>)"),
            "");
  // A top-level after_prematch reads after the prematch, which Wazuh calls after_parent.
  const DecoderSet set = must_load(R"(<decoder name="x"><prematch>^key=</prematch>)"
                                   R"(<regex offset="after_prematch">^(\w+)</regex><order>id</order></decoder>)");
  EXPECT_EQ(set.decoders()[0].regex_offset, DecoderOffset::after_parent);
}

TEST(AnalysisDecoderSet, WarningsKeepWazuhsDefaults) {
  LoadWarnings warnings;
  auto set = load(
      R"(<decoder name="x">)"
      R"(<prematch offset="nowhere" type="osmatch">^a</prematch>)"
      R"(<regex offset="bad" type="sregex">^a (\w+)</regex><order>id</order>)"
      R"(<json_null_field>empty</json_null_field><json_array_structure>list</json_array_structure>)"
      R"(</decoder>)",
      &warnings);
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(warnings.size(), 6u);
  for (const std::string& warning : warnings) EXPECT_EQ(warning.rfind("etc/decoders/test_decoders.xml:1: ", 0), 0u);
  const Decoder& decoder = set->decoders()[0];
  EXPECT_EQ(decoder.prematch->type(), PatternType::osregex);
  EXPECT_EQ(decoder.regex->type(), PatternType::osregex);
  EXPECT_EQ(decoder.regex_offset, DecoderOffset::none);
  EXPECT_EQ(decoder.json.null_field, JsonNullField::string);
  EXPECT_EQ(decoder.json.array_structure, JsonArrayStructure::array);
}

TEST(AnalysisDecoderSet, RepeatedTextElementsJoinUpToWazuhsLimit) {
  const DecoderSet set = must_load(R"(<decoder name="x"><prematch>^a</prematch><prematch>b</prematch>)"
                                   R"(<regex>^(\w)</regex><regex>(\w)</regex><order>a,b</order></decoder>)");
  EXPECT_EQ(set.decoders()[0].prematch->source(), "^ab");
  EXPECT_EQ(set.decoders()[0].regex->source(), R"(^(\w)(\w))");
  // Past 1023 bytes Wazuh drops the text (and here the decoder is left without a prematch).
  LoadWarnings warnings;
  const std::string long_prematch = "<prematch>" + std::string(1024, 'a') + "</prematch>";
  EXPECT_FALSE(load(R"(<decoder name="x">)" + long_prematch + "</decoder>", &warnings));
  EXPECT_EQ(warnings.size(), 1u);
}

TEST(AnalysisDecoderSet, TreeErrors) {
  const std::string parent = R"(<decoder name="p"><prematch>^p </prematch></decoder>)";
  // The parent must come first.
  EXPECT_NE(load_error(R"(<decoder name="c"><parent>p</parent><regex>(a)</regex><order>id</order></decoder>)" + parent),
            "");
  // Children cannot have children.
  EXPECT_NE(load_error(parent + R"(<decoder name="c"><parent>p</parent><prematch>x</prematch></decoder>)"
                                R"(<decoder name="g"><parent>c</parent><prematch>y</prematch></decoder>)"),
            "");
  const std::string first = R"(<decoder name="c"><parent>p</parent><prematch>x</prematch><regex>(a)</regex>)"
                            R"(<order>id</order></decoder>)";
  // Later siblings of a name: no prematch, no fts, and both need a regex or plugin.
  EXPECT_NE(load_error(parent + first + R"(<decoder name="c"><parent>p</parent><prematch>y</prematch>)"
                                        R"(<regex>(b)</regex><order>url</order></decoder>)"),
            "");
  EXPECT_NE(load_error(parent + first + R"(<decoder name="c"><parent>p</parent><regex>(b)</regex>)"
                                        R"(<order>url</order><fts>id</fts></decoder>)"),
            "");
  EXPECT_NE(load_error(parent + R"(<decoder name="c"><parent>p</parent><prematch>x</prematch></decoder>)"
                                R"(<decoder name="c"><parent>p</parent><regex>(b)</regex><order>url</order></decoder>)"),
            "");
  EXPECT_EQ(load_error(parent + first + R"(<decoder name="c"><parent>p</parent><regex>(b)</regex>)"
                                        R"(<order>url</order></decoder>)"),
            "");
}

TEST(AnalysisDecoderSet, LaterFilesSeeEarlierParents) {
  LoadWarnings warnings;
  auto set = DecoderSet::load({{"a.xml", R"(<decoder name="p"><prematch>^p </prematch></decoder>)"},
                               {"b.xml", R"(<decoder name="c"><parent>p</parent><regex>^p (\w+)</regex>)"
                                         R"(<order>id</order></decoder>)"}},
                              warnings);
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->size(), 2u);
  const std::vector<DecoderListEntry> list = set->list();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[1].name, "c");
  EXPECT_EQ(list[1].parent, "p");
  EXPECT_EQ(list[1].file, "b.xml");
  EXPECT_EQ(list[1].position, 0u);
  EXPECT_EQ(list[1].status, "enabled");
}

// ---------------------------------------------------------------------------------------------
// Names and ids.

TEST(AnalysisDecoderSet, IdsAreRanksOfTheSortedNames) {
  const DecoderSet set = must_load(
      R"(<decoder name="zeta"><prematch>^z</prematch></decoder>)"
      R"(<decoder name="alpha"><prematch>^a</prematch></decoder>)"
      R"(<decoder name="alpha-child"><parent>alpha</parent><prematch>x</prematch></decoder>)"
      R"(<decoder name="alpha-own"><parent>alpha</parent><prematch>y</prematch><use_own_name>true</use_own_name></decoder>)");
  // Sorted: alpha, alpha-child, alpha-own, ciscat, hostinfo_modified, ... zeta.
  EXPECT_EQ(set.id_of("alpha"), 1u);
  EXPECT_EQ(set.id_of("alpha-child"), 2u);
  EXPECT_EQ(set.id_of("alpha-own"), 3u);
  EXPECT_EQ(set.id_of("ciscat"), 4u);
  EXPECT_EQ(set.id_of("zeta"), 20u);
  EXPECT_EQ(set.id_of("nothing"), 0u);
  EXPECT_TRUE(set.has_decoder("windows_eventchannel"));
  EXPECT_TRUE(set.has_decoder("syscheck_new_entry"));
  EXPECT_TRUE(set.has_decoder("alpha-child"));
  EXPECT_FALSE(set.has_decoder("Alpha"));

  const std::span<const Decoder> decoders = set.decoders();
  EXPECT_EQ(decoders[2].name, "alpha");  // known by its parent's name
  EXPECT_EQ(decoders[2].written_name, "alpha-child");
  EXPECT_EQ(decoders[2].id, 1u);
  EXPECT_EQ(decoders[3].name, "alpha-own");
  EXPECT_EQ(decoders[3].id, 3u);
  EXPECT_EQ(set.size(), 4u);
}

// ---------------------------------------------------------------------------------------------
// The walk.

const char* kProgramDecoders = R"(
<decoder name="with-program">
  <program_name>^app$</program_name>
</decoder>
<decoder name="app-child">
  <parent>with-program</parent>
  <regex>^user (\S+)</regex>
  <order>user</order>
</decoder>
<decoder name="plain">
  <prematch>^user </prematch>
  <regex>^user (\S+)</regex>
  <order>srcuser</order>
</decoder>
)";

TEST(AnalysisDecoderSet, EventsWithAProgramNameOnlyTryProgramDecoders) {
  const DecoderSet set = must_load(kProgramDecoders);
  {
    Event e = event("user alice", "app");
    DecodeState state;
    const Decoded d = decode(set, e, state);
    // The child has no prematch: it decodes, but the event keeps the parent as its decoder.
    EXPECT_EQ(d.name, "with-program");
    EXPECT_EQ(d.parent, "");
    EXPECT_EQ(static_field(e, StaticField::dstuser), "alice");
  }
  {
    // Another program: "plain" is not tried although its prematch would match.
    Event e = event("user bob", "other");
    DecodeState state;
    EXPECT_EQ(decode(set, e, state).name, "");
    EXPECT_EQ(state.decoder(), nullptr);
    EXPECT_EQ(state.type(), DecoderType::syslog);
  }
  {
    Event e = event("user carol");
    DecodeState state;
    EXPECT_EQ(decode(set, e, state).name, "plain");
    EXPECT_EQ(static_field(e, StaticField::srcuser), "carol");
  }
}

const char* kFamily = R"(
<decoder name="fam">
  <prematch>^fam: </prematch>
</decoder>
<decoder name="fam-login">
  <parent>fam</parent>
  <prematch offset="after_parent">^login </prematch>
  <regex offset="after_prematch">^(\S+) from (\S+)</regex>
  <order>user, srcip</order>
  <type>ids</type>
</decoder>
<decoder name="fam-own">
  <parent>fam</parent>
  <use_own_name>true</use_own_name>
  <prematch>logout</prematch>
  <regex offset="after_parent">^(\w+)</regex>
  <order>action</order>
</decoder>
<decoder name="fam-rest">
  <parent>fam</parent>
  <regex offset="after_parent">^(\w+)</regex>
  <order>word</order>
</decoder>
)";

TEST(AnalysisDecoderSet, ChildPrematchOffsetsAndNames) {
  const DecoderSet set = must_load(kFamily);
  {
    Event e = event("fam: login alice from 10.0.0.1");
    DecodeState state;
    const Decoded d = decode(set, e, state);
    EXPECT_EQ(d.name, "fam");  // a child is known by its parent's name
    EXPECT_EQ(d.parent, "fam");
    ASSERT_NE(d.decoder, nullptr);
    EXPECT_EQ(d.decoder->written_name, "fam-login");
    EXPECT_EQ(state.type(), DecoderType::ids);
    EXPECT_EQ(static_field(e, StaticField::dstuser), "alice");
    EXPECT_EQ(static_field(e, StaticField::srcip), "10.0.0.1");
  }
  {
    // after_parent: the prematch must match right after the parent's.
    const Decoded d = decode(set, "fam: x login bob from 10.0.0.2");
    EXPECT_EQ(d.name, "fam");
    ASSERT_NE(d.decoder, nullptr);
    EXPECT_EQ(d.decoder->written_name, "fam");  // taken by fam-rest, which has no prematch
    EXPECT_EQ(d.dynamic, (Fields{{"word", "x"}}));
  }
  {
    Event e = event("fam: session logout");
    DecodeState state;
    const Decoded d = decode(set, e, state);
    EXPECT_EQ(d.name, "fam-own");
    EXPECT_EQ(d.parent, "fam");
    EXPECT_EQ(static_field(e, StaticField::action), "session");
  }
  EXPECT_EQ(decode(set, "other").name, "");
}

TEST(AnalysisDecoderSet, AParentWithoutAMatchingChildStillDecodes) {
  const DecoderSet set = must_load(
      R"(<decoder name="p"><prematch>^p </prematch></decoder>)"
      R"(<decoder name="c"><parent>p</parent><prematch>^p x</prematch><regex>(\w+)$</regex><order>id</order></decoder>)");
  Event e = event("p y");
  DecodeState state;
  EXPECT_EQ(decode(set, e, state).name, "p");
  EXPECT_EQ(static_field(e, StaticField::id), "<unset>");
}

const char* kChain = R"(
<decoder name="kv">
  <prematch>^kv </prematch>
</decoder>
<decoder name="kv-fields">
  <parent>kv</parent>
  <prematch>^kv start</prematch>
  <regex offset="after_prematch">^ a=(\w+)</regex>
  <order>a</order>
</decoder>
<decoder name="kv-fields">
  <parent>kv</parent>
  <regex offset="after_regex">^ b=(\w+)</regex>
  <order>b</order>
</decoder>
<decoder name="kv-fields">
  <parent>kv</parent>
  <regex offset="after_regex">^ c=(\w+)</regex>
  <order>c</order>
</decoder>
<decoder name="kv-other">
  <parent>kv</parent>
  <regex>other=(\w+)</regex>
  <order>other</order>
</decoder>
<decoder name="kv-last">
  <parent>kv</parent>
  <regex>last=(\w+)</regex>
  <order>last</order>
</decoder>
)";

TEST(AnalysisDecoderSet, SameNameSiblingsChainTheirRegexes) {
  const DecoderSet set = must_load(kChain);
  const std::span<const Decoder> decoders = set.decoders();
  EXPECT_TRUE(decoders[1].get_next);
  EXPECT_TRUE(decoders[2].get_next);
  EXPECT_FALSE(decoders[3].get_next);
  EXPECT_EQ(decode(set, "kv start a=1 b=2 c=3").dynamic, (Fields{{"a", "1"}, {"b", "2"}, {"c", "3"}}));
  // A regex that fails with a sibling after it lets the chain go on (after_regex then reads
  // after the last regex that matched).
  EXPECT_EQ(decode(set, "kv start a=1 c=3").dynamic, (Fields{{"a", "1"}, {"c", "3"}}));
  // The last one failing keeps what the chain found.
  EXPECT_EQ(decode(set, "kv start a=1 b=2 x=3").dynamic, (Fields{{"a", "1"}, {"b", "2"}}));
}

TEST(AnalysisDecoderSet, AFailedChainHeadSkipsItsChain) {
  const DecoderSet set = must_load(kChain);
  const Decoded d = decode(set, "kv other=1 last=2");
  EXPECT_EQ(d.name, "kv");
  EXPECT_EQ(d.dynamic, (Fields{{"other", "1"}}));
}

TEST(AnalysisDecoderSet, AFailedChainHeadSkipsThroughTheFirstDecoderThatEndsAChain) {
  // Wazuh skips the decoders marked get_next and the one after them, which for a chain that
  // is not contiguous is the unrelated decoder in between.
  const DecoderSet set = must_load(R"(
<decoder name="p"><prematch>^p </prematch></decoder>
<decoder name="a"><parent>p</parent><prematch>^p x</prematch><regex>x=(\w+)</regex><order>x</order></decoder>
<decoder name="b"><parent>p</parent><regex>y=(\w+)</regex><order>y</order></decoder>
<decoder name="a"><parent>p</parent><regex>z=(\w+)</regex><order>z</order></decoder>
)");
  EXPECT_EQ(decode(set, "p y=1 z=2").dynamic, (Fields{{"z", "2"}}));
}

TEST(AnalysisDecoderSet, AChainRunsThroughWhateverSiblingFollows) {
  // Same-name siblings that are not adjacent: the chain continues into the decoder in between.
  const DecoderSet set = must_load(R"(
<decoder name="p"><prematch>^p </prematch></decoder>
<decoder name="a"><parent>p</parent><regex>x=(\w+)</regex><order>x</order></decoder>
<decoder name="b"><parent>p</parent><regex>y=(\w+)</regex><order>y</order></decoder>
<decoder name="a"><parent>p</parent><regex>z=(\w+)</regex><order>z</order></decoder>
)");
  EXPECT_EQ(decode(set, "p x=1 y=2 z=3").dynamic, (Fields{{"x", "1"}, {"y", "2"}}));
}

TEST(AnalysisDecoderSet, FieldsFromCaptures) {
  const DecoderSet set = must_load(R"(
<decoder name="f">
  <prematch>^f </prematch>
  <regex>^f (\S+) (\S+) (\S+) (\S+)</regex>
  <order>srcip, dyn.one, srcip</order>
</decoder>
)");
  Event e = event("f 1.1.1.1 v 2.2.2.2 extra");
  DecodeState state;
  const Decoded d = decode(set, e, state);
  // A static field keeps its last value; captures past the order are dropped.
  EXPECT_EQ(static_field(e, StaticField::srcip), "2.2.2.2");
  EXPECT_EQ(d.dynamic, (Fields{{"dyn.one", "v"}}));
}

TEST(AnalysisDecoderSet, AFullEventTakesNoMoreCaptures) {
  // Wazuh stops before writing any capture, static ones included, once the event holds
  // decoder_order_size dynamic fields.
  const DecoderSet set = must_load(R"(<decoder name="f"><prematch>^f </prematch>)"
                                   R"(<regex>^f (\S+)</regex><order>srcip</order></decoder>)");
  Event e = event("f 1.1.1.1");
  for (std::size_t i = 0; i < kDecoderOrderSize; ++i) e.append_field("k" + std::to_string(i), "v");
  DecodeState state;
  set.decode(e, state);
  EXPECT_EQ(e.decoder_name, "f");
  EXPECT_EQ(static_field(e, StaticField::srcip), "<unset>");
}

TEST(AnalysisDecoderSet, PcreRegexesAndProgramNames) {
  const DecoderSet set = must_load(R"(
<decoder name="pc">
  <program_name type="pcre2">^svc-\d+$</program_name>
  <prematch type="pcre2">^id=\d+</prematch>
</decoder>
<decoder name="pc-child">
  <parent>pc</parent>
  <regex type="pcre2" offset="after_parent">^ name=(\w+)(?: (\w+))?</regex>
  <order>name, second</order>
</decoder>
)");
  EXPECT_EQ(decode(set, "id=42 name=x", "svc-12").dynamic, (Fields{{"name", "x"}}));
  EXPECT_EQ(decode(set, "id=42 name=x y", "svc-12").dynamic, (Fields{{"name", "x"}, {"second", "y"}}));
  EXPECT_EQ(decode(set, "id=42 name=x", "svc-a").name, "");
}

TEST(AnalysisDecoderSet, DecodingResetsTheEventsDecoderAndTheState) {
  const DecoderSet set = must_load(kFamily);
  Event e = event("fam: login alice from 10.0.0.1");
  DecodeState state;
  set.decode(e, state);
  EXPECT_EQ(e.decoder_name, "fam");
  Event other = event("unknown");
  set.decode(other, state);
  EXPECT_EQ(other.decoder_name, "");
  EXPECT_EQ(state.decoder(), nullptr);
  EXPECT_EQ(state.type(), DecoderType::syslog);
}

// ---------------------------------------------------------------------------------------------
// Plugins through the walk.

const char* kJsonFamily = R"(
<decoder name="json-app">
  <prematch>^app: </prematch>
  <plugin_decoder offset="after_prematch">JSON_Decoder</plugin_decoder>
  <json_null_field>discard</json_null_field>
</decoder>
<decoder name="wrapped">
  <prematch>^wrap </prematch>
</decoder>
<decoder name="wrapped-json">
  <parent>wrapped</parent>
  <prematch offset="after_parent">^json </prematch>
  <plugin_decoder offset="after_parent">JSON_Decoder</plugin_decoder>
  <json_array_structure>csv</json_array_structure>
</decoder>
<decoder name="wrapped-json">
  <parent>wrapped</parent>
  <regex>"b":(\d+)</regex>
  <order>b.again</order>
</decoder>
<decoder name="loose">
  <prematch>^loose </prematch>
</decoder>
<decoder name="loose-json">
  <parent>loose</parent>
  <plugin_decoder offset="after_parent">JSON_Decoder</plugin_decoder>
  <json_null_field>discard</json_null_field>
</decoder>
)";

TEST(AnalysisDecoderSet, JsonPluginReadsFromItsOffset) {
  const DecoderSet set = must_load(kJsonFamily);
  EXPECT_EQ(decode(set, R"(app: {"a":"1","n":null})").dynamic, (Fields{{"a", "1"}}));
  // after_parent in a child: from after the parent's prematch, here "json {...}", which is no
  // JSON; the chain's regex then still runs.
  EXPECT_EQ(decode(set, R"(wrap json {"a":[1,2],"b":3})").dynamic, (Fields{{"b.again", "3"}}));
}

TEST(AnalysisDecoderSet, APluginReadsTheOptionsOfTheEventsDecoder) {
  const DecoderSet set = must_load(kJsonFamily);
  // loose-json has no prematch, so the event's decoder stays "loose": its offset (none) and
  // JSON options (null as "null") apply, not the child's after_parent and discard.
  const Decoded d = decode(set, R"(loose {"n":null})");
  EXPECT_EQ(d.name, "loose");
  EXPECT_TRUE(d.dynamic.empty());  // the whole log is not JSON
  const DecoderSet second = must_load(R"(
<decoder name="j"><prematch>^{</prematch></decoder>
<decoder name="j-child"><parent>j</parent><plugin_decoder>JSON_Decoder</plugin_decoder>
  <json_null_field>discard</json_null_field></decoder>
)");
  EXPECT_EQ(decode(second, R"({"n":null})").dynamic, (Fields{{"n", "null"}}));
}

TEST(AnalysisDecoderSet, JsonPluginHasNoInputAfterARegex) {
  // Wazuh's JSON decoder knows no after_regex input: it decodes nothing.
  const char* xml = R"(
<decoder name="p"><prematch>^{</prematch></decoder>
<decoder name="c"><parent>p</parent><prematch>^{"</prematch><plugin_decoder offset="OFFSET">JSON_Decoder</plugin_decoder></decoder>
)";
  auto with_offset = [&](const std::string& offset) {
    std::string text = xml;
    text.replace(text.find("OFFSET"), 6, offset);
    return must_load(text);
  };
  EXPECT_TRUE(decode(with_offset("after_regex"), R"({"a":"1"})").dynamic.empty());
  EXPECT_EQ(decode(with_offset("after_parent"), R"({"a":"1"})").dynamic, Fields{});  // reads `"a":"1"}`
  EXPECT_EQ(decode(must_load(R"(<decoder name="p"><prematch>^{</prematch></decoder>
<decoder name="c"><parent>p</parent><prematch>^{"</prematch><plugin_decoder>JSON_Decoder</plugin_decoder></decoder>)"),
                   R"({"a":"1"})")
                .dynamic,
            (Fields{{"a", "1"}}));
}

TEST(AnalysisDecoderSet, SonicWallPluginSetsTheEventsType) {
  const DecoderSet set = must_load(R"(<decoder name="sw"><prematch>^id=</prematch>)"
                                   R"(<plugin_decoder>SonicWall_Decoder</plugin_decoder></decoder>)");
  Event e = event("id=fw pri=1 c=32 m=5 src=1.2.3.4:5:X0 dst=5.6.7.8:9:X1 ");
  DecodeState state;
  set.decode(e, state);
  EXPECT_EQ(state.type(), DecoderType::ids);
  EXPECT_EQ(set.decoders()[0].type, DecoderType::syslog);  // the loaded decoder does not change
}

TEST(AnalysisDecoderSet, OssecAlertPluginUsesTheRuleLookup) {
  const DecoderSet set = must_load(R"(<decoder name="oa"><prematch>^Alert Level: </prematch>)"
                                   R"(<plugin_decoder>OSSECAlert_Decoder</plugin_decoder></decoder>)");
  const std::string log = "Alert Level: 3; Rule: 100 - x; Location: l;  the log";
  DecodeState state;
  state.set_rule_exists([](std::string_view id) { return id == "100"; });
  Event e = event(log);
  set.decode(e, state);
  EXPECT_EQ(state.type(), DecoderType::ossec_alert);
  EXPECT_EQ(state.generated_rule(), "100");
  EXPECT_EQ(e.full_log, "the log");
  state.set_rule_exists([](std::string_view) { return false; });
  Event unknown = event(log);
  set.decode(unknown, state);
  EXPECT_FALSE(state.generated_rule());
  EXPECT_EQ(unknown.full_log, log);
}

// ---------------------------------------------------------------------------------------------
// Accumulate and fts.

const char* kAccumulating = R"(
<decoder name="acc">
  <prematch>^acc </prematch>
  <regex>^acc id=(\S+) user=(\S*) ip=(\S*)</regex>
  <order>id, user, srcip</order>
  <accumulate />
</decoder>
)";

TEST(AnalysisDecoderSet, AccumulateLendsFieldsOfEarlierEventsWithTheSameId) {
  const DecoderSet set = must_load(kAccumulating);
  DecodeState state;
  state.set_time(1000);
  Event first = event("acc id=7 user=alice ip=");
  set.decode(first, state);
  Event second = event("acc id=7 user= ip=10.0.0.1");
  set.decode(second, state);
  EXPECT_EQ(static_field(second, StaticField::dstuser), "alice");
  EXPECT_EQ(static_field(second, StaticField::srcip), "10.0.0.1");
  // A stored value is never replaced; the event's own value is kept.
  Event third = event("acc id=7 user=bob ip=");
  set.decode(third, state);
  EXPECT_EQ(static_field(third, StaticField::dstuser), "bob");
  EXPECT_EQ(static_field(third, StaticField::srcip), "10.0.0.1");
  Event fourth = event("acc id=7 user= ip=");
  set.decode(fourth, state);
  EXPECT_EQ(static_field(fourth, StaticField::dstuser), "alice");
  // Another id, or another host, is another entry.
  Event other_id = event("acc id=8 user= ip=");
  set.decode(other_id, state);
  EXPECT_EQ(static_field(other_id, StaticField::dstuser), "");
  Event other_host = event("acc id=7 user= ip=");
  other_host.hostname.assign("elsewhere");
  set.decode(other_host, state);
  EXPECT_EQ(static_field(other_host, StaticField::dstuser), "");
}

TEST(AnalysisDecoderSet, AccumulatedEntriesExpireAfter120Seconds) {
  const DecoderSet set = must_load(kAccumulating);
  DecodeState state;
  state.set_time(1000);
  Event first = event("acc id=7 user=alice ip=");
  set.decode(first, state);
  state.set_time(1120);  // 120 s later: still there, and refreshed
  Event second = event("acc id=7 user= ip=");
  set.decode(second, state);
  EXPECT_EQ(static_field(second, StaticField::dstuser), "alice");
  state.set_time(1241);
  Event third = event("acc id=7 user= ip=");
  set.decode(third, state);
  EXPECT_EQ(static_field(third, StaticField::dstuser), "");
}

TEST(AnalysisDecoderSet, AccumulatorPurgesEvery200Events) {
  const DecoderSet set = must_load(kAccumulating);
  DecodeState state;
  state.set_time(1000);
  for (int i = 0; i < 150; ++i) {
    Event e = event("acc id=" + std::to_string(i) + " user=u ip=");
    set.decode(e, state);
  }
  EXPECT_EQ(state.accumulator().size(), 150u);
  state.set_time(2000);
  for (int i = 0; i < 49; ++i) {
    Event e = event("acc id=new" + std::to_string(i) + " user=u ip=");
    set.decode(e, state);
  }
  EXPECT_EQ(state.accumulator().size(), 199u);
  Event e = event("acc id=last user=u ip=");
  set.decode(e, state);  // the 200th: the 150 old entries go
  EXPECT_EQ(state.accumulator().size(), 50u);
}

TEST(AnalysisDecoderSet, AccumulatorSkipsLongValuesAndKeys) {
  Accumulator accumulator;
  Event first = event("x");
  first.set_static_field(StaticField::id, "1");
  first.set_static_field(StaticField::srcuser, std::string(81, 'u'));
  first.set_static_field(StaticField::data, std::string(80, 'd'));
  accumulator.accumulate(first, "dec", 10);
  Event second = event("x");
  second.set_static_field(StaticField::id, "1");
  accumulator.accumulate(second, "dec", 10);
  EXPECT_EQ(static_field(second, StaticField::srcuser), "<unset>");
  EXPECT_EQ(static_field(second, StaticField::data), std::string(80, 'd'));
  // "host dec <id>" longer than 255 bytes is not accumulated; no id, nothing either.
  Event long_id = event("x");
  long_id.set_static_field(StaticField::id, std::string(247, 'i'));
  accumulator.accumulate(long_id, "dec", 10);
  Event no_id = event("x");
  accumulator.accumulate(no_id, "dec", 10);
  EXPECT_EQ(accumulator.size(), 1u);
  long_id.set_static_field(StaticField::id, std::string(246, 'i'));
  accumulator.accumulate(long_id, "dec", 10);
  EXPECT_EQ(accumulator.size(), 2u);
}

TEST(AnalysisDecoderSet, FtsKeyCombinesTheNamedFields) {
  const DecoderSet set = must_load(R"(
<decoder name="ft">
  <prematch>^ft </prematch>
  <regex>^ft (\S+) (\S+) (\S+) (\S+)</regex>
  <order>extra, user, other, srcip</order>
  <fts>name, user, location, Extra, srcip</fts>
</decoder>
)");
  Event e = event("ft e1 alice o1 1.2.3.4");
  DecodeState state;
  set.decode(e, state);
  ASSERT_NE(state.decoder(), nullptr);
  EXPECT_EQ(fts_key(*state.decoder(), e), "ft  alice  1.2.3.4    /var/log/test e1");
  // The fixed part is cut to 255 bytes, the whole to 256.
  Event long_event = event("ft " + std::string(300, 'e') + " " + std::string(300, 'u') + " o 1.1.1.1");
  set.decode(long_event, state);
  const std::string key = fts_key(*state.decoder(), long_event);
  EXPECT_EQ(key.size(), 256u);
  EXPECT_EQ(key.substr(0, 4), "ft  ");
  EXPECT_EQ(key[255], ' ');
}

}  // namespace
}  // namespace herald::analysis
