// The event model: static field names and Wazuh's alias, what setting a field twice does,
// dynamic fields (order, duplicates, case-insensitive lookup, the limit), the JSON decoder's own
// key names, and reuse through reset().
#include <gtest/gtest.h>

#include <string>

#include "analysis/event.h"

namespace herald::analysis {
namespace {

TEST(AnalysisEvent, OrderNamesMapToStaticFields) {
  EXPECT_EQ(static_field_from_name("srcip"), StaticField::srcip);
  EXPECT_EQ(static_field_from_name("dstip"), StaticField::dstip);
  EXPECT_EQ(static_field_from_name("srcport"), StaticField::srcport);
  EXPECT_EQ(static_field_from_name("dstport"), StaticField::dstport);
  EXPECT_EQ(static_field_from_name("protocol"), StaticField::protocol);
  EXPECT_EQ(static_field_from_name("action"), StaticField::action);
  EXPECT_EQ(static_field_from_name("srcuser"), StaticField::srcuser);
  EXPECT_EQ(static_field_from_name("dstuser"), StaticField::dstuser);
  EXPECT_EQ(static_field_from_name("user"), StaticField::dstuser);  // Wazuh's alias
  EXPECT_EQ(static_field_from_name("id"), StaticField::id);
  EXPECT_EQ(static_field_from_name("status"), StaticField::status);
  EXPECT_EQ(static_field_from_name("url"), StaticField::url);
  EXPECT_EQ(static_field_from_name("data"), StaticField::data);
  EXPECT_EQ(static_field_from_name("extra_data"), StaticField::extra_data);
  EXPECT_EQ(static_field_from_name("system_name"), StaticField::system_name);
  // Case matters in <order>, and geoip fields are not order names.
  EXPECT_EQ(static_field_from_name("SrcIP"), std::nullopt);
  EXPECT_EQ(static_field_from_name("srcgeoip"), std::nullopt);
  EXPECT_EQ(static_field_from_name("systemname"), std::nullopt);
  EXPECT_EQ(static_field_from_name(""), std::nullopt);
}

TEST(AnalysisEvent, CanonicalNamesRoundTrip) {
  for (std::size_t i = 0; i < kStaticFieldCount; ++i) {
    const auto field = static_cast<StaticField>(i);
    const auto name = static_field_name(field);
    EXPECT_FALSE(name.empty());
    if (field != StaticField::srcgeoip && field != StaticField::dstgeoip) {
      EXPECT_EQ(static_field_from_name(name), field) << name;
    }
  }
  EXPECT_EQ(static_field_name(StaticField::system_name), "system_name");
  EXPECT_EQ(static_field_name(StaticField::dstgeoip), "dstgeoip");
}

TEST(AnalysisEvent, RuleFieldNamesThatAreStatic) {
  EXPECT_TRUE(is_static_field_name("srcip"));
  EXPECT_TRUE(is_static_field_name("USER"));
  EXPECT_TRUE(is_static_field_name("SrcGeoIP"));
  EXPECT_TRUE(is_static_field_name("system_name"));
  EXPECT_FALSE(is_static_field_name("systemname"));
  EXPECT_FALSE(is_static_field_name("program_name"));
  EXPECT_FALSE(is_static_field_name("audit.key"));
}

TEST(AnalysisEvent, AStaticFieldKeepsItsLastValue) {
  Event event;
  EXPECT_EQ(event.static_field(StaticField::srcip), std::nullopt);
  EXPECT_TRUE(event.set_field("srcip", "10.0.0.1"));
  EXPECT_TRUE(event.set_field("srcip", "10.0.0.2"));
  EXPECT_EQ(event.static_field(StaticField::srcip), "10.0.0.2");
  EXPECT_EQ(event.field("srcip"), "10.0.0.2");
  EXPECT_TRUE(event.dynamic_fields().empty());

  EXPECT_TRUE(event.set_field("user", "root"));
  EXPECT_EQ(event.static_field(StaticField::dstuser), "root");
  EXPECT_EQ(event.field("dstuser"), "root");
  EXPECT_EQ(event.field("user"), "root");

  event.clear_static_field(StaticField::srcip);
  EXPECT_EQ(event.field("srcip"), std::nullopt);
}

TEST(AnalysisEvent, AnEmptyValueIsPresent) {
  Event event;
  event.set_static_field(StaticField::url, "");
  ASSERT_TRUE(event.static_field(StaticField::url).has_value());
  EXPECT_EQ(*event.static_field(StaticField::url), "");
  ASSERT_TRUE(event.append_field("empty", ""));
  EXPECT_EQ(event.dynamic_field("empty"), "");
}

TEST(AnalysisEvent, DynamicFieldsKeepEveryValueAndLookupsSeeTheFirst) {
  Event event;
  EXPECT_TRUE(event.set_field("audit.key", "first"));
  EXPECT_TRUE(event.set_field("audit.type", "SYSCALL"));
  EXPECT_TRUE(event.set_field("audit.key", "second"));
  ASSERT_EQ(event.dynamic_fields().size(), 3u);
  EXPECT_EQ(event.dynamic_fields()[0].name, "audit.key");
  EXPECT_EQ(event.dynamic_fields()[1].name, "audit.type");
  EXPECT_EQ(event.dynamic_fields()[2].value, "second");
  EXPECT_EQ(event.dynamic_field("audit.key"), "first");
  EXPECT_EQ(event.dynamic_field("AUDIT.Key"), "first");  // FindField ignores case
  EXPECT_EQ(event.field("Audit.Type"), "SYSCALL");
  EXPECT_EQ(event.dynamic_field("audit"), std::nullopt);
  // A dynamic field named like a static one in another case stays dynamic.
  EXPECT_TRUE(event.set_field("SrcIP", "1.1.1.1"));
  EXPECT_EQ(event.static_field(StaticField::srcip), std::nullopt);
  EXPECT_EQ(event.dynamic_field("srcip"), "1.1.1.1");
}

TEST(AnalysisEvent, DynamicFieldsStopAtTheLimit) {
  Event event(2);
  EXPECT_TRUE(event.append_field("a", "1"));
  EXPECT_TRUE(event.append_field("b", "2"));
  EXPECT_FALSE(event.append_field("c", "3"));
  EXPECT_FALSE(event.set_field("c", "3"));
  EXPECT_TRUE(event.set_field("srcip", "1.2.3.4"));  // static fields are not counted
  EXPECT_EQ(event.dynamic_fields().size(), 2u);
  EXPECT_EQ(event.dynamic_field("c"), std::nullopt);
}

TEST(AnalysisEvent, JsonKeysUseTheJsonDecodersNames) {
  Event event;
  EXPECT_EQ(json_key_static_field("systemname", event), StaticField::system_name);
  EXPECT_EQ(json_key_static_field("system_name", event), std::nullopt);
  EXPECT_EQ(json_key_static_field("srcip", event), StaticField::srcip);
  EXPECT_EQ(json_key_static_field("extra_data", event), StaticField::extra_data);
  // "user" fills dstuser only while dstuser is unset or empty.
  EXPECT_EQ(json_key_static_field("user", event), StaticField::dstuser);
  event.set_static_field(StaticField::dstuser, "");
  EXPECT_EQ(json_key_static_field("user", event), StaticField::dstuser);
  event.set_static_field(StaticField::dstuser, "alice");
  EXPECT_EQ(json_key_static_field("user", event), std::nullopt);
  EXPECT_EQ(json_key_static_field("dstuser", event), StaticField::dstuser);
}

TEST(AnalysisEvent, LogIsAClampedPartOfFullLog) {
  Event event;
  event.full_log = "header: message";
  event.set_log(8, 100);
  EXPECT_EQ(event.log(), "message");
  EXPECT_EQ(event.log_offset(), 8u);
  event.set_log(100, 5);
  EXPECT_EQ(event.log(), "");
  event.set_log(0, 6);
  EXPECT_EQ(event.log(), "header");
}

TEST(AnalysisEvent, OptionalText) {
  OptionalText text;
  EXPECT_FALSE(text.has_value());
  EXPECT_EQ(text.get(), std::nullopt);
  EXPECT_EQ(text.view(), "");
  text.assign("x");
  EXPECT_EQ(text.get(), "x");
  text.reset();
  EXPECT_FALSE(text.has_value());
}

TEST(AnalysisEvent, ResetEmptiesEverythingAndKeepsBuffers) {
  Event event;
  const std::string long_text(4096, 'x');
  event.queue = '1';
  event.agent_id = "001";
  event.agent_name = "web1";
  event.agent_ip = "any";
  event.location = long_text;
  event.full_log = long_text;
  event.timestamp.assign("Dec 29 10:00:01");
  event.header_hostname.assign("h");
  event.hostname.assign("h");
  event.program_name.assign("sshd");
  event.pid.assign("1");
  event.set_log(3, 10);
  event.decoder_name = "sshd";
  event.parent_decoder_name = "parent";
  event.set_field("srcip", long_text);
  for (int i = 0; i < 10; ++i) event.append_field("field" + std::to_string(i), long_text);
  const auto location_capacity = event.location.capacity();
  const auto first_value = event.dynamic_fields()[0].value.data();

  event.reset();
  EXPECT_EQ(event.queue, 0);
  EXPECT_TRUE(event.agent_id.empty());
  EXPECT_TRUE(event.agent_name.empty());
  EXPECT_TRUE(event.agent_ip.empty());
  EXPECT_TRUE(event.location.empty());
  EXPECT_TRUE(event.full_log.empty());
  EXPECT_FALSE(event.timestamp.has_value());
  EXPECT_FALSE(event.header_hostname.has_value());
  EXPECT_FALSE(event.hostname.has_value());
  EXPECT_FALSE(event.program_name.has_value());
  EXPECT_FALSE(event.pid.has_value());
  EXPECT_EQ(event.log(), "");
  EXPECT_EQ(event.log_offset(), 0u);
  EXPECT_TRUE(event.decoder_name.empty());
  EXPECT_TRUE(event.parent_decoder_name.empty());
  EXPECT_EQ(event.field("srcip"), std::nullopt);
  EXPECT_TRUE(event.dynamic_fields().empty());
  EXPECT_EQ(event.dynamic_field("field0"), std::nullopt);
  EXPECT_EQ(event.location.capacity(), location_capacity);

  // The next event reuses the dynamic slots' buffers.
  event.append_field("again", "short");
  EXPECT_EQ(event.dynamic_fields()[0].value.data(), first_value);
  EXPECT_EQ(event.dynamic_field("again"), "short");
}

}  // namespace
}  // namespace herald::analysis
