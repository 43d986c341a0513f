#include "engine/ruleset_manager.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

namespace herald::engine {

namespace json = boost::json;

namespace {

constexpr const char* kSubject = "ruleset.changed";

std::optional<RulesetFileKind> kind_from_string(std::string_view text) {
  if (text == "rules") return RulesetFileKind::rules;
  if (text == "decoders") return RulesetFileKind::decoders;
  if (text == "lists") return RulesetFileKind::lists;
  return std::nullopt;
}

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

}  // namespace

std::string_view to_string(RulesetFileKind kind) {
  switch (kind) {
    case RulesetFileKind::rules:
      return "rules";
    case RulesetFileKind::decoders:
      return "decoders";
    case RulesetFileKind::lists:
      return "lists";
  }
  return "rules";
}

std::string custom_directory(RulesetFileKind kind) {
  return "etc/" + std::string(to_string(kind));
}

bool is_valid_custom_file_name(RulesetFileKind kind, std::string_view name) {
  if (name.empty() || name.size() > 255 || name.front() == '.') return false;
  const bool characters_ok = std::all_of(name.begin(), name.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '.' ||
           c == '-';
  });
  if (!characters_ok) return false;
  if (kind == RulesetFileKind::lists) return !ends_with(name, ".cdb");
  return ends_with(name, ".xml") && name.size() > 4;
}

RulesetManager::RulesetManager(store::RulesetFileStore& store, analysis::RulesetSources configured, bus::EventBus* bus,
                               RulesetManagerOptions options, core::MetricsRegistry& metrics)
    : store_(store),
      configured_(std::move(configured)),
      bus_(bus),
      options_(std::move(options)),
      reloads_ok_(&metrics.counter("herald_analysis_ruleset_reloads_total",
                                   "Rulesets loaded after a change of custom files, by outcome", {"outcome"}, {"ok"})),
      reloads_failed_(&metrics.counter("herald_analysis_ruleset_reloads_total",
                                       "Rulesets loaded after a change of custom files, by outcome", {"outcome"},
                                       {"failed"})) {
  metrics.gauge_callback("herald_analysis_ruleset_version",
                         "Version of the custom ruleset files the running ruleset was built from", {}, [this] {
                           return core::MetricsRegistry::Samples{{{}, static_cast<double>(version())}};
                         });
}

RulesetManager::~RulesetManager() {
  stop();
}

core::Result<std::shared_ptr<const analysis::Ruleset>> RulesetManager::build(
    const std::vector<store::RulesetFileRecord>& files, analysis::LoadWarnings& warnings) const {
  analysis::RulesetSources sources = configured_;
  for (const auto& file : files) {  // sorted by kind, then name
    auto kind = kind_from_string(file.kind);
    if (!kind) continue;
    analysis::RulesetFile loaded{custom_directory(*kind) + "/" + file.name, file.content};
    switch (*kind) {
      case RulesetFileKind::rules:
        sources.rules.push_back(std::move(loaded));
        break;
      case RulesetFileKind::decoders:
        sources.decoders.push_back(std::move(loaded));
        break;
      case RulesetFileKind::lists:
        sources.lists.push_back(std::move(loaded));
        break;
    }
  }
  return analysis::Ruleset::load(sources, warnings);
}

core::Result<std::shared_ptr<const analysis::Ruleset>> RulesetManager::load_initial(analysis::LoadWarnings& warnings) {
  std::lock_guard lock(change_mutex_);
  auto stored = store_.ruleset_files();
  if (!stored) return core::Error{stored.error().kind, "custom ruleset files: " + stored.error().message};
  auto ruleset = build(stored->files, warnings);
  if (ruleset) {
    version_.store(stored->version, std::memory_order_release);
    return ruleset;
  }
  // The configured ruleset changed under the stored files (a duplicate id, a rule whose parent
  // went away ...). Refusing to start would leave no API to delete the file with: start without
  // the custom files instead, loudly, and let a DELETE or a corrected PUT bring them back.
  auto configured_only = build({}, warnings);
  if (!configured_only) return configured_only.error();
  spdlog::error(
      "analysis: the custom ruleset files (version {}) do not load with the configured ruleset, starting "
      "without them: {}",
      stored->version, ruleset.error().message);
  failed_version_ = stored->version;
  reloads_failed_->inc();
  return configured_only;
}

void RulesetManager::start(AnalysisService& service) {
  service_ = &service;
  if (bus_ != nullptr) {
    subscription_ = bus_->subscribe(kSubject, [this](const std::string&, const std::string& payload) {
      boost::system::error_code ec;
      auto message = json::parse(payload, ec);
      if (ec || !message.is_object()) return;
      const auto* node = message.as_object().if_contains("node");
      if (node != nullptr && node->is_string() && node->as_string() == options_.node_name) return;  // ours
      {
        std::lock_guard lock(check_mutex_);
        check_now_ = true;
      }
      check_wake_.notify_all();
    });
  }
  checker_ = std::thread([this] { run_checks(); });
}

