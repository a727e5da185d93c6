// Signatures for the audit export's manifest, through OpenSSL: HMAC-SHA256 with a shared
// key, or Ed25519 with a private key in PEM (made with `openssl genpkey -algorithm ed25519`).
// Both are deterministic, so the same manifest and key give the same signature bytes — the
// export stays byte-for-byte reproducible.
#pragma once

#include <string>
#include <string_view>

#include "domain/base/status.h"

namespace tandem::crypto {

// HMAC-SHA256 of `message` under `key`, as 64 lowercase hex digits.
[[nodiscard]] Result<std::string> hmac_sha256_hex(std::string_view key, std::string_view message);

struct Ed25519Signature {
  std::string signature_hex;   // 64 bytes
  std::string public_key_pem;  // the signer's public key (SubjectPublicKeyInfo PEM)
};

// Signs with the Ed25519 private key in `private_key_pem`; invalid_argument when it is not
// one (the key itself never appears in the message).
[[nodiscard]] Result<Ed25519Signature> ed25519_sign(std::string_view private_key_pem,
                                                    std::string_view message);

// True when `signature_hex` is `public_key_pem`'s Ed25519 signature of `message`;
// invalid_argument when the key or signature is not well formed.
[[nodiscard]] Result<bool> ed25519_verify(std::string_view public_key_pem, std::string_view message,
                                          std::string_view signature_hex);

// The public key of an Ed25519 private key, as PEM.
[[nodiscard]] Result<std::string> ed25519_public_pem(std::string_view private_key_pem);

}  // namespace tandem::crypto
