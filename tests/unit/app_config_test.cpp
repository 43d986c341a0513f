// heraldd.yml parsing: defaults, every section, and clear errors that name the key.
#include <gtest/gtest.h>

#include "app/config.h"

namespace herald::app {
namespace {

TEST(AppConfig, EmptyConfigGivesDocumentedDefaults) {
  auto config = parse_config("");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->data_dir, "var");
  EXPECT_EQ(config->storage.backend, "sqlite");
  EXPECT_EQ(config->storage.path, "var/herald.db");
  EXPECT_EQ(config->storage.query_timeout_seconds, 30);
  EXPECT_EQ(config->management.host, "127.0.0.1");
  EXPECT_EQ(config->management.port, 55000);
  EXPECT_EQ(config->comms.host, "0.0.0.0");
  EXPECT_EQ(config->comms.port, 27000);
  EXPECT_EQ(config->commands_poll_timeout_seconds, 300);
  EXPECT_EQ(config->max_commands_per_poll, 100);
  EXPECT_EQ(config->orders.retention_seconds, 30 * 86400);
  EXPECT_EQ(config->orders.archive_dir, "var/archive");
  EXPECT_EQ(config->http.max_body_bytes, 10u * 1024 * 1024);
  EXPECT_EQ(config->keepalive.interval_seconds, 60);
  EXPECT_EQ(config->keepalive.timeout_seconds, 180);
  EXPECT_FALSE(config->nats.enabled);
  EXPECT_FALSE(config->node_name.empty());
}

TEST(AppConfig, ReadsEverySection) {
  auto config = parse_config(R"(
node: {name: node07}
data_dir: /srv/herald
storage: {backend: sqlite, synchronous: NORMAL}
management: {listen: "[::1]:0", tls: {enabled: yes}}
comms: {listen: "10.0.0.1:27001", commands_poll_timeout: 5m, max_commands_per_poll: 10, tls: {cert: c.pem, key: k.pem}}
http: {max_body_bytes: 2048, read_timeout: 5s, max_connections: 50}
remote: {manager_keepalive: {enabled: no, interval: 30, timeout: 90}}
nats: {enabled: yes, url: "nats://127.0.0.1:4333", subject_prefix: herald}
orders: {retention: 7d, archive_dir: /srv/archive, retention_interval: 10m}
auth: {jwt_secret: "0123456789abcdef0123456789abcdef", token_ttl: 15m}
logging: {level: debug}
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->node_name, "node07");
  EXPECT_EQ(config->storage.path, "/srv/herald/herald.db");
  EXPECT_EQ(config->storage.synchronous, "NORMAL");
  EXPECT_EQ(config->management.host, "::1");
  EXPECT_EQ(config->management.port, 0);
  EXPECT_TRUE(config->management.tls.enabled);
  EXPECT_EQ(config->comms.port, 27001);
  EXPECT_EQ(config->commands_poll_timeout_seconds, 300);
  EXPECT_EQ(config->max_commands_per_poll, 10);
  EXPECT_EQ(config->comms.tls.cert, "c.pem");
  EXPECT_EQ(config->http.max_body_bytes, 2048u);
  EXPECT_EQ(config->http.read_timeout, std::chrono::seconds(5));
  EXPECT_FALSE(config->keepalive.enabled);
  EXPECT_TRUE(config->nats.enabled);
  EXPECT_EQ(config->orders.retention_seconds, 7 * 86400);
  EXPECT_EQ(config->orders.retention_interval_seconds, 600);
  EXPECT_EQ(config->auth.token_ttl_seconds, 900);
  EXPECT_EQ(config->log_level, "debug");
}

TEST(AppConfig, PostgresQueryTimeoutIsADuration) {
  auto config = parse_config("storage: {backend: postgres, dsn: \"dbname=herald\", query_timeout: 2m}");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->storage.query_timeout_seconds, 120);
  auto never = parse_config("storage: {backend: postgres, dsn: \"dbname=herald\", query_timeout: 0s}");
  ASSERT_FALSE(never.ok());
  EXPECT_NE(never.error().message.find("storage.query_timeout"), std::string::npos) << never.error().message;
}

