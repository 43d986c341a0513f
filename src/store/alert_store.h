#pragma once
// Stored alerts (GET /alerts, `herald alerts`): what the analysis engine raised, kept in the
// database so they can be searched by time, level, rule, group and agent without reading the
// alert log. Written in batches by engine/alert_store_writer, never from an analysis worker.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/result.h"
#include "store/records.h"

namespace herald::store {

struct StoredAlert {
  std::string id;               // the alert's "id" (epoch.offset, Wazuh's)
  std::int64_t time_ms = 0;     // the alert's timestamp, epoch milliseconds UTC
  int level = 0;
  std::int64_t rule_id = 0;
  std::string agent_id;         // "000" for the manager's own alerts
  std::string groups;           // rule.groups joined with ',' and wrapped in ',' (",syslog,sshd,")
  std::string description;      // rule.description
  std::string full_log;         // searched with description
  std::string json;             // the whole alert, as in alerts.json
  friend bool operator==(const StoredAlert&, const StoredAlert&) = default;
};

struct AlertQuery {
  std::optional<std::int64_t> from_ms;  // time >= from
  std::optional<std::int64_t> to_ms;    // time <= to
  std::optional<int> min_level;
  std::optional<std::int64_t> rule_id;
  std::optional<std::string> group;     // one of rule.groups, exactly
  std::optional<std::string> agent_id;
  std::optional<std::string> search;    // text in description or full_log, ASCII case ignored
  enum class Sort { newest_first, oldest_first, highest_level } sort = Sort::newest_first;
  std::int64_t offset = 0;
  std::int64_t limit = 100;
};

class AlertStore {
 public:
  virtual ~AlertStore() = default;
  // Stores a batch in one transaction; an id already stored is skipped (a replayed batch).
  virtual core::Status store_alerts(const std::vector<StoredAlert>& alerts) = 0;
  // Filters, sort, paging; `total` counts every match.
  virtual core::Result<Page<StoredAlert>> query_alerts(const AlertQuery& query) = 0;
  // Deletes up to `limit` alerts older than `cutoff_ms`, oldest first; returns how many went.
  virtual core::Result<std::int64_t> delete_alerts_before(std::int64_t cutoff_ms, std::int64_t limit) = 0;
};

}  // namespace herald::store
