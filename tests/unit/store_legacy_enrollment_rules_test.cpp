// The backend-independent rules of a 4.x enrollment: id format, K hash, replacement decisions.
#include "store/legacy_enrollment_rules.h"

#include <gtest/gtest.h>

namespace herald::store {
namespace {

constexpr std::int64_t kNow = 1'743'156'930;

EnrollmentCollision legacy_agent(std::string id, std::string status = "never_connected",
                                 std::int64_t date_add = kNow - 7200, std::int64_t disconnection_time = 0) {
  return {std::move(id), "web", std::string(64, 'a'), std::move(status), disconnection_time, date_add};
}

LegacyEnrollment request(std::int64_t now = kNow) {
  LegacyEnrollment enrollment;
  enrollment.name = "web";
  enrollment.now = now;
  return enrollment;
}

TEST(LegacyEnrollmentRules, IdsAreThreeDigitsAtLeast) {
  EXPECT_EQ(format_legacy_id(1), "001");
  EXPECT_EQ(format_legacy_id(42), "042");
  EXPECT_EQ(format_legacy_id(999), "999");
  EXPECT_EQ(format_legacy_id(1000), "1000");
  EXPECT_EQ(format_legacy_id(123456), "123456");
}

TEST(LegacyEnrollmentRules, TheKeyHashIsSha1HexOfIdNameAndKey) {
  // python3: hashlib.sha1(b"001real-c-agent-1" + b"0" * 63 + b"1").hexdigest()
  EXPECT_EQ(legacy_key_hash("001", "real-c-agent-1", std::string(63, '0') + "1"),
            "cf68f9295d9e04cab7edf2d5855225348187f291");
}

TEST(LegacyEnrollmentRules, AnAgentWithoutAKeyIsNeverReplaced) {
  auto agent = legacy_agent("001");
  agent.key.reset();
  auto enrollment = request();
  enrollment.replacement.disconnected_time_enabled = false;
  enrollment.replacement.after_registration_time_ms = 0;
  EXPECT_FALSE(may_replace(enrollment, agent));
  EXPECT_TRUE(may_replace(enrollment, legacy_agent("001")));
}

TEST(LegacyEnrollmentRules, DisconnectedTime) {
  auto enrollment = request();
  EXPECT_TRUE(may_replace(enrollment, legacy_agent("001")));  // never connected passes
  EXPECT_FALSE(may_replace(enrollment, legacy_agent("001", "active")));
  EXPECT_FALSE(may_replace(enrollment, legacy_agent("001", "pending")));
  EXPECT_FALSE(may_replace(enrollment, legacy_agent("001", "disconnected", kNow - 7200, 0)));  // no time: not disconnected
  EXPECT_FALSE(may_replace(enrollment, legacy_agent("001", "disconnected", kNow - 7200, kNow - 3599)));
  EXPECT_TRUE(may_replace(enrollment, legacy_agent("001", "disconnected", kNow - 7200, kNow - 3600)));
  enrollment.replacement.disconnected_time_enabled = false;
  EXPECT_TRUE(may_replace(enrollment, legacy_agent("001", "active")));
}

TEST(LegacyEnrollmentRules, RegistrationTime) {
  auto enrollment = request();
  EXPECT_FALSE(may_replace(enrollment, legacy_agent("001", "never_connected", kNow - 3599)));
  EXPECT_TRUE(may_replace(enrollment, legacy_agent("001", "never_connected", kNow - 3600)));
  enrollment.replacement.after_registration_time_ms = 0;  // off
  EXPECT_TRUE(may_replace(enrollment, legacy_agent("001", "never_connected", kNow)));
}

TEST(LegacyEnrollmentRules, KeyMismatch) {
  const auto agent = legacy_agent("001");
  auto enrollment = request();
  enrollment.key_hash = legacy_key_hash("001", "web", *agent.key);
  EXPECT_FALSE(may_replace(enrollment, agent));
  enrollment.replacement.key_mismatch = false;
  EXPECT_TRUE(may_replace(enrollment, agent));
  enrollment.replacement.key_mismatch = true;
  enrollment.key_hash = legacy_key_hash("001", "web", std::string(64, 'b'));
  EXPECT_TRUE(may_replace(enrollment, agent));
  enrollment.key_hash.reset();
  EXPECT_TRUE(may_replace(enrollment, agent));
  enrollment.replacement.enabled = false;
  EXPECT_FALSE(may_replace(enrollment, agent));
}

TEST(LegacyEnrollmentRules, PlanChecksTheIpFirstThenTheName) {
  auto enrollment = request();
  auto young = legacy_agent("002", "never_connected", kNow);
  auto plan = plan_legacy_enrollment(enrollment, {legacy_agent("001")}, {young});
  EXPECT_EQ(plan.refusal, LegacyEnrollmentOutcome::Kind::duplicate_name);
  EXPECT_TRUE(plan.replace.empty());
  plan = plan_legacy_enrollment(enrollment, {young}, {legacy_agent("001")});
  EXPECT_EQ(plan.refusal, LegacyEnrollmentOutcome::Kind::duplicate_ip);
  plan = plan_legacy_enrollment(enrollment, {legacy_agent("001")}, {legacy_agent("001"), legacy_agent("003")});
  EXPECT_FALSE(plan.refusal);
  EXPECT_EQ(plan.replace, (std::vector<std::string>{"001", "003"}));
  plan = plan_legacy_enrollment(enrollment, {}, {});
  EXPECT_FALSE(plan.refusal);
  EXPECT_TRUE(plan.replace.empty());
}

TEST(LegacyEnrollmentRules, SingleAddressesAndDistinctGroups) {
  EXPECT_TRUE(is_single_address("10.0.0.1"));
  EXPECT_TRUE(is_single_address("fe80::1"));
  EXPECT_FALSE(is_single_address("any"));
  EXPECT_FALSE(is_single_address(""));
  EXPECT_FALSE(is_single_address("10.0.0.0/8"));
  EXPECT_EQ(distinct_groups({"b", "a", "b", "c", "a"}), (std::vector<std::string>{"b", "a", "c"}));
}

}  // namespace
}  // namespace herald::store
