// Wazuh's JSON_Decoder plugin: flattening, static names, number and array texts, null and array
// options, and the cJSON reading rules the fields depend on.
#include "analysis/json_decoder.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

#include "analysis/decoder_json_text.h"
#include "analysis/event.h"

namespace herald::analysis {
namespace {

using Fields = std::vector<std::pair<std::string, std::string>>;

Fields dynamic(const Event& event) {
  Fields fields;
  for (const DynamicField& field : event.dynamic_fields()) fields.emplace_back(field.name, field.value);
  return fields;
}

Fields decode(std::string_view input, JsonDecodeOptions options = {}) {
  Event event;
  JsonDocument scratch;
  decode_json(input, options, event, scratch);
  return dynamic(event);
}

std::string one(std::string_view input, JsonDecodeOptions options = {}) {
  const Fields fields = decode(input, options);
  if (fields.size() != 1) return "<" + std::to_string(fields.size()) + " fields>";
  return fields[0].second;
}

TEST(AnalysisJsonDecoder, FlattensNestedObjectsIntoDottedNamesInDocumentOrder) {
  EXPECT_EQ(decode(R"({"a":"1","b":{"c":"2","d":{"e":"3"}},"f":"4"})"),
            (Fields{{"a", "1"}, {"b.c", "2"}, {"b.d.e", "3"}, {"f", "4"}}));
  EXPECT_EQ(decode(R"({"a":{}})"), Fields{});
  // Duplicate keys are all kept, in order.
  EXPECT_EQ(decode(R"({"k":"1","k":"2"})"), (Fields{{"k", "1"}, {"k", "2"}}));
  // An empty key is a name too.
  EXPECT_EQ(decode(R"({"":"x","":{"a":"y"}})"), (Fields{{"", "x"}, {".a", "y"}}));
}

TEST(AnalysisJsonDecoder, OnlyAnObjectRootDecodes) {
  EXPECT_TRUE(decode(R"(["a","b"])").empty());
  EXPECT_TRUE(decode(R"("text")").empty());
  EXPECT_TRUE(decode("42").empty());
}

TEST(AnalysisJsonDecoder, StaticNamesAtTheTopFillStaticFields) {
  Event event;
  JsonDocument scratch;
  decode_json(R"({"srcip":"1.2.3.4","dstip":"5.6.7.8","srcport":"1","dstport":"2","protocol":"tcp",)"
              R"("action":"drop","srcuser":"a","dstuser":"b","id":"7","status":"ok","url":"/x","data":"d",)"
              R"("extra_data":"e","systemname":"s","system_name":"dyn","nested":{"srcip":"9.9.9.9"}})",
              {}, event, scratch);
  EXPECT_EQ(event.static_field(StaticField::srcip), "1.2.3.4");
  EXPECT_EQ(event.static_field(StaticField::dstip), "5.6.7.8");
  EXPECT_EQ(event.static_field(StaticField::srcport), "1");
  EXPECT_EQ(event.static_field(StaticField::dstport), "2");
  EXPECT_EQ(event.static_field(StaticField::protocol), "tcp");
  EXPECT_EQ(event.static_field(StaticField::action), "drop");
  EXPECT_EQ(event.static_field(StaticField::srcuser), "a");
  EXPECT_EQ(event.static_field(StaticField::dstuser), "b");
  EXPECT_EQ(event.static_field(StaticField::id), "7");
  EXPECT_EQ(event.static_field(StaticField::status), "ok");
  EXPECT_EQ(event.static_field(StaticField::url), "/x");
  EXPECT_EQ(event.static_field(StaticField::data), "d");
  EXPECT_EQ(event.static_field(StaticField::extra_data), "e");
  // The JSON decoder says "systemname"; "system_name" and nested names stay dynamic.
  EXPECT_EQ(event.static_field(StaticField::system_name), "s");
  EXPECT_EQ(dynamic(event), (Fields{{"system_name", "dyn"}, {"nested.srcip", "9.9.9.9"}}));
}

TEST(AnalysisJsonDecoder, StaticNamesCompareWithCaseAndTheLastValueWins) {
  Event event;
  JsonDocument scratch;
  decode_json(R"({"SrcIP":"1","srcip":"2","srcip":"3"})", {}, event, scratch);
  EXPECT_EQ(event.static_field(StaticField::srcip), "3");
  EXPECT_EQ(dynamic(event), (Fields{{"SrcIP", "1"}}));
}

TEST(AnalysisJsonDecoder, UserFillsDstuserOnlyWhileItIsUnsetOrEmpty) {
  {
    Event event;
    JsonDocument scratch;
    decode_json(R"({"user":"alice","user":"bob"})", {}, event, scratch);
    EXPECT_EQ(event.static_field(StaticField::dstuser), "alice");
    EXPECT_EQ(dynamic(event), (Fields{{"user", "bob"}}));
  }
  {
    Event event;
    JsonDocument scratch;
    decode_json(R"({"dstuser":"","user":"carol"})", {}, event, scratch);
    EXPECT_EQ(event.static_field(StaticField::dstuser), "carol");
    EXPECT_TRUE(dynamic(event).empty());
  }
  {
    // dstuser always replaces, even a value that came from "user".
    Event event;
    JsonDocument scratch;
    decode_json(R"({"user":"alice","dstuser":"dave"})", {}, event, scratch);
    EXPECT_EQ(event.static_field(StaticField::dstuser), "dave");
  }
}

TEST(AnalysisJsonDecoder, NumbersPrintAsWazuhPrintsThem) {
  EXPECT_EQ(one(R"({"n":1})"), "1");
  EXPECT_EQ(one(R"({"n":-5})"), "-5");
  EXPECT_EQ(one(R"({"n":1.0})"), "1");
  EXPECT_EQ(one(R"({"n":-0.0})"), "0");
  EXPECT_EQ(one(R"({"n":1.5})"), "1.500000");
  EXPECT_EQ(one(R"({"n":1e-7})"), "0.000000");
  EXPECT_EQ(one(R"({"n":2147483647})"), "2147483647");
  // Beyond int the integer view saturates, so "%f" prints it.
  EXPECT_EQ(one(R"({"n":3000000000})"), "3000000000.000000");
  EXPECT_EQ(one(R"({"n":-2147483648})"), "-2147483648");
  EXPECT_EQ(one(R"({"n":1e400})"), "inf");
  // "%f" of 1e300 has 308 characters; Wazuh's buffer keeps 63.
  EXPECT_EQ(one(R"({"n":1e300})"), std::string("100000000000000005250476025520442024870446858110815915491585411"));
  EXPECT_EQ(one(R"({"n":1E2})"), "100");
  EXPECT_EQ(one(R"({"n":012})"), "12");
}

TEST(AnalysisJsonDecoder, BooleansAndNulls) {
  EXPECT_EQ(decode(R"({"t":true,"f":false,"z":null})"), (Fields{{"t", "true"}, {"f", "false"}, {"z", "null"}}));
  EXPECT_EQ(decode(R"({"t":true,"z":null})", {JsonNullField::discard, JsonArrayStructure::array}),
            (Fields{{"t", "true"}}));
}

TEST(AnalysisJsonDecoder, ArraysPrintAsCJsonPrintsThemByDefault) {
  EXPECT_EQ(one(R"({"a":[1,"x",true,false,null]})"), R"([1, "x", true, false, null])");
  EXPECT_EQ(one(R"({"a":[]})"), "[]");
  EXPECT_EQ(one(R"({"a":[[1,2],[]]})"), "[[1, 2], []]");
  EXPECT_EQ(one(R"({"a":[1.5,0.1,1e300,3000000000,1e400]})"), "[1.5, 0.1, 1e+300, 3000000000, null]");
  EXPECT_EQ(one(R"({"a":[{"k":1,"j":{"x":"y"}},{}]})"), "[{\n\t\t\"k\":\t1,\n\t\t\"j\":\t{\n\t\t\t\"x\":\t\"y\"\n\t\t}\n\t}, {\n\t}]");
  // Strings are escaped again, control characters as \u00XX; other bytes stay raw.
  EXPECT_EQ(one("{\"a\":[\"q\\\"b\\\\s\\/\\t\\n\x01\xC3\xA9\"]}"), "[\"q\\\"b\\\\s/\\t\\n\\u0001\xC3\xA9\"]");
  // Nested arrays are not descended into: objects in them give no fields of their own.
  EXPECT_EQ(decode(R"({"a":[{"b":"c"}]})").size(), 1u);
}

TEST(AnalysisJsonDecoder, CsvArraysJoinScalarsAndSkipContainers) {
  const JsonDecodeOptions csv{JsonNullField::string, JsonArrayStructure::csv};
  EXPECT_EQ(one(R"({"a":["x",1,null,true,false,{"o":1},[2],"y"]})", csv), "x,1,null,true,false,y");
  EXPECT_EQ(one(R"({"a":[1.5,-2]})", csv), "1.500000,-2");
  // The comma goes in when another item follows, even one that is then skipped.
  EXPECT_EQ(one(R"({"a":[1,{}]})", csv), "1,");
  EXPECT_EQ(one(R"({"a":[{},1]})", csv), "1");
  // An empty text gives no field.
  EXPECT_TRUE(decode(R"({"a":[]})", csv).empty());
  EXPECT_TRUE(decode(R"({"a":[{},[]]})", csv).empty());
  // A number cut to 63 characters ends what Wazuh's buffer shows.
  EXPECT_EQ(one(R"({"a":["p",1e300,"q"]})", csv), "p,100000000000000005250476025520442024870446858110815915491585411");
}

TEST(AnalysisJsonDecoder, CsvArraysReachingWazuhsBufferAreDropped) {
  const JsonDecodeOptions csv{JsonNullField::string, JsonArrayStructure::csv};
  const std::string big(65535, 'x');
  EXPECT_TRUE(decode(R"({"a":[")" + big + R"("]})", csv).empty());
  const std::string fits(65534, 'x');
  EXPECT_EQ(one(R"({"a":[")" + fits + R"("]})", csv), fits);
}

TEST(AnalysisJsonDecoder, ReadsAsCJsonDoes) {
  // Anything after the first value is ignored; a byte order mark is skipped.
  EXPECT_EQ(decode(R"({"a":"1"} trailing {"b":2})"), (Fields{{"a", "1"}}));
  EXPECT_EQ(decode("\xEF\xBB\xBF{\"a\":\"1\"}"), (Fields{{"a", "1"}}));
  // Every byte up to 0x20 is white space.
  EXPECT_EQ(decode("\x01{\x02\"a\"\x03:\x1f\"1\"\n}"), (Fields{{"a", "1"}}));
  // Malformed documents decode nothing.
  for (const char* bad : {R"({"a":1,})", R"({"a" 1})", R"({a:1})", R"({"a":[1,]})", R"({"a":tru})", R"({"a":"x)",
                          R"({"a":"\q"})", R"({"a":-})", R"({"a":+1})", "", "{"}) {
    EXPECT_TRUE(decode(bad).empty()) << bad;
  }
  // The text ends at its first NUL.
  EXPECT_TRUE(decode(std::string_view("{\"a\":\0\"1\"}", 10)).empty());
}

TEST(AnalysisJsonDecoder, StringEscapes) {
  EXPECT_EQ(one(R"({"a":"\u00e9\u20ac"})"), "\xC3\xA9\xE2\x82\xAC");
  EXPECT_EQ(one(R"({"a":"\ud83d\ude00"})"), "\xF0\x9F\x98\x80");
  EXPECT_EQ(one(R"({"a":"\b\f\n\r\t\"\\\/"})"), "\b\f\n\r\t\"\\/");
  // Raw control bytes and invalid UTF-8 are kept.
  EXPECT_EQ(one("{\"a\":\"\x01\xff\"}"), "\x01\xff");
  // Surrogates must pair up.
  EXPECT_TRUE(decode(R"({"a":"\ude00"})").empty());
  EXPECT_TRUE(decode(R"({"a":"\ud83d"})").empty());
  EXPECT_TRUE(decode(R"({"a":"\ud83dx"})").empty());
  EXPECT_TRUE(decode(R"({"a":"\u12"})").empty());
  // A non-hex digit reads as code point 0, which ends the C string; the rest is still checked.
  EXPECT_EQ(one(R"({"a":"ab\u00zzcd"})"), "ab");
  EXPECT_EQ(one(R"({"a":"ab\u0000cd"})"), "ab");
  EXPECT_TRUE(decode(R"({"a":"ab\u0000\q"})").empty());
  EXPECT_EQ(decode(R"({"k\u0000ey":"v"})"), (Fields{{"k", "v"}}));
}

