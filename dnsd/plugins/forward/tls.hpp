// DNS over TLS to upstreams (RFC 7858) with OpenSSL: the client context a forward's `tls://`
// upstreams share, and the per-connection name check, with CoreDNS's (Go's crypto/tls) rules.
#pragma once

#include <boost/asio/ip/address.hpp>
#include <memory>
#include <optional>
#include <string>

#include <openssl/ssl.h>

#include "dnsd/plugins/forward/options.hpp"

namespace dnsd::plugins::forward {

inline constexpr std::uint16_t kTlsPort = 853;

// TLS 1.2 to 1.3, CoreDNS's TLS 1.2 cipher suites, the peer's certificate verified against `ca`
// or the system store, `cert`/`key` offered when set. On failure: nullptr and `*error` says why.
std::shared_ptr<boost::asio::ssl::context> MakeTlsContext(const TlsOptions& tls,
                                                          std::string* error);

// Sets SNI and the name the certificate must carry on a new connection: `server_name`, else the
// upstream's IP address (Go infers it from the dialled address; no SNI is sent for an IP).
bool PrepareTlsConnection(SSL* ssl, const std::string& server_name,
                          const boost::asio::ip::address& upstream);

}  // namespace dnsd::plugins::forward
