#include "app/heraldd.h"

#include <boost/asio/signal_set.hpp>
#include <unistd.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <future>
#include <vector>

#include "api/api_context.h"
#include "api/comms_routes.h"
#include "api/management_routes.h"
#include "app/bootstrap.h"
#include "app/request_metrics.h"
#include "auth/credential_cache.h"
#include "auth/jwt.h"
#include "auth/rate_limiter.h"
#include "core/metrics.h"
#include "bus/nats/nats_bus.h"
#include "engine/blocking_pool.h"
#include "engine/bus_publisher.h"
#include "engine/cluster_wakeups.h"
#include "engine/command_service.h"
#include "engine/deadline_scheduler.h"
#include "engine/dispatcher.h"
#include "engine/file_event_sink.h"
#include "engine/group_configurations.h"
#include "engine/leadership.h"
#include "engine/liveness.h"
#include "engine/result_batcher.h"
#include "engine/result_service.h"
#include "engine/order_archive.h"
#include "engine/order_metrics.h"
#include "app/analysis_setup.h"
#include "app/analysis_stream_setup.h"
#include "app/mitre_db.h"
#include "engine/alert_outputs.h"
#include "engine/active_response.h"
#include "engine/analysis_service.h"
#include "engine/ruleset_manager.h"
#include "engine/herald_events.h"
#include "http/io_pool.h"
#include "http/router.h"
#include "legacy/enrollment_server.h"
#include "legacy/enrollment_service.h"
#include "legacy/key_cache.h"
#include "legacy/legacy_services.h"
#include "legacy/push_confirmations.h"
#include "legacy/remote_server.h"
#include "legacy/shared_files.h"
#include "http/server.h"
#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"

