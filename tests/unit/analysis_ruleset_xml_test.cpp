#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "analysis/ruleset_xml.h"

namespace herald::analysis {
namespace {

std::vector<XmlElement> parse_ok(std::string_view text) {
  auto parsed = parse_ruleset_xml(text, "t.xml");
  if (!parsed) {
    ADD_FAILURE() << "unexpected error: " << parsed.error().message << "\nfor: " << text;
    return {};
  }
  return std::move(parsed).value();
}

std::string parse_error(std::string_view text) {
  auto parsed = parse_ruleset_xml(text, "t.xml");
  if (parsed) {
    ADD_FAILURE() << "expected an error for: " << text;
    return {};
  }
  EXPECT_EQ(parsed.error().kind, core::ErrorKind::invalid_argument);
  return parsed.error().message;
}

// The content of the only top-level element.
std::string content_of(std::string_view text) {
  const auto roots = parse_ok(text);
  if (roots.size() != 1) {
    ADD_FAILURE() << "expected one element in: " << text;
    return {};
  }
  return roots[0].content;
}

TEST(AnalysisRulesetXml, ManyTopLevelElementsAndNoRoot) {
  const auto roots = parse_ok(
      "stray text\n<decoder name=\"a\"><prematch>x</prematch></decoder>\n"
      "between\n<decoder name='b'>\n  <parent>a</parent>\n  <regex>(\\d+)</regex>\n</decoder>\ntrailing");
  ASSERT_EQ(roots.size(), 2u);
  EXPECT_EQ(roots[0].name, "decoder");
  ASSERT_NE(roots[0].attribute("name"), nullptr);
  EXPECT_EQ(*roots[0].attribute("name"), "a");
  ASSERT_EQ(roots[0].children.size(), 1u);
  EXPECT_EQ(roots[0].children[0].name, "prematch");
  EXPECT_EQ(roots[0].children[0].content, "x");
  EXPECT_EQ(roots[0].line, 2);
  EXPECT_EQ(roots[1].line, 4);
  ASSERT_EQ(roots[1].children.size(), 2u);
  EXPECT_EQ(roots[1].children[0].line, 5);
  EXPECT_EQ(roots[1].children[1].content, "(\\d+)");
  EXPECT_EQ(roots[1].children[1].line, 6);
  EXPECT_EQ(roots[1].content, "\n");
}

TEST(AnalysisRulesetXml, EmptyInputsGiveNoElements) {
  EXPECT_TRUE(parse_ok("").empty());
  EXPECT_TRUE(parse_ok("  \n\t ").empty());
  EXPECT_TRUE(parse_ok("<!-- only a comment -->\n").empty());
}

TEST(AnalysisRulesetXml, ContentIsKeptByteForByte) {
  EXPECT_EQ(content_of("<regex>  a b\t</regex>"), "  a b\t");
  EXPECT_EQ(content_of("<regex>&lt;script&gt; &amp;</regex>"), "&lt;script&gt; &amp;");
  EXPECT_EQ(content_of("<m>a > b</m>"), "a > b");
  EXPECT_EQ(content_of("<m>line1\r\nline2</m>"), "line1\r\nline2");
  EXPECT_EQ(content_of("<m>caf\xc3\xa9</m>"), "caf\xc3\xa9");
}

TEST(AnalysisRulesetXml, BackslashEscapesALessThanAndStays) {
  EXPECT_EQ(content_of(R"(<regex>\<script</regex>)"), R"(\<script)");
  EXPECT_EQ(content_of(R"(<regex>a\<b\>c</regex>)"), R"(a\<b\>c)");
  EXPECT_EQ(content_of(R"(<regex>\\\<x</regex>)"), R"(\\\<x)");
  // An even run of backslashes does not escape: the `<` opens a tag.
  const auto roots = parse_ok(R"(<regex>a\\<b/></regex>)");
  ASSERT_EQ(roots.size(), 1u);
  ASSERT_EQ(roots[0].children.size(), 1u);
  EXPECT_EQ(roots[0].children[0].name, "b");
  // The escape holds only for the character right after the run.
  EXPECT_EQ(parse_error(R"(<regex>\a<b</regex>)"), "t.xml:1: bad element name 'b<'");
  EXPECT_EQ(parse_error(R"(<regex>\</regex>)"), "t.xml:1: element <regex> is not closed");
  // As in Wazuh, `<!` opens a comment even when escaped, and the escape then applies after it.
  EXPECT_EQ(content_of(R"(<regex>\<!-- c -->x</regex>)"), R"(\x)");
  EXPECT_EQ(content_of(R"(<regex>\<!-- c --><b/></regex>)"), R"(\<b/>)");
}

TEST(AnalysisRulesetXml, EscapedEndTagIsContent) {
  EXPECT_EQ(content_of(R"(<regex>\</b></regex>)"), R"(\</b>)");
}

TEST(AnalysisRulesetXml, CommentsAreCutOut) {
  EXPECT_EQ(content_of("<m>ab<!-- note -->cd</m>"), "abcd");
  EXPECT_EQ(content_of("<m>a<!-- <rule id=\"1\"> -- - -->b</m>"), "ab");
  // Wazuh also ends a comment at `!>`, and starts looking right after `<!`.
  EXPECT_EQ(content_of("<m>a<! legacy !>b</m>"), "ab");
  EXPECT_EQ(content_of("<m>a<!-->b</m>"), "ab");
  EXPECT_EQ(content_of("<m>a<!--->b</m>"), "ab");
  const auto roots = parse_ok("<!-- a\n--> <!DOCTYPE x !>\n<a/><!---->\n<b/>");
  ASSERT_EQ(roots.size(), 2u);
  EXPECT_EQ(roots[1].line, 4);
  EXPECT_EQ(parse_error("<a>x</a>\n<!-- never closed"), "t.xml:2: comment is not closed");
}

TEST(AnalysisRulesetXml, CdataIsACommentAsInWazuh) {
  EXPECT_EQ(content_of("<m>a<![CDATA[<b>]]>c-->d</m>"), "ad");
  EXPECT_EQ(parse_error("<m><![CDATA[x]]></m>"), "t.xml:1: comment is not closed");
}

TEST(AnalysisRulesetXml, ParentContentIsTheTextAfterItsLastChild) {
  const auto roots = parse_ok("<group name=\"g\">before<rule id=\"1\"/>middle<rule id=\"2\"></rule>after</group>");
  ASSERT_EQ(roots.size(), 1u);
  EXPECT_EQ(roots[0].content, "after");
  ASSERT_EQ(roots[0].children.size(), 2u);
  EXPECT_EQ(*roots[0].children[1].attribute("id"), "2");
}

TEST(AnalysisRulesetXml, Attributes) {
  const auto roots = parse_ok("<rule id=\"100\" level='5'\n frequency= \"8\" timeframe=\n'120'  noalert=\"a<b\"\t/>");
  ASSERT_EQ(roots.size(), 1u);
  const auto& rule = roots[0];
  ASSERT_EQ(rule.attributes.size(), 5u);
  EXPECT_EQ(rule.attributes[0], (std::pair<std::string, std::string>{"id", "100"}));
  EXPECT_EQ(rule.attributes[1].second, "5");
  EXPECT_EQ(rule.attributes[2].second, "8");
  EXPECT_EQ(rule.attributes[3].second, "120");
  EXPECT_EQ(rule.attributes[4].second, "a<b");
  EXPECT_EQ(rule.content, "");
  ASSERT_NE(rule.attribute("LEVEL"), nullptr);
  EXPECT_EQ(*rule.attribute("LEVEL"), "5");
  EXPECT_EQ(rule.attribute("missing"), nullptr);

  const auto quotes = parse_ok("<a x='say \"hi\"' y=\"it's\" z=\"\" w=\"multi\nline\"></a>");
  ASSERT_EQ(quotes.size(), 1u);
  EXPECT_EQ(*quotes[0].attribute("x"), "say \"hi\"");
  EXPECT_EQ(*quotes[0].attribute("y"), "it's");
  EXPECT_EQ(*quotes[0].attribute("z"), "");
  EXPECT_EQ(*quotes[0].attribute("w"), "multi\nline");
  // Names differing in case are distinct attributes; the lookup returns the first.
  const auto cased = parse_ok("<a ID=\"1\" id=\"2\"/>");
  EXPECT_EQ(*cased[0].attribute("id"), "1");
}

TEST(AnalysisRulesetXml, AttributeErrors) {
  EXPECT_EQ(parse_error("<a x>"), "t.xml:1: attribute 'x' has no value");
  EXPECT_EQ(parse_error("<a x/>"), "t.xml:1: attribute 'x' has no value");
  EXPECT_EQ(parse_error("<a x =\"1\">"), "t.xml:1: attribute 'x' has no value");
  EXPECT_EQ(parse_error("<a x=1>"), "t.xml:1: value of attribute 'x' is not quoted");
  EXPECT_EQ(parse_error("<a\nx=\"1>\"></a>"), "t.xml:2: '>' inside the value of attribute 'x'");
  EXPECT_EQ(parse_error("<a x=\"1\" x='2'></a>"), "t.xml:1: attribute 'x' given twice");
  EXPECT_EQ(parse_error("<a x=\"1\"y=\"2\"></a>"), "t.xml:1: bad character after attribute 'x'");
  EXPECT_EQ(parse_error("<a x=\"1"), "t.xml:1: attribute 'x' is not closed");
  EXPECT_EQ(parse_error("<a x=\"1\""), "t.xml:1: end of file inside the tag of <a>");
  EXPECT_EQ(parse_error("<a x"), "t.xml:1: end of file inside attribute 'x'");
  EXPECT_EQ(parse_error("<a x=\"1\" / >"), "t.xml:1: '/' not followed by '>' in <a>");
  std::string many = "<a";
  for (int i = 0; i < 48; ++i) many += " a" + std::to_string(i) + "=\"v\"";
  EXPECT_EQ(parse_ok(many + "/>")[0].attributes.size(), 48u);
  EXPECT_EQ(parse_error(many + " extra=\"v\"/>"), "t.xml:1: more than 48 attributes");
}

TEST(AnalysisRulesetXml, StructureErrors) {
  EXPECT_EQ(parse_error("<group>\n<rule>\n</group>"), "t.xml:3: end tag </group> does not close <rule>");
  EXPECT_EQ(parse_error("<a>\n</a >"), "t.xml:2: end tag </a > does not close <a>");
  EXPECT_EQ(parse_error("<a/>\n</a>"), "t.xml:2: end tag </a> without an open element");
  EXPECT_EQ(parse_error("<group name=\"g\">\n  <rule id=\"1\">\n"), "t.xml:2: element <rule> is not closed");
  EXPECT_EQ(parse_error("<a>x</a"), "t.xml:1: end tag is not closed");
  EXPECT_EQ(parse_error("<a>1 < 2</a>"), "t.xml:1: element without a name");
  EXPECT_EQ(parse_error("<>"), "t.xml:1: element without a name");
  EXPECT_EQ(parse_error("x <"), "t.xml:1: element without a name");
  EXPECT_EQ(parse_error("<a<b>"), "t.xml:1: bad element name 'a<b'");
  EXPECT_EQ(parse_error("<a/b>"), "t.xml:1: '/' not followed by '>' in <a>");
  EXPECT_EQ(parse_error(std::string("<a>\n\n<b>x\0y</b></a>", 19)), "t.xml:3: NUL byte in the file");
}

TEST(AnalysisRulesetXml, LongNamesAreCutInMessages) {
  const std::string name(5000, 'n');
  const std::string message = parse_error("</" + name + ">");
  EXPECT_EQ(message, "t.xml:1: end tag </" + std::string(64, 'n') + "...> without an open element");
}

TEST(AnalysisRulesetXml, SizeLimits) {
  const std::string longest(kMaxRulesetXmlText, 'x');
  EXPECT_EQ(content_of("<m>" + longest + "</m>").size(), kMaxRulesetXmlText);
  EXPECT_EQ(parse_error("<m>" + longest + "x</m>"), "t.xml:1: text longer than 20479 bytes");
  // The limit is per run of text: text before a child does not count.
  EXPECT_EQ(content_of("<m>" + longest + "<c/>" + longest + "</m>").size(), kMaxRulesetXmlText);
  EXPECT_EQ(parse_ok("<m a=\"" + longest + "\"/>")[0].attributes[0].second.size(), kMaxRulesetXmlText);
  EXPECT_NE(parse_error("<m a=\"" + longest + "x\"/>").find("longer than 20479 bytes"), std::string::npos);
  EXPECT_NE(parse_error("<" + longest + "x/>").find("longer than 20479 bytes"), std::string::npos);
}

TEST(AnalysisRulesetXml, NestingIsBoundedWithoutRecursion) {
  std::string ok;
  for (std::size_t i = 0; i < kMaxRulesetXmlDepth; ++i) ok += "<a>";
  for (std::size_t i = 0; i < kMaxRulesetXmlDepth; ++i) ok += "</a>";
  EXPECT_EQ(parse_ok(ok).size(), 1u);
  EXPECT_EQ(parse_error("<a>" + ok + "</a>"), "t.xml:1: elements nested deeper than 64 levels");
  std::string deep;
  for (int i = 0; i < 200000; ++i) deep += "<a>";
  EXPECT_EQ(parse_error(deep), "t.xml:1: elements nested deeper than 64 levels");
}

TEST(AnalysisRulesetXml, LargeInputsParseInLinearTime) {
  std::string big;
  for (int i = 0; i < 20000; ++i) {
    big += "<group name=\"g" + std::to_string(i) + "\">\n  <rule id=\"" + std::to_string(i) +
           "\" level=\"3\">\n    <match>x</match>\n  </rule>\n</group>\n";
  }
  big += "<var name=\"V\">abc</var>";
  for (int i = 0; i < 20000; ++i) big += "<m>$V|$V|$V $V</m>\n";
  const auto started = std::chrono::steady_clock::now();
  const auto roots = parse_ok(big);
  EXPECT_EQ(roots.size(), 40000u);
  EXPECT_EQ(roots.back().content, "abc|abc|abc abc");
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(5));

