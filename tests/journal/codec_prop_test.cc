// Goal: the codec is lossless and canonical for every event type.
// Method: RapidCheck generates events of every type (tests/support/event_gen.h); we check
// decode(encode(e)) == e, that encoding is stable (equal events, equal bytes), and that a
// whole envelope round-trips with a hash that verifies and breaks when any byte changes.
#include <gtest/gtest.h>
#include <rapidcheck/gtest.h>

#include "journal/codec.h"
#include "tests/support/event_gen.h"

namespace tandem::journal {
namespace {

namespace d = ::tandem::domain;

RC_GTEST_PROP(CodecProp, DecodeOfEncodeIsIdentity, (const d::Event& event)) {
  const WordBytes payload = encode_payload(event);
  auto decoded = decode_payload(d::event_type(event), payload.bytes(), 1);
  RC_ASSERT(decoded.ok());
  RC_ASSERT(*decoded == event);
  // Canonical: re-encoding the decoded event gives the same bytes.
  const WordBytes again = encode_payload(*decoded);
  RC_ASSERT(std::equal(payload.bytes().begin(), payload.bytes().end(), again.bytes().begin(),
                       again.bytes().end()));
}

// The JSON of `journal dump` reads back to the same event (what `journal import` and the
// golden tapes rely on), and the type is found again by its name.
RC_GTEST_PROP(CodecProp, JsonReadsBackToTheSameEvent, (const d::Event& event)) {
  auto json = event_to_json(event);
  RC_ASSERT(json.ok());
  auto type = event_type_named(d::to_string(d::event_type(event)));
  RC_ASSERT(type.ok());
  auto back = event_from_json(*type, *json);
  RC_ASSERT(back.ok());
  RC_ASSERT(*back == event);
}

TEST(Codec, JsonThatDoesNotFitItsTypeIsAClearError) {
  auto bad = event_from_json(d::EventType::funds_snapshot, R"({"availablePaise":"ten"})");
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("not a FundsSnapshot"), std::string::npos);
  EXPECT_FALSE(event_type_named("NoSuchEvent").ok());
}

// A leader's tag code starts every tag of its followers (client_tag.h): one no broker would
// take is refused as a damaged record, never made into tags.
TEST(Codec, ALeaderTagCodeNoBrokerTakesIsAClearError) {
  const auto good = event_from_json(d::EventType::leader_configured,
                                    R"({"account":"LA","name":"scalper","tagCode":"S1"})");
  ASSERT_TRUE(good.ok()) << good.status().to_string();
  EXPECT_EQ(std::get<d::LeaderConfigured>(*good).tag_code, "S1");
  for (const char* code : {"SCAL", "S-"}) {
    const auto bad = event_from_json(d::EventType::leader_configured,
                                     std::string(R"({"account":"LA","tagCode":")") + code + "\"}");
    EXPECT_FALSE(bad.ok()) << code;
  }
}

// A rejection's error class is written by name (domain/orders/order_failure.h); a name this
// binary does not know is refused, naming it, never read as some other failure.
TEST(Codec, AnErrorClassOfNoKnownNameIsAClearError) {
  const auto known = event_from_json(d::EventType::follower_order_rejected,
                                     R"({"tag":"t1","follower":"f1","errorClass":"unsent"})");
  ASSERT_TRUE(known.ok()) << known.status().to_string();
  EXPECT_EQ(std::get<d::FollowerOrderRejected>(*known).error_class, d::OrderFailure::unsent);
  const auto unknown = event_from_json(d::EventType::follower_order_rejected,
                                       R"({"tag":"t1","follower":"f1","errorClass":"bogus"})");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("bogus"), std::string::npos)
      << unknown.status().to_string();
}

RC_GTEST_PROP(CodecProp, EnvelopeRoundTripsAndHashCoversEveryByte,
              (const d::Event& event, uint64_t seq_raw, int64_t at, uint8_t flip_bit)) {
  const uint64_t seq = seq_raw % 1'000'000'000 + 1;
  const WordBytes payload = encode_payload(event);
  const ChainHeader header{seq, at, 20261120, kSchemaVersion,
                           static_cast<uint16_t>(d::event_type(event))};
  Hash prev{};
  prev[0] = 7;
  const Hash hash = chain_hash(prev, header, payload.bytes());
  const std::string value = encode_envelope(header, payload.bytes(), prev, hash);

  auto record = decode_record(seq, value);
  RC_ASSERT(record.ok());
  RC_ASSERT(record->event == event);
  RC_ASSERT(record->seq == seq);
  RC_ASSERT(record->recorded_at_ns == at);
  RC_ASSERT(record->prev_hash == prev);
  RC_ASSERT(record->hash == hash);

  // Flipping any one bit of the stored value is caught, by decoding or by the hash.
  std::string damaged = value;
  const size_t byte = *rc::gen::inRange<size_t>(0, damaged.size());
  damaged[byte] = static_cast<char>(damaged[byte] ^ (1 << (flip_bit % 8)));
  auto bad = decode_record(seq, damaged);
  if (bad.ok()) {
    // A flip in padding or an unused pointer bit can leave every field equal; then nothing
    // recorded changed. Anything that decodes differently must not pass the hash.
    RC_ASSERT(bad->event == event);
    RC_ASSERT(bad->hash == hash);
    RC_ASSERT(bad->prev_hash == prev);
  }
}

}  // namespace
}  // namespace tandem::journal
