#include "bulk_receiver.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstring>
#include <stdexcept>
#include <string>
#include <string_view>

namespace herald::bench {

namespace {

long long thread_cpu_ns() {
  timespec now{};
  ::clock_gettime(CLOCK_THREAD_CPUTIME_ID, &now);
  return static_cast<long long>(now.tv_sec) * 1'000'000'000LL + now.tv_nsec;
}

// The Content-Length of a request head (lower-cased first); 0 when absent.
std::size_t content_length(std::string head) {
  std::transform(head.begin(), head.end(), head.begin(), [](unsigned char c) { return std::tolower(c); });
  const auto at = head.find("\r\ncontent-length:");
  if (at == std::string::npos) return 0;
  return static_cast<std::size_t>(std::strtoull(head.c_str() + at + 17, nullptr, 10));
}

bool write_all(int fd, std::string_view data) {
  while (!data.empty()) {
    const auto n = ::send(fd, data.data(), data.size(), MSG_NOSIGNAL);
    if (n <= 0) return false;
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

}  // namespace

BulkReceiver::BulkReceiver() {
  listener_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (listener_ < 0) throw std::runtime_error("bulk receiver: socket failed");
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t length = sizeof(address);
  if (::bind(listener_, reinterpret_cast<sockaddr*>(&address), sizeof(address)) != 0 || ::listen(listener_, 16) != 0 ||
      ::getsockname(listener_, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    ::close(listener_);
    throw std::runtime_error(std::string("bulk receiver: ") + std::strerror(errno));
  }
  port_ = ntohs(address.sin_port);
  thread_ = std::thread([this] { run(); });
}

BulkReceiver::~BulkReceiver() {
  stopping_ = true;
  // shutdown() wakes a blocked accept() or recv(); the thread closes the sockets.
  ::shutdown(listener_, SHUT_RDWR);
  if (const int connection = connection_.load(); connection >= 0) ::shutdown(connection, SHUT_RDWR);
  thread_.join();
  ::close(listener_);
}

void BulkReceiver::run() {
  while (!stopping_) {
    const int connection = ::accept4(listener_, nullptr, nullptr, SOCK_CLOEXEC);
    if (connection < 0) break;
    const int one = 1;
    ::setsockopt(connection, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
    connection_ = connection;
    if (stopping_) ::shutdown(connection, SHUT_RDWR);
    serve(connection);
    connection_ = -1;
    ::close(connection);
  }
}

void BulkReceiver::serve(int connection) {
  std::string input;
  std::string reply;
  char chunk[1 << 16];
  for (;;) {
    const auto head_end = input.find("\r\n\r\n");
    if (head_end != std::string::npos) {
      const std::size_t body_length = content_length(input.substr(0, head_end + 2));
      const std::size_t total = head_end + 4 + body_length;
      if (input.size() >= total) {
        const std::string_view body(input.data() + head_end + 4, body_length);
        // Each document is an action line and a source line.
        const auto documents = static_cast<std::size_t>(std::count(body.begin(), body.end(), '\n')) / 2;
        std::string items = R"({"took":1,"errors":false,"items":[)";
        items.reserve(items.size() + documents * 32 + 2);
        for (std::size_t k = 0; k < documents; ++k) items += k ? R"(,{"index":{"status":201}})" : R"({"index":{"status":201}})";
        items += "]}";
        reply = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(items.size()) +
                "\r\n\r\n" + items;
        input.erase(0, total);
        requests_.fetch_add(1, std::memory_order_relaxed);
        body_bytes_.fetch_add(body_length, std::memory_order_relaxed);
        const bool written = write_all(connection, reply);
        cpu_ns_.store(thread_cpu_ns(), std::memory_order_relaxed);
        // Counted after the reply is on its way: documents() reaching N means the last batch was answered.
        documents_.fetch_add(documents, std::memory_order_release);
        if (!written) return;
        continue;
      }
    }
    const auto n = ::recv(connection, chunk, sizeof(chunk), 0);
    cpu_ns_.store(thread_cpu_ns(), std::memory_order_relaxed);
    if (n <= 0) return;
    input.append(chunk, static_cast<std::size_t>(n));
  }
}

}  // namespace herald::bench
