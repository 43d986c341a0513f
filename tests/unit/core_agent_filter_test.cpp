#include "core/agent_filter.h"
#include "core/field_limits.h"

#include <gtest/gtest.h>

namespace herald::core {
namespace {

const FilterCondition& leaf(const FilterNode& node) { return std::get<FilterCondition>(node); }
const FilterExpression& inner(const FilterNode& node) { return *std::get<std::shared_ptr<FilterExpression>>(node); }

TEST(AgentFilter, SingleCondition) {
  auto q = parse_agent_filter("name=web01");
  ASSERT_TRUE(q) << q.error().message;
  ASSERT_EQ(q->nodes.size(), 1u);
  EXPECT_EQ(leaf(q->nodes[0]).field, AgentField::name);
  EXPECT_EQ(leaf(q->nodes[0]).op, FilterOp::equal);
  EXPECT_EQ(leaf(q->nodes[0]).text, "web01");
}

TEST(AgentFilter, EveryOperator) {
  struct Case {
    const char* text;
    FilterOp op;
  } cases[] = {{"name=a", FilterOp::equal},
               {"name!=a", FilterOp::not_equal},
               {"name<a", FilterOp::less},
               {"name>a", FilterOp::greater},
               {"name~a", FilterOp::contains}};
  for (const auto& c : cases) {
    auto q = parse_agent_filter(c.text);
    ASSERT_TRUE(q) << c.text;
    EXPECT_EQ(leaf(q->nodes[0]).op, c.op) << c.text;
  }
}

TEST(AgentFilter, AndBindsTighterThanOr) {
  // a;b,c  ==  (a AND b) OR c
  auto q = parse_agent_filter("status=active;os.platform=Linux,name=web01");
  ASSERT_TRUE(q) << q.error().message;
  EXPECT_EQ(q->join, FilterExpression::Join::any);
  ASSERT_EQ(q->nodes.size(), 2u);
  const auto& all = inner(q->nodes[0]);
  EXPECT_EQ(all.join, FilterExpression::Join::all);
  ASSERT_EQ(all.nodes.size(), 2u);
  EXPECT_EQ(leaf(all.nodes[1]).field, AgentField::os_platform);
  EXPECT_EQ(leaf(q->nodes[1]).text, "web01");
}

TEST(AgentFilter, ParenthesesGroup) {
  auto q = parse_agent_filter("status=active;(name=a,name=b)");
  ASSERT_TRUE(q) << q.error().message;
  ASSERT_EQ(q->nodes.size(), 1u);
  const auto& all = inner(q->nodes[0]);
  ASSERT_EQ(all.nodes.size(), 2u);
  EXPECT_EQ(inner(all.nodes[1]).join, FilterExpression::Join::any);
}

TEST(AgentFilter, NumbersAndTimes) {
  auto q = parse_agent_filter("status_code=4;lastKeepAlive<2025-03-28T10:15:30Z;dateAdd>1700000000");
  ASSERT_TRUE(q) << q.error().message;
  const auto& all = inner(q->nodes[0]);
  EXPECT_EQ(leaf(all.nodes[0]).number, 4);
  EXPECT_EQ(leaf(all.nodes[1]).number, 1'743'156'930);
  EXPECT_EQ(leaf(all.nodes[2]).number, 1'700'000'000);
}

TEST(AgentFilter, ErrorsSayWhatAndWhere) {
  for (const char* bad : {"", "nosuchfield=1", "name", "name=a;", "(name=a", "name=a)", "status_code=abc",
                          "lastKeepAlive<yesterday", "=a", "name=a,,name=b"}) {
    auto q = parse_agent_filter(bad);
    EXPECT_FALSE(q) << bad;
    if (!q) {
      EXPECT_EQ(q.error().kind, ErrorKind::invalid_argument);
      EXPECT_NE(q.error().message.find("q"), std::string::npos) << q.error().message;
    }
  }
}

// Found by tests/fuzz/fuzz_agent_query: every '(' recursed, so a q of about a thousand '('
// (a fraction of what the 16 KiB header limit lets through) overflowed the stack.
TEST(AgentFilter, NestingIsBounded) {
  // As much as a request line may carry: an error, not a crash.
  EXPECT_FALSE(parse_agent_filter(std::string(16 * 1024, '(')));
  const auto nested = [](std::size_t depth) {
    return std::string(depth, '(') + "status=active" + std::string(depth, ')');
  };
  auto deepest = parse_agent_filter(nested(kMaxFilterDepth));
  ASSERT_TRUE(deepest) << deepest.error().message;

  auto too_deep = parse_agent_filter(nested(kMaxFilterDepth + 1));
  ASSERT_FALSE(too_deep);
  EXPECT_NE(too_deep.error().message.find("parentheses may nest at most"), std::string::npos) << too_deep.error().message;
}

TEST(AgentFilter, FieldNamesRoundTrip) {
  for (auto name : {"id", "name", "status", "os.platform", "lastKeepAlive", "group", "node_name"}) {
    auto field = parse_agent_field(name);
    ASSERT_TRUE(field) << name;
    EXPECT_EQ(agent_field_name(*field), name);
  }
  EXPECT_FALSE(parse_agent_field("key_hash"));  // never filterable
}

TEST(AgentSort, SignsAndFormEncodedPlus) {
  auto keys = parse_agent_sort("-lastKeepAlive, name,+id");
  ASSERT_TRUE(keys) << keys.error().message;
  ASSERT_EQ(keys->size(), 3u);
  EXPECT_TRUE((*keys)[0].descending);
  EXPECT_EQ((*keys)[0].field, AgentField::last_keepalive);
  EXPECT_FALSE((*keys)[1].descending);
  EXPECT_EQ((*keys)[1].field, AgentField::name);
  EXPECT_FALSE(parse_agent_sort("-key_hash"));
  EXPECT_FALSE(parse_agent_sort(""));
}

}  // namespace
}  // namespace herald::core
