// Goal: the compliance export holds, per follower, every leader event, decision (with its
// sizing inputs), intent, ack and order update of the range, in journal order, with each
// record's chain hash; the same range gives the same bytes; the signed manifest catches a
// change to any byte of it, and a signature made with another key.
// Method: a CopySim day journaled through the real store; manifests signed with HMAC-SHA256
// and with an Ed25519 key made here through OpenSSL.
#include <gtest/gtest.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <algorithm>

#include <boost/json.hpp>

#include "audit/manifest.h"
#include "audit/register.h"
#include "crypto/signature.h"
#include "tests/support/copy_sim.h"
#include "tests/support/journal_helpers.h"
#include "tests/support/temp_dir.h"
#include "tests/support/two_leaders.h"

namespace tandem::audit {
namespace {

namespace d = ::tandem::domain;
using testing::kSimDay;

// A simulated day's journal, through the real store.
std::unique_ptr<journal::Store> journaled(const testing::CopySim& sim, const std::string& dir) {
  auto store = testing::open_store(dir);
  std::vector<journal::AppendItem> items;
  for (const auto& e : sim.journal()) items.push_back(testing::item(e, kSimDay));
  EXPECT_TRUE(store->append(items).ok());
  return store;
}

// A day of the leader's, copied to two followers (a fleet's shard holds its own two).
std::unique_ptr<journal::Store> a_day(const std::string& dir, const std::string& first = "a",
                                      const std::string& second = "b") {
  testing::CopySim sim;
  sim.setup({testing::sim_follower(first, d::SizingPolicy::multiplier, 2 * d::kPpm),
             testing::sim_follower(second, d::SizingPolicy::fixed_ratio, d::kPpm / 3)});
  const auto option = testing::sim_option();
  sim.apply(testing::leader_order("L1", option, d::Side::buy, 150, d::OrderStatus::complete, 150));
  sim.apply(testing::leader_order("L2", option, d::Side::sell, 150, d::OrderStatus::complete, 150));
  return journaled(sim, dir);
}

ExportRequest the_day(Format format = Format::csv) {
  ExportRequest r;
  r.from = r.to = kSimDay;
  r.format = format;
  return r;
}

std::vector<std::string> lines(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    out.push_back(text.substr(start, end - start));
  }
  return out;
}

std::string ed25519_private_pem() {
  EVP_PKEY* key = EVP_PKEY_Q_keygen(nullptr, nullptr, "ED25519");
  BIO* bio = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(bio, key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  std::string pem(data, static_cast<size_t>(size));
  BIO_free(bio);
  EVP_PKEY_free(key);
  return pem;
}

// Many leaders: the export cut by leader holds the registers of that leader's shares only,
// each with that leader's events only; a share's register never shows another leader's.
TEST(AuditExport, CutByLeaderHoldsItsSharesWithItsEventsOnly) {
  testing::TempDir dir;
  testing::CopySim sim = testing::two_leaders();
  sim.apply(testing::order_of(testing::kScalper, "1", d::Side::buy, 75));
  sim.apply(testing::order_of(testing::kWriter, "1", d::Side::sell, 75));
  auto store = journaled(sim, dir.path("j"));
  ExportRequest request = the_day(Format::jsonl);
  request.leader = "writer";
  auto content = build_export(*store, request);
  ASSERT_TRUE(content.ok()) << content.status().to_string();
  std::vector<std::string> registers;
  for (const auto& [name, file] : content->files) {
    if (name.starts_with("register-")) registers.push_back(name);
  }
  EXPECT_EQ(registers, std::vector<std::string>{"register-fam_writer.jsonl"});
  int leader_events = 0;
  for (const auto& line : lines(content->files.at("register-fam_writer.jsonl").bytes)) {
    const auto row = boost::json::parse(line).as_object();
    if (row.at("record").as_string() != "LeaderOrderUpdate") continue;
    ++leader_events;
    EXPECT_EQ(std::string(row.at("leader_order_id").as_string()).rfind("writer:", 0), 0u);
  }
  EXPECT_EQ(leader_events, 1);
  // Uncut, the scalper's share has only the scalper's events.
  auto all = build_export(*store, the_day(Format::jsonl));
  ASSERT_TRUE(all.ok());
  for (const auto& line : lines(all->files.at("register-fam_scalper.jsonl").bytes)) {
    const auto row = boost::json::parse(line).as_object();
    if (row.at("record").as_string() == "LeaderOrderUpdate") {
      EXPECT_EQ(std::string(row.at("leader_order_id").as_string()).rfind("scalper:", 0), 0u);
    }
  }
  request.leader = "nobody";
  EXPECT_EQ(build_export(*store, request).status().code(), StatusCode::not_found);
}

// Many leaders: the day's summary gives each share its own realised P&L (the fills of the
// orders copied from its leader), and names its leader; --follower by the follower's own id
// exports every share of it.
TEST(AuditExport, TheSummaryAttributesRealisedPnLToEachLeadersShare) {
  testing::TempDir dir;
  testing::CopySim sim = testing::two_leaders();
  // A leader's limit order, resting then filled: its copies rest at its price, and fill there.
  auto at_limit = [&](const d::LeaderId& leader, const std::string& id, d::Side side,
                      int64_t price) {
    d::LeaderOrderUpdate u = testing::order_of(leader, id, side, 75);
    u.order_type = d::OrderType::limit;
    u.price_paise = price;
    u.status = d::OrderStatus::open;
    u.filled_units = u.average_price_paise = 0;
    sim.apply(u);
    u.status = d::OrderStatus::complete;
    u.filled_units = 75;
    u.average_price_paise = price;
    sim.apply(u);
  };
  sim.apply(testing::order_of(testing::kScalper, "1", d::Side::buy, 75));  // at 100.00
  sim.apply(testing::order_of(testing::kWriter, "1", d::Side::buy, 75));   // fam: 150
  at_limit(testing::kScalper, "2", d::Side::sell, 110'00);                 // +10.00 on 75
  at_limit(testing::kWriter, "2", d::Side::sell, 90'00);                   // -10.00 on 150
  auto store = journaled(sim, dir.path("j"));
  ExportRequest request = the_day(Format::jsonl);
  request.follower = "fam";
  auto content = build_export(*store, request);
  ASSERT_TRUE(content.ok()) << content.status().to_string();
  EXPECT_TRUE(content->files.contains("register-fam_scalper.jsonl"));
  EXPECT_TRUE(content->files.contains("register-fam_writer.jsonl"));
  EXPECT_FALSE(content->files.contains("register-solo.jsonl"));
  std::map<std::string, std::pair<std::string, int64_t>> by_share;  // leader, realised
  for (const auto& line : lines(content->files.at("summary.jsonl").bytes)) {
    const auto row = boost::json::parse(line).as_object();
    by_share[std::string(row.at("follower").as_string())] = {
        std::string(row.at("leader").as_string()), row.at("realized_pnl_paise").as_int64()};
  }
  using Share = std::pair<std::string, int64_t>;
  EXPECT_EQ(by_share.size(), 2u);
  EXPECT_EQ(by_share["fam@scalper"], (Share{"scalper", 75 * 10'00}));
  EXPECT_EQ(by_share["fam@writer"], (Share{"writer", -150 * 10'00}));
  // The whole day: the scalper's other follower realised its own.
  auto all = build_export(*store, the_day());
  ASSERT_TRUE(all.ok());
  EXPECT_NE(all->files.at("summary.csv").bytes.find(",solo,scalper,"), std::string::npos);
}

TEST(AuditExport, EachRegisterHoldsTheFollowersRecordsInJournalOrder) {
  testing::TempDir dir;
  auto store = a_day(dir.path("j"));
  auto content = build_export(*store, the_day(Format::jsonl));
  ASSERT_TRUE(content.ok()) << content.status().to_string();
  ASSERT_TRUE(content->files.contains("register-a.jsonl"));
  ASSERT_TRUE(content->files.contains("summary.jsonl"));
  ASSERT_EQ(content->journals.size(), 1u);
  EXPECT_EQ(content->journals[0].first_seq, 1u);
  EXPECT_EQ(content->journals[0].last_seq, store->head().seq);
  EXPECT_EQ(content->journals[0].last_hash, journal::to_hex(store->head().hash));

  std::vector<std::string> records;
  uint64_t last_seq = 0;
  int64_t placed_units = 0;
  for (const auto& line : lines(content->files.at("register-a.jsonl").bytes)) {
    const auto row = boost::json::parse(line).as_object();
    const auto seq = static_cast<uint64_t>(row.at("seq").as_int64());
    EXPECT_GT(seq, last_seq);
    last_seq = seq;
    EXPECT_EQ(row.at("record_hash").as_string().size(), 64u);
    records.emplace_back(row.at("record").as_string());
    if (row.contains("follower")) {
      EXPECT_EQ(row.at("follower").as_string(), "a");
    }
    if (records.back() == "CopyDecision" && row.at("action").as_string() == "place") {
      EXPECT_EQ(row.at("ratio_ppm").as_int64(), 2 * d::kPpm);
      EXPECT_EQ(row.at("leader_qty_units").as_int64(), 150);
      placed_units += row.at("final_qty_units").as_int64();
    }
  }
  EXPECT_EQ(placed_units, 600);  // two leader orders of 150, copied at 2x
  const std::vector<std::string> expected_start = {"FollowerConfigured", "LeaderOrderUpdate",
                                                   "CopyDecision",       "FollowerOrderIntent",
                                                   "FollowerOrderAck",   "FollowerOrderUpdate"};
  ASSERT_GE(records.size(), expected_start.size());
  EXPECT_EQ(std::vector<std::string>(records.begin(), records.begin() + 6), expected_start);
}

// The loss guard's trip is in the follower's register with its P&L and limit, then the
// flatten it ordered.
TEST(AuditExport, ALossGuardTripIsInTheFollowersRegister) {
  testing::CopySim sim;
  d::FollowerSettings a = testing::sim_follower("a");
  a.max_daily_loss_paise = 1'000'00;
  a.loss_guard_action = d::LossGuardAction::flatten;
  sim.setup({a});
  const auto option = testing::sim_option();
  sim.apply(testing::leader_order("L1", option, d::Side::buy, 150, d::OrderStatus::complete, 150));
  sim.apply(d::PriceSnapshot{{{option.key, 90'00}}, testing::kSimTenAm});
  testing::TempDir dir;
  auto store = journaled(sim, dir.path("j"));
  auto content = build_export(*store, the_day(Format::jsonl));
  ASSERT_TRUE(content.ok()) << content.status().to_string();
  std::vector<std::string> records;
  for (const auto& line : lines(content->files.at("register-a.jsonl").bytes)) {
    const auto row = boost::json::parse(line).as_object();
    records.emplace_back(row.at("record").as_string());
    if (records.back() == "LossGuardTripped") {
      const std::string detail(row.at("detail").as_string());
      EXPECT_NE(detail.find("\"dayPnlPaise\":\"-150000\""), std::string::npos) << detail;
      EXPECT_NE(detail.find("\"action\":\"flatten\""), std::string::npos) << detail;
    }
  }
  const auto trip = std::find(records.begin(), records.end(), "LossGuardTripped");
  ASSERT_NE(trip, records.end());
  ASSERT_NE(trip + 1, records.end());
  EXPECT_EQ(*(trip + 1), "CopyDecision");  // the flatten's closing order follows
}

// An orphan found at the broker (the journal's tail was lost) is in the register as placed,
// and its fills in the day's summary.
TEST(AuditExport, AnOrderFoundAtTheBrokerIsInTheRegisterAndTheSummary) {
  testing::CopySim sim{/*auto_fill=*/false};
  sim.setup({testing::sim_follower("a")});
  d::FollowerOrderFound f;
  f.follower = {"a"};
  f.tag = {"T1"};
  f.leader_order_id = {"L1"};
  f.ordinal = 1;
  f.broker_order_id = {"B9"};
  f.order = {testing::sim_option().key,
             d::Side::buy,
             d::OrderType::market,
             d::Product::intraday,
             d::Validity::day,
             75,
             0,
             0};
  f.status = d::OrderStatus::complete;
  f.filled_units = 75;
  f.average_price_paise = 100'00;
  f.exchange_time_ns = testing::kSimTenAm;
  sim.apply(f);
  testing::TempDir dir;
  auto store = journaled(sim, dir.path("j"));
  auto content = build_export(*store, the_day(Format::jsonl));
  ASSERT_TRUE(content.ok()) << content.status().to_string();
  bool found = false;
  for (const auto& line : lines(content->files.at("register-a.jsonl").bytes)) {
    const auto row = boost::json::parse(line).as_object();
    if (row.at("record").as_string() != "FollowerOrderFound") continue;
    found = true;
    EXPECT_EQ(row.at("action").as_string(), "found");
    EXPECT_EQ(row.at("broker_order_id").as_string(), "B9");
    EXPECT_EQ(row.at("filled_units").as_int64(), 75);
  }
  EXPECT_TRUE(found);
  const auto summary = lines(content->files.at("summary.jsonl").bytes);
  ASSERT_EQ(summary.size(), 1u);
  const auto day = boost::json::parse(summary[0]).as_object();
  EXPECT_EQ(day.at("place").as_int64(), 1);
  EXPECT_EQ(day.at("filled_units").as_int64(), 75);
}

TEST(AuditExport, TheSameRangeGivesTheSameBytesAndAFollowerFilterOnlyItsOwn) {
  testing::TempDir dir;
  auto store = a_day(dir.path("j"));
  auto one = build_export(*store, the_day());
  auto two = build_export(*store, the_day());
  ASSERT_TRUE(one.ok() && two.ok());
  EXPECT_EQ(manifest_json(*one, the_day(), "1.0"), manifest_json(*two, the_day(), "1.0"));
  for (const auto& [name, file] : one->files) EXPECT_EQ(file.bytes, two->files.at(name).bytes);

  auto only_b = the_day();
  only_b.follower = "b";
  auto b = build_export(*store, only_b);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(b->files.size(), 2u);  // b's register and the summary
  EXPECT_EQ(b->files.at("register-b.csv").bytes, one->files.at("register-b.csv").bytes);
  EXPECT_EQ(b->files.at("summary.csv").bytes.find(",a,"), std::string::npos);
  only_b.follower = "nobody";
  EXPECT_EQ(build_export(*store, only_b).status().code(), StatusCode::not_found);
  auto other_day = the_day();
  other_day.from = other_day.to = kSimDay + 1;
  EXPECT_EQ(build_export(*store, other_day).status().code(), StatusCode::not_found);
}

TEST(AuditManifest, SignaturesCatchAnyChangedByteAndAnotherKey) {
  testing::TempDir dir;
  auto store = a_day(dir.path("j"));
  auto content = build_export(*store, the_day());
  ASSERT_TRUE(content.ok());
  const std::string manifest = manifest_json(*content, the_day(), "1.0");

  const std::string hmac_key(32, 'k');
  auto hmac = sign_manifest(manifest, {SigningKey::Kind::hmac_sha256, hmac_key});
  ASSERT_TRUE(hmac.ok());
  EXPECT_TRUE(check_signature(manifest, *hmac, {hmac_key, std::nullopt}).ok());
  EXPECT_EQ(check_signature(manifest, *hmac, {std::string(32, 'x'), std::nullopt}).status().code(),
            StatusCode::corruption);
  EXPECT_EQ(check_signature(manifest, *hmac, {}).status().code(), StatusCode::invalid_argument);

  const std::string pem = ed25519_private_pem();
  auto ed = sign_manifest(manifest, {SigningKey::Kind::ed25519, pem});
  ASSERT_TRUE(ed.ok()) << ed.status().to_string();
  EXPECT_EQ(*ed, *sign_manifest(manifest, {SigningKey::Kind::ed25519, pem}));  // deterministic
  auto carried = check_signature(manifest, *ed, {});
  ASSERT_TRUE(carried.ok());
  EXPECT_FALSE(carried->trusted_key);
  const std::string other_public = *crypto::ed25519_public_pem(ed25519_private_pem());
  EXPECT_EQ(check_signature(manifest, *ed, {std::nullopt, other_public}).status().code(),
            StatusCode::corruption);

  // Every byte of the manifest is covered, under both algorithms.
  for (size_t i = 0; i < manifest.size(); i += 7) {
    std::string changed = manifest;
    changed[i] = static_cast<char>(changed[i] ^ 0x01);
    EXPECT_FALSE(check_signature(changed, *hmac, {hmac_key, std::nullopt}).ok()) << i;
    EXPECT_FALSE(check_signature(changed, *ed, {}).ok()) << i;
  }

  auto facts = read_manifest(manifest);
  ASSERT_TRUE(facts.ok()) << facts.status().to_string();
  EXPECT_EQ(facts->journals.at(0).last_seq, content->journals.at(0).last_seq);
  EXPECT_EQ(facts->files.size(), content->files.size());
}

// A fleet's day (issue 28): the shards' journals give one export, each follower's register
// byte for byte as its own shard's export has it, the summary's rows of every shard once in
// (day, follower) order, each journal's range named; the order the journals are given in
// changes no file.
TEST(AuditExport, AFleetsShardsMergeIntoOneExportKeyedByFollower) {
  testing::TempDir dir;
  auto one = a_day(dir.path("s1"), "a", "b");
  auto two = a_day(dir.path("s2"), "c", "d");
  for (const Format format : {Format::csv, Format::jsonl}) {
    SCOPED_TRACE(std::string(to_string(format)));
    const std::string ext = "." + std::string(to_string(format));
    auto alone_one = build_export(*one, the_day(format));
    auto alone_two = build_export(*two, the_day(format));
    ASSERT_TRUE(alone_one.ok() && alone_two.ok());
    const std::vector<const journal::Store*> shards = {one.get(), two.get()};
    auto merged = build_export(shards, the_day(format));
    ASSERT_TRUE(merged.ok()) << merged.status().to_string();

    std::vector<std::string> names;
    for (const auto& [name, file] : merged->files) names.push_back(name);
    EXPECT_EQ(names,
              (std::vector<std::string>{"register-a" + ext, "register-b" + ext, "register-c" + ext,
                                        "register-d" + ext, "summary" + ext}));
    for (const auto& [name, file] : alone_one->files) {
      if (name.starts_with("register-")) {
        EXPECT_EQ(merged->files.at(name).bytes, file.bytes);
      }
    }
    for (const auto& [name, file] : alone_two->files) {
      if (name.starts_with("register-")) {
        EXPECT_EQ(merged->files.at(name).bytes, file.bytes);
      }
    }
    ASSERT_EQ(merged->journals.size(), 2u);
    EXPECT_EQ(merged->journals[0].last_hash, alone_one->journals[0].last_hash);
    EXPECT_EQ(merged->journals[1].last_seq, alone_two->journals[0].last_seq);
    EXPECT_EQ(merged->journals[1].registers,
              (std::vector<std::string>{"register-c" + ext, "register-d" + ext}));

    // The summary: each shard's rows once, the followers in order, a CSV's header once.
    const ExportFile& summary = merged->files.at("summary" + ext);
    const auto rows = lines(summary.bytes);
    const size_t header = format == Format::csv ? 1 : 0;
    EXPECT_EQ(summary.rows, alone_one->files.at("summary" + ext).rows +
                                alone_two->files.at("summary" + ext).rows);
    ASSERT_EQ(rows.size(), header + summary.rows);
    std::vector<std::string> followers;
    for (size_t i = header; i < rows.size(); ++i) {
      if (format == Format::jsonl) {
        followers.emplace_back(boost::json::parse(rows[i]).at("follower").as_string());
      } else {
        const size_t comma = rows[i].find(',');
        followers.push_back(rows[i].substr(comma + 1, rows[i].find(',', comma + 1) - comma - 1));
      }
    }
    EXPECT_EQ(followers, (std::vector<std::string>{"a", "b", "c", "d"}));

    // The other order: the same files; the journals listed as given.
    const std::vector<const journal::Store*> reversed = {two.get(), one.get()};
    auto again = build_export(reversed, the_day(format));
    ASSERT_TRUE(again.ok());
    for (const auto& [name, file] : merged->files)
      EXPECT_EQ(again->files.at(name).bytes, file.bytes);
    EXPECT_EQ(again->journals[0].last_hash, merged->journals[1].last_hash);
  }
}

TEST(AuditExport, AMergedExportRefusesAFollowerInTwoShardsAndCutsByFollower) {
  testing::TempDir dir;
  auto one = a_day(dir.path("s1"), "a", "b");
  auto two = a_day(dir.path("s2"), "b", "c");
  const std::vector<const journal::Store*> shards = {one.get(), two.get()};
  auto twice = build_export(shards, the_day());
  ASSERT_FALSE(twice.ok());
  EXPECT_EQ(twice.status().code(), StatusCode::invalid_argument);
  EXPECT_NE(twice.status().message().find("register-b.csv is in journal 1 and journal 2"),
            std::string::npos)
      << twice.status().message();

  // Cut by follower: the one shard that holds it gives its register; both ranges are named.
  auto only_c = the_day();
  only_c.follower = "c";
  auto c = build_export(shards, only_c);
  ASSERT_TRUE(c.ok()) << c.status().to_string();
  EXPECT_TRUE(c->files.contains("register-c.csv"));
  EXPECT_FALSE(c->files.contains("register-a.csv"));
  EXPECT_EQ(c->files.at("summary.csv").rows, 1u);
  ASSERT_EQ(c->journals.size(), 2u);
  EXPECT_TRUE(c->journals[0].registers.empty());
  auto nobody = the_day();
  nobody.follower = "z";
  EXPECT_EQ(build_export(shards, nobody).status().code(), StatusCode::not_found);

  // The manifest names both journals and reads back; a cut by leader is read back too.
  only_c.leader = "main";
  const std::string manifest = manifest_json(*c, only_c, "1.0");
  auto facts = read_manifest(manifest);
  ASSERT_TRUE(facts.ok()) << facts.status().to_string();
  ASSERT_EQ(facts->journals.size(), 2u);
  EXPECT_EQ(facts->journals[1].last_hash, c->journals[1].last_hash);
  EXPECT_EQ(facts->journals[0].first_seq, c->journals[0].first_seq);
  EXPECT_EQ(facts->request.leader, std::optional<std::string>("main"));
  EXPECT_EQ(facts->request.follower, std::optional<std::string>("c"));
}

}  // namespace
}  // namespace tandem::audit
