#include "app/journal_commands.h"

#include "app/command_error.h"

#include <date/date.h>
#include <fmt/format.h>
#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "journal/backup.h"
#include "journal/dump_import.h"
#include "journal/store.h"
#include "journal/verify.h"

namespace tandem::app {

namespace {

namespace fs = std::filesystem;
using journal::Envelope;
using journal::ImportReport;
using journal::OpenMode;
using journal::Store;
using journal::StoreOptions;

}  // namespace

Result<std::unique_ptr<Store>> open_read_only(const std::string& dir, bool check_tail) {
  StoreOptions options;
  options.mode = OpenMode::read_only;
  options.check_tail_records = check_tail ? 1024 : 0;
  return Store::open(dir, options);
}

Result<domain::TradingDay> parse_day_option(const std::string& text, const std::string& option) {
  std::string digits;
  for (char c : text) {
    if (c != '-') digits.push_back(c);
  }
  const uint32_t day =
      digits.size() == 8 && digits.find_first_not_of("0123456789") == std::string::npos
          ? static_cast<uint32_t>(std::stoul(digits))
          : 0;
  if (!domain::is_valid_trading_day(day)) {
    return Status::invalid_argument(option + " " + text + " is not a date (YYYY-MM-DD)");
  }
  return day;
}

Result<DayRange> parse_day_range(const std::string& first, const std::string& first_option,
                                 const std::string& last) {
  const auto from = parse_day_option(first, first_option);
  if (!from.ok()) return from.status();
  const auto to = last.empty() ? from : parse_day_option(last, "--to");
  if (!to.ok()) return to.status();
  if (*to < *from) return Status::invalid_argument("--to is before " + first_option);
  return DayRange{*from, *to};
}

int run_verify(const std::string& dir) {
  // The whole chain is walked below, so the open-time tail check would only repeat it and
  // could name a later bad record than the first.
  auto store = open_read_only(dir, false);
  if (!store.ok()) return command_error("journal verify", store.status());
  const bool tty = isatty(STDERR_FILENO);
  const journal::VerifyReport report = journal::verify_journal(**store, [&](uint64_t seq) {
    if (tty) fmt::print(stderr, "\rverified {} records…", seq);
  });
  if (tty) fmt::print(stderr, "\r\033[K");
  if (!report.ok()) {
    fmt::print(stderr, "journal {}: DAMAGED at record {}\n  {}\n", dir,
               report.first_bad_seq.value_or(0), report.status.to_string());
    fmt::print(stderr, "  {} records before it verify; the journal was not modified\n",
               report.records_checked);
    return 1;
  }
  fmt::print("journal {}: OK, {} records, hash chain verified from genesis to head\n", dir,
             report.records_checked);
  fmt::print("head seq {} hash {}\n", report.head.seq, journal::to_hex(report.head.hash));
  return 0;
}

namespace {

std::string utc(domain::TimeNs ns) {
  const auto t = std::chrono::sys_time<std::chrono::nanoseconds>(std::chrono::nanoseconds(ns));
  const auto s = std::chrono::floor<std::chrono::milliseconds>(t);
  return date::format("%F %T", s) + "Z";
}

}  // namespace

int run_stats(const std::string& dir) {
  auto store = open_read_only(dir);
  if (!store.ok()) return command_error("journal stats", store.status());
  std::map<uint16_t, uint64_t> by_type;
  std::map<domain::TradingDay, uint64_t> by_day;
  domain::TimeNs first_at = 0, last_at = 0;
  uint64_t payload_bytes = 0;
  Status s = (*store)->scan(1, 0, [&](const Envelope& e) {
    ++by_type[e.header.event_type];
    ++by_day[e.header.trading_day];
    if (first_at == 0) first_at = e.header.recorded_at_ns;
    last_at = e.header.recorded_at_ns;
    payload_bytes += e.payload_size;
    return true;
  });
  if (!s.ok()) return command_error("journal stats", s);
  auto days = (*store)->days();
  if (!days.ok()) return command_error("journal stats", days.status());
  const journal::Head head = (*store)->head();
  fmt::print("journal        {}\n", dir);
  fmt::print("schema         {}\n", journal::kSchemaVersion);
  fmt::print("records        {}\n", head.seq);
  fmt::print("head hash      {}\n", journal::to_hex(head.hash));
  fmt::print("disk bytes     {}\n", (*store)->disk_bytes());
  fmt::print("payload bytes  {}\n", payload_bytes);
  if (head.seq > 0) {
    fmt::print("first record   {}\n", utc(first_at));
    fmt::print("last record    {}\n", utc(last_at));
  }
  fmt::print("\ntrading day    first seq   records\n");
  for (const auto& [day, count] : by_day) {
    const auto it = days->find(day);
    fmt::print("{:<14} {:>9}   {:>7}\n", day, it == days->end() ? 0 : it->second, count);
  }
  fmt::print("\nevent type                 records\n");
  for (const auto& [type, count] : by_type) {
    fmt::print("{:<26} {:>7}\n", domain::to_string(static_cast<domain::EventType>(type)), count);
  }
  return 0;
}

namespace {

int run_dump(const std::string& dir, uint64_t from, uint64_t to, const std::string& format,
             const std::string& day) {
  if (format != "jsonl")
    return command_error("journal dump", Status::invalid_argument("--format must be jsonl"));
  auto store = open_read_only(dir);
  if (!store.ok()) return command_error("journal dump", store.status());
  if (!day.empty()) {
    const auto d = parse_day_option(day, "--day");
    if (!d.ok()) return command_error("journal dump", d.status());
    auto range = (*store)->day_range(*d);
    if (!range.ok()) return command_error("journal dump", range.status());
    from = std::max(from, range->first);
    to = to == 0 ? range->second : std::min(to, range->second);
  }
  const uint64_t head = (*store)->head().seq;
  if (head == 0 && to == 0) return 0;  // an empty journal dumps as nothing
  if (from == 0)
    return command_error("journal dump",
                         Status::invalid_argument("--from 0: sequences start at 1"));
  if (to != 0 && from > to) {
    return command_error("journal dump", Status::invalid_argument(fmt::format(
                                             "--from {} --to {} is an empty range", from, to)));
  }
  if (from > head) {
    return command_error("journal dump",
                         Status::invalid_argument(
                             fmt::format("--from {} is past this journal's head, {}", from, head)));
  }
  Status bad;
  std::string line;
  Status s = (*store)->scan(from, to, [&](const Envelope& e) {
    auto json = journal::envelope_to_json(e);
    if (!json.ok()) {
      bad = json.status();
      return false;
    }
    line = std::move(json).value();
    line.push_back('\n');
    std::fwrite(line.data(), 1, line.size(), stdout);
    return true;
  });
  std::fflush(stdout);
  if (!s.ok()) return command_error("journal dump", s);
  if (!bad.ok()) return command_error("journal dump", bad);
  return 0;
}

std::atomic<bool> g_stop{false};

// Follows a journal that another process is writing: a RocksDB secondary instance catches up
// with the writer every `poll_ms` and prints the new records as JSON lines.
int run_tail(const std::string& dir, bool from_start, uint64_t count, int64_t poll_ms) {
  std::string follower_dir = (fs::temp_directory_path() / "tandem-tail-XXXXXX").string();
  if (mkdtemp(follower_dir.data()) == nullptr) {
    return command_error("journal tail",
                         Status::io_error("cannot create a temporary directory for tail"));
  }
  struct Cleanup {
    std::string path;
    ~Cleanup() {
      std::error_code ec;
      fs::remove_all(path, ec);
    }
  } cleanup{follower_dir};
  StoreOptions options;
  options.mode = OpenMode::follower;
  options.follower_dir = follower_dir;
  auto store = Store::open(dir, options);
  if (!store.ok()) return command_error("journal tail", store.status());
  signal(SIGINT, [](int) { g_stop = true; });
  signal(SIGTERM, [](int) { g_stop = true; });
  uint64_t next = from_start ? 1 : (*store)->head().seq + 1;
  uint64_t printed = 0;
  while (!g_stop && (count == 0 || printed < count)) {
    Status bad;
    Status s = (*store)->scan(next, 0, [&](const Envelope& e) {
      auto json = journal::envelope_to_json(e);
      if (!json.ok()) {
        bad = json.status();
        return false;
      }
      fmt::print("{}\n", *json);
      next = e.header.seq + 1;
      return count == 0 || ++printed < count;
    });
    std::fflush(stdout);
    if (!s.ok()) return command_error("journal tail", s);
    if (!bad.ok()) return command_error("journal tail", bad);
    if (count != 0 && printed >= count) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(poll_ms));
    if (Status c = (*store)->catch_up(); !c.ok()) return command_error("journal tail", c);
  }
  return 0;
}

// A new journal from a dump; it must not exist yet, and a failed import leaves nothing.
int run_import(const std::string& dir, const std::string& from) {
  std::error_code ec;
  if (std::filesystem::exists(dir, ec)) {
    return command_error(
        "journal import",
        Status::invalid_argument(dir + " already exists; import makes a new journal"));
  }
  std::ifstream in(from);
  if (!in) return command_error("journal import", Status::not_found("cannot read " + from));
  Result<ImportReport> report = Status::failed_precondition("not run");
  {
    journal::StoreOptions options;
    options.create_if_missing = true;
    auto store = Store::open(dir, options);
    if (!store.ok()) return command_error("journal import", store.status());
    report = journal::import_dump(in, **store);
  }
  if (!report.ok()) {
    std::filesystem::remove_all(dir, ec);
    return command_error("journal import",
                         Status(report.status().code(), from + ": " + report.status().message()));
  }
  fmt::print("imported {} records into {}; head hash {} (the dump's own)\n", report->records, dir,
             journal::to_hex(report->head));
  return 0;
}

// backup: a consistent copy of a journal, live or not; restore: the same copy back into
// a journal directory that does not exist (the damaged one moved aside first).
int run_copy(const std::string& verb, const std::string& from, const std::string& to) {
  auto report = journal::copy_journal(from, to);
  if (!report.ok()) return command_error("journal " + verb, report.status());
  fmt::print("{} {} -> {}: {} records, hash chain verified; head seq {} hash {}\n", verb, from, to,
             report->records_checked, report->head.seq, journal::to_hex(report->head.hash));
  return 0;
}

}  // namespace

