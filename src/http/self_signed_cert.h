#pragma once
// A self-signed certificate so that TLS works out of the box (CN "herald", SAN localhost and
// 127.0.0.1, valid ten years). Clients either skip verification or pin the generated file.
#include <string>

#include "core/result.h"

namespace herald::http {

struct PemPair {
  std::string cert;  // PEM certificate
  std::string key;   // PEM private key (PKCS#8)
};

// Generates a fresh P-256 key and its self-signed certificate, in memory.
core::Result<PemPair> generate_self_signed_pair();

// Returns the pair stored as dir/tls-cert.pem + dir/tls-key.pem, generating and writing it first
// (directory created, key file mode 0600) when either file is missing.
core::Result<PemPair> load_or_generate_self_signed_pair(const std::string& dir);

}  // namespace herald::http
