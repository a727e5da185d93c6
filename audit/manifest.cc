#include "audit/manifest.h"

#include <boost/json.hpp>

#include <map>

#include "crypto/sha256.h"
#include "crypto/signature.h"

namespace tandem::audit {

namespace {

namespace json = boost::json;

constexpr std::string_view kFormat = "tandem-audit-export/1";

std::string v(const json::value& value) { return json::serialize(value); }

std::string records_json(const std::map<std::string, uint64_t>& records) {
  std::string out = "{";
  for (const auto& [type, n] : records) {
    out += (out.size() > 1 ? ", " : "") + v(json::string(type)) + ": " + std::to_string(n);
  }
  return out + "}";
}

std::string range_json(const JournalRange& j) {
  return "{\"first_seq\": " + std::to_string(j.first_seq) +
         ", \"last_seq\": " + std::to_string(j.last_seq) +
         ", \"last_hash\": " + v(json::string(j.last_hash));
}

JournalRange range_of(const json::object& j) {
  JournalRange out;
  out.first_seq = j.at("first_seq").to_number<uint64_t>();
  out.last_seq = j.at("last_seq").to_number<uint64_t>();
  out.last_hash = std::string(j.at("last_hash").as_string());
  return out;
}

}  // namespace

std::string manifest_json(const ExportContent& content, const ExportRequest& request,
                          std::string_view tandem_version) {
  // Written by hand, one fact per line, so that people read it as easily as programs; every
  // value goes through boost::json for its escaping.
  std::string out = "{\n";
  out += "  \"format\": " + v(json::string(kFormat)) + ",\n";
  out += "  \"tandem_version\": " + v(json::string(tandem_version)) + ",\n";
  out += "  \"from_day\": " + std::to_string(request.from) + ",\n";
  out += "  \"to_day\": " + std::to_string(request.to) + ",\n";
  out += "  \"follower\": " +
         (request.follower ? v(json::string(*request.follower)) : std::string("null")) + ",\n";
  if (request.leader) out += "  \"leader\": " + v(json::string(*request.leader)) + ",\n";
  out += "  \"register_format\": " + v(json::string(to_string(request.format))) + ",\n";
  std::map<std::string, uint64_t> records;
  for (const JournalRange& j : content.journals) {
    for (const auto& [type, n] : j.records) records[type] += n;
  }
  if (content.journals.size() == 1) {  // one journal: as every export before the fleet
    out += "  \"journal\": " + range_json(content.journals.front()) + "},\n";
  } else {  // a fleet's shards: each journal's range, its records and the registers from it
    out += "  \"journals\": [\n";
    for (size_t k = 0; k < content.journals.size(); ++k) {
      const JournalRange& j = content.journals[k];
      json::array registers(j.registers.begin(), j.registers.end());
      out += "    " + range_json(j) + ", \"records\": " + records_json(j.records) +
             ", \"registers\": " + v(registers) + "}" +
             (k + 1 < content.journals.size() ? ",\n" : "\n");
    }
    out += "  ],\n";
  }
  out += "  \"records\": " + records_json(records) + ",\n";
  out += "  \"files\": [\n";
  bool first = true;
  for (const auto& [name, file] : content.files) {
    out += first ? "" : ",\n";
    out += "    {\"name\": " + v(json::string(name)) +
           ", \"bytes\": " + std::to_string(file.bytes.size()) +
           ", \"rows\": " + std::to_string(file.rows) +
           ", \"sha256\": " + v(json::string(crypto::sha256_hex(file.bytes))) + "}";
    first = false;
  }
  out += "\n  ]\n}\n";
  return out;
}

Result<std::string> sign_manifest(std::string_view manifest, const SigningKey& key) {
  json::object sig;
  sig["signed"] = kManifestName;
  if (key.kind == SigningKey::Kind::hmac_sha256) {
    auto mac = crypto::hmac_sha256_hex(key.material, manifest);
    if (!mac.ok()) return mac.status();
    sig["algorithm"] = "hmac-sha256";
    sig["signature"] = *mac;
  } else {
    auto signed_ = crypto::ed25519_sign(key.material, manifest);
    if (!signed_.ok()) return signed_.status();
    sig["algorithm"] = "ed25519";
    sig["public_key_sha256"] = crypto::sha256_hex(signed_->public_key_pem);
    sig["public_key_pem"] = signed_->public_key_pem;
    sig["signature"] = signed_->signature_hex;
  }
  return json::serialize(sig) + "\n";
}

Result<SignatureCheck> check_signature(std::string_view manifest, std::string_view signature,
                                       const VerifyKeys& keys) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(signature, ec);
  const json::object* sig = !ec && parsed.is_object() ? &parsed.as_object() : nullptr;
  auto text = [&](std::string_view key) -> std::string {
    const json::value* v = sig == nullptr ? nullptr : sig->if_contains(key);
    return v != nullptr && v->is_string() ? std::string(v->as_string()) : std::string();
  };
  const std::string algorithm = text("algorithm");
  const std::string value = text("signature");
  if (sig == nullptr || value.empty()) {
    return Status::corruption(std::string(kSignatureName) + " is not a signature file");
  }
  SignatureCheck check;
  check.algorithm = algorithm;
  if (algorithm == "hmac-sha256") {
    if (!keys.hmac_key) {
      return Status::invalid_argument("the manifest is signed with HMAC-SHA256; give its key");
    }
    auto mac = crypto::hmac_sha256_hex(*keys.hmac_key, manifest);
    if (!mac.ok()) return mac.status();
    if (!crypto::constant_time_equal(*mac, value)) {
      return Status::corruption(
          "the manifest's HMAC-SHA256 signature does not match (manifest.json changed, or "
          "another key)");
    }
    check.signer = "the HMAC key given";
    check.trusted_key = true;
    return check;
  }
  if (algorithm == "ed25519") {
    const std::string carried = text("public_key_pem");
    const std::string& key = keys.public_key_pem ? *keys.public_key_pem : carried;
    auto ok = crypto::ed25519_verify(key, manifest, value);
    if (!ok.ok()) return ok.status();
    if (!*ok) {
      return Status::corruption(
          "the manifest's Ed25519 signature does not match (manifest.json changed, or another "
          "key)");
    }
    check.signer = crypto::sha256_hex(key);
    check.trusted_key = keys.public_key_pem.has_value();
    return check;
  }
  return Status::corruption(std::string(kSignatureName) + " names an unknown algorithm \"" +
                            algorithm + "\"");
}