void add_journal_commands(CLI::App& app, int& exit_code) {
  CLI::App* journal = app.add_subcommand("journal", "Inspect and check a journal");
  journal->require_subcommand(1);

  static std::string dir;
  auto add_dir = [&](CLI::App* cmd) {
    cmd->add_option("--journal", dir, "Journal directory")->required();
  };

  CLI::App* verify = journal->add_subcommand(
      "verify", "Walk the whole hash chain; name the first bad record and exit 1 if any");
  add_dir(verify);
  verify->footer("Example: tandem journal verify --journal ./tandem-demo");
  verify->callback([&] { exit_code = run_verify(dir); });

  CLI::App* stats = journal->add_subcommand("stats", "Records, days, event types, size");
  add_dir(stats);
  stats->footer("Example: tandem journal stats --journal ./tandem-demo");
  stats->callback([&] { exit_code = run_stats(dir); });

  static uint64_t from = 1, to = 0;
  static std::string format = "jsonl";
  static std::string day;
  CLI::App* dump = journal->add_subcommand("dump", "Print records as JSON lines, every field");
  add_dir(dump);
  dump->add_option("--from", from, "First sequence (default 1)");
  dump->add_option("--to", to, "Last sequence (default: the head)");
  dump->add_option("--day", day, "Only this trading day (IST date, YYYY-MM-DD)");
  dump->add_option("--format", format, "Output format (jsonl)")->check(CLI::IsMember({"jsonl"}));
  dump->footer(
      "Examples: tandem journal dump --journal ./tandem-demo --from 1 --to 20\n"
      "          tandem journal dump --journal ./tandem-demo --day 2026-11-20");
  dump->callback([&] { exit_code = run_dump(dir, from, to, format, day); });

  static std::string import_from;
  CLI::App* import = journal->add_subcommand(
      "import", "Make a new journal from a `journal dump`, every record's hash re-checked");
  add_dir(import);
  import->add_option("--from", import_from, "The dump (JSON lines)")->required();
  import->footer(
      "Example: tandem journal import --journal /tmp/tape --from "
      "tests/data/tapes/demo-morning.jsonl");
  import->callback([&] { exit_code = run_import(dir, import_from);
});

static bool from_start = false;
static uint64_t count = 0;
static int64_t poll_ms = 200;
CLI::App* tail = journal->add_subcommand(
    "tail", "Follow a live journal and print new records as JSON lines until interrupted");
add_dir(tail);
tail->add_flag("--from-start", from_start, "Print existing records first");
tail->add_option("--count", count, "Stop after this many records (default: never)");
tail->add_option("--poll-ms", poll_ms, "How often to look for new records")
    ->check(CLI::Range(10, 60000));
tail->footer("Example: tandem journal tail --journal ./tandem-demo --from-start");
tail->callback([&] { exit_code = run_tail(dir, from_start, count, poll_ms); });

static std::string copy_dir;
CLI::App* backup = journal->add_subcommand(
    "backup", "A consistent, verified copy of a journal, also while the engine writes it");
add_dir(backup);
backup->add_option("--to", copy_dir, "A new directory for the copy")->required();
backup->footer(
    "Example: tandem journal backup --journal /var/lib/tandem/journal "
    "--to /backup/tandem-$(date +%F)");
backup->callback([&] { exit_code = run_copy("backup", dir, copy_dir); });

CLI::App* restore = journal->add_subcommand(
    "restore", "Bring a backup back as the journal (into a directory that does not exist)");
add_dir(restore);
restore->add_option("--from", copy_dir, "The backup directory")->required();
restore->footer(
    "Example: mv journal journal.damaged && tandem journal restore --journal journal "
    "--from /backup/tandem-2026-11-20");
restore->callback([&] { exit_code = run_copy("restore", copy_dir, dir); });
}  // namespace tandem::app

}  // namespace tandem::app
