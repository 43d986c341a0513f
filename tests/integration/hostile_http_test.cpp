// Hostile HTTP against a real heraldd: anonymous large bodies, connection floods from one
// address, slow headers, oversized headers and bodies, idle keep-alive. Each limit is set from
// heraldd.yml and answered with its 4xx or a close; nothing a hostile client does makes heraldd
// hold memory for it.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "support/agents.h"
#include "support/heraldd_process.h"
#include "support/http_client.h"
#include "support/raw_connection.h"
#include "support/test_agent.h"

namespace herald::test {
namespace {

using namespace std::chrono_literals;
constexpr std::size_t kMiB = 1024 * 1024;

std::string post_head(const std::string& target, std::size_t content_length, const std::string& extra = "") {
  return "POST " + target + " HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n" + extra +
         "Content-Length: " + std::to_string(content_length) + "\r\n\r\n";
}

// Opens `count` connections that each declare a 10 MB body for `target`, send as much of 1 MiB
// of it as the socket takes, and expects every one to be refused with `status` without the rest.
void flood_with_anonymous_bodies(std::uint16_t port, const std::string& target, unsigned status, int count) {
  const std::string chunk(kMiB, 'x');
  std::vector<RawConnection> connections;
  for (int i = 0; i < count; ++i) {
    connections.emplace_back(port, "127.0.0." + std::to_string(2 + i % 8));
    connections.back().send_some(post_head(target, 10 * kMiB));
    connections.back().send_some(chunk);
  }
  for (auto& connection : connections) {
    EXPECT_EQ(connection.read_status(10s), std::optional<unsigned>(status)) << target << ": " << connection.received();
    EXPECT_TRUE(connection.closed_by_peer(5s)) << "a refused request's unread body keeps its connection open";
  }
}

TEST(HostileHttp, AnonymousLargeBodiesAreRefusedFromTheHeadersAndNeverHeld) {
  HeralddProcess server;
  server.start();
  const auto before = resident_bytes(server.pid());
  flood_with_anonymous_bodies(port_of(server.comms_url()), "/api/v1/events/stateless", 403, 200);
  flood_with_anonymous_bodies(port_of(server.management_url()), "/agents", 401, 200);
  const auto after = resident_bytes(server.pid());
  // 400 connections sent up to 1 MiB each: holding them would take 400 MiB.
  EXPECT_LT(after, before + 48 * kMiB) << "RSS grew from " << before / kMiB << " to " << after / kMiB << " MiB";
}

TEST(HostileHttp, OpenRoutesBodiesAreBoundedAndBudgeted) {
  HeralddProcess server(
      "http: {max_unauthenticated_body_bytes: 4096, max_unauthenticated_body_bytes_per_address: 2048}\n");
  server.start();
  const auto port = port_of(server.comms_url());
  // The agent's authentication body is ~80 bytes; 4 KiB is its route's limit.
  RawConnection too_large(port);
  too_large.send_some(post_head("/api/v1/authentication", 5000));
  EXPECT_EQ(too_large.read_status(), std::optional<unsigned>(413));

  // Two anonymous bodies in flight from one address use up its 2 KiB; a third waits its turn.
  RawConnection first(port), second(port), third(port);
  first.send_some(post_head("/api/v1/authentication", 1000) + "{");
  second.send_some(post_head("/api/v1/authentication", 1000) + "{");
  ASSERT_TRUE(eventually([&] { return metric_value(server.management_url(), "herald_http_unauthenticated_body_bytes{listener=\"comms\"}") == 2000; }));
  third.send_some(post_head("/api/v1/authentication", 1000) + "{");
  EXPECT_EQ(third.read_status(), std::optional<unsigned>(503)) << third.received();
  EXPECT_NE(third.received().find("Retry-After: 1"), std::string::npos) << third.received();
  // Another address still gets in.
  RawConnection elsewhere(port, "127.0.0.9");
  elsewhere.send_some(post_head("/api/v1/authentication", 2) + "{}");
  EXPECT_EQ(elsewhere.read_status(), std::optional<unsigned>(400)) << elsewhere.received();
}

TEST(HostileHttp, MemoryOfLargeAuthenticatedBodiesIsGivenBack) {
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP() << "AddressSanitizer's allocator keeps freed memory in quarantine; glibc's is what ships";
#endif
  HeralddProcess server;
  server.start();
  auto admin = server.admin_client();
  const std::string key = "k0123456789abcdefghijklmnopqrstu";
  TestAgent agent(server.comms_url(), enroll_agent(admin, "big-bodies", key), key);
  ASSERT_EQ(agent.authenticate().status, 200u);
  const auto before = resident_bytes(server.pid());

  // 16 agents' batches of 8 MiB at once: the server holds 128 MiB while it reads them.
  const std::string line = "{\"event\":\"" + std::string(1024, 'e') + "\"}\n";
  std::string body;
  while (body.size() + line.size() <= 8 * kMiB) body += line;
  const std::string head = post_head("/api/v1/events/stateless", body.size(), "Authorization: Bearer " + agent.token() + "\r\n");
  std::vector<RawConnection> connections;
  for (int i = 0; i < 16; ++i) connections.emplace_back(port_of(server.comms_url()));
  for (auto& connection : connections) ASSERT_TRUE(connection.send_all(head));
  for (std::size_t sent = 0; sent < body.size(); sent += kMiB) {
    for (auto& connection : connections) ASSERT_TRUE(connection.send_all(std::string_view(body).substr(sent, kMiB), 20s));
  }
  for (auto& connection : connections) EXPECT_EQ(connection.read_status(30s), std::optional<unsigned>(204));
  connections.clear();

  EXPECT_TRUE(eventually([&] { return resident_bytes(server.pid()) < before + 32 * kMiB; }, 5s))
      << "RSS stayed at " << resident_bytes(server.pid()) / kMiB << " MiB (was " << before / kMiB << " MiB)";
}

TEST(HostileHttp, OneAddressCannotLockOutEveryAgent) {
  HeralddProcess server("http: {max_connections: 100, max_connections_per_address: 60}\n");
  server.start();
  const auto port = port_of(server.comms_url());
  // More idle connections than the whole limit, from one address, kept open.
  std::vector<std::unique_ptr<RawConnection>> idle;
  for (int i = 0; i < 150; ++i) idle.push_back(std::make_unique<RawConnection>(port, "127.0.0.7"));
  // An agent elsewhere, and even one behind the attacker's address, get served.
  for (const char* source : {"127.0.0.1", "127.0.0.2", "127.0.0.7"}) {
    RawConnection agent(port, source);
    agent.send_some("GET /api/v1/ HTTP/1.1\r\nHost: x\r\n\r\n");
    EXPECT_EQ(agent.read_status(), std::optional<unsigned>(200)) << "from " << source;
  }
  int shed = 0;
  for (auto& connection : idle) shed += connection->closed_by_peer(1ms) ? 1 : 0;
  EXPECT_GE(shed, 90) << "the oldest idle connections make room";
  EXPECT_GE(metric_value(server.management_url(), "herald_http_connections_shed_total{listener=\"comms\"}"), 90.0);
}

TEST(HostileHttp, SlowHeadersAreCutAfterTheHeaderTimeout) {
  HeralddProcess server("http: {header_timeout: 1s}\n");
  server.start();
  RawConnection slow(port_of(server.comms_url()));
  const auto started = std::chrono::steady_clock::now();
  slow.send_some("GET /api/v1/ HTTP/1.1\r\nHo");
  EXPECT_TRUE(slow.closed_by_peer(5s));
  EXPECT_GE(std::chrono::steady_clock::now() - started, 900ms);
  RawConnection silent(port_of(server.management_url()));
  EXPECT_TRUE(silent.closed_by_peer(5s));
}

TEST(HostileHttp, IdleKeepAliveConnectionsAreClosed) {
  HeralddProcess server("http: {idle_timeout: 1s}\n");
  server.start();
  RawConnection client(port_of(server.comms_url()));
  client.send_some("GET /api/v1/ HTTP/1.1\r\nHost: x\r\n\r\n");
  ASSERT_EQ(client.read_status(), std::optional<unsigned>(200));
  EXPECT_TRUE(client.closed_by_peer(5s));
}

TEST(HostileHttp, OversizedHeaderIs431AndOversizedBodyPerRouteIs413) {
  HeralddProcess server("http: {max_header_bytes: 4096, body_limits: {commands: 2048, events: 4096}}\n");
  server.start();
  RawConnection big_header(port_of(server.comms_url()));
  big_header.send_some("GET /api/v1/ HTTP/1.1\r\nHost: x\r\nX-Filler: " + std::string(8192, 'a') + "\r\n\r\n");
  EXPECT_EQ(big_header.read_status(), std::optional<unsigned>(431));

  const std::string bearer = "Authorization: Bearer " + server.admin_token() + "\r\n";
  RawConnection commands(port_of(server.management_url()));
  commands.send_some(post_head("/_plugins/_command_manager/commands", 2049, bearer));
  EXPECT_EQ(commands.read_status(), std::optional<unsigned>(413)) << commands.received();

  auto admin = server.admin_client();
  const std::string key = "k0123456789abcdefghijklmnopqrstu";
  TestAgent agent(server.comms_url(), enroll_agent(admin, "limits", key), key);
  ASSERT_EQ(agent.authenticate().status, 200u);
  RawConnection events(port_of(server.comms_url()));
  events.send_some(post_head("/api/v1/events/stateless", 4097, "Authorization: Bearer " + agent.token() + "\r\n"));
  EXPECT_EQ(events.read_status(), std::optional<unsigned>(413)) << events.received();
  EXPECT_EQ(agent.send_stateless("{\"event\":1}\n").status, 204u);
}

}  // namespace
}  // namespace herald::test
