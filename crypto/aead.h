// AES-256-GCM through OpenSSL EVP: sealing and opening one message with a 32-byte key. The
// output is nonce (12 random bytes) ‖ ciphertext ‖ tag (16 bytes); `aad` is authenticated,
// not encrypted. Opening fails — never returns altered bytes — when the key is wrong or any
// byte was changed. Thread-safety: the functions are safe to call from any thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "domain/base/status.h"

namespace tandem::crypto {

using AeadKey = std::array<uint8_t, 32>;

[[nodiscard]] Result<std::string> seal(const AeadKey& key, std::string_view plaintext,
                                       std::string_view aad);
// unauthenticated when the key is wrong or the bytes were altered.
[[nodiscard]] Result<std::string> open(const AeadKey& key, std::string_view sealed,
                                       std::string_view aad);
// 32 bytes from the OS's secure generator, for new keys.
[[nodiscard]] Result<AeadKey> random_key();

}  // namespace tandem::crypto
