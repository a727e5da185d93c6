#include "crypto/secret_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "crypto/sha256.h"

namespace tandem::crypto {

namespace {

constexpr std::string_view kMagic = "TANDEM-SECRETS-1";  // authenticated with every file

std::optional<AeadKey> key_from_hex(std::string_view hex) {
  while (!hex.empty() && (hex.back() == '\n' || hex.back() == '\r' || hex.back() == ' ')) {
    hex.remove_suffix(1);
  }
  const auto bytes = hex.size() == 64 ? from_hex(hex) : std::nullopt;
  if (!bytes) return std::nullopt;
  AeadKey key{};
  std::copy(bytes->begin(), bytes->end(), key.begin());
  return key;
}

// Written whole or not at all (a synced temporary file renamed over it). A file rewritten keeps
// its owner, group and mode (never wider than 0660): `tandem secrets set` run as root on the
// service user's file must leave it readable by the service.
Status write_private_file(const std::string& path, std::string_view bytes) {
  struct stat before {};
  const bool rewrite = ::stat(path.c_str(), &before) == 0;
  const mode_t mode = rewrite ? (before.st_mode & 0660) | 0600 : 0600;
  // Its own temporary name: two processes saving at once (shards starting together, each
  // storing a token) must not rename one another's half-written file away.
  const std::string tmp = path + ".tmp." + std::to_string(::getpid());
  const int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return Status(StatusCode::io_error, tmp + ": " + std::strerror(errno));
  if (rewrite && (before.st_uid != ::geteuid() || before.st_gid != ::getegid()) &&
      ::fchown(fd, before.st_uid, before.st_gid) != 0) {
    const int err = errno;
    ::close(fd);
    ::unlink(tmp.c_str());
    return Status(StatusCode::io_error,
                  path + ": cannot keep its owner (uid " + std::to_string(before.st_uid) +
                      ", gid " + std::to_string(before.st_gid) + "): " + std::strerror(err) +
                      "; run this as that user, or as root");
  }
  bool ok = ::fchmod(fd, mode) == 0;
  size_t done = 0;
  while (ok && done < bytes.size()) {
    const ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
    ok = n > 0;
    if (ok) done += static_cast<size_t>(n);
  }
  ok = ok && ::fsync(fd) == 0;
  const int err = errno;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    return Status(StatusCode::io_error, path + ": " + std::strerror(ok ? errno : err));
  }
  return Status();
}

}  // namespace

Result<AeadKey> load_secret_key(const std::string& key_file) {
  if (const char* env = std::getenv("TANDEM_SECRET_KEY"); env != nullptr && *env != '\0') {
    const auto key = key_from_hex(env);
    if (!key) return Status::invalid_argument("TANDEM_SECRET_KEY: must be 64 hex characters");
    return *key;
  }
  auto text = read_private_file(key_file);
  if (text.status().code() == StatusCode::not_found) {
    return Status::invalid_argument("no secret key: set TANDEM_SECRET_KEY or create " + key_file +
                                    " (tandem secrets init)");
  }
  if (!text.ok()) return text.status();
  const auto key = key_from_hex(*text);
  if (!key)
    return Status::invalid_argument("key file " + key_file + ": must hold 64 hex characters");
  return *key;
}

Result<std::string> read_private_file(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return Status::not_found("no key file " + path);
  if ((st.st_mode & 077) != 0) {
    return Status(StatusCode::failed_precondition,
                  "key file " + path + " is readable by others: chmod 600 " + path);
  }
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  if (!in) return Status::invalid_argument("cannot read the key file " + path);
  return text.str();
}

Status create_key_file(const std::string& key_file) {
  struct stat st {};
  if (::stat(key_file.c_str(), &st) == 0) {
    return Status(StatusCode::failed_precondition, key_file + " exists already; not replaced");
  }
  auto key = random_key();
  if (!key.ok()) return key.status();
  return write_private_file(key_file, to_hex(*key) + "\n");
}

Result<SecretStore> SecretStore::open(std::string path, AeadKey key) {
  SecretStore store(path, key);
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    if (errno == ENOENT) return store;
    return Status(StatusCode::io_error, path + ": " + std::strerror(errno));
  }
  std::stringstream raw;
  raw << in.rdbuf();
  const std::string sealed = raw.str();
  if (sealed.compare(0, kMagic.size(), kMagic) != 0) {
    return Status::invalid_argument("secrets file " + path + ": not a Tandem secrets file");
  }
  auto plain = crypto::open(key, std::string_view(sealed).substr(kMagic.size()), kMagic);
  if (!plain.ok()) {
    return Status(StatusCode::unauthenticated,
                  "secrets file " + path + ": " + plain.status().message());
  }
  std::istringstream lines(*plain);
  for (std::string line; std::getline(lines, line);) {
    const size_t tab = line.find('\t');
    const auto value = tab == std::string::npos ? std::nullopt : from_hex(line.substr(tab + 1));
    if (!value) return Status::corruption("secrets file " + path + ": a malformed entry");
    store.secrets_[line.substr(0, tab)] = *value;
  }
  return store;
}

std::optional<std::string> SecretStore::get(const std::string& name) const {
  const auto it = secrets_.find(name);
  if (it == secrets_.end()) return std::nullopt;
  return it->second;
}

Status SecretStore::set(const std::string& name, std::string value) {
  if (name.empty() || name.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                             "0123456789._-") != std::string::npos) {
    return Status::invalid_argument("secret name '" + name +
                                    "': use letters, digits, '.', '_' and '-'");
  }
  secrets_[name] = std::move(value);
  return Status();
}

bool SecretStore::remove(const std::string& name) { return secrets_.erase(name) > 0; }

std::vector<std::string> SecretStore::names() const {
  std::vector<std::string> out;
  for (const auto& [name, value] : secrets_) out.push_back(name);
  return out;
}

Status SecretStore::save() const {
  std::string plain;
  for (const auto& [name, value] : secrets_) {
    plain += name + "\t" +
             to_hex(std::span(reinterpret_cast<const uint8_t*>(value.data()), value.size())) + "\n";
  }
  auto sealed = seal(key_, plain, kMagic);
  if (!sealed.ok()) return sealed.status();
  return write_private_file(path_, std::string(kMagic) + *sealed);
}

}  // namespace tandem::crypto