TEST(AppConfig, ErrorsNameTheOffendingKey) {
  struct Case {
    const char* yaml;
    const char* mentions;
  };
  for (const auto& c : std::vector<Case>{
           {"managment: {}", "unknown key managment"},
           {"comms: {listen: \"nohost\"}", "comms.listen"},
           {"comms: {listen: \"127.0.0.1:70000\"}", "comms.listen"},
           {"comms: {commands_poll_timeout: 11m}", "comms.commands_poll_timeout"},
           {"orders: {retention: forever}", "orders.retention"},
           {"storage: {backend: oracle}", "storage.backend"},
           {"storage: {backend: postgres}", "storage.dsn"},
           {"auth: {jwt_secret: short}", "auth.jwt_secret"},
           {"remote: {manager_keepalive: {interval: 60, timeout: 10}}", "timeout"},
           {"comms: {tls: {cert: only-cert.pem}}", "comms.tls"},
           {"http: {max_connections: 0}", "http.max_connections"},
           {"http: {max_connections_per_address: 0}", "http.max_connections_per_address"},
           {"http: {header_timeout: 0s}", "http.header_timeout"},
           {"http: {body_limits: {uploads: 10}}", "http.body_limits"},
           {"http: {body_limits: {commands: 1}}", "http.body_limits.commands"},
           {"data_dir: [a, b]", "data_dir"},
           {"key: [unclosed", "invalid YAML"},
       }) {
    SCOPED_TRACE(c.yaml);
    auto config = parse_config(c.yaml);
    ASSERT_FALSE(config.ok());
    EXPECT_NE(config.error().message.find(c.mentions), std::string::npos) << config.error().message;
  }
}