namespace herald::app {

namespace asio = boost::asio;

struct Heraldd::Parts {
  Config config;
  core::SystemClock clock;
  core::MetricsRegistry metrics;
  std::unique_ptr<store::Store> store;
  std::unique_ptr<store::LeaderLock> leader_lock;
  std::unique_ptr<engine::Leadership> leadership;
  std::unique_ptr<engine::BlockingPool> pool;
  // One io_context per io thread; the housekeeping (timers, accept loops) runs on its main().
  std::unique_ptr<http::IoPool> io_pool;
  // Installed before the listeners start, so a SIGTERM sent as soon as we are up stops us cleanly
  // instead of killing us with the default action.
  std::unique_ptr<boost::asio::signal_set> signals;
  std::promise<int> signalled;
  std::unique_ptr<auth::TokenSigner> tokens;
  std::unique_ptr<auth::FailureRateLimiter> login_failures;
  std::unique_ptr<auth::VerifiedCredentialCache> verified_credentials;
  std::unique_ptr<auth::FailureRateLimiter> agent_auth_failures;
  std::unique_ptr<engine::Dispatcher> dispatcher;
  std::unique_ptr<engine::ResultBatcher> result_batcher;
  std::unique_ptr<engine::ResultService> results;
  std::unique_ptr<engine::FileEventSink> events;
  engine::OrderListeners order_listeners;
  engine::OrderListeners expiry_listeners;
  engine::OrderListeners delivery_listeners;  // delivered orders, and orders given back
  std::unique_ptr<engine::OrderMetrics> order_metrics;
  std::unique_ptr<engine::DeadlineScheduler> scheduler;
  std::unique_ptr<engine::OrderArchiver> archiver;
  std::unique_ptr<engine::CommandService> commands;
  std::unique_ptr<bus::EventBus> bus;  // null when nats.enabled is off
  std::unique_ptr<engine::BusPublisher> publisher;
  // After the publisher: destroyed (workers joined) before it, since alerts go to the bus.
  std::unique_ptr<engine::AlertOutputs> alert_outputs;  // null when analysis is off
  // Active response (issue 17): before analysis, so the workers that call it are joined first.
  std::unique_ptr<engine::CommandService> response_commands;   // null without active_response
  std::unique_ptr<engine::ActiveResponder> active_response;    // null without active_response
  // analysis.mode jetstream (null otherwise). Before `analysis`, so destroyed after it: the workers'
  // last acks go through the stream.
  std::unique_ptr<AnalysisStreamParts> analysis_stream;
  std::unique_ptr<engine::AnalysisService> analysis;     // null when analysis is off
  std::unique_ptr<engine::HeraldEvents> herald_events;   // null when analysis is off
  std::unique_ptr<engine::RulesetManager> rulesets;      // null when analysis is off
  engine::LivenessObservers liveness_observers;
  engine::OrderListeners result_listeners;  // applied results
  std::unique_ptr<engine::ClusterWakeups> wakeups;  // null for a sole node (SQLite)
  std::unique_ptr<engine::Liveness> liveness;
  std::unique_ptr<engine::GroupConfigurations> group_configurations;
  std::unique_ptr<api::ApiContext> context;
  http::Router management_router;
  http::Router comms_router;
  std::unique_ptr<http::Server> management;
  std::unique_ptr<http::Server> comms;
  // Wazuh 4.x agent services (null when disabled).
  legacy::KeyCache legacy_keys;
  std::unique_ptr<legacy::SharedFiles> shared_files;
  std::unique_ptr<legacy::PushConfirmations> push_confirmations;
  std::unique_ptr<legacy::LegacyServices> legacy_services;
  std::unique_ptr<legacy::EnrollmentService> enrollment_service;
  std::unique_ptr<legacy::EnrollmentServer> enrollment;
  std::unique_ptr<legacy::RemoteServer> remote;
  std::string management_url;
  std::string comms_url;
  std::string enrollment_address;
  std::string remote_address;
  AdminCreation admin_creation;
};

Heraldd::Heraldd(Config config) : parts_(std::make_unique<Parts>()) { parts_->config = std::move(config); }

Heraldd::~Heraldd() {
  if (parts_->analysis_stream) parts_->analysis_stream->stop_consuming();  // no handler runs past here
  if (parts_->io_pool) {
    parts_->io_pool->stop();
    parts_->io_pool->join();
  }
  // A start that failed half-way: the workers' acks and the stream's last publish outcomes must
  // reach live objects (the members' own destruction order cannot give both).
  if (parts_->analysis_stream) {
    if (parts_->analysis) parts_->analysis->stop();
    parts_->analysis_stream->close();
  }
}

namespace {

template <class Parts>
void register_listener_metrics(Parts& p) {
  auto per_listener = [&p](auto read) {
    return [&p, read] {
      return core::MetricsRegistry::Samples{{{"management"}, static_cast<double>(read(*p.management))},
                                            {{"comms"}, static_cast<double>(read(*p.comms))}};
    };
  };
  p.metrics.gauge_callback("herald_http_connections", "Open connections, by listener", {"listener"},
                           per_listener([](const http::Server& server) { return server.open_connections(); }));
  p.metrics.gauge_callback("herald_http_connections_shed_total",
                           "Connections without a whole request header closed to make room for new ones",
                           {"listener"},
                           per_listener([](const http::Server& server) { return server.shed_connections(); }));
  p.metrics.gauge_callback("herald_http_unauthenticated_body_bytes",
                           "Bytes of bodies of open routes (nobody authenticated yet) held now", {"listener"},
                           per_listener([](const http::Server& server) { return server.unauthenticated_body_bytes(); }));
}

http::ServerOptions server_options(const std::string& name, const ListenerConfig& listener, const Config& config) {
  http::ServerOptions options;
  options.name = name;
  options.host = listener.host;
  options.port = listener.port;
  options.max_header_bytes = config.http.max_header_bytes;
  options.max_body_bytes = config.http.max_body_bytes;
  options.header_timeout = config.http.header_timeout;
  options.read_timeout = config.http.read_timeout;
  options.idle_timeout = config.http.idle_timeout;
  options.max_connections = config.http.max_connections;
  options.max_connections_per_address = config.http.max_connections_per_address;
  options.max_unauthenticated_body_bytes = config.http.max_unauthenticated_body_bytes;
  options.max_unauthenticated_body_bytes_per_address = config.http.max_unauthenticated_body_bytes_per_address;
  options.tls.enabled = listener.tls.enabled;
  options.tls.cert_file = listener.tls.cert;
  options.tls.key_file = listener.tls.key;
  options.tls.generate_dir = config.data_dir;
  return options;
}

std::string address_of(const asio::ip::tcp::endpoint& endpoint) {
  auto address = endpoint.address().to_string();
  if (endpoint.address().is_v6()) address = "[" + address + "]";
  return address + ":" + std::to_string(endpoint.port());
}

std::string machine_hostname() {
  char name[256] = {};
  return ::gethostname(name, sizeof name - 1) == 0 ? std::string(name) : std::string();
}

// The enrolled 4.x agent as the enrolment event shows it.
store::AgentRecord enrolled_agent(const store::LegacyKey& key) {
  store::AgentRecord agent;
  agent.id = key.id;
  agent.name = key.name;
  agent.ip = key.ip;
  agent.type = "wazuh-4.x";
  agent.date_add = key.registered_at;
  return agent;
}

// Wazuh 4.x agent services: authd on 1515, remoted on 1514. Templates take the private Parts.
template <class Parts>
core::Status start_legacy_services(Parts& p) {
  const auto& config = p.config;
  const auto& enrollment = config.legacy.enrollment;
  const auto& remote = config.legacy.remote;
  if (enrollment.enabled) {
    std::optional<std::string> password;
    if (enrollment.use_password) {
      auto loaded = legacy::load_or_create_enrollment_password(enrollment);
      if (!loaded) return core::invalid_argument("legacy.enrollment: " + loaded.error().message);
      password = *loaded;
      spdlog::info("legacy enrollment: agents must send the password in {}",
                   enrollment.password.empty() ? enrollment.password_file : std::string("legacy.enrollment.password"));
    }
    p.enrollment_service = std::make_unique<legacy::EnrollmentService>(*p.store, p.clock, enrollment, password,
                                                                      machine_hostname(), config.node_name);
    p.enrollment = std::make_unique<legacy::EnrollmentServer>(
        p.io_pool->main(), enrollment, *p.enrollment_service, *p.pool, p.metrics, [&p](const legacy::EnrollmentDecision& decision, const std::string& source_address) {
          if (!decision.enrolled) {
            // A refusal for the store's sake is Herald's fault, not the agent's: no security event.
            if (p.herald_events && !decision.store_failed) {
              std::string_view reason = decision.reply;
              if (reason.starts_with("ERROR: ")) reason.remove_prefix(7);
              p.herald_events->enrollment_rejected(decision.agent_name, source_address, std::string(reason));
            }
            return;
          }
          // A replaced agent's key stops working at once on this node (others drop it at their
          // next key reload).
          for (const auto& replaced : decision.replaced_ids) {
            p.legacy_keys.erase(replaced);
            if (p.remote) p.remote->close_agent(replaced);
          }
          p.legacy_keys.put(*decision.key);
          auto agent = enrolled_agent(*decision.key);
          p.publisher->agent_enrolled(agent);
          if (p.herald_events) p.herald_events->agent_enrolled(agent);
        });
    auto endpoint = p.enrollment->listen();
    if (!endpoint) {
      return core::unavailable("legacy enrollment listener " + enrollment.host + ":" + std::to_string(enrollment.port) +
                               ": " + endpoint.error().message);
    }
    p.enrollment_address = address_of(*endpoint);
  }
  if (remote.enabled) {
    p.shared_files = std::make_unique<legacy::SharedFiles>(remote.shared_dir);
    p.push_confirmations = std::make_unique<legacy::PushConfirmations>(remote.merged_confirmations);
    p.legacy_services = std::make_unique<legacy::LegacyServices>(legacy::LegacyServices{
        *p.store, *p.pool, *p.liveness, *p.dispatcher, *p.results, *p.events, *p.publisher, p.metrics, p.clock,
        config.node_name, p.legacy_keys, *p.shared_files, *p.push_confirmations, remote, enrollment.max_agent_version});
    p.legacy_services->analysis = p.analysis.get();
    p.remote = std::make_unique<legacy::RemoteServer>(*p.io_pool, *p.legacy_services);
    auto endpoint = p.remote->listen();
    if (!endpoint) {
      return core::unavailable("legacy remote listener " + remote.host + ":" + std::to_string(remote.port) + ": " +
                               endpoint.error().message);
    }
    p.remote_address = address_of(*endpoint);
    p.metrics.gauge_callback("herald_legacy_connections", "Open Wazuh 4.x agent connections (1514)", {}, [&p] {
      return core::MetricsRegistry::Samples{{{}, static_cast<double>(p.remote->connections())}};
    });
    p.metrics.gauge_callback("herald_legacy_agents_connected", "Wazuh 4.x agents with an identified connection", {},
                             [&p] {
                               return core::MetricsRegistry::Samples{
                                   {{}, static_cast<double>(p.remote->connected_agents())}};
                             });
    p.metrics.gauge_callback("herald_legacy_keys", "Wazuh 4.x agent keys this node holds", {}, [&p] {
      return core::MetricsRegistry::Samples{{{}, static_cast<double>(p.legacy_keys.size())}};
    });
  }
  return core::ok_status();
}

std::string url_of(const http::ServerOptions& options, const asio::ip::tcp::endpoint& endpoint) {
  return std::string(options.tls.enabled ? "https://" : "http://") + address_of(endpoint);
}

// A template so that it can take the private Parts without naming it.
template <class Parts>
void register_liveness_metrics(Parts& p) {
  p.metrics.gauge_callback("herald_agents_live", "Agents this node tracks, by in-memory connection status",
                           {"status"}, [&p] {
                             auto counts = p.liveness->counts();
                             return core::MetricsRegistry::Samples{
                                 {{"active"}, static_cast<double>(counts.active)},
                                 {{"pending"}, static_cast<double>(counts.pending)},
                                 {{"tracked"}, static_cast<double>(counts.tracked)}};
                           });
  p.metrics.gauge_callback("herald_keepalive_writes_total", "Keep-alive rows written behind to the store", {}, [&p] {
    return core::MetricsRegistry::Samples{{{}, static_cast<double>(p.liveness->totals().keepalive_writes)}};
  });
  p.metrics.gauge_callback("herald_status_transitions_total", "Agent status transitions stored and published", {},
                           [&p] {
                             return core::MetricsRegistry::Samples{
                                 {{}, static_cast<double>(p.liveness->totals().transitions)}};
                           });
  p.metrics.gauge_callback("herald_bus_events_total", "Events handed to the bus, by outcome", {"outcome"}, [&p] {
    auto stats = p.bus ? p.bus->stats() : bus::BusStats{};
    return core::MetricsRegistry::Samples{
        {{"published"}, static_cast<double>(stats.published)},
        {{"dropped"}, static_cast<double>(stats.dropped + p.publisher->dropped())}};
  });
  p.metrics.gauge_callback("herald_bus_connected", "1 when the NATS connection is up (0 when down or not enabled)", {},
                           [&p] {
                             return core::MetricsRegistry::Samples{
                                 {{}, p.bus && p.bus->stats().connected ? 1.0 : 0.0}};
                           });
}

template <class Parts>
void register_cluster_metrics(Parts& p) {
  p.metrics.gauge_callback("herald_node_info", "This node's name and storage backend (always 1)", {"node", "backend"},
                           [&p] {
                             return core::MetricsRegistry::Samples{{{p.config.node_name, p.config.storage.backend}, 1.0}};
                           });
  p.metrics.gauge_callback("herald_leader", "1 while this node runs the cluster-wide jobs (deadlines, retention)",
                           {"node"}, [&p] {
                             return core::MetricsRegistry::Samples{
                                 {{p.config.node_name}, p.leadership->leading() ? 1.0 : 0.0}};
                           });
  p.metrics.gauge_callback("herald_cluster_wakeups_total", "Cross-node wake-ups, by kind", {"kind"}, [&p] {
    auto counts = p.wakeups ? p.wakeups->counts() : engine::ClusterWakeupCounts{};
    return core::MetricsRegistry::Samples{{{"published"}, static_cast<double>(counts.published)},
                                          {{"received"}, static_cast<double>(counts.received)},
                                          {{"fallback_pass"}, static_cast<double>(counts.fallback_passes)},
                                          {{"fallback_wake"}, static_cast<double>(counts.fallback_wakes)}};
  });
}

// Active response (issue 17): its commands go into the same order stream as the API's (the order
// listeners are complete before the listeners start, so before any alert).
template <class Parts>
void start_active_response(Parts& p) {
  if (p.config.active_response.empty()) return;
  p.response_commands = std::make_unique<engine::CommandService>(*p.store, p.clock, p.order_listeners);
  engine::ActiveResponseOptions options;
  options.rules = p.config.active_response;
  auto* commands = p.response_commands.get();
  auto* store = p.store.get();
  auto* publisher = p.publisher.get();
  p.active_response = std::make_unique<engine::ActiveResponder>(
      options, p.clock, [commands](const std::vector<core::Command>& batch) { return commands->submit(batch); },
      [store] {
        std::vector<std::string> ids;
        constexpr std::int64_t kPage = 1000;
        for (std::int64_t offset = 0;; offset += kPage) {
          auto page = store->list_agents(offset, kPage);
          if (!page) break;
          for (const auto& agent : page->items) ids.push_back(agent.id);
          if (static_cast<std::int64_t>(page->items.size()) < kPage) break;
        }
        return ids;
      },
      p.metrics, [publisher](std::string record) { publisher->alert_response(std::move(record)); });
  spdlog::info("active response: {} responses configured", options.rules.size());
}

// The analysis engine (issue 16): the configured ruleset, the alert outputs, the workers. A
// ruleset that does not load stops the start with its file and line.
template <class Parts>
core::Status start_analysis(Parts& p, std::size_t threads) {
  const auto& config = p.config;
  if (!config.analysis.enabled) return core::ok_status();
  analysis::LoadWarnings warnings;
  auto sources = configured_ruleset_sources(config);
  if (!sources) return core::Error{sources.error().kind, "analysis: " + sources.error().message};
  // The configured ruleset and the custom files of the store (PUT /rules/files/{name} ...).
  p.rulesets = std::make_unique<engine::RulesetManager>(*p.store, std::move(sources).value(), p.bus.get(),
                                                        engine::RulesetManagerOptions{config.node_name}, p.metrics);
  auto ruleset = p.rulesets->load_initial(warnings);
  if (!ruleset) return core::Error{ruleset.error().kind, "analysis: " + ruleset.error().message};
  for (const auto& warning : warnings) spdlog::warn("analysis: {}", warning);
  auto outputs = engine::AlertOutputs::open({config.analysis.alerts_dir}, *p.publisher, p.metrics);
  if (!outputs) return outputs.error();
  p.alert_outputs = std::move(outputs).value();
  if (!config.alerts.indexer.hosts.empty()) {
    auto forwarder = engine::IndexerForwarder::open(config.alerts.indexer, p.metrics);
    if (!forwarder) return core::Error{forwarder.error().kind, "alerts.indexer: " + forwarder.error().message};
    (*forwarder)->start();
    std::string hosts;
    for (const auto& host : config.alerts.indexer.hosts) hosts += (hosts.empty() ? "" : ", ") + host;
    spdlog::info("alerts: shipped to the indexer at {} (buffer {})", hosts, config.alerts.indexer.buffer_dir);
    p.alert_outputs->ship_to_indexer(std::move(forwarder).value());
  }
  for (const auto& integration : config.alerts.integrations) {
    auto sender = engine::IntegrationSender::open(integration, p.metrics);
    if (!sender) return core::Error{sender.error().kind, "alerts.integrations: " + sender.error().message};
    (*sender)->start();
    spdlog::info("alerts: sent to integration {} at {}", integration.name, (*sender)->host());
    p.alert_outputs->send_to_integration(std::move(sender).value());
  }
  {
    engine::AlertStoreWriterOptions store_options;
    store_options.retention_seconds = config.alerts.retention_seconds;
    store_options.purge_interval = std::chrono::seconds(config.alerts.retention_interval_seconds);
    auto writer = std::make_unique<engine::AlertStoreWriter>(*p.store, store_options, p.clock, p.metrics);
    writer->start();
    p.alert_outputs->store_in(std::move(writer));
  }
  engine::AnalysisOptions options;
  options.workers = config.analysis.workers > 0 ? static_cast<std::size_t>(config.analysis.workers)
                                                : std::max<std::size_t>(1, threads);
  options.queue_capacity = static_cast<std::size_t>(config.analysis.queue_capacity);
  options.analyzer.manager_name = config.node_name;
  options.analyzer.alert_level = static_cast<int>(config.analysis.alert_level);
  if (!config.analysis.mitre_db.empty()) {
    auto mitre = load_mitre_db(config.analysis.mitre_db);
    if (!mitre) return mitre.error();
    spdlog::info("analysis: {} MITRE ATT&CK techniques from {}", (*mitre)->size(), config.analysis.mitre_db);
    options.analyzer.mitre = std::move(mitre).value();
  }
  spdlog::info("analysis: {} decoders, {} rules, {} lists ({} + {} + {} files), {} workers", (*ruleset)->decoders().size(),
               (*ruleset)->rules().size(), (*ruleset)->list_files().size(), (*ruleset)->decoder_files().size(),
               (*ruleset)->rule_files().size(), (*ruleset)->list_files().size(), options.workers);
  start_active_response(p);
  p.analysis = std::make_unique<engine::AnalysisService>(
      options, std::move(ruleset).value(),
      [outputs = p.alert_outputs.get(), responder = p.active_response.get()](const analysis::AlertRecord& alert) {
        outputs->deliver(alert);
        if (responder != nullptr) responder->on_alert(alert);
      },
      p.clock, p.metrics);
  p.analysis->start();
  p.rulesets->start(*p.analysis);
  p.analysis_stream = start_analysis_stream(config, *p.analysis, p.metrics);
  if (config.analysis.herald_events) {
    p.herald_events = std::make_unique<engine::HeraldEvents>(*p.analysis, *p.store, config.node_name, p.metrics);
  }
  return core::ok_status();
}

}  // namespace

core::Status Heraldd::start(std::size_t threads) {
  auto& p = *parts_;
  const auto& config = p.config;
  if (auto prepared = prepare_data_dir(config.data_dir); !prepared) return prepared;
  p.io_pool = std::make_unique<http::IoPool>(std::max<std::size_t>(1, threads));

  if (config.storage.backend == "postgres") {
    store::postgres::PostgresOptions postgres;
    postgres.dsn = config.storage.dsn;
    postgres.query_timeout_ms = static_cast<int>(config.storage.query_timeout_seconds * 1000);
    postgres.application_name = "heraldd " + config.node_name;
    auto store = store::postgres::PostgresStore::open(postgres);
    if (!store) return store.error();
    p.store = std::move(store).value();
  } else {
    auto check = store::sqlite::parse_startup_check(config.storage.startup_check);
    if (!check) return check.error();
    auto store = store::sqlite::SqliteStore::open({config.storage.path, config.storage.synchronous, *check});
    if (!store) return store.error();
    p.store = std::move(store).value();
  }

  auto secret = load_or_create_jwt_secret(config.auth.jwt_secret, config.auth.jwt_key_file, config.data_dir);
  if (!secret) return secret.error();
  if (config.storage.backend == "postgres" && config.auth.jwt_secret.empty() && config.auth.jwt_key_file.empty()) {
    spdlog::warn("auth: no auth.jwt_secret or auth.jwt_key_file: this node signs with a key of its own ({}/jwt.secret), "
                 "so agent tokens it issues do not verify on other nodes; give every node the same key",
                 config.data_dir);
  }
  p.tokens = std::make_unique<auth::TokenSigner>(*secret, p.clock);
  p.login_failures = std::make_unique<auth::FailureRateLimiter>(p.clock);
  p.verified_credentials = std::make_unique<auth::VerifiedCredentialCache>(p.clock);
  p.agent_auth_failures = std::make_unique<auth::FailureRateLimiter>(p.clock);
  auto events = engine::FileEventSink::open({(std::filesystem::path(config.data_dir) / "events").string()}, p.clock);
  if (!events) return events.error();
  p.events = std::move(events).value();
  auto admin = ensure_admin_user(*p.store, p.clock, config.data_dir);
  if (!admin) return admin.error();
  p.admin_creation = *admin;

  if (config.nats.enabled) {
    bus::NatsBusOptions nats;
    nats.url = config.nats.url;
    nats.prefix = config.nats.subject_prefix;
    nats.connection_name = config.node_name;
    nats.stream_name = config.nats.stream;
    nats.queue_capacity = static_cast<std::size_t>(config.nats.queue_capacity);
    p.bus = std::make_unique<bus::NatsBus>(nats);  // never blocks: connects in the background
  }
  p.publisher = std::make_unique<engine::BusPublisher>(p.bus.get(), p.clock, config.node_name);
  if (auto analysis = start_analysis(p, threads); !analysis) return analysis;
  engine::LivenessOptions liveness;
  liveness.enabled = config.keepalive.enabled;
  liveness.interval = std::chrono::seconds(config.keepalive.interval_seconds);
  liveness.timeout = std::chrono::seconds(config.keepalive.timeout_seconds);
  liveness.flush_interval = std::chrono::seconds(config.keepalive.flush_interval_seconds);
  liveness.node_name = config.node_name;
  liveness.keepalive_event_every_request = config.nats.keepalive_event_every_request;
  const bool clustered = config.storage.backend == "postgres";  // several nodes may share the store
  p.leader_lock = p.store->leader_lock();
  p.leadership = std::make_unique<engine::Leadership>(
      *p.leader_lock, std::chrono::seconds(config.cluster.leader_check_interval_seconds), config.node_name);
  auto* leadership = p.leadership.get();
  auto leading = [leadership] { return leadership->leading(); };
  if (clustered) {
    liveness.parked_refresh = std::chrono::duration_cast<std::chrono::milliseconds>(liveness.interval) / 2;
    liveness.leading = leading;
  }
  p.liveness_observers.add(*p.publisher);
  if (p.herald_events) p.liveness_observers.add(*p.herald_events);
  p.liveness = std::make_unique<engine::Liveness>(*p.store, p.clock, p.liveness_observers, liveness);

  p.pool = std::make_unique<engine::BlockingPool>();
  p.order_metrics = std::make_unique<engine::OrderMetrics>(p.metrics);
  p.expiry_listeners.add(*p.order_metrics);
  p.expiry_listeners.add(*p.publisher);
  if (p.herald_events) p.expiry_listeners.add(*p.herald_events);
  p.scheduler = std::make_unique<engine::DeadlineScheduler>(p.io_pool->main(), *p.store, *p.pool, p.clock, p.expiry_listeners);
  if (clustered) p.scheduler->set_cluster(std::chrono::seconds(1), leading);
  p.order_listeners.add(*p.scheduler);
  p.order_listeners.add(*p.order_metrics);
  p.dispatcher = std::make_unique<engine::Dispatcher>(
      *p.store, *p.pool, p.clock,
      engine::DispatcherOptions{std::chrono::seconds(config.commands_poll_timeout_seconds), config.max_commands_per_poll});
  p.order_listeners.add(*p.dispatcher);
  if (clustered) {
    p.wakeups = std::make_unique<engine::ClusterWakeups>(
        p.bus.get(), *p.store, *p.dispatcher,
        engine::ClusterWakeupOptions{config.node_name, std::chrono::seconds(config.cluster.fallback_poll_interval_seconds)});
    p.order_listeners.add(*p.wakeups);
  }
  p.order_listeners.add(*p.publisher);
  p.delivery_listeners.add(*p.publisher);
  if (p.wakeups) p.delivery_listeners.add(*p.wakeups);
  p.dispatcher->set_delivery_listener(p.delivery_listeners);
  p.result_batcher = std::make_unique<engine::ResultBatcher>(*p.store, p.clock);
  p.result_listeners.add(*p.publisher);
  if (p.herald_events) p.result_listeners.add(*p.herald_events);
  p.results = std::make_unique<engine::ResultService>(*p.store, p.clock, &p.result_listeners, p.result_batcher.get());
  p.commands = std::make_unique<engine::CommandService>(*p.store, p.clock, p.order_listeners);
  p.archiver = std::make_unique<engine::OrderArchiver>(
      p.io_pool->main(), *p.store, *p.pool, p.clock,
      engine::RetentionOptions{config.orders.retention_seconds, config.orders.archive_dir,
                               std::chrono::seconds(config.orders.retention_interval_seconds), 10'000,
                               clustered ? std::function<bool()>(leading) : std::function<bool()>()});
  p.metrics.gauge_callback("herald_orders", "Orders in the hot orders stream by status", {"status"}, [&p] {
    core::MetricsRegistry::Samples samples;
    if (auto counts = p.store->count_orders_by_status()) {
      for (auto [status, count] : *counts) {
        samples.push_back({{std::string(core::to_string(status))}, static_cast<double>(count)});
      }
    }
    return samples;
  });

  p.metrics.gauge_callback("herald_parked_polls", "Agent and server-module long polls waiting for orders", {}, [&p] {
    return core::MetricsRegistry::Samples{{{}, static_cast<double>(p.dispatcher->parked_polls())}};
  });
  p.metrics.gauge_callback("herald_orders_in_flight", "Orders handed to a reply whose delivery is not settled yet", {},
                           [&p] {
                             return core::MetricsRegistry::Samples{
                                 {{}, static_cast<double>(p.dispatcher->reserved_orders())}};
                           });

  // A sole node (SQLite) makes every change itself, so its cache never needs to age; nodes sharing
  // PostgreSQL see each other's changes within a second.
  const std::chrono::milliseconds configuration_max_age =
      clustered ? std::chrono::milliseconds(1000) : std::chrono::milliseconds(std::chrono::hours(24 * 365));
  p.group_configurations = std::make_unique<engine::GroupConfigurations>(*p.store, *p.pool, configuration_max_age);
  p.context = std::make_unique<api::ApiContext>(api::ApiContext{*p.store, *p.pool, *p.commands, *p.tokens,
                                                                *p.login_failures, *p.verified_credentials, p.metrics,
                                                                p.clock, config.auth.token_ttl_seconds,
                                                                config.node_name, *p.dispatcher, *p.results,
                                                                *p.events, *p.agent_auth_failures, *p.liveness,
                                                                *p.publisher, *p.group_configurations});
  p.context->body_limits = config.http.body_limits;
  p.context->analysis = p.analysis.get();
  p.context->herald_events = p.herald_events.get();
  p.context->rulesets = p.rulesets.get();
  api::register_management_routes(p.management_router, *p.context);
  api::register_comms_routes(p.comms_router, *p.context);

  auto management_options = server_options("management", config.management, config);
  auto comms_options = server_options("comms", config.comms, config);
  comms_options.error_response = [](unsigned status, std::string_view detail) {
    return api::comms_error(status, detail, static_cast<int>(status));
  };
  p.management = std::make_unique<http::Server>(*p.io_pool, management_options, p.management_router,
                                                request_metrics(p.metrics, "management"));
  p.comms = std::make_unique<http::Server>(*p.io_pool, comms_options, p.comms_router, request_metrics(p.metrics, "comms"));
  auto management_endpoint = p.management->listen();
  if (!management_endpoint) {
    return core::unavailable("management listener " + config.management.host + ":" +
                             std::to_string(config.management.port) + ": " + management_endpoint.error().message);
  }
  auto comms_endpoint = p.comms->listen();
  if (!comms_endpoint) {
    return core::unavailable("comms listener " + config.comms.host + ":" + std::to_string(config.comms.port) + ": " +
                             comms_endpoint.error().message);
  }
  p.management_url = url_of(management_options, *management_endpoint);
  p.comms_url = url_of(comms_options, *comms_endpoint);
  if (auto legacy = start_legacy_services(p); !legacy) return legacy;

  register_liveness_metrics(p);
  register_cluster_metrics(p);
  register_listener_metrics(p);
  p.leadership->start();
  if (auto started = p.liveness->start(); !started) return started;
  if (auto started = p.scheduler->start(); !started) return started;
  p.archiver->start();
  if (p.wakeups) p.wakeups->start();
  p.management->start();
  p.comms->start();
  if (p.enrollment) p.enrollment->start();
  if (p.remote) p.remote->start();
  p.signals = std::make_unique<asio::signal_set>(p.io_pool->main(), SIGINT, SIGTERM);
  p.signals->async_wait([&p](const boost::system::error_code& error, int number) {
    if (!error) p.signalled.set_value(number);
  });
  p.io_pool->start();
  spdlog::info("heraldd {} listening: management {} comms {} 4.x enrollment {} 4.x remote {} (store {})",
               config.node_name, p.management_url, p.comms_url,
               p.enrollment_address.empty() ? std::string("off") : p.enrollment_address,
               p.remote_address.empty() ? std::string("off") : p.remote_address,
               config.storage.backend == "postgres" ? std::string("postgres") : config.storage.path);
  return core::ok_status();
}

int Heraldd::wait_for_signal_and_stop() {
  auto& p = *parts_;
  int number = p.signalled.get_future().get();
  spdlog::info("signal {}: stopping (finishing in-flight requests)", number);

  p.scheduler->stop();
  p.archiver->stop();
  if (p.enrollment) p.enrollment->stop();
  if (p.remote) p.remote->stop();  // 4.x agents reconnect (here once restarted, or to another node)
  p.dispatcher->stop();  // parked polls answer 408 now; agents re-poll another node or after restart
  std::promise<void> management_done, comms_done;
  p.management->shutdown(std::chrono::seconds(10), [&] { management_done.set_value(); });
  p.comms->shutdown(std::chrono::seconds(10), [&] { comms_done.set_value(); });
  management_done.get_future().wait();
  comms_done.get_future().wait();
  p.pool->stop();
  if (p.herald_events) p.herald_events->stop();
  if (p.rulesets) p.rulesets->stop();
  if (p.analysis_stream) p.analysis_stream->stop_consuming();
  if (p.analysis) p.analysis->stop();  // analyses what the listeners handed over; alerts go out below
  if (p.analysis_stream) p.analysis_stream->close();  // acks and last publishes settled
  if (p.active_response) p.active_response->stop();  // submits the responses already queued
  if (p.wakeups) p.wakeups->stop();
  p.liveness->stop();  // writes the last keep-alives and transitions
  p.leadership->stop();
  p.publisher->stop();
  if (p.bus) p.bus->close();
  if (p.alert_outputs) p.alert_outputs->stop_storing();  // the alerts analysed last are stored
  p.store->close();
  p.io_pool->stop();
  p.io_pool->join();
  spdlog::info("stopped cleanly");
  return 0;
}

std::string Heraldd::enrollment_address() const { return parts_->enrollment_address; }
std::string Heraldd::remote_address() const { return parts_->remote_address; }

std::string Heraldd::management_url() const { return parts_->management_url; }
std::string Heraldd::comms_url() const { return parts_->comms_url; }
const AdminCreation& Heraldd::admin_creation() const { return parts_->admin_creation; }

}  // namespace herald::app
