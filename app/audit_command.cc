#include "app/audit_command.h"

#include <fmt/format.h>

#include <filesystem>
#include <fstream>
#include <memory>
#include <set>

#include "app/journal_commands.h"
#include "app/progress_bar.h"
#include "app/text_file.h"
#include "audit/manifest.h"
#include "audit/register.h"
#include "crypto/secret_store.h"
#include "crypto/sha256.h"

namespace tandem::app {

namespace {

namespace fs = std::filesystem;

struct KeyOptions {
  std::string hmac_key_file;  // HMAC-SHA256 key (the file's bytes, trailing newline dropped)
  std::string ed25519_key;    // export: the private key PEM
  std::string public_key;     // verify: the Ed25519 public key PEM expected to have signed
};

struct ExportOptions {
  std::vector<std::string> journals;  // one, or a fleet's shards'
  std::string from, to, follower, leader, format = "csv", out;
  KeyOptions keys;
};

struct VerifyOptions {
  std::string dir;
  std::vector<std::string> journals;
  KeyOptions keys;
};

// The journals, opened read-only, in the order given.
struct OpenJournals {
  std::vector<std::unique_ptr<journal::Store>> owned;
  std::vector<const journal::Store*> stores;
};
Result<OpenJournals> open_journals(const std::vector<std::string>& dirs) {
  OpenJournals out;
  for (const std::string& dir : dirs) {
    auto store = open_read_only(dir);
    if (!store.ok()) return store.status();
    out.stores.push_back(store->get());
    out.owned.push_back(std::move(*store));
  }
  return out;
}

std::string range_text(const audit::JournalRange& j) {
  return fmt::format("records {}..{}", j.first_seq, j.last_seq);
}

Result<std::string> hmac_key(const std::string& path) {
  auto key = crypto::read_private_file(path);
  if (!key.ok()) return key.status();
  while (!key->empty() && (key->back() == '\n' || key->back() == '\r')) key->pop_back();
  if (key->size() < 32) {
    return Status::invalid_argument("the HMAC key in " + path + " is shorter than 32 bytes");
  }
  return key;
}

Status write_file(const fs::path& path, std::string_view bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  out.flush();
  if (!out) return Status::io_error("cannot write " + path.string());
  return Status();
}

int export_command(const ExportOptions& o) {
  auto fail = [](const Status& s) {
    fmt::print(stderr, "tandem audit export: {}\n", s.message());
    return 1;
  };
  if (o.keys.hmac_key_file.empty() == o.keys.ed25519_key.empty()) {
    return fail(Status::invalid_argument(
        "sign the manifest with one key: --hmac-key-file FILE or --ed25519-key PEM"));
  }
  audit::SigningKey key;
  if (!o.keys.hmac_key_file.empty()) {
    auto k = hmac_key(o.keys.hmac_key_file);
    if (!k.ok()) return fail(k.status());
    key.material = *k;
  } else {
    auto pem = crypto::read_private_file(o.keys.ed25519_key);
    if (!pem.ok()) return fail(pem.status());
    key.kind = audit::SigningKey::Kind::ed25519;
    key.material = *pem;
  }
  audit::ExportRequest request;
  const auto days = parse_day_range(o.from, "--from", o.to);
  if (!days.ok()) return fail(days.status());
  const domain::TradingDay from = days->from, to = days->to;
  request.from = from;
  request.to = to;
  if (!o.follower.empty()) request.follower = o.follower;
  if (!o.leader.empty()) request.leader = o.leader;
  request.format = o.format == "jsonl" ? audit::Format::jsonl : audit::Format::csv;

  std::error_code ec;
  if (fs::exists(o.out, ec) && !fs::is_empty(o.out, ec)) {
    return fail(Status::invalid_argument(o.out + " exists and is not empty; not writing into it"));
  }
  auto journals = open_journals(o.journals);
  if (!journals.ok()) return fail(journals.status());
  auto content = [&] {
    ProgressBar bar("audit export");
    return audit::build_export(journals->stores, request, bar.callback());
  }();
  if (!content.ok()) return fail(content.status());
  const std::string manifest = audit::manifest_json(*content, request, TANDEM_VERSION);
  auto signature = audit::sign_manifest(manifest, key);
  if (!signature.ok()) return fail(signature.status());

  fs::create_directories(o.out, ec);
  if (ec) return fail(Status::io_error("cannot create " + o.out + ": " + ec.message()));
  for (const auto& [name, file] : content->files) {
    if (Status s = write_file(fs::path(o.out) / name, file.bytes); !s.ok()) return fail(s);
  }
  if (Status s = write_file(fs::path(o.out) / audit::kManifestName, manifest); !s.ok())
    return fail(s);
  if (Status s = write_file(fs::path(o.out) / audit::kSignatureName, *signature); !s.ok()) {
    return fail(s);
  }
  for (size_t k = 0; k < o.journals.size(); ++k) {
    const audit::JournalRange& j = content->journals[k];
    fmt::print("audit export of {} days {}..{}: {}, last hash {}\n", o.journals[k], request.from,
               request.to, range_text(j), j.last_hash);
  }
  for (const auto& [name, file] : content->files) {
    fmt::print("  {:<40} {:>7} rows  sha256 {}\n", name, file.rows, crypto::sha256_hex(file.bytes));
  }
  fmt::print("  {} signed ({}) in {}\n", audit::kManifestName,
             key.kind == audit::SigningKey::Kind::ed25519 ? "Ed25519" : "HMAC-SHA256",
             audit::kSignatureName);
  std::string given;
  for (const std::string& dir : o.journals) given += " --journal " + dir;
  fmt::print("Check it with: tandem audit verify {}{} {}\n", o.out, given,
             key.kind == audit::SigningKey::Kind::ed25519 ? "--public-key PUBLIC.pem"
                                                          : "--hmac-key-file KEYFILE");
  return 0;
}

int verify_command(const VerifyOptions& o) {
  std::vector<std::string> problems;
  auto fail = [](const Status& s) {
    fmt::print(stderr, "tandem audit verify: {}\n", s.message());
    return 1;
  };
  const fs::path dir(o.dir);
  auto manifest = read_text((dir / audit::kManifestName).string(), "the manifest");
  if (!manifest.ok()) return fail(manifest.status());
  auto signature = read_text((dir / audit::kSignatureName).string(), "the signature");
  if (!signature.ok()) return fail(signature.status());

  audit::VerifyKeys keys;
  if (!o.keys.hmac_key_file.empty()) {
    auto k = hmac_key(o.keys.hmac_key_file);
    if (!k.ok()) return fail(k.status());
    keys.hmac_key = *k;
  }
  if (!o.keys.public_key.empty()) {
    auto pem = read_text(o.keys.public_key, "the public key");
    if (!pem.ok()) return fail(pem.status());
    keys.public_key_pem = *pem;
  }
  auto check = audit::check_signature(*manifest, *signature, keys);
  if (!check.ok() && check.status().code() != StatusCode::corruption) return fail(check.status());
  if (!check.ok()) {
    problems.push_back(check.status().message());
  } else {
    fmt::print("signature: {} over manifest.json, signer {}{}\n", check->algorithm, check->signer,
               check->trusted_key ? ""
                                  : " (the key carried in manifest.sig: compare its hash with "
                                    "the one you expect, or pass --public-key)");
  }
  auto facts = audit::read_manifest(*manifest);
  if (!facts.ok()) return fail(facts.status());

  std::set<std::string> listed = {std::string(audit::kManifestName),
                                  std::string(audit::kSignatureName)};
  for (const auto& f : facts->files) {
    listed.insert(f.name);
    auto bytes = read_text((dir / f.name).string(), "an exported file");
    if (!bytes.ok()) {
      problems.push_back(f.name + " is missing");
      continue;
    }
    if (bytes->size() != f.bytes || crypto::sha256_hex(*bytes) != f.sha256) {
      problems.push_back(f.name + " differs from its SHA-256 in the manifest");
    }
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (!listed.contains(name))
      problems.push_back(name + " is in the export but not in the manifest");
  }

  if (!o.journals.empty() && o.journals.size() != facts->journals.size()) {
    return fail(Status::invalid_argument(fmt::format(
        "the manifest names {} journal(s) and {} were given: give each shard's --journal, in "
        "the order of the export",
        facts->journals.size(), o.journals.size())));
  }
  if (!o.journals.empty()) {
    // The export again from the journals (each chain checked on the way); being
    // reproducible, it must give exactly the files the manifest lists.
    auto journals = open_journals(o.journals);
    if (!journals.ok()) return fail(journals.status());
    auto again = [&] {
      ProgressBar bar("audit verify");
      return audit::build_export(journals->stores, facts->request, bar.callback());
    }();
    if (!again.ok()) return fail(again.status());
    for (size_t k = 0; k < o.journals.size(); ++k) {
      const audit::JournalRange &is = again->journals[k], &says = facts->journals[k];
      if (is.first_seq != says.first_seq || is.last_seq != says.last_seq ||
          is.last_hash != says.last_hash) {
        problems.push_back(fmt::format(
            "{}'s range is {} ending in hash {}, the manifest says {} ending in {}", o.journals[k],
            range_text(is), is.last_hash, range_text(says), says.last_hash));
      }
    }
    for (const auto& f : facts->files) {
      const auto it = again->files.find(f.name);
      if (it == again->files.end()) {
        problems.push_back(f.name + " has no counterpart in the journal");
      } else if (crypto::sha256_hex(it->second.bytes) != f.sha256) {
        problems.push_back(f.name + " does not match what the journal holds");
      }
    }
    for (const auto& [name, file] : again->files) {
      if (!listed.contains(name))
        problems.push_back(name + " is in the journal but not the export");
    }
  }

  if (!problems.empty()) {
    for (const auto& p : problems) fmt::print("MISMATCH: {}\n", p);
    fmt::print("audit export {}: {} problem{}\n", o.dir, problems.size(),
               problems.size() == 1 ? "" : "s");
    return 1;
  }
  std::string against;
  for (size_t k = 0; k < o.journals.size(); ++k) {
    against += fmt::format("{} {} ({})", k == 0 ? " and the journal" : ",", o.journals[k],
                           range_text(facts->journals[k]));
  }
  fmt::print("audit export {}: OK, {} files match the signed manifest{}\n", o.dir,
             facts->files.size(), against);
  return 0;
}

}  // namespace

void add_audit_commands(CLI::App& app, int& exit_code) {
  CLI::App* audit = app.add_subcommand("audit", "The compliance audit export and its check");
  audit->require_subcommand(1);

  auto e = std::make_shared<ExportOptions>();
  CLI::App* ex = audit->add_subcommand(
      "export", "A signed trade register per follower, a day summary and a manifest");
  ex->add_option("--journal", e->journals,
                 "The journal directory; a fleet's day: each shard's, --journal once for each")
      ->allow_extra_args(false)  // one directory per --journal
      ->required();
  ex->add_option("--from", e->from, "The first trading day (YYYY-MM-DD)")->required();
  ex->add_option("--to", e->to, "The last trading day (default: --from)");
  ex->add_option("--follower", e->follower, "Only this follower's register");
  ex->add_option("--leader", e->leader,
                 "Only the registers of this leader's followers ([[leader]] name), with its "
                 "events only");
  ex->add_option("--format", e->format, "csv or jsonl")
      ->check(CLI::IsMember({"csv", "jsonl"}))
      ->capture_default_str();
  ex->add_option("--out", e->out, "A new (or empty) directory for the export")->required();
  ex->add_option("--hmac-key-file", e->keys.hmac_key_file,
                 "Sign with HMAC-SHA256; the key file (>= 32 bytes, mode 0600)");
  ex->add_option("--ed25519-key", e->keys.ed25519_key,
                 "Sign with Ed25519; the private key PEM (mode 0600; openssl genpkey -algorithm "
                 "ed25519)");
  ex->footer(
      "Example: tandem audit export --journal ./tandem-demo --from 2026-11-20 --format csv "
      "--out ./audit-2026-11-20 --ed25519-key audit.pem");
  ex->callback([e, &exit_code] { exit_code = export_command(*e); });

  auto v = std::make_shared<VerifyOptions>();
  CLI::App* ve = audit->add_subcommand(
      "verify", "Check an export's files and signature, and with --journal, against the chain");
  ve->add_option("dir", v->dir, "The export directory")->required();
  ve->add_option("--journal", v->journals,
                 "The journal it came from; each shard's, in the export's order")
      ->allow_extra_args(false);
  ve->add_option("--hmac-key-file", v->keys.hmac_key_file, "The HMAC key it was signed with");
  ve->add_option("--public-key", v->keys.public_key, "The Ed25519 public key PEM expected");
  ve->footer(
      "Example: tandem audit verify ./audit-2026-11-20 --journal ./tandem-demo --public-key "
      "audit.pub.pem");
  ve->callback([v, &exit_code] { exit_code = verify_command(*v); });
}

}  // namespace tandem::app
