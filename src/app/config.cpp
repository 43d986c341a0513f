#include "app/config.h"

#include <unistd.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <set>
#include <sstream>

#include "core/time_format.h"

namespace herald::app {

namespace {

struct ConfigError {
  std::string message;
};

void check_keys(const YAML::Node& node, const std::string& where, const std::set<std::string>& allowed) {
  if (!node.IsMap()) throw ConfigError{where + " must be a mapping"};
  for (const auto& entry : node) {
    auto key = entry.first.as<std::string>();
    if (!allowed.contains(key)) throw ConfigError{"unknown key " + (where.empty() ? key : where + "." + key)};
  }
}

std::string text(const YAML::Node& node, const std::string& where) {
  if (!node.IsScalar()) throw ConfigError{where + " must be a scalar"};
  return node.as<std::string>();
}

bool boolean(const YAML::Node& node, const std::string& where) {
  bool value = false;
  if (!node.IsScalar() || !YAML::convert<bool>::decode(node, value)) throw ConfigError{where + " must be yes/no"};
  return value;
}

std::int64_t seconds(const YAML::Node& node, const std::string& where, std::int64_t min, std::int64_t max) {
  auto parsed = core::parse_duration_seconds(text(node, where));
  if (!parsed || *parsed < min || *parsed > max) {
    throw ConfigError{where + " must be a duration between " + std::to_string(min) + "s and " + std::to_string(max) +
                      "s (e.g. 300s, 15m, 30d)"};
  }
  return *parsed;
}

std::int64_t integer(const YAML::Node& node, const std::string& where, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  if (!node.IsScalar() || !YAML::convert<std::int64_t>::decode(node, value) || value < min || value > max) {
    throw ConfigError{where + " must be an integer between " + std::to_string(min) + " and " + std::to_string(max)};
  }
  return value;
}

// "host:port"; IPv6 as "[::1]:55000".
void listen_address(const YAML::Node& node, const std::string& where, ListenerConfig& listener) {
  auto value = text(node, where);
  auto colon = value.rfind(':');
  if (colon == std::string::npos || colon == 0) throw ConfigError{where + " must be host:port, got " + value};
  auto host = value.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  YAML::Node port_node(value.substr(colon + 1));
  listener.host = host;
  listener.port = static_cast<std::uint16_t>(integer(port_node, where + " port", 0, 65535));
}

void listener(const YAML::Node& node, const std::string& where, ListenerConfig& out, Config& config,
              bool is_comms) {
  std::set<std::string> allowed{"listen", "tls"};
  if (is_comms) allowed.insert({"commands_poll_timeout", "max_commands_per_poll"});
  check_keys(node, where, allowed);
  if (node["listen"]) listen_address(node["listen"], where + ".listen", out);
  if (auto tls = node["tls"]) {
    check_keys(tls, where + ".tls", {"enabled", "cert", "key"});
    out.tls.enabled = tls["enabled"] ? boolean(tls["enabled"], where + ".tls.enabled") : true;
    if (tls["cert"]) out.tls.cert = text(tls["cert"], where + ".tls.cert");
    if (tls["key"]) out.tls.key = text(tls["key"], where + ".tls.key");
    if (out.tls.cert.empty() != out.tls.key.empty()) throw ConfigError{where + ".tls needs both cert and key"};
  }
  if (is_comms) {
    // Must stay below the agent's 11-minute socket timeout, or the agent gives up first.
    if (node["commands_poll_timeout"]) {
      config.commands_poll_timeout_seconds = seconds(node["commands_poll_timeout"], where + ".commands_poll_timeout", 1, 600);
    }
    if (node["max_commands_per_poll"]) {
      config.max_commands_per_poll = integer(node["max_commands_per_poll"], where + ".max_commands_per_poll", 1, 10000);
    }
  }
}

// legacy: the Wazuh 4.x agent services. Option names follow ossec.conf's <auth> and <remote>.
void legacy_services(const YAML::Node& node, Config& config) {
  check_keys(node, "legacy", {"enrollment", "remote", "shared_dir", "max_agent_version"});
  auto& enrollment = config.legacy.enrollment;
  auto& remote = config.legacy.remote;
  if (node["shared_dir"]) remote.shared_dir = text(node["shared_dir"], "legacy.shared_dir");
  if (node["max_agent_version"]) enrollment.max_agent_version = text(node["max_agent_version"], "legacy.max_agent_version");
  auto address = [](const YAML::Node& value, const std::string& where, std::string& host, std::uint16_t& port) {
    ListenerConfig parsed;
    listen_address(value, where, parsed);
    host = parsed.host;
    port = parsed.port;
  };
  if (auto e = node["enrollment"]) {
    check_keys(e, "legacy.enrollment", {"enabled", "listen", "tls", "use_password", "password", "password_file",
                                        "agent_ca", "verify_host", "use_source_ip", "force", "timeout"});
    if (e["enabled"]) enrollment.enabled = boolean(e["enabled"], "legacy.enrollment.enabled");
    if (e["listen"]) address(e["listen"], "legacy.enrollment.listen", enrollment.host, enrollment.port);
    if (auto tls = e["tls"]) {
      check_keys(tls, "legacy.enrollment.tls", {"cert", "key"});
      if (tls["cert"]) enrollment.cert_file = text(tls["cert"], "legacy.enrollment.tls.cert");
      if (tls["key"]) enrollment.key_file = text(tls["key"], "legacy.enrollment.tls.key");
      if (enrollment.cert_file.empty() != enrollment.key_file.empty()) {
        throw ConfigError{"legacy.enrollment.tls needs both cert and key"};
      }
    }
    if (e["use_password"]) enrollment.use_password = boolean(e["use_password"], "legacy.enrollment.use_password");
    if (e["password"]) enrollment.password = text(e["password"], "legacy.enrollment.password");
    if (e["password_file"]) enrollment.password_file = text(e["password_file"], "legacy.enrollment.password_file");
    if (!enrollment.password.empty() && enrollment.password.size() <= 2) {
      throw ConfigError{"legacy.enrollment.password must be longer than 2 characters"};
    }
    if (e["agent_ca"]) enrollment.agent_ca = text(e["agent_ca"], "legacy.enrollment.agent_ca");
    if (e["verify_host"]) enrollment.verify_host = boolean(e["verify_host"], "legacy.enrollment.verify_host");
    if (enrollment.verify_host && enrollment.agent_ca.empty()) {
      throw ConfigError{"legacy.enrollment.verify_host needs legacy.enrollment.agent_ca"};
    }
    if (e["use_source_ip"]) enrollment.use_source_ip = boolean(e["use_source_ip"], "legacy.enrollment.use_source_ip");
    if (e["timeout"]) enrollment.timeout = std::chrono::seconds(seconds(e["timeout"], "legacy.enrollment.timeout", 1, 300));
    if (auto force = e["force"]) {
      check_keys(force, "legacy.enrollment.force",
                 {"enabled", "key_mismatch", "disconnected_time", "after_registration_time"});
      auto& policy = enrollment.replacement;
      if (force["enabled"]) policy.enabled = boolean(force["enabled"], "legacy.enrollment.force.enabled");
      if (force["key_mismatch"]) policy.key_mismatch = boolean(force["key_mismatch"], "legacy.enrollment.force.key_mismatch");
      if (force["disconnected_time"]) {
        policy.disconnected_time_ms =
            1000 * seconds(force["disconnected_time"], "legacy.enrollment.force.disconnected_time", 0, 3650LL * 86400);
      }
      if (force["after_registration_time"]) {
        policy.after_registration_time_ms = 1000 * seconds(force["after_registration_time"],
                                                           "legacy.enrollment.force.after_registration_time", 0,
                                                           3650LL * 86400);
      }
    }
  }
  if (auto r = node["remote"]) {
    check_keys(r, "legacy.remote", {"enabled", "listen", "verify_msg_id", "connection_overtake_time",
                                    "key_reload_interval", "max_connections", "handshake_timeout",
                                    "merged_confirmations"});
    if (r["enabled"]) remote.enabled = boolean(r["enabled"], "legacy.remote.enabled");
    if (r["listen"]) address(r["listen"], "legacy.remote.listen", remote.host, remote.port);
    if (r["verify_msg_id"]) remote.verify_msg_id = boolean(r["verify_msg_id"], "legacy.remote.verify_msg_id");
    if (r["connection_overtake_time"]) {
      remote.connection_overtake_time =
          std::chrono::seconds(seconds(r["connection_overtake_time"], "legacy.remote.connection_overtake_time", 0, 3600));
    }
    if (r["key_reload_interval"]) {
      remote.key_reload_interval =
          std::chrono::seconds(seconds(r["key_reload_interval"], "legacy.remote.key_reload_interval", 1, 3600));
    }
    if (r["max_connections"]) {
      remote.max_connections = static_cast<std::size_t>(integer(r["max_connections"], "legacy.remote.max_connections", 1, 1'000'000));
    }
    if (r["handshake_timeout"]) {
      remote.handshake_timeout =
          std::chrono::seconds(seconds(r["handshake_timeout"], "legacy.remote.handshake_timeout", 1, 600));
    }
    if (r["merged_confirmations"]) {
      remote.merged_confirmations = static_cast<int>(integer(r["merged_confirmations"], "legacy.remote.merged_confirmations", 1, 100));
    }
  }
}

// http: every limit the listeners enforce on clients (see README "Limits").
void http_limits(const YAML::Node& http, HttpLimits& limits) {
  check_keys(http, "http", {"max_header_bytes", "max_body_bytes", "body_limits", "header_timeout", "read_timeout",
                            "idle_timeout", "max_connections", "max_connections_per_address",
                            "max_unauthenticated_body_bytes", "max_unauthenticated_body_bytes_per_address"});
  auto size = [&](const char* key, std::size_t& into, std::int64_t min, std::int64_t max) {
    if (http[key]) into = static_cast<std::size_t>(integer(http[key], std::string("http.") + key, min, max));
  };
  auto duration = [&](const char* key, std::chrono::milliseconds& into) {
    if (http[key]) into = std::chrono::seconds(seconds(http[key], std::string("http.") + key, 1, 3600));
  };
  size("max_header_bytes", limits.max_header_bytes, 1024, 1 << 20);
  size("max_body_bytes", limits.max_body_bytes, 1024, 1LL << 30);
  duration("header_timeout", limits.header_timeout);
  duration("read_timeout", limits.read_timeout);
  duration("idle_timeout", limits.idle_timeout);
  size("max_connections", limits.max_connections, 1, 1'000'000);
  size("max_connections_per_address", limits.max_connections_per_address, 1, 1'000'000);
  size("max_unauthenticated_body_bytes", limits.max_unauthenticated_body_bytes, 1024, 1LL << 30);
  size("max_unauthenticated_body_bytes_per_address", limits.max_unauthenticated_body_bytes_per_address, 1024, 1LL << 30);
  if (auto body = http["body_limits"]) {
    check_keys(body, "http.body_limits", {"commands", "events", "group_configuration", "authentication", "other"});
    auto route = [&](const char* key, std::size_t& into) {
      if (body[key]) into = static_cast<std::size_t>(integer(body[key], std::string("http.body_limits.") + key, 256, 1LL << 30));
    };
    route("commands", limits.body_limits.commands);
    route("events", limits.body_limits.events);
    route("group_configuration", limits.body_limits.group_configuration);
    route("authentication", limits.body_limits.authentication);
    route("other", limits.body_limits.other);
  }
}

std::vector<std::string> text_list(const YAML::Node& node, const std::string& where) {
  if (node.IsScalar()) return {text(node, where)};
  if (!node.IsSequence()) throw ConfigError{where + " must be a list"};
  std::vector<std::string> values;
  for (std::size_t i = 0; i < node.size(); ++i) values.push_back(text(node[i], where + "[" + std::to_string(i) + "]"));
  return values;
}

// analysis.mode and the stream keys. REQUIRES: nats: parsed already (jetstream needs it).
void parse_analysis_scale_out(const YAML::Node& analysis, Config& config) {
  auto& out = config.analysis;
  if (analysis["mode"]) out.mode = text(analysis["mode"], "analysis.mode");
  if (out.mode != "local" && out.mode != "jetstream") throw ConfigError{"analysis.mode must be local or jetstream"};
  if (analysis["stream"]) out.stream = text(analysis["stream"], "analysis.stream");
  if (out.stream.empty() || out.stream.find_first_of(" .*>") != std::string::npos) {
    throw ConfigError{"analysis.stream must be a JetStream stream name (no spaces, '.', '*' or '>')"};
  }
  if (analysis["partitions"]) out.partitions = integer(analysis["partitions"], "analysis.partitions", 1, 1024);
  if (auto consumed = analysis["jetstream_partitions"]) {
    if (!consumed.IsSequence()) throw ConfigError{"analysis.jetstream_partitions must be a list of partition numbers"};
    out.jetstream_partitions_all = false;
    for (std::size_t i = 0; i < consumed.size(); ++i) {
      const auto where = "analysis.jetstream_partitions[" + std::to_string(i) + "]";
      out.jetstream_partitions.push_back(integer(consumed[i], where, 0, out.partitions - 1));
    }
  }
  if (analysis["stream_max_age"]) {
    out.stream_max_age_seconds = seconds(analysis["stream_max_age"], "analysis.stream_max_age", 60, 3650LL * 86400);
  }
  if (analysis["stream_max_bytes"]) {
    out.stream_max_bytes = integer(analysis["stream_max_bytes"], "analysis.stream_max_bytes", 1LL << 20, 1LL << 50);
  }
  if (analysis["stream_ack_wait"]) {
    out.stream_ack_wait_seconds = seconds(analysis["stream_ack_wait"], "analysis.stream_ack_wait", 1, 3600);
  }
  if (out.mode == "jetstream" && !config.nats.enabled) {
    throw ConfigError{"analysis.mode jetstream needs the NATS bus: set nats.enabled: true and nats.url to a "
                      "nats-server with JetStream"};
  }
  if (out.stream == config.nats.stream) {
    throw ConfigError{"analysis.stream must differ from nats.stream (" + out.stream + ")"};
  }
}

void parse_analysis(const YAML::Node& analysis, Config& config) {
  check_keys(analysis, "analysis", {"enabled", "default_ruleset", "ruleset_dirs", "decoder_exclude", "rule_exclude",
                                    "alert_level", "workers", "queue_capacity", "alerts_dir", "herald_events", "mitre_db",
                                    "mode", "stream", "partitions", "jetstream_partitions", "stream_max_age",
                                    "stream_max_bytes", "stream_ack_wait"});
  auto& out = config.analysis;
  if (analysis["enabled"]) out.enabled = boolean(analysis["enabled"], "analysis.enabled");
  if (analysis["default_ruleset"]) out.default_ruleset = boolean(analysis["default_ruleset"], "analysis.default_ruleset");
  if (analysis["ruleset_dirs"]) out.ruleset_dirs = text_list(analysis["ruleset_dirs"], "analysis.ruleset_dirs");
  if (analysis["decoder_exclude"]) out.decoder_exclude = text_list(analysis["decoder_exclude"], "analysis.decoder_exclude");
  if (analysis["rule_exclude"]) out.rule_exclude = text_list(analysis["rule_exclude"], "analysis.rule_exclude");
  if (analysis["alert_level"]) out.alert_level = integer(analysis["alert_level"], "analysis.alert_level", 0, 16);
  if (analysis["workers"]) out.workers = integer(analysis["workers"], "analysis.workers", 0, 256);
  if (analysis["queue_capacity"]) {
    out.queue_capacity = integer(analysis["queue_capacity"], "analysis.queue_capacity", 16, 100'000'000);
  }
  if (analysis["alerts_dir"]) out.alerts_dir = text(analysis["alerts_dir"], "analysis.alerts_dir");
  if (analysis["herald_events"]) out.herald_events = boolean(analysis["herald_events"], "analysis.herald_events");
  if (analysis["mitre_db"]) out.mitre_db = text(analysis["mitre_db"], "analysis.mitre_db");
  parse_analysis_scale_out(analysis, config);
  if (out.enabled && !out.default_ruleset && out.ruleset_dirs.empty()) {
    throw ConfigError{"analysis.default_ruleset is off and analysis.ruleset_dirs is empty: there is nothing to load "
                      "(set analysis.enabled: false to run without analysis)"};
  }
}

// A list, or ossec.conf's comma-separated text ("5710, 5712").
std::vector<std::string> items(const YAML::Node& node, const std::string& where) {
  std::vector<std::string> out;
  auto add = [&](const std::string& item) {
    const auto first = item.find_first_not_of(" \t");
    if (first == std::string::npos) throw ConfigError{where + " has an empty item"};
    out.push_back(item.substr(first, item.find_last_not_of(" \t") - first + 1));
  };
  if (node.IsSequence()) {
    for (const auto& item : node) add(text(item, where));
    return out;
  }
  std::stringstream list(text(node, where));
  for (std::string item; std::getline(list, item, ',');) add(item);
  return out;
}

engine::ActiveResponseRule active_response(const YAML::Node& node, const std::string& where) {
  check_keys(node, where, {"command", "location", "agent_id", "rules_id", "rules_group", "level", "timeout"});
  engine::ActiveResponseRule rule;
  if (!node["command"]) throw ConfigError{where + ".command is required"};
  rule.command = text(node["command"], where + ".command");
  // What the agent's execd looks up, so kept to the characters Wazuh's names use.
  const bool valid_name = !rule.command.empty() && rule.command.size() <= 255 &&
                          std::all_of(rule.command.begin(), rule.command.end(), [](unsigned char c) {
                            return std::isalnum(c) || c == '-' || c == '_' || c == '.';
                          });
  if (!valid_name) throw ConfigError{where + ".command must be an active response name ([A-Za-z0-9._-])"};
  if (node["location"]) {
    auto location = engine::parse_response_location(text(node["location"], where + ".location"));
    if (!location) throw ConfigError{where + ".location must be local, server, defined-agent or all"};
    rule.location = *location;
  }
  if (node["agent_id"]) rule.agent_id = text(node["agent_id"], where + ".agent_id");
  if ((rule.location == engine::ResponseLocation::defined_agent) == rule.agent_id.empty()) {
    throw ConfigError{where + ".agent_id is required with location defined-agent, and only there"};
  }
  if (node["rules_id"]) {
    for (const auto& id : items(node["rules_id"], where + ".rules_id")) {
      rule.rules_id.push_back(static_cast<std::uint32_t>(integer(YAML::Node(id), where + ".rules_id", 1, 999'999'999)));
    }
  }
  if (node["rules_group"]) rule.rules_group = items(node["rules_group"], where + ".rules_group");
  if (node["level"]) rule.level = static_cast<int>(integer(node["level"], where + ".level", 1, 16));
  if (node["timeout"]) rule.timeout_seconds = seconds(node["timeout"], where + ".timeout", 0, 30LL * 86400);
  if (rule.rules_id.empty() && rule.rules_group.empty() && rule.level == 0) {
    throw ConfigError{where + " needs rules_id, rules_group or level: otherwise no alert triggers it"};
  }
  return rule;
}

void parse_active_responses(const YAML::Node& node, Config& config) {
  if (!node.IsSequence()) throw ConfigError{"active_response must be a list"};
  for (std::size_t i = 0; i < node.size(); ++i) {
    config.active_response.push_back(active_response(node[i], "active_response[" + std::to_string(i) + "]"));
  }
}

// alerts.integrations: Slack, PagerDuty and webhook senders (ossec.conf's <integration>).
void parse_integrations(const YAML::Node& list, Config& config) {
  if (!list.IsSequence()) throw ConfigError{"alerts.integrations must be a list"};
  for (std::size_t i = 0; i < list.size(); ++i) {
    const auto node = list[i];
    const std::string where = "alerts.integrations[" + std::to_string(i) + "]";
    check_keys(node, where, {"name", "hook_url", "url", "api_key", "level", "rules_id", "groups", "template",
                             "buffer_dir", "buffer_max_bytes"});
    engine::IntegrationOptions out;
    if (!node["name"]) throw ConfigError{where + ".name is required (slack, pagerduty or webhook)"};
    out.name = text(node["name"], where + ".name");
    if (out.name != "slack" && out.name != "pagerduty" && out.name != "webhook")
      throw ConfigError{where + ".name must be slack, pagerduty or webhook"};
    if (out.name == "pagerduty") {
      if (node["hook_url"]) throw ConfigError{where + ": pagerduty takes url, not hook_url"};
      if (!node["api_key"]) throw ConfigError{where + ".api_key (the routing key) is required for pagerduty"};
      out.api_key = text(node["api_key"], where + ".api_key");
      out.url = node["url"] ? text(node["url"], where + ".url") : engine::kPagerDutyDefaultUrl;
    } else {
      if (node["url"] || node["api_key"]) throw ConfigError{where + ": " + out.name + " takes hook_url only"};
      if (!node["hook_url"]) throw ConfigError{where + ".hook_url is required for " + out.name};
      out.url = text(node["hook_url"], where + ".hook_url");
    }
    if (!out.url.starts_with("https://") && !out.url.starts_with("http://"))
      throw ConfigError{where + ": the URL must start with https:// or http://"};
    if (out.name == "webhook") {
      if (!node["template"]) throw ConfigError{where + ".template is required for webhook"};
      out.json_template = text(node["template"], where + ".template");
    } else if (node["template"]) {
      throw ConfigError{where + ".template is for webhook only"};
    }
    if (node["level"]) out.level = static_cast<int>(integer(node["level"], where + ".level", 0, 16));
    if (node["rules_id"]) {
      for (const auto& id : text_list(node["rules_id"], where + ".rules_id")) {
        if (id.empty() || id.size() > 9 || id.find_first_not_of("0123456789") != std::string::npos)
          throw ConfigError{where + ".rules_id: '" + id + "' is not a rule id"};
        out.rules_id.push_back(static_cast<std::uint32_t>(std::stoul(id)));
      }
    }
    if (node["groups"]) out.groups = text_list(node["groups"], where + ".groups");
    if (node["buffer_dir"]) out.buffer_dir = text(node["buffer_dir"], where + ".buffer_dir");
    if (node["buffer_max_bytes"]) {
      out.buffer_max_bytes =
          static_cast<std::uint64_t>(integer(node["buffer_max_bytes"], where + ".buffer_max_bytes", 4096, 1ll << 50));
    }
    config.alerts.integrations.push_back(std::move(out));
  }
}

// alerts.indexer: the Wazuh indexer (OpenSearch/Elasticsearch `_bulk`) forwarder.
void parse_alerts(const YAML::Node& alerts, Config& config) {
  check_keys(alerts, "alerts", {"indexer", "integrations", "retention", "retention_interval"});
  if (alerts["integrations"]) parse_integrations(alerts["integrations"], config);
  if (alerts["retention"]) config.alerts.retention_seconds = seconds(alerts["retention"], "alerts.retention", 1, 3650LL * 86400);
  if (alerts["retention_interval"]) {
    config.alerts.retention_interval_seconds =
        seconds(alerts["retention_interval"], "alerts.retention_interval", 1, 86400);
  }
  const auto node = alerts["indexer"];
  if (!node) return;
  check_keys(node, "alerts.indexer", {"hosts", "username", "password", "ca_file", "index", "batch_max_docs",
                                      "batch_max_bytes", "flush_interval_ms", "buffer_dir", "buffer_max_bytes"});
  auto& out = config.alerts.indexer;
  if (!node["hosts"]) throw ConfigError{"alerts.indexer.hosts is required (https://host:port, ...)"};
  out.hosts = text_list(node["hosts"], "alerts.indexer.hosts");
  if (out.hosts.empty()) throw ConfigError{"alerts.indexer.hosts must name at least one host"};
  for (const auto& host : out.hosts) {
    if (!host.starts_with("https://") && !host.starts_with("http://")) {
      throw ConfigError{"alerts.indexer.hosts: '" + host + "' must start with https:// or http://"};
    }
  }
  if (node["username"]) out.username = text(node["username"], "alerts.indexer.username");
  if (node["password"]) out.password = text(node["password"], "alerts.indexer.password");
  if (node["ca_file"]) out.ca_file = text(node["ca_file"], "alerts.indexer.ca_file");
  if (node["index"]) out.index_pattern = text(node["index"], "alerts.indexer.index");
  if (node["batch_max_docs"]) {
    out.batch_max_docs = static_cast<std::size_t>(integer(node["batch_max_docs"], "alerts.indexer.batch_max_docs", 1, 100'000));
  }
  if (node["batch_max_bytes"]) {
    out.batch_max_bytes =
        static_cast<std::uint64_t>(integer(node["batch_max_bytes"], "alerts.indexer.batch_max_bytes", 1024, 1ll << 30));
  }
  if (node["flush_interval_ms"]) {
    out.flush_interval = std::chrono::milliseconds(integer(node["flush_interval_ms"], "alerts.indexer.flush_interval_ms", 1, 600'000));
  }
  if (node["buffer_dir"]) out.buffer_dir = text(node["buffer_dir"], "alerts.indexer.buffer_dir");
  if (node["buffer_max_bytes"]) {
    out.buffer_max_bytes =
        static_cast<std::uint64_t>(integer(node["buffer_max_bytes"], "alerts.indexer.buffer_max_bytes", 4096, 1ll << 50));
  }
}

Config parse(const YAML::Node& root) {
  Config config;
  char host[256] = {0};
  config.node_name = gethostname(host, sizeof host - 1) == 0 ? host : "node01";
  if (!root || root.IsNull()) return config;
  check_keys(root, "", {"node", "data_dir", "storage", "management", "comms", "http", "remote", "nats", "orders",
                        "auth", "cluster", "logging", "legacy", "analysis", "active_response",
                        "alerts"});
  if (auto node = root["node"]) {
    check_keys(node, "node", {"name"});
    if (node["name"]) config.node_name = text(node["name"], "node.name");
  }
  if (root["data_dir"]) config.data_dir = text(root["data_dir"], "data_dir");
  if (auto storage = root["storage"]) {
    check_keys(storage, "storage", {"backend", "path", "synchronous", "startup_check", "dsn", "query_timeout"});
    if (storage["backend"]) config.storage.backend = text(storage["backend"], "storage.backend");
    if (config.storage.backend != "sqlite" && config.storage.backend != "postgres") {
      throw ConfigError{"storage.backend must be sqlite or postgres"};
    }
    if (storage["path"]) config.storage.path = text(storage["path"], "storage.path");
    if (storage["dsn"]) config.storage.dsn = text(storage["dsn"], "storage.dsn");
    if (storage["query_timeout"]) {
      config.storage.query_timeout_seconds = seconds(storage["query_timeout"], "storage.query_timeout", 1, 3600);
    }
    if (storage["synchronous"]) {
      config.storage.synchronous = text(storage["synchronous"], "storage.synchronous");
      if (config.storage.synchronous != "FULL" && config.storage.synchronous != "NORMAL") {
        throw ConfigError{"storage.synchronous must be FULL or NORMAL"};
      }
    }
    if (storage["startup_check"]) {
      config.storage.startup_check = text(storage["startup_check"], "storage.startup_check");
      const std::set<std::string> checks{"auto", "full", "quick", "off"};
      if (!checks.contains(config.storage.startup_check)) {
        throw ConfigError{"storage.startup_check must be auto, full, quick or off"};
      }
    }
  }
  if (root["management"]) listener(root["management"], "management", config.management, config, false);
  if (root["comms"]) listener(root["comms"], "comms", config.comms, config, true);
  if (auto http = root["http"]) http_limits(http, config.http);
  if (auto legacy = root["legacy"]) legacy_services(legacy, config);
  if (auto cluster = root["cluster"]) {
    check_keys(cluster, "cluster", {"fallback_poll_interval", "leader_check_interval"});
    if (cluster["fallback_poll_interval"]) {
      config.cluster.fallback_poll_interval_seconds =
          seconds(cluster["fallback_poll_interval"], "cluster.fallback_poll_interval", 1, 60);
    }
    if (cluster["leader_check_interval"]) {
      config.cluster.leader_check_interval_seconds =
          seconds(cluster["leader_check_interval"], "cluster.leader_check_interval", 1, 60);
    }
  }
  if (auto remote = root["remote"]) {
    check_keys(remote, "remote", {"manager_keepalive"});
    if (auto keepalive = remote["manager_keepalive"]) {
      check_keys(keepalive, "remote.manager_keepalive", {"enabled", "interval", "timeout", "flush_interval"});
      if (keepalive["flush_interval"]) {
        config.keepalive.flush_interval_seconds =
            seconds(keepalive["flush_interval"], "remote.manager_keepalive.flush_interval", 1, 3600);
      }
      if (keepalive["enabled"]) config.keepalive.enabled = boolean(keepalive["enabled"], "remote.manager_keepalive.enabled");
      if (keepalive["interval"]) config.keepalive.interval_seconds = seconds(keepalive["interval"], "remote.manager_keepalive.interval", 1, 86400);
      if (keepalive["timeout"]) config.keepalive.timeout_seconds = seconds(keepalive["timeout"], "remote.manager_keepalive.timeout", 1, 7 * 86400);
      if (config.keepalive.timeout_seconds < config.keepalive.interval_seconds) {
        throw ConfigError{"remote.manager_keepalive.timeout must not be shorter than interval"};
      }
    }
  }
  if (auto nats = root["nats"]) {
    check_keys(nats, "nats", {"enabled", "url", "subject_prefix", "stream", "keepalive_events", "queue_capacity"});
    if (nats["stream"]) config.nats.stream = text(nats["stream"], "nats.stream");
    if (nats["keepalive_events"]) {
      auto mode = text(nats["keepalive_events"], "nats.keepalive_events");
      if (mode != "every" && mode != "interval") throw ConfigError{"nats.keepalive_events must be every or interval"};
      config.nats.keepalive_event_every_request = mode == "every";
    }
    if (nats["queue_capacity"]) {
      config.nats.queue_capacity = integer(nats["queue_capacity"], "nats.queue_capacity", 1000, 100'000'000);
    }
    if (nats["enabled"]) config.nats.enabled = boolean(nats["enabled"], "nats.enabled");
    if (nats["url"]) config.nats.url = text(nats["url"], "nats.url");
    if (nats["subject_prefix"]) config.nats.subject_prefix = text(nats["subject_prefix"], "nats.subject_prefix");
  }
  if (auto orders = root["orders"]) {
    check_keys(orders, "orders", {"retention", "archive_dir", "retention_interval"});
    if (orders["retention"]) config.orders.retention_seconds = seconds(orders["retention"], "orders.retention", 1, 3650LL * 86400);
    if (orders["archive_dir"]) config.orders.archive_dir = text(orders["archive_dir"], "orders.archive_dir");
    if (orders["retention_interval"]) {
      config.orders.retention_interval_seconds = seconds(orders["retention_interval"], "orders.retention_interval", 1, 86400);
    }
  }
  if (auto auth = root["auth"]) {
    check_keys(auth, "auth", {"jwt_secret", "jwt_key_file", "token_ttl"});
    if (auth["jwt_secret"]) config.auth.jwt_secret = text(auth["jwt_secret"], "auth.jwt_secret");
    if (auth["jwt_key_file"]) config.auth.jwt_key_file = text(auth["jwt_key_file"], "auth.jwt_key_file");
    if (auth["token_ttl"]) config.auth.token_ttl_seconds = seconds(auth["token_ttl"], "auth.token_ttl", 60, 86400);
    if (!config.auth.jwt_secret.empty() && config.auth.jwt_secret.size() < 32) {
      throw ConfigError{"auth.jwt_secret must be at least 32 characters"};
    }
  }
  if (auto analysis = root["analysis"]) parse_analysis(analysis, config);
  if (auto responses = root["active_response"]) parse_active_responses(responses, config);
  if (!config.active_response.empty() && !config.analysis.enabled) {
    throw ConfigError{"active_response needs the analysis engine (analysis.enabled is off)"};
  }
  if (auto alerts = root["alerts"]) parse_alerts(alerts, config);
  if (auto logging = root["logging"]) {
    check_keys(logging, "logging", {"level"});
    if (logging["level"]) config.log_level = text(logging["level"], "logging.level");
  }
  return config;
}

}  // namespace

core::Result<Config> parse_config(const std::string& yaml_text) {
  try {
    auto config = parse(YAML::Load(yaml_text));
    if (config.storage.path.empty()) config.storage.path = config.data_dir + "/herald.db";
    if (config.orders.archive_dir.empty()) config.orders.archive_dir = config.data_dir + "/archive";
    if (config.analysis.alerts_dir.empty()) config.analysis.alerts_dir = config.data_dir + "/alerts";
    if (config.alerts.indexer.buffer_dir.empty()) {
      config.alerts.indexer.buffer_dir = config.analysis.alerts_dir + "/indexer-buffer";
    }
    for (std::size_t i = 0; i < config.alerts.integrations.size(); ++i) {
      auto& integration = config.alerts.integrations[i];
      if (integration.buffer_dir.empty())
        integration.buffer_dir = config.analysis.alerts_dir + "/integrations/" + std::to_string(i) + "-" + integration.name;
    }
    if (config.legacy.enrollment.password_file.empty()) config.legacy.enrollment.password_file = config.data_dir + "/authd.pass";
    if (config.legacy.remote.shared_dir.empty()) config.legacy.remote.shared_dir = config.data_dir + "/shared";
    config.legacy.enrollment.generate_dir = config.data_dir;
    if (config.storage.backend == "postgres" && config.storage.dsn.empty()) {
      return core::invalid_argument("storage.dsn is required with backend postgres");
    }
    return config;
  } catch (const ConfigError& e) {
    return core::invalid_argument(e.message);
  } catch (const YAML::Exception& e) {
    return core::invalid_argument(std::string("invalid YAML: ") + e.what());
  }
}

core::Result<Config> load_config(const std::string& path) {
  if (path.empty()) return parse_config("");
  std::ifstream file(path);
  if (!file) return core::invalid_argument("cannot read config file " + path);
  std::stringstream buffer;
  buffer << file.rdbuf();
  return parse_config(buffer.str());
}

}  // namespace herald::app
