#include "journal/backup.h"

#include <filesystem>

#include "journal/store.h"

namespace tandem::journal {

namespace {

Result<VerifyReport> checkpoint_and_verify(const std::string& from, const std::string& to) {
  {
    StoreOptions options;
    options.mode = OpenMode::read_only;
    auto source = Store::open(from, options);
    if (!source.ok()) return source.status();
    if (Status s = (*source)->checkpoint(to); !s.ok()) return s;
  }
  StoreOptions options;
  options.mode = OpenMode::read_only;
  options.check_tail_records = 0;  // the whole chain is walked next
  auto copy = Store::open(to, options);
  if (!copy.ok()) return copy.status();
  VerifyReport report = verify_journal(**copy);
  if (!report.ok()) {
    return Status::corruption("the copy does not verify at record " +
                              std::to_string(report.first_bad_seq.value_or(0)) + ": " +
                              report.status.message());
  }
  return report;
}

}  // namespace

Result<VerifyReport> copy_journal(const std::string& from, const std::string& to) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (fs::exists(to, ec)) {
    return Status::invalid_argument(to + " already exists; a copy goes into a new directory");
  }
  constexpr int kAttempts = 3;
  Result<VerifyReport> result = Status::failed_precondition("not run");
  for (int attempt = 1; attempt <= kAttempts; ++attempt) {
    result = checkpoint_and_verify(from, to);
    if (result.ok()) return result;
    fs::remove_all(to, ec);
    // A file that vanished under a live writer (I/O error or not found while linking or
    // copying) is worth another try; a damaged or missing journal is not.
    const StatusCode code = result.status().code();
    const bool transient = code == StatusCode::io_error || code == StatusCode::not_found;
    if (!transient || !fs::exists(from, ec)) break;
  }
  return result;
}

}  // namespace tandem::journal
