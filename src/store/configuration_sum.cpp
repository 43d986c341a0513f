#include "store/configuration_sum.h"

#include <openssl/sha.h>

#include <cstdio>

namespace herald::store {

std::string configuration_sum(std::string_view yaml) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(yaml.data()), yaml.size(), digest);
  std::string hex;
  char buffer[3];
  for (unsigned char byte : digest) {
    std::snprintf(buffer, sizeof buffer, "%02x", byte);
    hex += buffer;
  }
  return hex;
}

}  // namespace herald::store
