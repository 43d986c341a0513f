#pragma once
// The Store interfaces. Backends (store/sqlite, store/postgres) implement all of them; nothing
// outside a backend folder includes a backend header, and app/ is the only place that picks one.
//
// Thread-safety: every method is safe for concurrent use from any thread. Every method may block
// on I/O, so callers on an io_context thread run them through engine::BlockingPool, except the
// asynchronous ones (named *_async), which never block. A write returns (or, asynchronously,
// completes) only once it is durable (committed); concurrent writers share commits.
// Errors: methods return core::Result; ErrorKind::unavailable means the database could not be
// reached or is shutting down, ErrorKind::internal an unexpected database error.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/order.h"
#include "core/result.h"
#include "store/agent_query.h"
#include "store/alert_store.h"
#include "store/leader_lock.h"
#include "store/records.h"
#include "store/ruleset_files.h"

namespace herald::store {

struct OrderQuery {
  std::optional<core::OrderStatus> status;
  std::optional<std::string> agent_id;
  std::optional<std::int64_t> request_id;
  std::optional<std::string> action;
  std::optional<std::string> source;
  std::optional<std::int64_t> created_before;  // older_than, resolved to an absolute time
  enum class SortField { created_at, deadline, updated_at, id } sort = SortField::id;
  bool descending = false;
  std::int64_t offset = 0;
  std::int64_t limit = 500;
};

struct ExpiredOrder {
  core::OrderKey key;
  core::OrderStatus previous;  // pending or sent
  std::optional<std::string> agent_id;
};

// Who receives an order: an agent (by uuid), or a server module (a server order's target id,
// e.g. "vulnerability-detector", compared case-insensitively).
struct DeliveryTarget {
  enum class Kind { agent, server_module } kind = Kind::agent;
  std::string id;
  friend bool operator==(const DeliveryTarget&, const DeliveryTarget&) = default;
};

// A result reported for an order, by its agent (reporter_agent_id set) or a server module (unset).
struct ResultReport {
  core::OrderKey key;
  std::optional<std::string> reporter_agent_id;
  core::OrderResult result;
  std::optional<std::string> agent_metadata_json;  // merged into the order's `agent`
};

enum class ResultOutcome {
  applied,        // stored; the status changed or the result was new
  unchanged,      // the same result again: nothing to do (idempotent)
  not_found,      // no such order
  wrong_target,   // the order belongs to another agent (or is not a server order)
  already_final,  // the order is success/failure with a different result
};

// The completion of an asynchronous store call (OrderStore::*_async). Called exactly once: on a
// thread of the store (its writer) once the transaction holding the write committed or failed,
// or, when the store is closed, at once on the calling thread with ErrorKind::unavailable. No
// lock of the store is held while it runs, so it may call the store again; it must be quick,
// must not throw and must not wait for the store (it holds up the next commit): post real work
// to where it belongs (engine/store_completion.h resumes a coroutine on its own executor).
template <class T>
using StoreCompletion = std::function<void(core::Result<T>)>;

class OrderStore {
 public:
  virtual ~OrderStore() = default;
  // Assigns one new request id and order ids 1..n (written into each order's key) and stores
  // all orders in one transaction: all or nothing. Returns the request id once durable.
  virtual core::Result<std::int64_t> append_orders(std::vector<core::Order>& orders) = 0;
  // append_orders without blocking: starts the write and returns; `done` gets the request id
  // once durable (StoreCompletion). `orders` is borrowed: it must stay alive and untouched until
  // `done` is called, and holds its keys by then.
  virtual void append_orders_async(std::vector<core::Order>& orders, StoreCompletion<std::int64_t> done) = 0;
  virtual core::Result<std::optional<core::Order>> find_order(const core::OrderKey& key) = 0;
  virtual core::Result<Page<core::Order>> list_orders(const OrderQuery& query) = 0;
  virtual core::Result<std::map<core::OrderStatus, std::int64_t>> count_orders_by_status() = 0;
  // Moves every pending or sent order whose deadline is <= now to failure with a result that says
  // why (core::kNotDeliveredMessage / kNoResultMessage). No cap per call.
  virtual core::Result<std::vector<ExpiredOrder>> expire_overdue_orders(std::int64_t now) = 0;
  // Distinct deadlines of orders still pending or sent, ascending (to resume after a restart).
  virtual core::Result<std::vector<std::int64_t>> open_order_deadlines() = 0;
  // Up to `limit` terminal orders last updated before `cutoff`, oldest first (for archiving).
  virtual core::Result<std::vector<core::Order>> terminal_orders_before(std::int64_t cutoff, std::int64_t limit) = 0;
  virtual core::Status delete_orders(const std::vector<core::OrderKey>& keys) = 0;

