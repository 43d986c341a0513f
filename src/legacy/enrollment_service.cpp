#include "legacy/enrollment_service.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fstream>

#include "auth/secrets.h"
#include "legacy/wire/enrollment_request.h"

namespace herald::legacy {

namespace {

std::string error_reply(std::string_view reason) { return "ERROR: " + std::string(reason); }

}  // namespace

EnrollmentService::EnrollmentService(store::Store& store, const core::Clock& clock, const EnrollmentOptions& options,
                                     std::optional<std::string> password, std::string manager_hostname,
                                     std::string node_name)
    : store_(store),
      clock_(clock),
      options_(options),
      password_(std::move(password)),
      manager_hostname_(std::move(manager_hostname)),
      node_name_(std::move(node_name)) {}

EnrollmentDecision EnrollmentService::decide(std::string_view request_text, const std::string& source_address) {
  EnrollmentDecision decision;
  auto parsed = wire::parse_enrollment_request(request_text, {password_, options_.max_groups});
  if (!parsed.request) {
    decision.reply = parsed.error;
    return decision;
  }
  auto& request = *parsed.request;
  decision.agent_name = request.name;
  if (!manager_hostname_.empty() && request.name == manager_hostname_) {
    decision.reply = error_reply("Invalid agent name: " + request.name);
    return decision;
  }
  if (request.version && !options_.max_agent_version.empty()) {
    auto order = wire::compare_versions(*request.version, options_.max_agent_version);
    if (order && *order > 0) {
      decision.reply = error_reply("Agent version must be lower or equal to manager version");
      return decision;
    }
  }

  store::LegacyEnrollment enrollment;
  enrollment.groups = request.groups;
  for (const auto& group : enrollment.groups) {
    auto exists = store_.group_exists(group);
    if (!exists) {
      decision.store_failed = true;
      decision.reply = error_reply("Internal manager error adding agent: " + request.name);
      return decision;
    }
    if (!*exists) {
      decision.reply = error_reply("Invalid group: " + group);
      return decision;
    }
  }
  if (enrollment.groups.empty()) {
    // Wazuh puts every agent that names no group in `default`; so does Herald when it exists.
    if (auto exists = store_.group_exists("default"); exists && *exists) enrollment.groups.push_back("default");
  }
  if (request.ip) {
    enrollment.ip = *request.ip;
  } else if (request.use_source_ip || options_.use_source_ip) {
    enrollment.ip = source_address;
  } else {
    enrollment.ip = "any";
  }
  enrollment.name = request.name;
  enrollment.version = request.version.value_or("");
  enrollment.key_hash = request.key_hash;
  enrollment.key = auth::random_hex(32);
  enrollment.now = clock_.now_seconds();
  enrollment.node_name = node_name_;
  enrollment.replacement = options_.replacement;

  auto outcome = store_.enroll_legacy_agent(enrollment);
  if (!outcome) {
    if (outcome.error().kind == core::ErrorKind::not_found) {
      decision.reply = error_reply("Invalid group: " + outcome.error().message);
    } else {
      decision.store_failed = true;
      decision.reply = error_reply("Internal manager error adding agent: " + request.name);
    }
    return decision;
  }
  switch (outcome->kind) {
    case store::LegacyEnrollmentOutcome::Kind::duplicate_name:
      decision.reply = error_reply("Duplicate agent name: " + request.name);
      return decision;
    case store::LegacyEnrollmentOutcome::Kind::duplicate_ip:
      decision.reply = error_reply("Duplicate IP: " + enrollment.ip);
      return decision;
    case store::LegacyEnrollmentOutcome::Kind::enrolled: break;
  }
  decision.enrolled = true;
  decision.key = outcome->key;
  decision.replaced_ids = outcome->replaced_ids;
  decision.reply = wire::enrollment_success(outcome->key.id, outcome->key.name, outcome->key.ip, outcome->key.key);
  return decision;
}

core::Result<std::string> load_or_create_enrollment_password(const EnrollmentOptions& options) {
  auto usable = [](const std::string& password) -> core::Result<std::string> {
    if (password.size() <= 2) return core::invalid_argument("the enrollment password must be longer than 2 characters");
    return password;
  };
  if (!options.password.empty()) return usable(options.password);
  std::ifstream in(options.password_file);
  if (in) {
    std::string line;
    std::getline(in, line);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    auto password = usable(line);
    if (!password) return core::invalid_argument(options.password_file + ": " + password.error().message);
    return password;
  }
  // Like authd: no password file means a random password, kept in that file for the operator
  // (and the agents' authorization_pass_path) to read; never logged.
  auto password = auth::random_hex(16);
  int fd = ::open(options.password_file.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd < 0) return core::unavailable("cannot create " + options.password_file + ": " + std::strerror(errno));
  const std::string content = password + "\n";
  const bool written = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ::close(fd);
  if (!written) return core::unavailable("cannot write " + options.password_file);
  return password;
}

}  // namespace herald::legacy
