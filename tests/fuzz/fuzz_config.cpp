// heraldd.yml text -> app::parse_config.
// Invariants: no exception escapes (YAML and validation errors are values); a parsed config obeys
// its documented ranges, and written back as YAML (every key, explicit) parses to the same config.
#include <yaml-cpp/yaml.h>

#include <cstddef>
#include <cstdint>
#include <string>

#include "app/config.h"
#include "fuzz_check.h"

namespace {

using herald::app::Config;
using herald::app::ListenerConfig;

std::string listen_text(const ListenerConfig& listener) {
  const bool bracket = listener.host.find(':') != std::string::npos;
  return (bracket ? "[" + listener.host + "]" : listener.host) + ":" + std::to_string(listener.port);
}

void emit_listener(YAML::Emitter& out, const char* name, const ListenerConfig& listener, const Config* comms) {
  out << YAML::Key << name << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "listen" << YAML::Value << YAML::DoubleQuoted << listen_text(listener);
  out << YAML::Key << "tls" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << listener.tls.enabled;
  if (!listener.tls.cert.empty()) {
    out << YAML::Key << "cert" << YAML::Value << YAML::DoubleQuoted << listener.tls.cert;
    out << YAML::Key << "key" << YAML::Value << YAML::DoubleQuoted << listener.tls.key;
  }
  out << YAML::EndMap;
  if (comms != nullptr) {
    out << YAML::Key << "commands_poll_timeout" << YAML::Value
        << std::to_string(comms->commands_poll_timeout_seconds) + "s";
    out << YAML::Key << "max_commands_per_poll" << YAML::Value << comms->max_commands_per_poll;
  }
  out << YAML::EndMap;
}

std::string seconds(std::int64_t value) {
  return std::to_string(value) + "s";
}
std::string seconds(std::chrono::milliseconds value) {
  return std::to_string(std::chrono::duration_cast<std::chrono::seconds>(value).count()) + "s";
}

std::string write_back(const Config& c) {
  YAML::Emitter out;
  out << YAML::BeginMap;
  out << YAML::Key << "node" << YAML::Value << YAML::BeginMap << YAML::Key << "name" << YAML::Value
      << YAML::DoubleQuoted << c.node_name << YAML::EndMap;
  out << YAML::Key << "data_dir" << YAML::Value << YAML::DoubleQuoted << c.data_dir;
  out << YAML::Key << "storage" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "backend" << YAML::Value << c.storage.backend;
  out << YAML::Key << "path" << YAML::Value << YAML::DoubleQuoted << c.storage.path;
  out << YAML::Key << "synchronous" << YAML::Value << c.storage.synchronous;
  out << YAML::Key << "dsn" << YAML::Value << YAML::DoubleQuoted << c.storage.dsn;
  out << YAML::EndMap;
  emit_listener(out, "management", c.management, nullptr);
  emit_listener(out, "comms", c.comms, &c);
  out << YAML::Key << "http" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "max_header_bytes" << YAML::Value << c.http.max_header_bytes;
  out << YAML::Key << "max_body_bytes" << YAML::Value << c.http.max_body_bytes;
  out << YAML::Key << "read_timeout" << YAML::Value << seconds(c.http.read_timeout);
  out << YAML::Key << "idle_timeout" << YAML::Value << seconds(c.http.idle_timeout);
  out << YAML::Key << "max_connections" << YAML::Value << c.http.max_connections;
  out << YAML::EndMap;
  out << YAML::Key << "remote" << YAML::Value << YAML::BeginMap << YAML::Key << "manager_keepalive" << YAML::Value
      << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << c.keepalive.enabled;
  out << YAML::Key << "interval" << YAML::Value << seconds(c.keepalive.interval_seconds);
  out << YAML::Key << "timeout" << YAML::Value << seconds(c.keepalive.timeout_seconds);
  out << YAML::Key << "flush_interval" << YAML::Value << seconds(c.keepalive.flush_interval_seconds);
  out << YAML::EndMap << YAML::EndMap;
  out << YAML::Key << "nats" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "enabled" << YAML::Value << c.nats.enabled;
  out << YAML::Key << "url" << YAML::Value << YAML::DoubleQuoted << c.nats.url;
  out << YAML::Key << "subject_prefix" << YAML::Value << YAML::DoubleQuoted << c.nats.subject_prefix;
  out << YAML::Key << "stream" << YAML::Value << YAML::DoubleQuoted << c.nats.stream;
  out << YAML::Key << "keepalive_events" << YAML::Value
      << (c.nats.keepalive_event_every_request ? "every" : "interval");
  out << YAML::Key << "queue_capacity" << YAML::Value << c.nats.queue_capacity;
  out << YAML::EndMap;
  out << YAML::Key << "orders" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "retention" << YAML::Value << seconds(c.orders.retention_seconds);
  out << YAML::Key << "archive_dir" << YAML::Value << YAML::DoubleQuoted << c.orders.archive_dir;
  out << YAML::Key << "retention_interval" << YAML::Value << seconds(c.orders.retention_interval_seconds);
  out << YAML::EndMap;
  out << YAML::Key << "auth" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "jwt_secret" << YAML::Value << YAML::DoubleQuoted << c.auth.jwt_secret;
  out << YAML::Key << "jwt_key_file" << YAML::Value << YAML::DoubleQuoted << c.auth.jwt_key_file;
  out << YAML::Key << "token_ttl" << YAML::Value << seconds(c.auth.token_ttl_seconds);
  out << YAML::EndMap;
  out << YAML::Key << "cluster" << YAML::Value << YAML::BeginMap;
  out << YAML::Key << "fallback_poll_interval" << YAML::Value << seconds(c.cluster.fallback_poll_interval_seconds);
  out << YAML::Key << "leader_check_interval" << YAML::Value << seconds(c.cluster.leader_check_interval_seconds);
  out << YAML::EndMap;
  out << YAML::Key << "logging" << YAML::Value << YAML::BeginMap << YAML::Key << "level" << YAML::Value
      << YAML::DoubleQuoted << c.log_level << YAML::EndMap;
  out << YAML::EndMap;
  return out.c_str();
}

bool same_listener(const ListenerConfig& a, const ListenerConfig& b) {
  return a.host == b.host && a.port == b.port && a.tls.enabled == b.tls.enabled && a.tls.cert == b.tls.cert &&
         a.tls.key == b.tls.key;
}

bool same(const Config& a, const Config& b) {
  return a.node_name == b.node_name && a.data_dir == b.data_dir && a.storage.backend == b.storage.backend &&
         a.storage.path == b.storage.path && a.storage.synchronous == b.storage.synchronous &&
         a.storage.dsn == b.storage.dsn && same_listener(a.management, b.management) &&
         same_listener(a.comms, b.comms) && a.http.max_header_bytes == b.http.max_header_bytes &&
         a.http.max_body_bytes == b.http.max_body_bytes && a.http.read_timeout == b.http.read_timeout &&
         a.http.idle_timeout == b.http.idle_timeout && a.http.max_connections == b.http.max_connections &&
         a.commands_poll_timeout_seconds == b.commands_poll_timeout_seconds &&
         a.max_commands_per_poll == b.max_commands_per_poll && a.keepalive.enabled == b.keepalive.enabled &&
         a.keepalive.interval_seconds == b.keepalive.interval_seconds &&
         a.keepalive.timeout_seconds == b.keepalive.timeout_seconds &&
         a.keepalive.flush_interval_seconds == b.keepalive.flush_interval_seconds && a.nats.enabled == b.nats.enabled &&
         a.nats.url == b.nats.url && a.nats.subject_prefix == b.nats.subject_prefix && a.nats.stream == b.nats.stream &&
         a.nats.keepalive_event_every_request == b.nats.keepalive_event_every_request &&
         a.nats.queue_capacity == b.nats.queue_capacity && a.orders.retention_seconds == b.orders.retention_seconds &&
         a.orders.archive_dir == b.orders.archive_dir &&
         a.orders.retention_interval_seconds == b.orders.retention_interval_seconds &&
         a.auth.jwt_secret == b.auth.jwt_secret && a.auth.jwt_key_file == b.auth.jwt_key_file &&
         a.auth.token_ttl_seconds == b.auth.token_ttl_seconds &&
         a.cluster.fallback_poll_interval_seconds == b.cluster.fallback_poll_interval_seconds &&
         a.cluster.leader_check_interval_seconds == b.cluster.leader_check_interval_seconds &&
         a.log_level == b.log_level;
}

// YAML text is UTF-8; yaml-cpp reads other bytes (and escapes such as "\ud800") as they come but
// its emitter cannot write them back unchanged, so the round trip is only checked when every
// string of the config is UTF-8.
bool is_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const auto byte = [&](std::size_t k) { return static_cast<unsigned char>(text[k]); };
    const unsigned char lead = byte(i);
    std::size_t length = lead < 0x80                    ? 1
                         : lead >= 0xC2 && lead <= 0xDF ? 2
                         : lead >= 0xE0 && lead <= 0xEF ? 3
                         : lead >= 0xF0 && lead <= 0xF4 ? 4
                                                        : 0;
    if (length == 0 || i + length > text.size()) return false;
    for (std::size_t k = 1; k < length; ++k) {
      if ((byte(i + k) & 0xC0) != 0x80) return false;
    }
    if ((lead == 0xE0 && byte(i + 1) < 0xA0) || (lead == 0xED && byte(i + 1) >= 0xA0) ||
        (lead == 0xF0 && byte(i + 1) < 0x90) || (lead == 0xF4 && byte(i + 1) >= 0x90)) {
      return false;
    }
    i += length;
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string yaml(herald::fuzz::as_text(data, size));
  auto parsed = FUZZ_NO_THROW("parse_config", herald::app::parse_config(yaml));
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().message.empty(), "a refused config says why");
    return 0;
  }
  const Config& config = *parsed;
  FUZZ_CHECK(config.storage.backend == "sqlite" || config.storage.backend == "postgres", "a known backend");
  FUZZ_CHECK(config.storage.backend != "postgres" || !config.storage.dsn.empty(), "postgres has a dsn");
  FUZZ_CHECK(!config.storage.path.empty() && !config.orders.archive_dir.empty(), "paths are filled in");
  FUZZ_CHECK(config.keepalive.interval_seconds <= config.keepalive.timeout_seconds, "timeout >= interval");
  FUZZ_CHECK(config.auth.jwt_secret.empty() || config.auth.jwt_secret.size() >= 32, "secret of 32+ characters");
  FUZZ_CHECK(config.commands_poll_timeout_seconds >= 1 && config.commands_poll_timeout_seconds <= 600,
             "poll timeout within 1..600 s");
  FUZZ_CHECK(config.management.tls.cert.empty() == config.management.tls.key.empty() &&
                 config.comms.tls.cert.empty() == config.comms.tls.key.empty(),
             "TLS cert and key come together");

  for (const std::string* text :
       {&config.node_name, &config.data_dir, &config.storage.path, &config.storage.dsn, &config.management.host,
        &config.management.tls.cert, &config.management.tls.key, &config.comms.host, &config.comms.tls.cert,
        &config.comms.tls.key, &config.nats.url, &config.nats.subject_prefix, &config.nats.stream,
        &config.orders.archive_dir, &config.auth.jwt_secret, &config.auth.jwt_key_file, &config.log_level}) {
    if (!is_utf8(*text)) return 0;
  }
  const std::string written = FUZZ_NO_THROW("YAML::Emitter", write_back(config));
  auto again = FUZZ_NO_THROW("parse_config (re-parse)", herald::app::parse_config(written));
  if (!again) std::fprintf(stderr, "written back:\n%s\nrefused: %s\n", written.c_str(), again.error().message.c_str());
  FUZZ_CHECK(again.ok(), "a config written back parses");
  FUZZ_CHECK(same(config, *again), "a config survives a round trip");
  return 0;
}