  // Up to `limit` pending orders for `target`, oldest first.
  virtual core::Result<std::vector<core::Order>> pending_orders_for(const DeliveryTarget& target,
                                                                    std::int64_t limit) = 0;
  // Moves the given orders from pending to sent and returns the keys it moved, ascending (orders
  // in any other status are left alone, so a result that arrived first is never overwritten, and
  // of two nodes claiming one order only one gets it). Delivery claims orders with this before
  // the reply is written: an order goes out at most once, even if the node dies meanwhile.
  virtual core::Result<std::vector<core::OrderKey>> mark_orders_sent(const std::vector<core::OrderKey>& keys,
                                                                     std::int64_t now) = 0;
  // Gives orders claimed for a reply that never reached its agent back: sent -> pending (orders
  // in any other status are left alone).
  virtual core::Status return_orders_to_pending(const std::vector<core::OrderKey>& keys, std::int64_t now) = 0;
  // Those of `agent_ids` that have at least one pending order (any order; for nodes that cannot
  // hear other nodes' wake-ups and look for orders their parked polls are waiting for).
  virtual core::Result<std::vector<std::string>> agents_with_pending_orders(
      const std::vector<std::string>& agent_ids) = 0;
  // Applies reported results in one transaction: result code 0 -> success, 2 -> sent (in
  // progress), anything else -> failure (core::status_for_result_code). One outcome per report.
  virtual core::Result<std::vector<ResultOutcome>> apply_results(const std::vector<ResultReport>& reports,
                                                                 std::int64_t now) = 0;
  // apply_results without blocking: starts the write and returns; `done` gets one outcome per
  // report once durable (StoreCompletion). `reports` is borrowed: it must stay alive and
  // unchanged until `done` is called. Reports of one order are applied one after the other, as
  // if each came in a call of its own (the second of two equal reports is `unchanged`).
  virtual void apply_results_async(const std::vector<ResultReport>& reports, std::int64_t now,
                                   StoreCompletion<std::vector<ResultOutcome>> done) = 0;
};

class AgentStore {
 public:
  virtual ~AgentStore() = default;
  // ErrorKind::conflict when the id exists.
  virtual core::Status create_agent(const AgentRecord& agent) = 0;
  virtual core::Result<std::optional<AgentRecord>> find_agent(const std::string& id) = 0;
  virtual core::Result<Page<AgentRecord>> list_agents(std::int64_t offset, std::int64_t limit) = 0;
  // The agents among `ids` that exist, with their groups (order of `ids`, unknown ones skipped).
  virtual core::Result<std::vector<TargetAgent>> resolve_agents(const std::vector<std::string>& ids) = 0;
  // Every current member of `group`, with their groups. Empty when the group has none or does not exist.
  virtual core::Result<std::vector<TargetAgent>> group_members(const std::string& group) = 0;

  // GET /agents: filters, sort, paging; `total` counts every match.
  virtual core::Result<Page<AgentRecord>> query_agents(const AgentQuery& query) = 0;
  virtual core::Result<AgentStatusSummary> agent_status_summary() = 0;

