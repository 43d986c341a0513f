#include "legacy/wire/crypto.h"

#include <openssl/evp.h>
#include <openssl/provider.h>

#include <array>
#include <memory>
#include <mutex>

namespace herald::legacy::wire {
namespace {

constexpr unsigned char kAesIv[16] = {'F', 'E', 'D', 'C', 'B', 'A', '0', '9', '8', '7', '6', '5', '4', '3', '2', '1'};
constexpr unsigned char kBlowfishIv[8] = {0xfe, 0xdc, 0xba, 0x98, 0x76, 0x54, 0x32, 0x10};
constexpr std::size_t kAesKeyBytes = 32;

// Fetched once: an implicit fetch (EVP_aes_256_cbc(), EVP_md5()) on every init costs a provider
// lookup per message, which the 50k messages/s budget cannot afford. Fetched objects are
// immutable and safe to share between threads.
struct Algorithms {
  EVP_CIPHER* aes = nullptr;
  EVP_CIPHER* blowfish = nullptr;  // null when the legacy provider is missing
  EVP_MD* md5 = nullptr;
  EVP_MD* sha1 = nullptr;
  EVP_MD* sha256 = nullptr;
};

const Algorithms& algorithms() {
  static const Algorithms loaded = [] {
    Algorithms a;
    // Loading "legacy" explicitly stops the default provider from being loaded implicitly, so
    // "default" is loaded too. Both stay loaded for the life of the process.
    OSSL_PROVIDER* legacy = OSSL_PROVIDER_load(nullptr, "legacy");
    OSSL_PROVIDER_load(nullptr, "default");
    a.aes = EVP_CIPHER_fetch(nullptr, "AES-256-CBC", nullptr);
    if (legacy != nullptr) a.blowfish = EVP_CIPHER_fetch(nullptr, "BF-CBC", nullptr);
    a.md5 = EVP_MD_fetch(nullptr, "MD5", nullptr);
    a.sha1 = EVP_MD_fetch(nullptr, "SHA1", nullptr);
    a.sha256 = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return a;
  }();
  return loaded;
}

struct ContextDeleter {
  void operator()(EVP_CIPHER_CTX* ctx) const { EVP_CIPHER_CTX_free(ctx); }
};

EVP_CIPHER_CTX* thread_context() {
  thread_local std::unique_ptr<EVP_CIPHER_CTX, ContextDeleter> ctx(EVP_CIPHER_CTX_new());
  return ctx.get();
}

void to_hex(const unsigned char* bytes, std::size_t size, char* out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  for (std::size_t i = 0; i < size; ++i) {
    out[2 * i] = kDigits[bytes[i] >> 4];
    out[2 * i + 1] = kDigits[bytes[i] & 0x0f];
  }
}

std::string digest_hex(const EVP_MD* md, std::string_view data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (md == nullptr || EVP_Digest(data.data(), data.size(), digest, &size, md, nullptr) != 1) return {};
  std::string out(2 * size, '\0');
  to_hex(digest, size, out.data());
  return out;
}

std::optional<std::string> run_cipher(Cipher cipher, std::string_view channel_key, std::string_view input,
                                      bool encrypting) {
  const Algorithms& a = algorithms();
  const EVP_CIPHER* evp = cipher == Cipher::aes ? a.aes : a.blowfish;
  if (evp == nullptr) return std::nullopt;
  const unsigned char* iv = cipher == Cipher::aes ? kAesIv : kBlowfishIv;
  // AES takes the first 32 bytes of EK (OS_AES_Str hands EK to a 256-bit cipher); BF_set_key
  // takes strlen(EK) = all 47.
  if (cipher == Cipher::aes && channel_key.size() < kAesKeyBytes) return std::nullopt;
  if (cipher == Cipher::blowfish && (channel_key.empty() || input.size() % 8 != 0)) return std::nullopt;
  if (input.size() > static_cast<std::size_t>(INT32_MAX) - 32) return std::nullopt;

  EVP_CIPHER_CTX* ctx = thread_context();
  const int enc = encrypting ? 1 : 0;
  if (ctx == nullptr || EVP_CipherInit_ex2(ctx, evp, nullptr, nullptr, enc, nullptr) != 1) return std::nullopt;
  if (cipher == Cipher::blowfish) {
    if (EVP_CIPHER_CTX_set_key_length(ctx, static_cast<int>(channel_key.size())) != 1) return std::nullopt;
    EVP_CIPHER_CTX_set_padding(ctx, 0);  // bf_op.c pads nothing: CreateSecMSG already made it 8-aligned
  }
  if (EVP_CipherInit_ex2(ctx, nullptr, reinterpret_cast<const unsigned char*>(channel_key.data()), iv, enc,
                         nullptr) != 1) {
    return std::nullopt;
  }
  std::string out(input.size() + 16, '\0');
  auto* dst = reinterpret_cast<unsigned char*>(out.data());
  int written = 0;
  int final_written = 0;
  if (EVP_CipherUpdate(ctx, dst, &written, reinterpret_cast<const unsigned char*>(input.data()),
                       static_cast<int>(input.size())) != 1 ||
      EVP_CipherFinal_ex(ctx, dst + written, &final_written) != 1) {
    return std::nullopt;
  }
  out.resize(static_cast<std::size_t>(written + final_written));
  return out;
}

}  // namespace

std::string md5_hex(std::string_view data) { return digest_hex(algorithms().md5, data); }
std::string sha1_hex(std::string_view data) { return digest_hex(algorithms().sha1, data); }
std::string sha256_hex(std::string_view data) { return digest_hex(algorithms().sha256, data); }

bool md5_hex_into(std::string_view data, char (&out)[32]) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  const EVP_MD* md = algorithms().md5;
  if (md == nullptr || EVP_Digest(data.data(), data.size(), digest, &size, md, nullptr) != 1 || size != 16) {
    return false;
  }
  to_hex(digest, size, out);
  return true;
}

std::string channel_key(std::string_view id, std::string_view name, std::string_view raw_key) {
  std::string names = md5_hex(name) + md5_hex(id);
  return md5_hex(raw_key) + md5_hex(names).substr(0, 15);
}

std::string enrollment_key_hash(std::string_view id, std::string_view name, std::string_view raw_key) {
  std::string joined;
  joined.reserve(id.size() + name.size() + raw_key.size());
  joined.append(id).append(name).append(raw_key);
  return sha1_hex(joined);
}

std::optional<std::string> encrypt(Cipher cipher, std::string_view channel_key, std::string_view plaintext) {
  return run_cipher(cipher, channel_key, plaintext, true);
}

std::optional<std::string> decrypt(Cipher cipher, std::string_view channel_key, std::string_view ciphertext) {
  return run_cipher(cipher, channel_key, ciphertext, false);
}

bool blowfish_available() { return algorithms().blowfish != nullptr; }

}  // namespace herald::legacy::wire
