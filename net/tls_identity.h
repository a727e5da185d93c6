// A private certificate authority and a server certificate for loopback TLS, made at start
// with OpenSSL: the broker simulator serves HTTPS and WSS with them and writes the CA out
// as PEM, so clients trust it through the configurable trust store, with peer verification
// and host-name checks on, exactly as against a real broker.
#pragma once

#include <string>
#include <vector>

#include "domain/base/status.h"

namespace tandem::net {

struct TlsIdentity {
  std::string ca_pem;           // the CA certificate clients add to their trust store
  std::string cert_chain_pem;   // the server certificate followed by the CA
  std::string private_key_pem;  // the server's key (never logged, never written by default)
};

// A CA valid for `days`, and a server certificate signed by it for `hosts` (DNS names or
// IP addresses, e.g. "localhost", "127.0.0.1").
[[nodiscard]] Result<TlsIdentity> make_tls_identity(const std::vector<std::string>& hosts,
                                                    int days = 30);

}  // namespace tandem::net