  // Liveness (engine/liveness). Write-behind keep-alives in one transaction: last_keepalive
  // becomes max(stored, given) and node_name is set; unknown agents are skipped.
  virtual core::Status record_keepalives(const std::vector<KeepaliveRecord>& keepalives) = 0;
  // Applies status changes in one transaction, each only if its conditions hold (see
  // StatusChange). Returns, per change, whether it was applied and the status stored before it
  // (unknown agents: not applied, previous_status empty).
  virtual core::Result<std::vector<StatusChangeOutcome>> apply_status_changes(
      const std::vector<StatusChange>& changes) = 0;
  // Agents whose stored status is active or pending.
  virtual core::Result<std::vector<AgentLiveness>> connected_agents() = 0;
  // Stores what the agent reported about itself. group_config_status becomes "synced" when the
  // reported groups equal the assigned ones (same order), "not synced" otherwise. not_found when
  // the agent does not exist.
  virtual core::Status update_agent_metadata(const AgentMetadata& metadata) = 0;
};

class GroupStore {
 public:
  virtual ~GroupStore() = default;
  virtual core::Status create_group(const std::string& name) = 0;  // conflict when it exists
  virtual core::Result<bool> group_exists(const std::string& name) = 0;
  virtual core::Result<std::vector<GroupRecord>> list_groups() = 0;
  // not_found when it does not exist. Members lose the group.
  virtual core::Status delete_group(const std::string& name) = 0;
  // Appends the group to the agent's groups (idempotent). not_found names what is missing.
  virtual core::Status assign_group(const std::string& agent_id, const std::string& group) = 0;
  // not_found when the agent, the group or the membership does not exist.
  virtual core::Status unassign_group(const std::string& agent_id, const std::string& group) = 0;
  virtual core::Result<Page<AgentRecord>> list_group_agents(const std::string& group, std::int64_t offset,
                                                            std::int64_t limit) = 0;
  // Stores the group's configuration file (YAML text). not_found when the group does not exist.
  virtual core::Status put_group_configuration(const std::string& group, const std::string& yaml) = 0;
  // nullopt when the group has no stored configuration; not_found when the group does not exist.
  virtual core::Result<std::optional<std::string>> group_configuration(const std::string& group) = 0;
};

// Keys of Wazuh 4.x agents (src/legacy). Every enrolled 4.x agent is also an ordinary agent row
// (id = its key id, type "wazuh-4.x"), created in the same transaction as its key.
class LegacyKeyStore {
 public:
  virtual ~LegacyKeyStore() = default;
  // Enrolls atomically, serialized with every other enrollment (also across nodes sharing the
  // database): refuses a name already used by any agent, or an IP other than "any" bound to
  // another 4.x key, unless the replacement policy lets the new entry replace that agent (see
  // legacy-4x-protocol.md §1.4: disconnected long enough, registered long enough, and with
  // key_mismatch a K hash that differs from the stored key's). A replaced agent's row, groups
  // and key are removed (its orders stay). The new id is the largest id ever allocated + 1,
  // formatted %03d; ids are never reused. The agent row: name, ip, version, groups, date_add =
  // now, never_connected. not_found (naming it) when a group does not exist.
  virtual core::Result<LegacyEnrollmentOutcome> enroll_legacy_agent(const LegacyEnrollment& enrollment) = 0;
  virtual core::Result<std::optional<LegacyKey>> find_legacy_key(const std::string& id) = 0;
  // The keys bound to exactly this IP (not "any", not a CIDR): how an agent whose messages carry
  // no "!id!" is found.
  virtual core::Result<std::vector<LegacyKey>> legacy_keys_for_ip(const std::string& ip) = 0;
  // Every current key, by id (to warm a cache).
  virtual core::Result<std::vector<LegacyKey>> list_legacy_keys() = 0;
  // Replaces the agent's groups with `groups`, in this order (set-group for an agent whose groups
  // the manager keeps). not_found names the agent or the group that does not exist.
  virtual core::Status set_agent_groups(const std::string& agent_id, const std::vector<std::string>& groups) = 0;
};

class UserStore {
 public:
  virtual ~UserStore() = default;
  virtual core::Status create_user(const UserRecord& user) = 0;  // conflict when it exists
  virtual core::Result<std::optional<UserRecord>> find_user(const std::string& name) = 0;
};

// What GET /health reports about the store.
struct StoreHealth {
  bool degraded = false;  // reads are answered but writes fail (e.g. the disk is full)
  std::string detail;     // why, when degraded
};

class Store : public OrderStore,
              public AgentStore,
              public GroupStore,
              public UserStore,
              public LegacyKeyStore,
              public RulesetFileStore,
              public AlertStore {
 public:
  // Whether the store answers a read, and whether writes are known to fail. The default knows
  // only the former; a backend that can tell more overrides it. Errors: a read fails.
  virtual core::Result<StoreHealth> health() {
    auto user = find_user("admin");
    if (!user) return user.error();
    return StoreHealth{};
  }
  // Makes everything accepted so far durable and stops the writer; later writes fail with
  // ErrorKind::unavailable. Idempotent.
  virtual void close() = 0;
  // The lock that elects the node running cluster-wide jobs (leader_lock.h).
  virtual std::unique_ptr<LeaderLock> leader_lock() = 0;
};

}  // namespace herald::store
