#include "http/self_signed_cert.h"

#include <fcntl.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ec.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <system_error>

namespace herald::http {

namespace {

template <auto Free>
struct Deleter {
  template <class T>
  void operator()(T* p) const { Free(p); }
};
using PkeyPtr = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY_free>>;
using X509Ptr = std::unique_ptr<X509, Deleter<X509_free>>;
using BioPtr = std::unique_ptr<BIO, Deleter<BIO_free>>;
using BignumPtr = std::unique_ptr<BIGNUM, Deleter<BN_free>>;

constexpr long kValidityDays = 3650;

bool add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
  if (!ext) return false;
  const bool added = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return added;
}

// Random 64-bit serial: browsers reject two certificates with the same issuer and serial.
bool set_random_serial(X509* cert) {
  BignumPtr serial(BN_new());
  return serial && BN_rand(serial.get(), 64, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) == 1 &&
         BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert)) != nullptr;
}

std::string bio_contents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(size));
}

core::Error openssl_error(const char* what) { return core::internal_error(std::string("self-signed certificate: ") + what); }

// The key must never be readable by others, not even briefly: create it with mode 0600.
bool write_private_file(const std::filesystem::path& path, const std::string& contents) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  std::size_t written = 0;
  while (written < contents.size()) {
    const auto n = ::write(fd, contents.data() + written, contents.size() - written);
    if (n <= 0) break;
    written += static_cast<std::size_t>(n);
  }
  return ::close(fd) == 0 && written == contents.size();
}

std::optional<std::string> read_file(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace

core::Result<PemPair> generate_self_signed_pair() {
  // P-256: generated in a millisecond (RSA-2048 can take a second); every TLS 1.2+ client takes it.
  PkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return openssl_error("key generation failed");

  X509Ptr cert(X509_new());
  if (!cert || X509_set_version(cert.get(), 2) != 1 || !set_random_serial(cert.get())) {
    return openssl_error("certificate allocation failed");
  }
  // Backdated an hour so that a client whose clock is slightly behind still accepts it.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_time_adj_ex(X509_getm_notAfter(cert.get()), kValidityDays, 0, nullptr);
  X509_set_pubkey(cert.get(), key.get());

  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char*>("herald"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);

  // CA:TRUE like `openssl req -x509`, so clients can pin the file itself as their trust anchor.
  if (!add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1") ||
      !add_extension(cert.get(), NID_basic_constraints, "critical,CA:TRUE") ||
      !add_extension(cert.get(), NID_subject_key_identifier, "hash")) {
    return openssl_error("adding extensions failed");
  }
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) return openssl_error("signing failed");

  BioPtr cert_bio(BIO_new(BIO_s_mem()));
  BioPtr key_bio(BIO_new(BIO_s_mem()));
  if (!cert_bio || !key_bio || PEM_write_bio_X509(cert_bio.get(), cert.get()) != 1 ||
      PEM_write_bio_PrivateKey(key_bio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return openssl_error("PEM encoding failed");
  }
  return PemPair{bio_contents(cert_bio.get()), bio_contents(key_bio.get())};
}

core::Result<PemPair> load_or_generate_self_signed_pair(const std::string& dir) {
  const std::filesystem::path cert_path = std::filesystem::path(dir) / "tls-cert.pem";
  const std::filesystem::path key_path = std::filesystem::path(dir) / "tls-key.pem";

  auto cert = read_file(cert_path);
  auto key = read_file(key_path);
  if (cert && key) return PemPair{std::move(*cert), std::move(*key)};

  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) return core::internal_error("cannot create " + dir + ": " + ec.message());

  auto pair = generate_self_signed_pair();
  if (!pair) return pair;
  // Key first: a cert without its key is useless, and the check above needs both.
  if (!write_private_file(key_path, pair->key)) return core::internal_error("cannot write " + key_path.string());
  std::ofstream out(cert_path, std::ios::binary | std::ios::trunc);
  out << pair->cert;
  if (!out.flush()) return core::internal_error("cannot write " + cert_path.string());
  return pair;
}

}  // namespace herald::http
