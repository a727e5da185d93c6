#include "journal/head_anchor.h"

#include <fcntl.h>
#include <unistd.h>

#include <array>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "crypto/sha256.h"

namespace tandem::journal {

namespace {

constexpr size_t kSlotBytes = 64;
constexpr size_t kCheckedBytes = 48;  // magic, seq, hash
constexpr char kMagic[8] = {'T', 'N', 'D', 'M', 'H', 'E', 'A', 'D'};

using Slot = std::array<uint8_t, kSlotBytes>;

std::string path_in(const std::string& dir) {
  return (std::filesystem::path(dir) / HeadAnchor::kFileName).string();
}

std::array<uint8_t, 8> check_of(const uint8_t* bytes) {
  crypto::Sha256 sha;
  sha.update(std::span<const uint8_t>(bytes, kCheckedBytes));
  const crypto::Digest d = sha.finish();
  std::array<uint8_t, 8> out{};
  std::memcpy(out.data(), d.data(), out.size());
  return out;
}

Slot encode(const AnchoredHead& head) {
  Slot s{};
  std::memcpy(s.data(), kMagic, 8);
  for (int i = 0; i < 8; ++i) s[8 + i] = static_cast<uint8_t>(head.seq >> (8 * i));
  std::memcpy(s.data() + 16, head.hash.data(), 32);
  const auto check = check_of(s.data());
  std::memcpy(s.data() + kCheckedBytes, check.data(), check.size());
  return s;
}

std::optional<AnchoredHead> decode(const uint8_t* s) {
  if (std::memcmp(s, kMagic, 8) != 0) return std::nullopt;
  const auto check = check_of(s);
  if (std::memcmp(check.data(), s + kCheckedBytes, check.size()) != 0) return std::nullopt;
  AnchoredHead head;
  for (int i = 0; i < 8; ++i) head.seq |= static_cast<uint64_t>(s[8 + i]) << (8 * i);
  std::memcpy(head.hash.data(), s + 16, 32);
  return head;
}

Status errno_status(const std::string& what) {
  return Status::io_error(what + ": " + std::strerror(errno));
}

Status write_slot(int fd, const std::string& path, unsigned slot, const AnchoredHead& head) {
  const Slot bytes = encode(head);
  const auto offset = static_cast<off_t>(slot * kSlotBytes);
  if (::pwrite(fd, bytes.data(), bytes.size(), offset) != static_cast<ssize_t>(bytes.size())) {
    return errno_status("writing the journal's head anchor " + path);
  }
  return Status();
}

}  // namespace

Status HeadAnchor::create(const std::string& dir, const AnchoredHead& head) {
  const std::string path = path_in(dir);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return errno_status("creating the journal's head anchor " + path);
  Status s = write_slot(fd, path, 0, head);
  if (s.ok()) s = write_slot(fd, path, 1, head);
  if (s.ok() && ::fsync(fd) != 0) s = errno_status("syncing " + path);
  ::close(fd);
  if (!s.ok()) return s;
  const int parent = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (parent < 0) return errno_status("opening " + dir);
  if (::fsync(parent) != 0) s = errno_status("syncing " + dir);
  ::close(parent);
  return s;
}

Result<std::optional<AnchoredHead>> HeadAnchor::read(const std::string& dir) {
  const std::string path = path_in(dir);
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::optional<AnchoredHead>();
    return errno_status("reading the journal's head anchor " + path);
  }
  std::array<uint8_t, 2 * kSlotBytes> bytes{};
  const ssize_t n = ::pread(fd, bytes.data(), bytes.size(), 0);
  ::close(fd);
  if (n < 0) return errno_status("reading the journal's head anchor " + path);
  std::optional<AnchoredHead> best;
  for (size_t at = 0; at + kSlotBytes <= static_cast<size_t>(n); at += kSlotBytes) {
    const auto slot = decode(bytes.data() + at);
    if (slot && (!best || slot->seq > best->seq)) best = slot;
  }
  if (!best) {
    return Status::corruption("the journal's head anchor " + path +
                              " is damaged (neither of its slots is whole)");
  }
  return best;
}

Result<HeadAnchor> HeadAnchor::open(const std::string& dir) {
  const std::string path = path_in(dir);
  const int fd = ::open(path.c_str(), O_WRONLY | O_CLOEXEC);
  if (fd < 0) return errno_status("opening the journal's head anchor " + path);
  return HeadAnchor(path, fd);
}

HeadAnchor::HeadAnchor(HeadAnchor&& other) noexcept
    : path_(std::move(other.path_)), fd_(other.fd_), next_slot_(other.next_slot_) {
  other.fd_ = -1;
}

HeadAnchor::~HeadAnchor() {
  if (fd_ >= 0) ::close(fd_);
}

Status HeadAnchor::write(const AnchoredHead& head) {
  TANDEM_RETURN_IF_ERROR(write_slot(fd_, path_, next_slot_, head));
  next_slot_ ^= 1u;
  if (::fdatasync(fd_) != 0) return errno_status("syncing the journal's head anchor " + path_);
  return Status();
}

}  // namespace tandem::journal