void RulesetManager::stop() {
  subscription_.reset();
  {
    std::lock_guard lock(check_mutex_);
    stopping_ = true;
  }
  check_wake_.notify_all();
  if (checker_.joinable()) checker_.join();
}

void RulesetManager::run_checks() {
  std::unique_lock lock(check_mutex_);
  while (!stopping_) {
    check_wake_.wait_for(lock, options_.check_interval, [this] { return stopping_ || check_now_; });
    if (stopping_) break;
    check_now_ = false;
    lock.unlock();
    if (auto refreshed = refresh(); !refreshed) {
      spdlog::warn("analysis: cannot check the custom ruleset files: {}", refreshed.error().message);
    }
    lock.lock();
  }
}

void RulesetManager::install(std::shared_ptr<const analysis::Ruleset> ruleset, std::int64_t version) {
  if (service_ != nullptr) service_->replace_ruleset(std::move(ruleset));
  version_.store(version, std::memory_order_release);
  reloads_ok_->inc();
}

core::Result<bool> RulesetManager::refresh() {
  std::lock_guard lock(change_mutex_);
  auto current = store_.ruleset_files_version();
  if (!current) return current.error();
  if (*current == version() || *current == failed_version_) return false;
  auto stored = store_.ruleset_files();
  if (!stored) return stored.error();
  analysis::LoadWarnings warnings;
  auto ruleset = build(stored->files, warnings);
  if (!ruleset) {
    // Another node validated it with its own configured sources; this node's differ.
    failed_version_ = stored->version;
    reloads_failed_->inc();
    spdlog::error("analysis: custom ruleset files version {} do not load here, keeping the running ruleset: {}",
                  stored->version, ruleset.error().message);
    return false;
  }
  install(std::move(ruleset).value(), stored->version);
  spdlog::info("analysis: custom ruleset files version {} loaded (changed by another node)", stored->version);
  return true;
}

core::Status RulesetManager::put(RulesetFileKind kind, const std::string& name, const std::string& content,
                                 bool overwrite) {
  return change(kind, name, content, overwrite);
}

core::Status RulesetManager::remove(RulesetFileKind kind, const std::string& name) {
  return change(kind, name, std::nullopt, true);
}

core::Status RulesetManager::change(RulesetFileKind kind, const std::string& name,
                                    const std::optional<std::string>& content, bool overwrite) {
  const std::string path = custom_directory(kind) + "/" + name;
  for (const auto* files : {&configured_.rules, &configured_.decoders, &configured_.lists}) {
    for (const auto& file : *files) {
      if (file.path == path)
        return core::invalid_argument(path + ": a file of the configured ruleset, not a custom file");
    }
  }
  std::lock_guard lock(change_mutex_);
  auto stored = store_.ruleset_files();
  if (!stored) return stored.error();
  const std::string kind_text(to_string(kind));
  auto& files = stored->files;
  auto existing = std::find_if(files.begin(), files.end(), [&](const store::RulesetFileRecord& f) {
    return f.kind == kind_text && f.name == name;
  });
  if (!content) {
    if (existing == files.end()) return core::not_found("The file " + name + " does not exist");
    files.erase(existing);
  } else if (existing != files.end()) {
    if (!overwrite) return core::conflict("The file " + name + " already exists");
    existing->content = *content;
  } else {
    files.push_back({kind_text, name, *content});
    std::sort(files.begin(), files.end(),
              [](const auto& a, const auto& b) { return a.kind != b.kind ? a.kind < b.kind : a.name < b.name; });
  }
  analysis::LoadWarnings warnings;
  auto ruleset = build(files, warnings);
  if (!ruleset) return core::invalid_argument(ruleset.error().message);
  for (const auto& warning : warnings) spdlog::warn("analysis: {}", warning);

  auto version =
      content ? store_.put_ruleset_file({kind_text, name, *content}) : store_.delete_ruleset_file(kind_text, name);
  if (!version) return version.error();
  // A change another node made between our read and our write would be in the store but not in
  // this ruleset: then the version moved by more than one, and the next check reloads.
  const std::int64_t installed = *version == stored->version + 1 ? *version : stored->version;
  install(std::move(ruleset).value(), installed);
  spdlog::info("analysis: custom {} file {} {}, ruleset version {}", kind_text, name, content ? "stored" : "deleted",
               *version);
  if (bus_ != nullptr) {
    json::object message{{"node", options_.node_name}, {"version", *version}};
    bus_->publish({kSubject, json::serialize(message), bus::Durability::transient, {}});
  }
  if (installed != *version) {
    std::lock_guard check_lock(check_mutex_);
    check_now_ = true;
    check_wake_.notify_all();
  }
  return core::ok_status();
}

}  // namespace herald::engine
