#include "crypto/signature.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/pem.h>

#include <memory>
#include <vector>

#include "crypto/sha256.h"

namespace tandem::crypto {

namespace {

struct PkeyFree {
  void operator()(EVP_PKEY* k) const { EVP_PKEY_free(k); }
};
struct MdCtxFree {
  void operator()(EVP_MD_CTX* c) const { EVP_MD_CTX_free(c); }
};
struct BioFree {
  void operator()(BIO* b) const { BIO_free(b); }
};
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;

std::unique_ptr<BIO, BioFree> memory_bio(std::string_view pem) {
  return std::unique_ptr<BIO, BioFree>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
}

Result<Pkey> private_key(std::string_view pem) {
  auto bio = memory_bio(pem);
  Pkey key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    return Status::invalid_argument("not an Ed25519 private key in PEM");
  }
  return key;
}

Result<Pkey> public_key(std::string_view pem) {
  auto bio = memory_bio(pem);
  Pkey key(PEM_read_bio_PUBKEY(bio.get(), nullptr, nullptr, nullptr));
  if (!key || EVP_PKEY_get_id(key.get()) != EVP_PKEY_ED25519) {
    return Status::invalid_argument("not an Ed25519 public key in PEM");
  }
  return key;
}

Result<std::string> public_pem(EVP_PKEY* key) {
  std::unique_ptr<BIO, BioFree> bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_PUBKEY(bio.get(), key) != 1) {
    return Status::invalid_argument("cannot write the Ed25519 public key");
  }
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(size));
}

}  // namespace

Result<std::string> hmac_sha256_hex(std::string_view key, std::string_view message) {
  if (key.empty()) return Status::invalid_argument("the HMAC key is empty");
  uint8_t mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const uint8_t*>(message.data()), message.size(), mac,
           &size) == nullptr) {
    return Status::invalid_argument("HMAC-SHA256 failed");
  }
  return to_hex({mac, size});
}

Result<Ed25519Signature> ed25519_sign(std::string_view private_key_pem, std::string_view message) {
  auto key = private_key(private_key_pem);
  if (!key.ok()) return key.status();
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  uint8_t signature[64];
  size_t size = sizeof(signature);
  if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key->get()) != 1 ||
      EVP_DigestSign(ctx.get(), signature, &size, reinterpret_cast<const uint8_t*>(message.data()),
                     message.size()) != 1) {
    return Status::invalid_argument("Ed25519 signing failed");
  }
  auto pem = public_pem(key->get());
  if (!pem.ok()) return pem.status();
  return Ed25519Signature{to_hex({signature, size}), *pem};
}

Result<bool> ed25519_verify(std::string_view public_key_pem, std::string_view message,
                            std::string_view signature_hex) {
  auto key = public_key(public_key_pem);
  if (!key.ok()) return key.status();
  const auto signature = from_hex(signature_hex);
  if (!signature || signature->size() != 64) {
    return Status::invalid_argument("the signature is not 64 bytes of hex");
  }
  std::unique_ptr<EVP_MD_CTX, MdCtxFree> ctx(EVP_MD_CTX_new());
  if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, nullptr, nullptr, key->get()) != 1) {
    return Status::invalid_argument("Ed25519 verification could not start");
  }
  return EVP_DigestVerify(ctx.get(), reinterpret_cast<const uint8_t*>(signature->data()),
                          signature->size(), reinterpret_cast<const uint8_t*>(message.data()),
                          message.size()) == 1;
}

Result<std::string> ed25519_public_pem(std::string_view private_key_pem) {
  auto key = private_key(private_key_pem);
  if (!key.ok()) return key.status();
  return public_pem(key->get());
}

}  // namespace tandem::crypto
