#pragma once
// The scale-out backend: several heraldd nodes share one PostgreSQL database. Writes go through
// one writer connection per node with group commit (writer.h); reads use a pool of connections
// (read_pool.h). Statements where nodes compete are written to be safe when several nodes run
// them at once: expiry and delivery updates are conditional on the row's current status (each
// order changes state once), result reports lock their orders in key order.
//
// Connection loss: calls fail with ErrorKind::unavailable while the server cannot be reached
// (connect timeout, TCP keep-alives and tcp_user_timeout bound the wait) and the store
// reconnects by itself on a later call once the server is back.
//
// Usage (app/):
//   auto store = store::postgres::PostgresStore::open({.dsn = config.storage.dsn});
//   if (!store) { log store.error().message; exit }   // unavailable: names host:port and why
#include <memory>
#include <string>

#include "store/postgres/read_pool.h"
#include "store/postgres/writer.h"
#include "store/store.h"

namespace herald::store::postgres {

struct PostgresOptions {
  // libpq connection string ("host=db1 port=5432 dbname=herald user=herald password=...") or
  // URI ("postgresql://herald:...@db1:5432/herald"). Keywords it sets win over the ones below.
  std::string dsn;
  int pool_size = 8;                         // read connections, opened on demand
  int connect_timeout_seconds = 5;           // libpq connect_timeout
  int tcp_user_timeout_ms = 30'000;          // libpq tcp_user_timeout; keep-alives are on as well
  int query_timeout_ms = 30'000;             // a statement unanswered this long: connection lost
  std::string application_name = "heraldd";  // shown in pg_stat_activity
};

class PostgresStore final : public Store {
 public:
  // Connects, then creates or migrates the schema (once across nodes starting together).
  // Errors: invalid_argument for a DSN libpq cannot parse; unavailable when the server cannot be
  // reached or refuses the login (the message names host:port and libpq's reason, never the
  // password); internal when the schema is newer than this build.
  static core::Result<std::unique_ptr<PostgresStore>> open(const PostgresOptions& options);
  ~PostgresStore() override;

  // OrderStore
  core::Result<std::int64_t> append_orders(std::vector<core::Order>& orders) override;
  void append_orders_async(std::vector<core::Order>& orders, StoreCompletion<std::int64_t> done) override;
  core::Result<std::optional<core::Order>> find_order(const core::OrderKey& key) override;
  core::Result<Page<core::Order>> list_orders(const OrderQuery& query) override;
  core::Result<std::map<core::OrderStatus, std::int64_t>> count_orders_by_status() override;
  core::Result<std::vector<ExpiredOrder>> expire_overdue_orders(std::int64_t now) override;
  core::Result<std::vector<std::int64_t>> open_order_deadlines() override;
  core::Result<std::vector<core::Order>> terminal_orders_before(std::int64_t cutoff, std::int64_t limit) override;
  core::Status delete_orders(const std::vector<core::OrderKey>& keys) override;
  core::Result<std::vector<core::Order>> pending_orders_for(const DeliveryTarget& target, std::int64_t limit) override;
  core::Result<std::vector<core::OrderKey>> mark_orders_sent(const std::vector<core::OrderKey>& keys,
                                                             std::int64_t now) override;
  core::Status return_orders_to_pending(const std::vector<core::OrderKey>& keys, std::int64_t now) override;
  core::Result<std::vector<std::string>> agents_with_pending_orders(const std::vector<std::string>& agent_ids) override;
  core::Result<std::vector<ResultOutcome>> apply_results(const std::vector<ResultReport>& reports,
                                                         std::int64_t now) override;
  void apply_results_async(const std::vector<ResultReport>& reports, std::int64_t now,
                           StoreCompletion<std::vector<ResultOutcome>> done) override;

  // AgentStore
  core::Status create_agent(const AgentRecord& agent) override;
  core::Result<std::optional<AgentRecord>> find_agent(const std::string& id) override;
  core::Result<Page<AgentRecord>> list_agents(std::int64_t offset, std::int64_t limit) override;
  core::Result<std::vector<TargetAgent>> resolve_agents(const std::vector<std::string>& ids) override;
  core::Result<std::vector<TargetAgent>> group_members(const std::string& group) override;
  core::Result<Page<AgentRecord>> query_agents(const AgentQuery& query) override;
  core::Result<AgentStatusSummary> agent_status_summary() override;
  core::Status record_keepalives(const std::vector<KeepaliveRecord>& keepalives) override;
  core::Result<std::vector<StatusChangeOutcome>> apply_status_changes(
      const std::vector<StatusChange>& changes) override;
  core::Result<std::vector<AgentLiveness>> connected_agents() override;
  core::Status update_agent_metadata(const AgentMetadata& metadata) override;

  // GroupStore
  core::Status create_group(const std::string& name) override;
  core::Result<bool> group_exists(const std::string& name) override;
  core::Result<std::vector<GroupRecord>> list_groups() override;
  core::Status delete_group(const std::string& name) override;
  core::Status assign_group(const std::string& agent_id, const std::string& group) override;
  core::Status unassign_group(const std::string& agent_id, const std::string& group) override;
  core::Result<Page<AgentRecord>> list_group_agents(const std::string& group, std::int64_t offset,
                                                    std::int64_t limit) override;
  core::Status put_group_configuration(const std::string& group, const std::string& yaml) override;
  core::Result<std::optional<std::string>> group_configuration(const std::string& group) override;

  // AlertStore
  core::Status store_alerts(const std::vector<StoredAlert>& alerts) override;
  core::Result<Page<StoredAlert>> query_alerts(const AlertQuery& query) override;
  core::Result<std::int64_t> delete_alerts_before(std::int64_t cutoff_ms, std::int64_t limit) override;

  // LegacyKeyStore
  core::Result<LegacyEnrollmentOutcome> enroll_legacy_agent(const LegacyEnrollment& enrollment) override;
  core::Result<std::optional<LegacyKey>> find_legacy_key(const std::string& id) override;
  core::Result<std::vector<LegacyKey>> legacy_keys_for_ip(const std::string& ip) override;
  core::Result<std::vector<LegacyKey>> list_legacy_keys() override;
  core::Status set_agent_groups(const std::string& agent_id, const std::vector<std::string>& groups) override;

  // RulesetFileStore
  core::Result<RulesetFiles> ruleset_files() override;
  core::Result<std::int64_t> ruleset_files_version() override;
  core::Result<std::int64_t> put_ruleset_file(const RulesetFileRecord& file) override;
  core::Result<std::int64_t> delete_ruleset_file(const std::string& kind, const std::string& name) override;

  // UserStore
  core::Status create_user(const UserRecord& user) override;
  core::Result<std::optional<UserRecord>> find_user(const std::string& name) override;

  // Commits what is queued and disconnects; later calls (reads too) fail with unavailable.
  void close() override;
  // An advisory lock on a connection of its own (advisory_leader_lock.h).
  std::unique_ptr<LeaderLock> leader_lock() override;

 private:
  PostgresStore(const ConnectSettings& settings, int pool_size, std::unique_ptr<Connection> writer_connection);

  ConnectSettings settings_;
  Writer writer_;
  ReadPool readers_;
};

}  // namespace herald::store::postgres