TEST(AppConfig, LegacyServicesHaveWazuhDefaultsAndTheirOwnKeys) {
  auto defaults = parse_config("data_dir: /srv/h");
  ASSERT_TRUE(defaults) << defaults.error().message;
  const auto& enrollment = defaults->legacy.enrollment;
  const auto& remote = defaults->legacy.remote;
  EXPECT_TRUE(enrollment.enabled);
  EXPECT_EQ(enrollment.host, "0.0.0.0");
  EXPECT_EQ(enrollment.port, 1515);
  EXPECT_EQ(remote.port, 1514);
  EXPECT_FALSE(enrollment.use_password);
  EXPECT_EQ(enrollment.password_file, "/srv/h/authd.pass");
  EXPECT_EQ(remote.shared_dir, "/srv/h/shared");
  EXPECT_FALSE(remote.verify_msg_id);
  EXPECT_EQ(remote.connection_overtake_time, std::chrono::seconds(60));
  EXPECT_EQ(enrollment.replacement.disconnected_time_ms, 3'600'000);

  auto set = parse_config(
      "legacy:\n  max_agent_version: v4.9.0\n  shared_dir: /etc/shared\n"
      "  enrollment: {listen: \"127.0.0.1:11515\", use_password: yes, password: abcd, agent_ca: /ca.pem, verify_host: yes,"
      " force: {enabled: no, disconnected_time: 10m}}\n"
      "  remote: {enabled: no, listen: \"[::1]:11514\", verify_msg_id: yes, connection_overtake_time: 5s}\n");
  ASSERT_TRUE(set) << set.error().message;
  EXPECT_EQ(set->legacy.enrollment.port, 11515);
  EXPECT_EQ(set->legacy.enrollment.password, "abcd");
  EXPECT_TRUE(set->legacy.enrollment.verify_host);
  EXPECT_FALSE(set->legacy.enrollment.replacement.enabled);
  EXPECT_EQ(set->legacy.enrollment.replacement.disconnected_time_ms, 600'000);
  EXPECT_EQ(set->legacy.enrollment.max_agent_version, "v4.9.0");
  EXPECT_FALSE(set->legacy.remote.enabled);
  EXPECT_EQ(set->legacy.remote.host, "::1");
  EXPECT_TRUE(set->legacy.remote.verify_msg_id);
  EXPECT_EQ(set->legacy.remote.shared_dir, "/etc/shared");

  for (const auto& [yaml, key] : std::vector<std::pair<std::string, std::string>>{
           {"legacy: {enrollment: {port: 1}}", "legacy.enrollment.port"},
           {"legacy: {enrollment: {verify_host: yes}}", "legacy.enrollment.verify_host"},
           {"legacy: {enrollment: {password: ab}}", "legacy.enrollment.password"},
           {"legacy: {remote: {listen: nope}}", "legacy.remote.listen"},
           {"legacy: {remote: {key_reload_interval: 0s}}", "legacy.remote.key_reload_interval"},
           {"legacy: {udp: yes}", "legacy.udp"}}) {
    auto refused = parse_config(yaml);
    ASSERT_FALSE(refused) << yaml;
    EXPECT_NE(refused.error().message.find(key), std::string::npos) << refused.error().message;
  }
}

TEST(AppConfig, ClientLimitsAreReadFromHttp) {
  auto config = parse_config(R"(
http:
  header_timeout: 3s
  max_connections_per_address: 7
  max_unauthenticated_body_bytes: 65536
  max_unauthenticated_body_bytes_per_address: 4096
  body_limits: {commands: 1024, events: 2048, group_configuration: 4096, authentication: 512, other: 8192}
)");
  ASSERT_TRUE(config.ok()) << config.error().message;
  EXPECT_EQ(config->http.header_timeout, std::chrono::seconds(3));
  EXPECT_EQ(config->http.max_connections_per_address, 7u);
  EXPECT_EQ(config->http.max_unauthenticated_body_bytes, 65536u);
  EXPECT_EQ(config->http.max_unauthenticated_body_bytes_per_address, 4096u);
  EXPECT_EQ(config->http.body_limits.commands, 1024u);
  EXPECT_EQ(config->http.body_limits.events, 2048u);
  EXPECT_EQ(config->http.body_limits.group_configuration, 4096u);
  EXPECT_EQ(config->http.body_limits.authentication, 512u);
  EXPECT_EQ(config->http.body_limits.other, 8192u);
  auto defaults = parse_config("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->http.header_timeout, std::chrono::seconds(10));
  EXPECT_EQ(defaults->http.max_connections_per_address, 2000u);
}

TEST(AppConfig, StorageStartupCheckDefaultsToAutoAndTakesTheDocumentedValues) {
  auto defaults = parse_config("");
  ASSERT_TRUE(defaults.ok());
  EXPECT_EQ(defaults->storage.startup_check, "auto");
  for (const auto* value : {"auto", "full", "quick", "off"}) {
    auto config = parse_config(std::string("storage: {startup_check: ") + value + "}");
    ASSERT_TRUE(config.ok()) << value << ": " << config.error().message;
    EXPECT_EQ(config->storage.startup_check, value);
  }
  auto wrong = parse_config("storage: {startup_check: thorough}");
  ASSERT_FALSE(wrong.ok());
  EXPECT_NE(wrong.error().message.find("storage.startup_check"), std::string::npos) << wrong.error().message;
}

TEST(AppConfig, MissingFileIsAnError) {
  auto config = load_config("/nonexistent/heraldd.yml");
  ASSERT_FALSE(config.ok());
  EXPECT_NE(config.error().message.find("/nonexistent/heraldd.yml"), std::string::npos);
}


TEST(AppConfig, AlertsIndexerHasWazuhDefaultsAndChecksItsKeys) {
  auto defaults = parse_config("data_dir: /d\n");
  ASSERT_TRUE(defaults);
  EXPECT_TRUE(defaults->alerts.indexer.hosts.empty());  // no forwarder unless asked for

  auto config = parse_config(
      "data_dir: /d\nalerts:\n  indexer:\n    hosts: [\"https://10.0.0.1:9200\", \"https://10.0.0.2:9200\"]\n"
      "    username: admin\n    password: pw\n    ca_file: /etc/ca.pem\n    batch_max_docs: 200\n"
      "    flush_interval_ms: 250\n    buffer_max_bytes: 1048576\n");
  ASSERT_TRUE(config) << config.error().message;
  const auto& indexer = config->alerts.indexer;
  EXPECT_EQ(indexer.hosts.size(), 2u);
  EXPECT_EQ(indexer.username, "admin");
  EXPECT_EQ(indexer.password, "pw");
  EXPECT_EQ(indexer.ca_file, "/etc/ca.pem");
  EXPECT_EQ(indexer.index_pattern, "wazuh-alerts-4.x-%Y.%m.%d");
  EXPECT_EQ(indexer.batch_max_docs, 200u);
  EXPECT_EQ(indexer.flush_interval, std::chrono::milliseconds(250));
  EXPECT_EQ(indexer.buffer_max_bytes, 1048576u);
  EXPECT_EQ(indexer.buffer_dir, "/d/alerts/indexer-buffer");

  auto missing_hosts = parse_config("alerts: {indexer: {username: a}}\n");
  ASSERT_FALSE(missing_hosts);
  EXPECT_NE(missing_hosts.error().message.find("alerts.indexer.hosts"), std::string::npos);
  auto bad_scheme = parse_config("alerts: {indexer: {hosts: [\"ftp://x:1\"]}}\n");
  ASSERT_FALSE(bad_scheme);
  EXPECT_NE(bad_scheme.error().message.find("ftp://x:1"), std::string::npos);
  auto unknown = parse_config("alerts: {indexer: {hosts: [\"https://x:1\"], pasword: x}}\n");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("alerts.indexer.pasword"), std::string::npos);
  EXPECT_FALSE(parse_config("alerts: {indexer: {hosts: [\"https://x:1\"], batch_max_docs: 0}}\n"));
}

TEST(AppConfig, AlertsIntegrationsAreReadAndChecked) {
  auto config = parse_config(
      "data_dir: /d\nalerts:\n  integrations:\n"
      "    - {name: slack, hook_url: \"https://hooks.slack.com/services/T/B/X\", level: 10, groups: [sshd]}\n"
      "    - {name: pagerduty, api_key: RK, rules_id: [5716, \"5712\"]}\n"
      "    - {name: webhook, hook_url: \"http://10.0.0.9:8080/in\", template: '{\"r\":\"$(rule.id)\"}',"
      " buffer_max_bytes: 65536}\n");
  ASSERT_TRUE(config) << config.error().message;
  const auto& list = config->alerts.integrations;
  ASSERT_EQ(list.size(), 3u);
  EXPECT_EQ(list[0].name, "slack");
  EXPECT_EQ(list[0].url, "https://hooks.slack.com/services/T/B/X");
  EXPECT_EQ(list[0].level, 10);
  EXPECT_EQ(list[0].groups, std::vector<std::string>{"sshd"});
  EXPECT_EQ(list[0].buffer_dir, "/d/alerts/integrations/0-slack");
  EXPECT_EQ(list[1].url, "https://events.pagerduty.com/v2/enqueue");
  EXPECT_EQ(list[1].api_key, "RK");
  EXPECT_EQ(list[1].rules_id, (std::vector<std::uint32_t>{5716, 5712}));
  EXPECT_EQ(list[2].json_template, "{\"r\":\"$(rule.id)\"}");
  EXPECT_EQ(list[2].buffer_max_bytes, 65536u);

  auto unknown = parse_config("alerts: {integrations: [{name: teams, hook_url: \"https://x/y\"}]}\n");
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("alerts.integrations[0].name"), std::string::npos);
  EXPECT_FALSE(parse_config("alerts: {integrations: [{name: slack}]}\n"));
  EXPECT_FALSE(parse_config("alerts: {integrations: [{name: pagerduty}]}\n"));
  EXPECT_FALSE(parse_config("alerts: {integrations: [{name: webhook, hook_url: \"https://x/y\"}]}\n"));
  EXPECT_FALSE(parse_config("alerts: {integrations: [{name: slack, hook_url: \"https://x/y\", rules_id: [abc]}]}\n"));
  EXPECT_FALSE(parse_config("alerts: {integrations: [{name: slack, hook_url: \"https://x/y\", lvl: 3}]}\n"));
  EXPECT_FALSE(parse_config("alerts: {integrations: {name: slack}}\n"));
}

}  // namespace
}  // namespace herald::app
