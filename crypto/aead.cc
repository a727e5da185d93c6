#include "crypto/aead.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <memory>

namespace tandem::crypto {

namespace {

constexpr size_t kNonce = 12;
constexpr size_t kTag = 16;

using CipherCtx = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

const unsigned char* bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

Result<AeadKey> random_key() {
  AeadKey key{};
  if (RAND_bytes(key.data(), static_cast<int>(key.size())) != 1) {
    return Status(StatusCode::io_error, "the OS random generator failed");
  }
  return key;
}

Result<std::string> seal(const AeadKey& key, std::string_view plaintext, std::string_view aad) {
  std::string out(kNonce + plaintext.size() + kTag, '\0');
  auto* o = reinterpret_cast<unsigned char*>(out.data());
  if (RAND_bytes(o, kNonce) != 1) return Status(StatusCode::io_error, "no random nonce");
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), o) == 1;
  ok = ok &&
       EVP_EncryptUpdate(ctx.get(), nullptr, &n, bytes(aad), static_cast<int>(aad.size())) == 1;
  ok = ok && EVP_EncryptUpdate(ctx.get(), o + kNonce, &n, bytes(plaintext),
                               static_cast<int>(plaintext.size())) == 1;
  ok = ok && EVP_EncryptFinal_ex(ctx.get(), o + kNonce + n, &n) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTag,
                                 o + kNonce + plaintext.size()) == 1;
  if (!ok) return Status(StatusCode::io_error, "AES-256-GCM encryption failed");
  return out;
}

Result<std::string> open(const AeadKey& key, std::string_view sealed, std::string_view aad) {
  if (sealed.size() < kNonce + kTag) {
    return Status(StatusCode::unauthenticated, "too short to be sealed data");
  }
  const size_t length = sealed.size() - kNonce - kTag;
  std::string out(length, '\0');
  CipherCtx ctx(EVP_CIPHER_CTX_new(), EVP_CIPHER_CTX_free);
  int n = 0;
  const unsigned char* s = bytes(sealed);
  std::array<unsigned char, kTag> tag{};
  std::copy(s + kNonce + length, s + sealed.size(), tag.begin());
  bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key.data(), s) == 1;
  ok = ok &&
       EVP_DecryptUpdate(ctx.get(), nullptr, &n, bytes(aad), static_cast<int>(aad.size())) == 1;
  ok = ok && EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(out.data()), &n,
                               s + kNonce, static_cast<int>(length)) == 1;
  ok = ok && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTag, tag.data()) == 1;
  ok = ok &&
       EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(out.data()) + n, &n) == 1;
  if (!ok) {
    return Status(StatusCode::unauthenticated, "does not decrypt: a wrong key, or altered bytes");
  }
  return out;
}

}  // namespace tandem::crypto