TEST(AnalysisJsonDecoder, NestingIsLimitedAsInCJson) {
  auto nested = [](int depth) {
    std::string text;
    for (int i = 0; i < depth; ++i) text += "{\"a\":";
    text += "\"x\"";
    for (int i = 0; i < depth; ++i) text += "}";
    return text;
  };
  const Fields deepest = decode(nested(kMaxJsonNesting));
  ASSERT_EQ(deepest.size(), 1u);
  EXPECT_EQ(deepest[0].first.size(), 2u * kMaxJsonNesting - 1);
  EXPECT_TRUE(decode(nested(kMaxJsonNesting + 1)).empty());
  std::string arrays = "{\"a\":" + std::string(kMaxJsonNesting - 1, '[') + std::string(kMaxJsonNesting - 1, ']') + "}";
  EXPECT_EQ(decode(arrays).size(), 1u);
  arrays = "{\"a\":" + std::string(kMaxJsonNesting, '[') + std::string(kMaxJsonNesting, ']') + "}";
  EXPECT_TRUE(decode(arrays).empty());
}

TEST(AnalysisJsonDecoder, DynamicFieldsStopAtTheEventsLimit) {
  std::string text = "{";
  for (int i = 0; i < 300; ++i) text += (i ? "," : "") + std::string("\"k") + std::to_string(i) + "\":" + std::to_string(i);
  text += ",\"srcip\":\"1.1.1.1\"}";
  Event event;
  JsonDocument scratch;
  decode_json(text, {}, event, scratch);
  EXPECT_EQ(event.dynamic_fields().size(), Event::kDefaultMaxDynamicFields);
  // Static fields are not counted.
  EXPECT_EQ(event.static_field(StaticField::srcip), "1.1.1.1");
}

