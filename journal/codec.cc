// The only file that turns Cap'n Proto exceptions into Status values (STYLE.md §3).
#include "journal/codec.h"

#include <capnp/message.h>
#include <capnp/serialize.h>
#include <kj/debug.h>
#include <kj/exception.h>

#include <date/date.h>
#include <cstring>
#include <optional>

#include "domain/base/assert.h"
#include "journal/detail/codec_events.h"
#include "journal/schema/envelope.capnp.h"

namespace tandem::journal {

namespace d = ::tandem::domain;

namespace {

// Bounds for reading stored bytes (capnp defaults are 8M words and depth 64; ours are
// tighter because a record is small).
capnp::ReaderOptions reader_options() {
  capnp::ReaderOptions options;
  options.traversalLimitInWords = kMaxRecordBytes / sizeof(capnp::word);
  options.nestingLimit = 16;
  return options;
}

WordBytes to_words(kj::ArrayPtr<const capnp::word> words) {
  WordBytes out;
  out.words.resize(words.size());
  std::memcpy(out.words.data(), words.begin(), words.size() * sizeof(capnp::word));
  out.size = words.size() * sizeof(capnp::word);
  return out;
}

void copy_aligned(std::span<const uint8_t> bytes, WordBytes& out) {
  out.words.resize((bytes.size() + 7) / 8);
  if (!bytes.empty()) std::memcpy(out.words.data(), bytes.data(), bytes.size());
  out.size = bytes.size();
}

WordBytes copy_aligned(std::span<const uint8_t> bytes) {
  WordBytes out;
  copy_aligned(bytes, out);
  return out;
}

kj::ArrayPtr<const capnp::word> as_segment(const WordBytes& b) {
  return kj::arrayPtr(reinterpret_cast<const capnp::word*>(b.words.data()), b.size / 8);
}

Hash to_hash(capnp::Data::Reader data) {
  KJ_REQUIRE(data.size() == 32, "hash is not 32 bytes", data.size());
  Hash h{};
  std::memcpy(h.data(), data.begin(), 32);
  return h;
}

std::string seq_prefix(uint64_t seq) { return "record " + std::to_string(seq) + ": "; }

// Runs `fn`, turning a kj::Exception into corruption naming the sequence.
template <class Fn>
Status catching(uint64_t seq, Fn&& fn) {
  KJ_IF_MAYBE (e, kj::runCatchingExceptions(std::forward<Fn>(fn))) {
    return Status::corruption(seq_prefix(seq) + "does not decode (" +
                              std::string(e->getDescription().cStr()) + ")");
  }
  return Status();
}

}  // namespace

// First segment sizes: capnp's default zero-fills 1024 words (8 KiB) per message, far more
// than a record needs; a larger event simply grows into a second segment.
constexpr unsigned kPayloadFirstSegmentWords = 64;
constexpr unsigned kEnvelopeOverheadWords = 16;

WordBytes encode_payload(const d::Event& event) {
  capnp::MallocMessageBuilder message(kPayloadFirstSegmentWords);
  detail::write_event(message, event);
  kj::Array<capnp::word> canonical = message.getRoot<capnp::AnyStruct>().asReader().canonicalize();
  return to_words(canonical);
}

namespace {

Status decode_payload_into(d::EventType type, std::span<const uint8_t> payload, uint64_t seq,
                           d::Event& out) {
  if (payload.size() % 8 != 0 || payload.empty()) {
    return Status::corruption(seq_prefix(seq) + "payload is " + std::to_string(payload.size()) +
                              " bytes, not whole words");
  }
  const bool aligned = reinterpret_cast<uintptr_t>(payload.data()) % alignof(capnp::word) == 0;
  WordBytes copy;
  if (!aligned) copy = copy_aligned(payload);
  kj::ArrayPtr<const capnp::word> segment =
      aligned
          ? kj::arrayPtr(reinterpret_cast<const capnp::word*>(payload.data()), payload.size() / 8)
          : as_segment(copy);
  return catching(seq, [&] {
    kj::ArrayPtr<const capnp::word> segments[1] = {segment};
    capnp::SegmentArrayMessageReader reader(kj::arrayPtr(segments, 1), reader_options());
    detail::read_event(reader, type, out);
  });
}

}  // namespace

Result<d::Event> decode_payload(d::EventType type, std::span<const uint8_t> payload, uint64_t seq) {
  d::Event event;
  TANDEM_RETURN_IF_ERROR(decode_payload_into(type, payload, seq, event));
  return event;
}

std::string encode_envelope(const ChainHeader& header, std::span<const uint8_t> payload,
                            const Hash& prev, const Hash& hash) {
  // Older versions only when a record is copied as it was (journal import).
  TANDEM_REQUIRE(header.schema_version >= 1 && header.schema_version <= kSchemaVersion,
                 header.schema_version);
  TANDEM_REQUIRE(header.event_type >= 1 && header.event_type <= d::kMaxEventType,
                 header.event_type);
  TANDEM_REQUIRE(payload.size() % 8 == 0, payload.size());
  capnp::MallocMessageBuilder message(static_cast<unsigned>(payload.size() / sizeof(capnp::word)) +
                                      kEnvelopeOverheadWords);
  auto env = message.initRoot<schema::Envelope>();
  env.setSeq(header.seq);
  env.setRecordedAtNs(header.recorded_at_ns);
  env.setTradingDay(header.trading_day);
  env.setSchemaVersion(header.schema_version);
  env.setEventType(header.event_type);
  env.setPayload(kj::arrayPtr(payload.data(), payload.size()));
  env.setPrevHash(kj::arrayPtr(prev.data(), prev.size()));
  env.setHash(kj::arrayPtr(hash.data(), hash.size()));
  // The envelope's own bytes are never hashed (the hash covers the header fields and the
  // canonical payload), so its single segment is stored as built: the first segment is
  // sized to hold it, which the reader's SegmentArrayMessageReader needs.
  const auto segments = message.getSegmentsForOutput();
  TANDEM_ASSERT(segments.size() == 1, segments.size());
  const auto bytes = segments[0].asBytes();
  return std::string(reinterpret_cast<const char*>(bytes.begin()), bytes.size());
}

bool Envelope::hash_matches() const { return chain_hash(prev_hash, header, payload()) == hash; }

namespace {

// `expected_seq`: the key it was stored under, which it must hold; none for an envelope that
// arrived outside the store (then it is named by its own sequence).
Status decode_envelope_as(std::optional<uint64_t> expected_seq, std::string_view value,
                          Envelope& out) {
  uint64_t key_seq = expected_seq.value_or(0);
  if (value.empty() || value.size() % 8 != 0 || value.size() > kMaxRecordBytes) {
    return Status::corruption(seq_prefix(key_seq) + "value is " + std::to_string(value.size()) +
                              " bytes, not a whole envelope (truncated or damaged)");
  }
  copy_aligned({reinterpret_cast<const uint8_t*>(value.data()), value.size()}, out.value);
  TANDEM_RETURN_IF_ERROR(catching(key_seq, [&] {
    kj::ArrayPtr<const capnp::word> segments[1] = {as_segment(out.value)};
    capnp::SegmentArrayMessageReader reader(kj::arrayPtr(segments, 1), reader_options());
    auto env = reader.getRoot<schema::Envelope>();
    out.header = {env.getSeq(), env.getRecordedAtNs(), env.getTradingDay(), env.getSchemaVersion(),
                  env.getEventType()};
    auto payload = env.getPayload();
    // Data in a message starts on a word boundary, so the payload is aligned in place.
    out.payload_offset = static_cast<size_t>(payload.begin() - out.value.bytes().data());
    out.payload_size = payload.size();
    out.prev_hash = to_hash(env.getPrevHash());
    out.hash = to_hash(env.getHash());
  }));
  if (!expected_seq) key_seq = out.header.seq;
  TANDEM_ASSERT(out.payload_offset % 8 == 0, out.payload_offset);
  const ChainHeader& h = out.header;
  if (h.schema_version > kSchemaVersion) {
    return Status::unsupported(seq_prefix(key_seq) + "written with journal schema version " +
                               std::to_string(h.schema_version) + ", newer than this tandem's " +
                               std::to_string(kSchemaVersion) + "; upgrade tandem to read it");
  }
  if (h.schema_version == 0) return Status::corruption(seq_prefix(key_seq) + "schema version 0");
  if (h.seq != key_seq) {
    return Status::corruption(seq_prefix(key_seq) + "stored under this sequence but holds " +
                              std::to_string(h.seq));
  }
  if (h.event_type < 1 || h.event_type > d::kMaxEventType) {
    return Status::corruption(seq_prefix(key_seq) + "unknown event type " +
                              std::to_string(h.event_type));
  }
  return Status();
}

}  // namespace

Status decode_envelope(uint64_t key_seq, std::string_view value, Envelope& out) {
  return decode_envelope_as(key_seq, value, out);
}

Result<Envelope> decode_sent_envelope(std::string_view value) {
  Envelope out;
  TANDEM_RETURN_IF_ERROR(decode_envelope_as(std::nullopt, value, out));
  return out;
}

Result<Envelope> decode_envelope(uint64_t key_seq, std::string_view value) {
  Envelope out;
  TANDEM_RETURN_IF_ERROR(decode_envelope(key_seq, value, out));
  return out;
}

Status decode_into(const Envelope& envelope, Record& out) {
  const ChainHeader& h = envelope.header;
  TANDEM_RETURN_IF_ERROR(decode_payload_into(static_cast<d::EventType>(h.event_type),
                                             envelope.payload(), h.seq, out.event));
  out.seq = h.seq;
  out.recorded_at_ns = h.recorded_at_ns;
  out.trading_day = h.trading_day;
  out.schema_version = h.schema_version;
  out.prev_hash = envelope.prev_hash;
  out.hash = envelope.hash;
  return Status();
}

Result<Record> to_record(const Envelope& envelope, HashCheck hash) {
  if (hash == HashCheck::check && !envelope.hash_matches()) {
    return Status::corruption(seq_prefix(envelope.header.seq) +
                              "hash does not match the record's contents");
  }
  Record out;
  TANDEM_RETURN_IF_ERROR(decode_into(envelope, out));
  return out;
}

Result<Record> decode_record(uint64_t key_seq, std::string_view value) {
  Result<Envelope> envelope = decode_envelope(key_seq, value);
  if (!envelope.ok()) return envelope.status();
  return to_record(*envelope);
}

Result<std::string> event_to_json(const d::Event& event) {
  const WordBytes payload = encode_payload(event);
  std::string json;
  Status s = catching(0, [&] {
    kj::ArrayPtr<const capnp::word> segments[1] = {
        kj::arrayPtr(reinterpret_cast<const capnp::word*>(payload.words.data()), payload.size / 8)};
    capnp::SegmentArrayMessageReader reader(kj::arrayPtr(segments, 1), reader_options());
    json = detail::event_to_json(reader, d::event_type(event));
  });
  if (!s.ok()) return s;
  return json;
}

Result<d::Event> event_from_json(d::EventType type, std::string_view json) {
  d::Event event;
  KJ_IF_MAYBE (e, kj::runCatchingExceptions([&] {
                 capnp::MallocMessageBuilder message;
                 const std::string text(json);  // JsonCodec wants a NUL-terminated string
                 detail::event_from_json(message, type, kj::StringPtr(text.c_str()));
                 auto segments = message.getSegmentsForOutput();
                 capnp::SegmentArrayMessageReader reader(segments, reader_options());
                 detail::read_event(reader, type, event);
               })) {
    return Status::invalid_argument("not a " + std::string(d::to_string(type)) + " (" +
                                    std::string(e->getDescription().cStr()) + ")");
  }
  return event;
}

Result<d::EventType> event_type_named(std::string_view name) {
  for (uint16_t raw = 1; raw <= d::kMaxEventType; ++raw) {
    const auto type = static_cast<d::EventType>(raw);
    if (d::to_string(type) == name) return type;
  }
  return Status::invalid_argument("no event type is called \"" + std::string(name) + "\"");
}

Result<std::string> envelope_to_json(const Envelope& envelope) {
  const ChainHeader& h = envelope.header;
  std::string event_json;
  Status s = catching(h.seq, [&] {
    const auto payload = envelope.payload();
    kj::ArrayPtr<const capnp::word> segments[1] = {
        kj::arrayPtr(reinterpret_cast<const capnp::word*>(payload.data()), payload.size() / 8)};
    capnp::SegmentArrayMessageReader reader(kj::arrayPtr(segments, 1), reader_options());
    event_json = detail::event_to_json(reader, static_cast<d::EventType>(h.event_type));
  });
  if (!s.ok()) return s;
  using Ns = std::chrono::nanoseconds;
  const auto utc = std::chrono::sys_time<Ns>(Ns(h.recorded_at_ns));
  std::string out = "{\"seq\":" + std::to_string(h.seq);
  out += ",\"recorded_at_ns\":" + std::to_string(h.recorded_at_ns);
  out += ",\"recorded_at_utc\":\"" + date::format("%FT%TZ", utc) + "\"";
  out += ",\"trading_day\":" + std::to_string(h.trading_day);
  out += ",\"schema_version\":" + std::to_string(h.schema_version);
  out += ",\"type\":\"" + std::string(d::to_string(static_cast<d::EventType>(h.event_type))) + "\"";
  out += ",\"prev_hash\":\"" + to_hex(envelope.prev_hash) + "\"";
  out += ",\"hash\":\"" + to_hex(envelope.hash) + "\"";
  out += ",\"event\":" + event_json + "}";
  return out;
}

}  // namespace tandem::journal
