#pragma once
// Internal to src/http: the server-side TLS context.
#include <memory>

#include "core/result.h"
#include "http/server_options.h"

namespace boost::asio::ssl {
class context;
}

namespace herald::http::detail {

// TLS 1.2 or newer, with the certificate and key from options.cert_file/key_file, or a
// self-signed pair (self_signed_cert.h) when both are empty.
core::Result<std::shared_ptr<boost::asio::ssl::context>> make_tls_context(const TlsOptions& options);

}  // namespace herald::http::detail