Result<ManifestFacts> read_manifest(std::string_view manifest) {
  boost::system::error_code ec;
  const json::value parsed = json::parse(manifest, ec);
  if (ec || !parsed.is_object()) return Status::invalid_argument("manifest.json is not JSON");
  const json::object& m = parsed.as_object();
  ManifestFacts facts;
  try {
    if (m.at("format").as_string() != kFormat) {
      return Status::unsupported("manifest.json is not a " + std::string(kFormat) + " manifest");
    }
    facts.request.from = static_cast<domain::TradingDay>(m.at("from_day").to_number<int64_t>());
    facts.request.to = static_cast<domain::TradingDay>(m.at("to_day").to_number<int64_t>());
    if (m.at("follower").is_string())
      facts.request.follower = std::string(m.at("follower").as_string());
    const auto format = m.at("register_format").as_string();
    if (format != "csv" && format != "jsonl") {
      return Status::invalid_argument("manifest.json: register_format is neither csv nor jsonl");
    }
    facts.request.format = format == "csv" ? Format::csv : Format::jsonl;
    if (const json::value* leader = m.if_contains("leader")) {  // not in older exports
      facts.request.leader = std::string(leader->as_string());
    }
    if (const json::value* shards = m.if_contains("journals")) {
      for (const auto& j : shards->as_array()) facts.journals.push_back(range_of(j.as_object()));
    } else {
      facts.journals.push_back(range_of(m.at("journal").as_object()));
    }
    for (const auto& f : m.at("files").as_array()) {
      facts.files.push_back({std::string(f.at("name").as_string()),
                             f.at("bytes").to_number<uint64_t>(),
                             std::string(f.at("sha256").as_string())});
    }
  } catch (const std::exception& e) {
    return Status::invalid_argument(std::string("manifest.json is missing a field or has one of "
                                                "the wrong type (") +
                                    e.what() + ")");
  }
  return facts;
}

}  // namespace tandem::audit
