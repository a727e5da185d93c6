#include "net/tls_identity.h"

#include <openssl/bio.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

namespace tandem::net {

namespace {

template <class T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

Status openssl_error(const std::string& what) {
  return Status::io_error("tls identity: " + what + " failed");
}

bool add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (ext == nullptr) return false;
  const bool ok = X509_add_ext(cert, ext, -1) == 1;
  X509_EXTENSION_free(ext);
  return ok;
}

// An unsigned certificate for `key`, issued by `issuer` (nullptr: self-issued, a CA).
Cert make_cert(EVP_PKEY* key, const std::string& common_name, X509* issuer, long serial, int days) {
  Cert cert(X509_new());
  if (!cert) return nullptr;
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400L * days);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("Tandem broker simulator"), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>(common_name.c_str()), -1, -1,
                             0);
  X509_set_issuer_name(cert.get(), issuer != nullptr ? X509_get_subject_name(issuer) : name);
  X509* signer = issuer != nullptr ? issuer : cert.get();
  const bool ca = issuer == nullptr;
  if (!add_ext(cert.get(), signer, NID_basic_constraints, ca ? "critical,CA:TRUE" : "CA:FALSE") ||
      !add_ext(cert.get(), signer, NID_key_usage,
               ca ? "critical,keyCertSign,cRLSign" : "critical,digitalSignature,keyEncipherment") ||
      !add_ext(cert.get(), signer, NID_subject_key_identifier, "hash")) {
    return nullptr;
  }
  if (!ca && !add_ext(cert.get(), signer, NID_authority_key_identifier, "keyid")) return nullptr;
  if (!ca && !add_ext(cert.get(), signer, NID_ext_key_usage, "serverAuth")) return nullptr;
  return cert;
}

std::string pem_of(X509* cert) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_X509(bio.get(), cert);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

std::string pem_of(EVP_PKEY* key) {
  Bio bio(BIO_new(BIO_s_mem()));
  PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr);
  char* data = nullptr;
  const long n = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<size_t>(n));
}

}  // namespace

Result<TlsIdentity> make_tls_identity(const std::vector<std::string>& hosts, int days) {
  Key ca_key(EVP_EC_gen("P-256"));
  Key server_key(EVP_EC_gen("P-256"));
  if (!ca_key || !server_key) return openssl_error("key generation");
  Cert ca = make_cert(ca_key.get(), "Tandem simulator CA", nullptr, 1, days);
  if (!ca || X509_sign(ca.get(), ca_key.get(), EVP_sha256()) == 0) {
    return openssl_error("CA certificate");
  }
  Cert server =
      make_cert(server_key.get(), hosts.empty() ? "localhost" : hosts.front(), ca.get(), 2, days);
  if (!server) return openssl_error("server certificate");
  std::string san;
  for (const auto& h : hosts) {
    if (!san.empty()) san += ",";
    const bool ip = h.find_first_not_of("0123456789.:") == std::string::npos;
    san += (ip ? "IP:" : "DNS:") + h;
  }
  if (!san.empty() && !add_ext(server.get(), ca.get(), NID_subject_alt_name, san)) {
    return openssl_error("subject alternative names");
  }
  if (X509_sign(server.get(), ca_key.get(), EVP_sha256()) == 0) {
    return openssl_error("signing the server certificate");
  }
  TlsIdentity out;
  out.ca_pem = pem_of(ca.get());
  out.cert_chain_pem = pem_of(server.get()) + out.ca_pem;
  out.private_key_pem = pem_of(server_key.get());
  return out;
}

}  // namespace tandem::net