  // Comments, end tags and values that never close are scanned once, not once per `<`.
  EXPECT_EQ(parse_error("<a>x</a><!--" + std::string(1 << 20, '-')), "t.xml:1: comment is not closed");
}

TEST(AnalysisRulesetXml, VariablesAreDefinedAndExpanded) {
  const auto roots = parse_ok(
      "<var name=\"BAD\">root|admin</var>\n"
      "<VAR Name=\"freq\">8</VAR>\n"
      "<group name=\"g,\">\n"
      "  <rule id=\"1\" frequency=\"$FREQ\">\n"
      "    <user>^$BAD$</user>\n"
      "    <match>$bad.x,$Bad|$(literal) cost $ 5$</match>\n"
      "  </rule>\n"
      "</group>");
  ASSERT_EQ(roots.size(), 1u);  // the <var> elements are not returned
  const auto& rule = roots[0].children.at(0);
  EXPECT_EQ(*rule.attribute("frequency"), "8");
  EXPECT_EQ(rule.children.at(0).content, "^root|admin$");
  EXPECT_EQ(rule.children.at(1).content, "root|admin.x,root|admin|$(literal) cost $ 5$");
}

TEST(AnalysisRulesetXml, VariableQuirksFollowWazuh) {
  // Before any variable is defined nothing is expanded, so unknown names are fine.
  EXPECT_EQ(content_of("<m>$NOT_DEFINED</m>"), "$NOT_DEFINED");
  // A variable is visible only to elements whose start tag follows its definition.
  const auto late = parse_ok("<a x=\"$V.\"><var name=\"V\">v</var><b>$V.</b>$V.</a>");
  ASSERT_EQ(late.size(), 1u);
  EXPECT_EQ(*late[0].attribute("x"), "$V.");
  EXPECT_EQ(late[0].content, "$V.");
  EXPECT_EQ(late[0].children.at(0).content, "v.");
  // Texts of two bytes or less are never expanded.
  EXPECT_EQ(parse_ok("<var name=\"A\">long</var><m>$A</m>")[0].content, "$A");
  EXPECT_EQ(parse_ok("<var name=\"A\">long</var><m>$A </m>")[0].content, "long ");
  // The first definition wins; values are inserted without expanding them again.
  EXPECT_EQ(parse_ok("<var name=\"A\">one</var><var name=\"a\">two</var><m>$A.</m>")[0].content, "one.");
  EXPECT_EQ(parse_ok("<var name=\"A\">x</var><var name=\"B\">$A|y</var><m>$B.</m>")[0].content, "$A|y.");
  // Adjacent references; an empty value.
  EXPECT_EQ(parse_ok("<var name=\"A\">1</var><var name=\"E\"/><m>$A$A$E$A</m>")[0].content, "111");
  // A variable defined inside another element is global.
  EXPECT_EQ(parse_ok("<g><var name=\"A\">in</var></g><m>$A.</m>")[1].content, "in.");
}

TEST(AnalysisRulesetXml, VariableErrors) {
  EXPECT_EQ(parse_error("<var name=\"A\">1</var>\n<m>$B.</m>"), "t.xml:2: unknown variable '$B'");
  EXPECT_EQ(parse_error("<var name=\"A\">1</var>\n<m x=\"$B \"/>"), "t.xml:2: unknown variable '$B'");
  EXPECT_EQ(parse_error("<var name=\"A\">1</var><m>(\\d+$)</m>"), "t.xml:1: unknown variable '$)'");
  EXPECT_EQ(parse_error("<var>1</var>"), "t.xml:1: <var> needs 'name' as its first attribute");
  EXPECT_EQ(parse_error("<var id=\"A\">1</var>"), "t.xml:1: <var> needs 'name' as its first attribute");
  EXPECT_EQ(parse_error("<var name=\"A\"><b/></var>"), "t.xml:1: <var> cannot hold elements");
  EXPECT_EQ(parse_error("<var name=\"" + std::string(256, 'N') + "\">1</var>"), "t.xml:1: variable name too long");
  EXPECT_EQ(parse_ok("<var name=\"" + std::string(255, 'N') + "\">1</var><m>$" + std::string(255, 'N') + ".</m>")
                .at(0)
                .content,
            "1.");
  EXPECT_EQ(parse_error("<var name=\"A\">1</var><m>$" + std::string(256, 'N') + "</m>"),
            "t.xml:1: variable name too long");
}

TEST(AnalysisRulesetXml, ExpansionIsBoundedByTheInputSize) {
  const std::string value(kMaxRulesetXmlText, 'v');
  std::string text = "<var name=\"V\">" + value + "</var><m>";
  for (int i = 0; i < 2000; ++i) text += "$V ";
  text += "</m>";
  EXPECT_EQ(parse_error(text), "t.xml:1: variables expand to too much text");
}

TEST(AnalysisRulesetXml, ErrorsNameTheFile) {
  auto parsed = parse_ruleset_xml("\n\n<a>", "rules/local_rules.xml");
  ASSERT_FALSE(parsed);
  EXPECT_EQ(parsed.error().message, "rules/local_rules.xml:3: element <a> is not closed");
}

// Optional local check against Wazuh's own ruleset; CI has no /work/wazuh4.
TEST(AnalysisRulesetXml, ParsesTheWholeWazuhRuleset) {
  const char* override_dir = std::getenv("HERALD_WAZUH_SOURCE");
  const std::filesystem::path wazuh = override_dir != nullptr ? override_dir : "/work/wazuh4";
  if (!std::filesystem::is_directory(wazuh / "ruleset" / "rules")) GTEST_SKIP() << "no Wazuh source at " << wazuh;
  std::size_t rules = 0;
  std::size_t decoders = 0;
  std::size_t files = 0;
  for (const char* kind : {"rules", "decoders"}) {
    for (const auto& entry : std::filesystem::directory_iterator(wazuh / "ruleset" / kind)) {
      if (entry.path().extension() != ".xml") continue;
      std::ifstream in(entry.path(), std::ios::binary);
      std::stringstream buffer;
      buffer << in.rdbuf();
      auto parsed = parse_ruleset_xml(buffer.str(), entry.path().string());
      ASSERT_TRUE(parsed) << parsed.error().message;
      ++files;
      for (const XmlElement& root : *parsed) {
        if (root.name == "decoder") ++decoders;
        if (root.name != "group") continue;
        for (const XmlElement& child : root.children) rules += child.name == "rule" ? 1 : 0;
      }
    }
  }
  EXPECT_GT(files, 250u);
  EXPECT_GT(rules, 4400u);
  EXPECT_GT(decoders, 1400u);
  std::printf("Wazuh ruleset: %zu files, %zu rules, %zu decoders\n", files, rules, decoders);
}

}  // namespace
}  // namespace herald::analysis
