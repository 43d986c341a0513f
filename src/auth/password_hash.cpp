#include "auth/password_hash.h"

#include <openssl/evp.h>

#include <charconv>
#include <climits>
#include <optional>
#include <vector>

#include "auth/secrets.h"

namespace herald::auth {
namespace {

constexpr std::string_view kScheme = "pbkdf2-sha256";
constexpr std::size_t kSaltBytes = 16;
constexpr std::size_t kKeyBytes = 32;
// Refuse stored hashes that would make one verification take minutes (a denial of service via a
// tampered user record).
constexpr int kMaxIterations = 10'000'000;

std::optional<std::string> derive(std::string_view password, std::string_view salt, int iterations) {
  if (password.size() > static_cast<std::size_t>(INT_MAX)) return std::nullopt;
  std::string key(kKeyBytes, '\0');
  if (PKCS5_PBKDF2_HMAC(password.data(), static_cast<int>(password.size()),
                        reinterpret_cast<const unsigned char*>(salt.data()), static_cast<int>(salt.size()),
                        iterations, EVP_sha256(), static_cast<int>(key.size()),
                        reinterpret_cast<unsigned char*>(key.data())) != 1) {
    return std::nullopt;
  }
  return key;
}

std::vector<std::string_view> split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const std::size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

}  // namespace

std::string hash_password(std::string_view password, int iterations) {
  if (iterations < 1) iterations = 1;
  if (iterations > kMaxIterations) iterations = kMaxIterations;
  const std::string salt = random_bytes(kSaltBytes);
  const std::optional<std::string> key = derive(password, salt, iterations);
  if (!key) return {};  // only for passwords over 2 GiB; an empty hash never verifies
  std::string encoded(kScheme);
  encoded += '$';
  encoded += std::to_string(iterations);
  encoded += '$';
  encoded += base64_encode(salt);
  encoded += '$';
  encoded += base64_encode(*key);
  return encoded;
}

bool verify_password(std::string_view password, std::string_view encoded) {
  const std::vector<std::string_view> parts = split(encoded, '$');
  if (parts.size() != 4 || parts[0] != kScheme) return false;

  int iterations = 0;
  const std::string_view digits = parts[1];
  if (digits.empty() || digits.front() == '0') return false;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), iterations);
  if (error != std::errc{} || end != digits.data() + digits.size()) return false;
  if (iterations < 1 || iterations > kMaxIterations) return false;

  const std::optional<std::string> salt = base64_decode(parts[2]);
  const std::optional<std::string> expected = base64_decode(parts[3]);
  if (!salt || !expected || salt->size() != kSaltBytes || expected->size() != kKeyBytes) return false;

  const std::optional<std::string> actual = derive(password, *salt, iterations);
  return actual && constant_time_equal(*actual, *expected);
}

}  // namespace herald::auth
