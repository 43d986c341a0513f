#pragma once
// The embedded default backend: one SQLite file in WAL mode, one writer thread with group commit
// (writer.h), readers on their own pooled connections.
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "store/sqlite/database.h"
#include "store/sqlite/startup_check.h"
#include "store/sqlite/writer.h"
#include "store/store.h"

namespace herald::store::sqlite {

struct SqliteOptions {
  std::string path = "var/herald.db";
  std::string synchronous = "FULL";  // FULL: durable across power loss; NORMAL: across crashes
  StartupCheck startup_check = StartupCheck::automatic;  // run on an existing file before any write
};

class SqliteStore final : public Store {
 public:
  // Checks an existing file (startup_check.h) before anything writes to it, makes the database
  // files private (0600), opens the database, creates or migrates the schema. Errors name the
  // file: unavailable (cannot be opened or written) / internal (corrupt, foreign, not SQLite).
  static core::Result<std::unique_ptr<SqliteStore>> open(const SqliteOptions& options);
  ~SqliteStore() override;

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
  core::Result<std::vector<core::Order>> pending_orders_for(const DeliveryTarget& target,
                                                            std::int64_t limit) override;
  core::Result<std::vector<std::string>> agents_with_pending_orders(const std::vector<std::string>& agent_ids) override;
  core::Result<std::vector<core::OrderKey>> mark_orders_sent(const std::vector<core::OrderKey>& keys,
                                                             std::int64_t now) override;
  core::Status return_orders_to_pending(const std::vector<core::OrderKey>& keys, std::int64_t now) override;
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
  core::Result<std::vector<StatusChangeOutcome>> apply_status_changes(const std::vector<StatusChange>& changes) override;
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

  // Degraded while the disk is full. A write (at most one a second, only then) probes whether
  // space came back, so /health recovers even when no client writes.
  core::Result<StoreHealth> health() override;

  void close() override;
  // Only this process opens the database: it always leads.
  std::unique_ptr<LeaderLock> leader_lock() override { return std::make_unique<SoleNodeLeaderLock>(); }

 private:
  SqliteStore(SqliteOptions options, std::unique_ptr<Database> writer_db);

  // A reader connection borrowed from the pool for one call.
  class ReadLease {
   public:
    ReadLease(SqliteStore& store, std::unique_ptr<Database> db) : store_(store), db_(std::move(db)) {}
    ~ReadLease();
    Database& operator*() { return *db_; }
    Database* operator->() { return db_.get(); }

   private:
    SqliteStore& store_;
    std::unique_ptr<Database> db_;
  };
  core::Result<std::unique_ptr<ReadLease>> read();

  SqliteOptions options_;
  Writer writer_;
  std::mutex probe_mutex_;
  std::chrono::steady_clock::time_point last_probe_{};
  std::string probe_failure_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<Database>> idle_readers_;
};

}  // namespace herald::store::sqlite
