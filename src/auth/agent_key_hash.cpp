#include "auth/agent_key_hash.h"

#include <optional>

#include "auth/secrets.h"

namespace herald::auth {
namespace {

constexpr std::string_view kPrefix = "sha256$";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kDigestBytes = 32;

std::string salted_digest(std::string_view salt, std::string_view key) {
  std::string input;
  input.reserve(salt.size() + key.size());
  input.append(salt);
  input.append(key);
  return sha256(input);
}

}  // namespace

std::string hash_agent_key(std::string_view key) {
  const std::string salt = random_bytes(kSaltBytes);
  std::string encoded(kPrefix);
  encoded += base64_encode(salt);
  encoded += '$';
  encoded += base64_encode(salted_digest(salt, key));
  return encoded;
}

bool verify_agent_key(std::string_view key, std::string_view encoded) {
  if (!encoded.starts_with(kPrefix)) return false;
  const std::string_view rest = encoded.substr(kPrefix.size());
  const std::size_t separator = rest.find('$');
  if (separator == std::string_view::npos) return false;
  const std::optional<std::string> salt = base64_decode(rest.substr(0, separator));
  const std::optional<std::string> expected = base64_decode(rest.substr(separator + 1));
  if (!salt || !expected || salt->size() != kSaltBytes || expected->size() != kDigestBytes) return false;
  return constant_time_equal(salted_digest(*salt, key), *expected);
}

}  // namespace herald::auth
