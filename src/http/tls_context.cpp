#include "http/tls_context.h"

#include <boost/asio/buffer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/system/system_error.hpp>

#include "http/self_signed_cert.h"

namespace herald::http::detail {

namespace ssl = boost::asio::ssl;

namespace {

core::Error tls_error(const std::string& what, const boost::system::error_code& ec) {
  return core::invalid_argument("TLS " + what + ": " + ec.message());
}

}  // namespace

core::Result<std::shared_ptr<ssl::context>> make_tls_context(const TlsOptions& options) {
  if (options.cert_file.empty() != options.key_file.empty()) {
    return core::invalid_argument("TLS needs both a certificate and a key file, or neither");
  }
  std::shared_ptr<ssl::context> context;
  try {
    context = std::make_shared<ssl::context>(ssl::context::tls_server);
  } catch (const boost::system::system_error& e) {
    return tls_error("context", e.code());
  }
  SSL_CTX_set_min_proto_version(context->native_handle(), TLS1_2_VERSION);

  boost::system::error_code ec;
  context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                           ssl::context::single_dh_use,
                       ec);
  if (ec) return tls_error("options", ec);

  if (!options.cert_file.empty()) {
    if (context->use_certificate_chain_file(options.cert_file, ec); ec) {
      return tls_error("certificate " + options.cert_file, ec);
    }
    if (context->use_private_key_file(options.key_file, ssl::context::pem, ec); ec) {
      return tls_error("key " + options.key_file, ec);
    }
    return context;
  }

  auto pair = options.generate_dir.empty() ? generate_self_signed_pair()
                                           : load_or_generate_self_signed_pair(options.generate_dir);
  if (!pair) return pair.error();
  if (context->use_certificate_chain(boost::asio::buffer(pair->cert), ec); ec) {
    return tls_error("generated certificate", ec);
  }
  if (context->use_private_key(boost::asio::buffer(pair->key), ssl::context::pem, ec); ec) {
    return tls_error("generated key", ec);
  }
  return context;
}

}  // namespace herald::http::detail
