// The texts an agent controls before and after decryption: the 1515 enrollment request (without
// and with a password), control messages, event lines and uname lines. Invariants: no crash or
// escaping exception; an accepted request has a valid name, syntactically valid distinct groups
// within the limit and a valid IP; a refusal is one "ERROR: " line.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_check.h"
#include "legacy/wire/control_message.h"
#include "legacy/wire/enrollment_request.h"

namespace {

using namespace herald::legacy::wire;

void check_enrollment(std::string_view text, const EnrollmentParseOptions& options) {
  const auto parsed = FUZZ_NO_THROW("parse_enrollment_request", parse_enrollment_request(text, options));
  if (!parsed.request) {
    FUZZ_CHECK(parsed.error.rfind("ERROR: ", 0) == 0, "a refusal starts with ERROR: ");
    return;
  }
  const EnrollmentRequest& request = *parsed.request;
  FUZZ_CHECK(parsed.error.empty(), "no error with a request");
  FUZZ_CHECK(is_valid_agent_name(request.name), "the name is valid");
  FUZZ_CHECK(request.groups.size() <= options.max_groups, "groups within the limit");
  for (std::size_t i = 0; i < request.groups.size(); ++i) {
    FUZZ_CHECK(group_name_error(request.groups[i]).empty(), "each group is valid");
    FUZZ_CHECK(std::count(request.groups.begin(), request.groups.end(), request.groups[i]) == 1, "groups distinct");
  }
  if (request.ip) FUZZ_CHECK(!request.use_source_ip, "ip and src exclude each other");
  if (request.key_hash) FUZZ_CHECK(request.key_hash->size() <= 40, "key hash bounded");
  FUZZ_CHECK(request.password == options.password, "the password is the expected one");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = herald::fuzz::as_text(data, size);
  EnrollmentParseOptions open;
  check_enrollment(text, open);
  EnrollmentParseOptions with_password;
  with_password.password = "s3cret";
  with_password.max_groups = 3;
  check_enrollment(text, with_password);

  const auto control = FUZZ_NO_THROW("parse_control", parse_control(text));
  if (control.kind == ControlMessage::Kind::keepalive && control.keepalive.merged_sum) {
    FUZZ_CHECK(*control.keepalive.merged_sum != "x", "x means no merged sum");
  }
  if (auto event = FUZZ_NO_THROW("parse_event", parse_event(text))) {
    FUZZ_CHECK(event->queue == text[0], "the queue is the first byte");
    (void)FUZZ_NO_THROW("relabelled_location", relabelled_location("001", "n", "any", event->location));
  }
  const auto os = FUZZ_NO_THROW("parse_uname", parse_uname(text));
  FUZZ_CHECK(os.os_uname.size() <= text.size(), "os_uname is a prefix");
  (void)FUZZ_NO_THROW("compare_versions", compare_versions(text, "v4.12.0"));
  return 0;
}
