#pragma once
// Custom ruleset files (issue 16 part 7): what PUT/DELETE /rules|decoders|lists/files/{name}
// change, kept in the store so they survive a restart and every node of a cluster runs them.
//
// A change is validated with the whole candidate ruleset (the configured sources, then every
// custom file with the change applied) before anything is written: a file that does not load is
// refused with its file, line and element, and the running ruleset stays. Once stored, the new
// ruleset replaces the running one at once (AnalysisService::replace_ruleset) and the other nodes
// are told on the bus (`<prefix>.ruleset.changed`). A node also compares the store's version
// with its own every `check_interval`, so a missed message is healed within that interval.
//
// Custom files load after the configured ones, as a 4.x manager loads etc/ after ruleset/:
// decoders, lists and rules each sorted by name, known as etc/decoders/<name>,
// etc/lists/<name> and etc/rules/<name>.
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "analysis/ruleset.h"
#include "bus/event_bus.h"
#include "core/metrics.h"
#include "core/result.h"
#include "engine/analysis_service.h"
#include "store/ruleset_files.h"

namespace herald::engine {

enum class RulesetFileKind : std::uint8_t { rules, decoders, lists };
std::string_view to_string(RulesetFileKind kind);  // "rules", "decoders", "lists"
// The directory custom files of that kind are shown in ("etc/rules").
std::string custom_directory(RulesetFileKind kind);
// Whether `name` may name a custom file: 1-255 of A-Z a-z 0-9 _ . - , not starting with '.',
// ending in ".xml" for rules and decoders, not in ".cdb" for lists.
bool is_valid_custom_file_name(RulesetFileKind kind, std::string_view name);

struct RulesetManagerOptions {
  std::string node_name;
  std::chrono::milliseconds check_interval{5000};
};

class RulesetManager {
 public:
  // `configured`: the sources of analysis.default_ruleset and analysis.ruleset_dirs, read once at
  // start. `bus` may be null (no NATS: only the periodic check tells nodes apart).
  RulesetManager(store::RulesetFileStore& store, analysis::RulesetSources configured, bus::EventBus* bus,
                 RulesetManagerOptions options, core::MetricsRegistry& metrics);
  ~RulesetManager();
  RulesetManager(const RulesetManager&) = delete;
  RulesetManager& operator=(const RulesetManager&) = delete;

  // The ruleset to start with: configured sources and the stored custom files. Errors name the
  // file, line and element of the configured sources. Stored files that no longer load with them
  // are left out (logged, version() stays 0) so that the API can still delete or fix them.
  core::Result<std::shared_ptr<const analysis::Ruleset>> load_initial(analysis::LoadWarnings& warnings);
  // Where new rulesets go, and starts the bus subscription and the periodic check.
  void start(AnalysisService& service);
  void stop();  // idempotent

  // Errors: conflict when the file exists and !overwrite, invalid_argument when the candidate
  // ruleset does not load ("path:line: element: what"), the store's. Blocks (loads a ruleset).
  core::Status put(RulesetFileKind kind, const std::string& name, const std::string& content, bool overwrite);
  // Errors: not_found when there is no such custom file, invalid_argument, the store's.
  core::Status remove(RulesetFileKind kind, const std::string& name);

  // Loads the store's files when their version differs from the running one's (the periodic
  // check's body; public for tests). Returns whether it replaced the ruleset.
  core::Result<bool> refresh();

  std::int64_t version() const { return version_.load(std::memory_order_acquire); }

 private:
  core::Result<std::shared_ptr<const analysis::Ruleset>> build(const std::vector<store::RulesetFileRecord>& files,
                                                               analysis::LoadWarnings& warnings) const;
  core::Status change(RulesetFileKind kind, const std::string& name, const std::optional<std::string>& content,
                      bool overwrite);
  void install(std::shared_ptr<const analysis::Ruleset> ruleset, std::int64_t version);
  void run_checks();

  store::RulesetFileStore& store_;
  const analysis::RulesetSources configured_;
  bus::EventBus* bus_;
  RulesetManagerOptions options_;
  AnalysisService* service_ = nullptr;
  std::mutex change_mutex_;  // one change or refresh at a time on this node
  std::atomic<std::int64_t> version_{0};
  std::int64_t failed_version_ = -1;  // under change_mutex_: the version last refused (logged once)
  core::Counter* reloads_ok_;
  core::Counter* reloads_failed_;
  std::unique_ptr<bus::Subscription> subscription_;
  std::mutex check_mutex_;
  std::condition_variable check_wake_;
  bool check_now_ = false;
  bool stopping_ = false;
  std::thread checker_;
};

}  // namespace herald::engine
