#pragma once
// heraldd.yml, validated once at start-up into a typed struct; the rest of the code reads the
// struct, never the YAML. Every key is optional (defaults below and in ARCHITECTURE.md).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "api/body_limits.h"
#include "core/result.h"
#include "engine/active_response_rules.h"
#include "engine/indexer_options.h"
#include "engine/integration_options.h"
#include "legacy/legacy_options.h"

namespace herald::app {

struct TlsConfig {
  bool enabled = false;
  std::string cert;  // PEM files; when enabled without them, a self-signed pair is generated
  std::string key;   // into the data directory on first start
};

struct ListenerConfig {
  std::string host;
  std::uint16_t port = 0;
  TlsConfig tls;
};

struct HttpLimits {
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_body_bytes = 10 * 1024 * 1024;  // no route reads more, whatever body_limits say
  api::BodyLimits body_limits;
  std::chrono::milliseconds header_timeout{10'000};
  std::chrono::milliseconds read_timeout{30'000};
  std::chrono::milliseconds idle_timeout{60'000};
  std::size_t max_connections = 10'000;
  std::size_t max_connections_per_address = 2'000;
  std::size_t max_unauthenticated_body_bytes = 8 * 1024 * 1024;
  std::size_t max_unauthenticated_body_bytes_per_address = 1024 * 1024;
};

struct Config {
  std::string node_name;  // default: the host name
  std::string data_dir = "var";
  struct {
    std::string backend = "sqlite";
    std::string path;  // default: <data_dir>/herald.db
    std::string synchronous = "FULL";
    // What heraldd checks in an existing SQLite file before it writes to it: auto (integrity_check
    // up to 256 MiB, quick_check above), full (integrity_check), quick (quick_check: page
    // structure only, not that indexes match their tables) or off.
    std::string startup_check = "auto";
    std::string dsn;   // postgres
    std::int64_t query_timeout_seconds = 30;  // postgres: a statement unanswered this long fails
  } storage;
  ListenerConfig management{"127.0.0.1", 55000, {}};
  ListenerConfig comms{"0.0.0.0", 27000, {}};
  HttpLimits http;
  std::int64_t commands_poll_timeout_seconds = 300;
  std::int64_t max_commands_per_poll = 100;
  struct {
    bool enabled = true;
    std::int64_t interval_seconds = 60;
    std::int64_t timeout_seconds = 180;
    std::int64_t flush_interval_seconds = 1;  // write-behind: at most one write per agent per interval
  } keepalive;
  struct {
    bool enabled = false;
    std::string url = "nats://127.0.0.1:4222";
    std::string subject_prefix = "wazuh";
    std::string stream = "HERALD_EVENTS";  // JetStream stream for status, enrolment and order events
    bool keepalive_event_every_request = false;  // keepalive_events: every | interval
    std::int64_t queue_capacity = 1'000'000;     // events held while NATS is slow or down
  } nats;
  struct {
    std::int64_t retention_seconds = 30 * 86400;
    std::string archive_dir;  // default: <data_dir>/archive
    std::int64_t retention_interval_seconds = 3600;
  } orders;
  struct {
    std::string jwt_secret;    // same on every node of a cluster
    std::string jwt_key_file;  // or a file holding it; else generated into <data_dir>
    std::int64_t token_ttl_seconds = 900;
  } auth;
  struct {
    // Nodes that cannot hear wake-ups (NATS off or down) look for their parked agents' orders
    // in the store this often.
    std::int64_t fallback_poll_interval_seconds = 1;
    // How often a node asks for (or confirms) the leader lock; a dead leader's jobs move to another
    // node within about this long.
    std::int64_t leader_check_interval_seconds = 1;
  } cluster;
  // Wazuh 4.x agent services (legacy-4x-protocol.md): enrollment (authd, 1515) and the secure
  // channel (remoted, 1514). File paths left empty default under data_dir.
  struct {
    legacy::EnrollmentOptions enrollment;
    legacy::RemoteOptions remote;
  } legacy;
  // The analysis engine (issue 16): Wazuh-format decoders and rules over every agent event.
  struct {
    bool enabled = true;
    bool default_ruleset = true;             // Herald's own ruleset, built into heraldd
    std::vector<std::string> ruleset_dirs;   // a user's directories (4.x ruleset/decoders, etc/rules ...)
    std::vector<std::string> decoder_exclude;  // file names left out, as ossec.conf's <decoder_exclude>
    std::vector<std::string> rule_exclude;     // as <rule_exclude>
    std::int64_t alert_level = 3;            // alerts below this level are not raised (<log_alert_level>)
    std::int64_t workers = 0;                // 0: one per core
    std::int64_t queue_capacity = 65'536;    // events waiting per worker before new ones are dropped
    std::string alerts_dir;                  // default: <data_dir>/alerts
    bool herald_events = true;               // Herald's own happenings analysed too (ruleset/README.md)
    std::string mitre_db;                    // a 4.x manager's var/db/mitre.db: ATT&CK names in alerts
    // Scale-out (README "Scale-out"): local analyses here what this node receives; jetstream
    // publishes it to a JetStream stream partitioned by agent and analyses the partitions below.
    std::string mode = "local";
    std::string stream = "HERALD_ANALYSIS";
    std::int64_t partitions = 16;
    std::vector<std::int64_t> jetstream_partitions;  // consumed by this node; all when the key is absent
    bool jetstream_partitions_all = true;
    std::int64_t stream_max_age_seconds = 7 * 86400;
    std::int64_t stream_max_bytes = 1LL << 30;
    std::int64_t stream_ack_wait_seconds = 30;  // an input taken and not acked this long is delivered again
  } analysis;
  // Active response (issue 17): ossec.conf's <active-response> entries; matching alerts become
  // orders (README "Responding to threats"). Needs analysis.
  std::vector<engine::ActiveResponseRule> active_response;
  std::string log_level = "info";
  // Where alerts go besides alerts.json and NATS (issue 17).
  struct {
    engine::IndexerOptions indexer;  // alerts.indexer; no hosts: no forwarder
    std::vector<engine::IntegrationOptions> integrations;  // alerts.integrations
    std::int64_t retention_seconds = 30 * 86400;   // stored alerts (GET /alerts) older than this are purged
    std::int64_t retention_interval_seconds = 600;  // how often the purge runs
  } alerts;
};

// Parses YAML text. Unknown keys, wrong types and out-of-range values are errors that name the key.
core::Result<Config> parse_config(const std::string& yaml_text);
// Reads and parses a file; an empty path gives the defaults.
core::Result<Config> load_config(const std::string& path);

}  // namespace herald::app
