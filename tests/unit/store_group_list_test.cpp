// Agents' groups as one comma-separated column, in priority order.
#include "store/group_list.h"

#include <gtest/gtest.h>

namespace herald::store {
namespace {

using Groups = std::vector<std::string>;

TEST(StoreGroupList, SplitsInOrder) {
  EXPECT_EQ(split_group_list("default,web,db"), (Groups{"default", "web", "db"}));
  EXPECT_EQ(split_group_list("only"), (Groups{"only"}));
  EXPECT_EQ(split_group_list(""), Groups{});
}

TEST(StoreGroupList, SkipsEmptyItems) {
  EXPECT_EQ(split_group_list(","), Groups{});
  EXPECT_EQ(split_group_list(",a,,b,"), (Groups{"a", "b"}));
}

TEST(StoreGroupList, JoinsAndRoundTrips) {
  EXPECT_EQ(join_group_list({}), "");
  EXPECT_EQ(join_group_list({"a"}), "a");
  EXPECT_EQ(join_group_list({"z", "a", "m"}), "z,a,m");
  for (const Groups& groups : {Groups{}, Groups{"g"}, Groups{"z", "a", "m"}, Groups{"g.1", "g-2", "G_3"}}) {
    EXPECT_EQ(split_group_list(join_group_list(groups)), groups);
  }
}

}  // namespace
}  // namespace herald::store
