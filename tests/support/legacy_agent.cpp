#include "support/legacy_agent.h"

#include <arpa/inet.h>
#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/write.hpp>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace herald::test {

namespace asio = boost::asio;
namespace wire = legacy::wire;
using tcp = asio::ip::tcp;

namespace {

std::pair<std::string, std::string> split_address(const std::string& address) {
  auto colon = address.rfind(':');
  if (colon == std::string::npos) throw std::runtime_error("not host:port: " + address);
  return {address.substr(0, colon), address.substr(colon + 1)};
}

bool is_single_ipv4(const std::string& ip) {
  in_addr parsed{};
  return ip.find('/') == std::string::npos && ::inet_pton(AF_INET, ip.c_str(), &parsed) == 1;
}

}  // namespace

std::string legacy_enroll_raw(const std::string& address, const std::string& request,
                              const std::string& certificate, const std::string& private_key) {
  auto [host, port] = split_address(address);
  asio::io_context io;
  asio::ssl::context tls(asio::ssl::context::tls_client);
  tls.set_verify_mode(asio::ssl::verify_none);  // as agent-auth without a CA
  if (!certificate.empty()) {
    tls.use_certificate_chain_file(certificate);
    tls.use_private_key_file(private_key, asio::ssl::context::pem);
  }
  asio::ssl::stream<tcp::socket> stream(io, tls);
  tcp::resolver resolver(io);
  asio::connect(stream.lowest_layer(), resolver.resolve(host, port));
  boost::system::error_code handshake_ec;
  stream.handshake(asio::ssl::stream_base::client, handshake_ec);
  if (handshake_ec) return "";  // refused during the handshake (e.g. no or a wrong certificate)
  boost::system::error_code write_ec;
  asio::write(stream, asio::buffer(request), write_ec);
  std::string reply;
  char buffer[4096];
  boost::system::error_code ec;
  for (;;) {
    std::size_t n = stream.read_some(asio::buffer(buffer), ec);
    reply.append(buffer, n);
    if (ec) break;
  }
  return reply;
}

std::optional<LegacyKeyLine> parse_enrollment_reply(const std::string& reply) {
  constexpr std::string_view prefix = "OSSEC K:'";
  if (!reply.starts_with(prefix)) return std::nullopt;
  auto end = reply.find('\'', prefix.size());
  if (end == std::string::npos) return std::nullopt;
  auto fields = reply.substr(prefix.size(), end - prefix.size());
  LegacyKeyLine key;
  std::string* parts[] = {&key.id, &key.name, &key.ip, &key.key};
  std::size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    auto space = i < 3 ? fields.find(' ', start) : fields.size();
    if (space == std::string::npos) return std::nullopt;
    *parts[i] = fields.substr(start, space - start);
    start = space + 1;
  }
  return key;
}

LegacyKeyLine legacy_enroll(const std::string& address, const std::string& name, const std::string& extra) {
  auto reply = legacy_enroll_raw(address, "OSSEC A:'" + name + "'" + extra + "\n");
  auto key = parse_enrollment_reply(reply);
  if (!key) throw std::runtime_error("enrollment of " + name + " refused: " + reply);
  return *key;
}

LegacyAgent::LegacyAgent(LegacyKeyLine key, wire::Cipher cipher)
    : key_(std::move(key)), cipher_(cipher), channel_key_(wire::channel_key(key_.id, key_.name, key_.key)) {}

LegacyAgent::~LegacyAgent() { drop(); }

void LegacyAgent::connect(const std::string& address) {
  drop();
  auto [host, port] = split_address(address);
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in to{};
  to.sin_family = AF_INET;
  to.sin_port = htons(static_cast<std::uint16_t>(std::stoi(port)));
  ::inet_pton(AF_INET, host.c_str(), &to.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
    drop();
    throw std::runtime_error("cannot connect to " + address);
  }
  reader_ = wire::FrameReader();
  pending_.clear();
}

void LegacyAgent::drop() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
}

bool LegacyAgent::send_raw(std::string_view bytes) {
  while (!bytes.empty() && fd_ >= 0) {
    auto n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    bytes.remove_prefix(static_cast<std::size_t>(n));
  }
  return fd_ >= 0;
}

bool LegacyAgent::send(std::string_view text) {
  counters_ = wire::next_counters(counters_);
  std::optional<std::string_view> id;
  if (!is_single_ipv4(key_.ip)) id = key_.id;
  auto payload = wire::encode_message(cipher_, channel_key_, text, counters_, 12345, id);
  if (!payload) throw std::runtime_error("encode failed: " + payload.error().message);
  return send_raw(wire::frame(*payload));
}

std::optional<std::string> LegacyAgent::receive(std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (pending_.empty()) {
    if (fd_ < 0) return std::nullopt;
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    pollfd wait{fd_, POLLIN, 0};
    if (::poll(&wait, 1, static_cast<int>(left.count())) <= 0) continue;
    char buffer[65536];
    auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      drop();
      return std::nullopt;
    }
    if (!reader_.feed(std::string_view(buffer, static_cast<std::size_t>(n)), pending_)) {
      drop();
      return std::nullopt;
    }
  }
  auto payload = std::move(pending_.front());
  pending_.erase(pending_.begin());
  if (payload == "#pong") return payload;
  auto header = wire::parse_header(payload);
  if (!header) {
    ++decode_errors_;
    return std::nullopt;
  }
  auto decoded = wire::decode_message(header->cipher, channel_key_, std::string_view(payload).substr(header->body_offset));
  if (!decoded) {
    ++decode_errors_;
    return std::nullopt;
  }
  return decoded->text;
}

std::optional<std::string> LegacyAgent::receive_starting(std::string_view prefix, std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    if (left.count() <= 0) return std::nullopt;
    auto message = receive(left);
    if (!message) {
      if (!connected()) return std::nullopt;
      continue;
    }
    if (message->starts_with(prefix)) return message;
    skipped_.push_back(std::move(*message));
  }
}

bool LegacyAgent::closed_by_server(std::chrono::milliseconds limit) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (fd_ >= 0 && std::chrono::steady_clock::now() < until) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
    pollfd wait{fd_, POLLIN, 0};
    if (::poll(&wait, 1, static_cast<int>(std::max<std::int64_t>(1, left.count()))) <= 0) continue;
    char buffer[4096];
    auto n = ::recv(fd_, buffer, sizeof buffer, 0);
    if (n <= 0) {
      drop();
      return true;
    }
  }
  return fd_ < 0;
}

bool LegacyAgent::start_up(const std::string& version) {
  if (!send("#!-agent startup {\"version\":\"" + version + "\"}")) return false;
  auto ack = receive_starting("#!-agent ack");
  return ack && *ack == "#!-agent ack ";
}

std::string LegacyAgent::keepalive_text(const std::string& merged_sum, const std::string& version) {
  return "#!-Linux |vm |6.1.0-18-amd64 |#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1 |x86_64 [Debian GNU/Linux|debian: 12 "
         "(bookworm)] - Wazuh " +
         version + "\n\"env\":test\n" + merged_sum + " merged.mg\n#\"_agent_ip\":127.0.0.1\n";
}

bool LegacyAgent::keepalive(const std::string& merged_sum, const std::string& version) {
  return send(keepalive_text(merged_sum, version));
}

}  // namespace herald::test
