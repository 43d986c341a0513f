#include "store/legacy_enrollment_rules.h"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <memory>

namespace herald::store {

std::string format_legacy_id(std::int64_t number) {
  char buffer[24];
  std::snprintf(buffer, sizeof buffer, "%03lld", static_cast<long long>(number));
  return buffer;
}

std::string legacy_key_hash(std::string_view id, std::string_view name, std::string_view key) {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> context(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  if (!context || EVP_DigestInit_ex(context.get(), EVP_sha1(), nullptr) != 1 ||
      EVP_DigestUpdate(context.get(), id.data(), id.size()) != 1 ||
      EVP_DigestUpdate(context.get(), name.data(), name.size()) != 1 ||
      EVP_DigestUpdate(context.get(), key.data(), key.size()) != 1 ||
      EVP_DigestFinal_ex(context.get(), digest, &length) != 1) {
    return "";  // matches no K an agent sends
  }
  std::string hex;
  char buffer[3];
  for (unsigned int i = 0; i < length; ++i) {
    std::snprintf(buffer, sizeof buffer, "%02x", digest[i]);
    hex += buffer;
  }
  return hex;
}

bool may_replace(const LegacyEnrollment& enrollment, const EnrollmentCollision& agent) {
  const auto& policy = enrollment.replacement;
  if (!agent.key || !policy.enabled) return false;
  if (policy.disconnected_time_enabled && agent.connection_status != "never_connected") {
    // Upstream reads an active agent as one whose disconnection_time is 0 ("not disconnected").
    if (agent.connection_status != "disconnected" || agent.disconnection_time <= 0) return false;
    if ((enrollment.now - agent.disconnection_time) * 1000 < policy.disconnected_time_ms) return false;
  }
  if (policy.after_registration_time_ms > 0 &&
      (enrollment.now - agent.date_add) * 1000 < policy.after_registration_time_ms) {
    return false;
  }
  // An agent that already holds this very key should just connect with it.
  if (policy.key_mismatch && enrollment.key_hash &&
      *enrollment.key_hash == legacy_key_hash(agent.id, agent.name, *agent.key)) {
    return false;
  }
  return true;
}

EnrollmentPlan plan_legacy_enrollment(const LegacyEnrollment& enrollment,
                                      const std::vector<EnrollmentCollision>& same_ip,
                                      const std::vector<EnrollmentCollision>& same_name) {
  EnrollmentPlan plan;
  auto refuse = [&](LegacyEnrollmentOutcome::Kind kind) {
    plan.refusal = kind;
    plan.replace.clear();
    return plan;
  };
  for (const auto& agent : same_ip) {
    if (!may_replace(enrollment, agent)) return refuse(LegacyEnrollmentOutcome::Kind::duplicate_ip);
    plan.replace.push_back(agent.id);
  }
  for (const auto& agent : same_name) {
    if (std::find(plan.replace.begin(), plan.replace.end(), agent.id) != plan.replace.end()) continue;
    if (!may_replace(enrollment, agent)) return refuse(LegacyEnrollmentOutcome::Kind::duplicate_name);
    plan.replace.push_back(agent.id);
  }
  return plan;
}

bool is_single_address(std::string_view ip) {
  return !ip.empty() && ip != "any" && ip.find('/') == std::string_view::npos;
}

std::vector<std::string> distinct_groups(const std::vector<std::string>& groups) {
  std::vector<std::string> distinct;
  for (const auto& group : groups) {
    if (std::find(distinct.begin(), distinct.end(), group) == distinct.end()) distinct.push_back(group);
  }
  return distinct;
}

}  // namespace herald::store
