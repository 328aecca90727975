#include "dnsd/plugins/forward/tls.hpp"

#include <boost/asio/ssl/context.hpp>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <openssl/err.h>
#include <openssl/x509v3.h>

namespace dnsd::plugins::forward {
namespace {

namespace ssl = boost::asio::ssl;

// Go's crypto/tls suites that CoreDNS's pkg/tls allows for TLS 1.2 (1.3 has its own, all fine).
constexpr const char* kTls12Ciphers =
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256";

std::string Reason(const boost::system::error_code& ec) {
  std::string text = ec.message();
  ERR_clear_error();
  return text;
}

// Why `path` cannot be opened for reading (strerror), or nullopt. OpenSSL's own reasons vary
// between versions; this keeps the common error stable.
std::optional<std::string> Unreadable(const std::string& path) {
  std::FILE* file = std::fopen(path.c_str(), "rb");
  if (file == nullptr) return std::string(std::strerror(errno));
  std::fclose(file);
  return std::nullopt;
}

}  // namespace

std::shared_ptr<ssl::context> MakeTlsContext(const TlsOptions& tls, std::string* error) {
  auto fail = [error](std::string why) {
    *error = std::move(why);
    return std::shared_ptr<ssl::context>();
  };
  auto context = std::make_shared<ssl::context>(ssl::context::tls_client);
  SSL_CTX* native = context->native_handle();
  SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(native, TLS1_3_VERSION);
  SSL_CTX_set_cipher_list(native, kTls12Ciphers);
  context->set_verify_mode(ssl::verify_peer);
  boost::system::error_code ec;
  if (tls.ca.empty()) {
    context->set_default_verify_paths(ec);
    if (ec) return fail("cannot load the system CA store: " + Reason(ec));
  } else {
    if (auto why = Unreadable(tls.ca)) return fail("cannot read CA \"" + tls.ca + "\": " + *why);
    context->load_verify_file(tls.ca, ec);
    if (ec) {
      ERR_clear_error();
      return fail("CA \"" + tls.ca + "\" holds no PEM certificate");
    }
  }
  if (!tls.cert.empty()) {
    for (const std::string* path : {&tls.cert, &tls.key}) {
      if (auto why = Unreadable(*path)) return fail("cannot read \"" + *path + "\": " + *why);
    }
    context->use_certificate_chain_file(tls.cert, ec);
    if (!ec) context->use_private_key_file(tls.key, ssl::context::pem, ec);
    if (ec) {
      ERR_clear_error();
      return fail("\"" + tls.cert + "\" and \"" + tls.key + "\" are not a PEM certificate and key");
    }
    if (SSL_CTX_check_private_key(native) != 1) {
      ERR_clear_error();
      return fail("key \"" + tls.key + "\" does not match certificate \"" + tls.cert + "\"");
    }
  }
  return context;
}

bool PrepareTlsConnection(SSL* ssl, const std::string& server_name,
                          const boost::asio::ip::address& upstream) {
  X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
  if (server_name.empty()) {
    return X509_VERIFY_PARAM_set1_ip_asc(param, upstream.to_string().c_str()) == 1;
  }
  X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
  return SSL_set_tlsext_host_name(ssl, server_name.c_str()) == 1 &&
         X509_VERIFY_PARAM_set1_host(param, server_name.c_str(), server_name.size()) == 1;
}

}  // namespace dnsd::plugins::forward
