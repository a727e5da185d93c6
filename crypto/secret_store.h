// The encrypted secrets file: API keys, API secrets and access tokens by name (e.g.
// "kite.LEADER1.access_token"), sealed as one AES-256-GCM message (aead.h). The key is 64
// hex characters from TANDEM_SECRET_KEY, or from a key file that must be mode 0600. A wrong
// key or a tampered file is a clear error naming the file — never the secret. Saving writes
// a new file (mode 0600), syncs it and renames it over the old one, so a crash leaves one
// or the other whole. Thread-safety: not thread-safe; one process owns the file.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "crypto/aead.h"
#include "domain/base/status.h"

namespace tandem::crypto {

// The key from TANDEM_SECRET_KEY when set, else from `key_file`; invalid_argument naming
// the source when malformed, failed_precondition when the file is readable by others.
[[nodiscard]] Result<AeadKey> load_secret_key(const std::string& key_file);
// The contents of a key file that only its owner may read (mode 0600 or stricter):
// not_found when absent, failed_precondition naming the chmod when others can read it.
[[nodiscard]] Result<std::string> read_private_file(const std::string& path);
// Writes a fresh random key to `key_file` (mode 0600); refuses to overwrite one.
[[nodiscard]] Status create_key_file(const std::string& key_file);

class SecretStore {
 public:
  // An absent file is an empty store; a file that does not open with `key` is an error.
  static Result<SecretStore> open(std::string path, AeadKey key);

  [[nodiscard]] std::optional<std::string> get(const std::string& name) const;
  // Names are letters, digits, '.', '_' and '-' (e.g. kite.LEADER1.access_token).
  [[nodiscard]] Status set(const std::string& name, std::string value);
  bool remove(const std::string& name);
  std::vector<std::string> names() const;
  Status save() const;

 private:
  SecretStore(std::string path, AeadKey key) : path_(std::move(path)), key_(key) {}
  std::string path_;
  AeadKey key_;
  std::map<std::string, std::string> secrets_;
};

}  // namespace tandem::crypto
