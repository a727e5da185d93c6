// The audit export's manifest and its signature. manifest.json names the journal range (days,
// first and last sequence, the chain hash of the last record), or each shard journal's range
// and the registers built from it, the records by type, and every
// exported file with its size, rows and SHA-256; manifest.sig signs the exact bytes of
// manifest.json with HMAC-SHA256 (a shared key) or Ed25519 (a private key; the public key
// is carried beside the signature). Both are deterministic: the same range and key give
// the same bytes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "audit/register.h"

namespace tandem::audit {

inline constexpr std::string_view kManifestName = "manifest.json";
inline constexpr std::string_view kSignatureName = "manifest.sig";

[[nodiscard]] std::string manifest_json(const ExportContent& content, const ExportRequest& request,
                                        std::string_view tandem_version);

struct SigningKey {
  enum class Kind : uint8_t { hmac_sha256, ed25519 };
  Kind kind = Kind::hmac_sha256;
  std::string material;  // the HMAC key bytes, or the Ed25519 private key PEM
};

// manifest.sig's content for `manifest` (its exact bytes).
[[nodiscard]] Result<std::string> sign_manifest(std::string_view manifest, const SigningKey& key);

struct VerifyKeys {
  std::optional<std::string> hmac_key;        // required for an HMAC signature
  std::optional<std::string> public_key_pem;  // Ed25519: the key that must have signed
};

struct SignatureCheck {
  std::string algorithm;
  std::string signer;        // for Ed25519, the SHA-256 of the public key that signed
  bool trusted_key = false;  // the public key was given, not only read from manifest.sig
};

// Checks `signature` (manifest.sig) against the exact bytes of `manifest`. corruption when
// the signature does not match; invalid_argument when the key needed is missing or wrong
// in kind.
[[nodiscard]] Result<SignatureCheck> check_signature(std::string_view manifest,
                                                     std::string_view signature,
                                                     const VerifyKeys& keys);

struct ManifestFacts {
  ExportRequest request;
  std::vector<JournalRange> journals;  // their ranges (records and registers not read back)
  struct File {
    std::string name;
    uint64_t bytes = 0;
    std::string sha256;
  };
  std::vector<File> files;
};

// Reads manifest.json back; invalid_argument naming the first field that is wrong.
[[nodiscard]] Result<ManifestFacts> read_manifest(std::string_view manifest);

}  // namespace tandem::audit