TEST(AnalysisJsonDecoder, ArrayTextsPastTheLimitAreDropped) {
  // Each object level indents every line below it, so deep objects print far larger than
  // they are written: past kMaxJsonArrayText the field is dropped.
  auto array_of_deep_objects = [](int count) {
    std::string deep;
    for (int i = 0; i < 900; ++i) deep += "{\"b\":";
    deep += "1";
    deep += std::string(900, '}');
    std::string text = "{\"a\":[";
    for (int i = 0; i < count; ++i) text += (i ? "," : "") + deep;
    return text + "]}";
  };
  const Fields one_deep = decode(array_of_deep_objects(1));
  ASSERT_EQ(one_deep.size(), 1u);
  EXPECT_GT(one_deep[0].second.size(), 800'000u);
  EXPECT_LE(one_deep[0].second.size(), kMaxJsonArrayText);
  EXPECT_TRUE(decode(array_of_deep_objects(2)).empty());
}

TEST(AnalysisJsonDecoder, ScratchIsReusable) {
  Event event;
  JsonDocument scratch;
  decode_json(R"({"a":"1"})", {}, event, scratch);
  decode_json("not json", {}, event, scratch);
  decode_json(R"({"b":"2"})", {}, event, scratch);
  EXPECT_EQ(dynamic(event), (Fields{{"a", "1"}, {"b", "2"}}));
}

}  // namespace
}  // namespace herald::analysis
