#include "engine/active_response.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <boost/json.hpp>

namespace herald::engine {

namespace json = boost::json;

namespace {

// The same response for the same key is not repeated while it is active.
std::string suppression_key(const ActiveResponseRule& rule, const std::vector<core::Target>& targets,
                            const AlertFacts& facts) {
  std::string key = rule.command;
  for (const auto& target : targets) {
    key += '|';
    key += to_string(target.type);
    key += ':';
    key += target.id;
  }
  return key + "|srcip=" + facts.srcip + "|user=" + facts.user;
}

// args of the "active-response" action: what the agent runs and on what, the alert it answers
// (the whole alert too, as Wazuh's execd passes it to the script in parameters.alert).
json::object response_args(const ActiveResponseRule& rule, const AlertFacts& facts, std::string_view alert_json) {
  json::object args{{"command", rule.command},
                    {"mode", "add"},
                    {"timeout", rule.timeout_seconds},
                    {"alert_id", facts.id},
                    {"rule_id", std::to_string(facts.rule_id)},
                    {"agent_id", facts.agent_id}};
  if (!facts.srcip.empty()) args["srcip"] = facts.srcip;
  if (!facts.user.empty()) args["user"] = facts.user;
  json::error_code ec;
  auto alert = json::parse(alert_json, ec);
  if (!ec && alert.is_object()) args["alert"] = std::move(alert);
  return args;
}

core::Command engine_command(const core::Target& target, const json::object& args, int timeout_seconds) {
  core::Command command;
  command.source = "Engine";
  command.target = target;
  command.action.name = "active-response";
  command.action.args_json = json::serialize(args);
  command.timeout_seconds = timeout_seconds;
  return command;
}

}  // namespace

ActiveResponder::ActiveResponder(ActiveResponseOptions options, const core::Clock& clock, Submit submit,
                                 AllAgents all_agents, core::MetricsRegistry& metrics, Traced traced)
    : options_(std::move(options)),
      clock_(clock),
      submit_(std::move(submit)),
      all_agents_(std::move(all_agents)),
      traced_(std::move(traced)),
      added_(metrics.counter("herald_active_responses_total", "Active response commands submitted, by mode", {"mode"},
                             {"add"})),
      undone_(metrics.counter("herald_active_responses_total", "Active response commands submitted, by mode", {"mode"},
                              {"delete"})),
      suppressed_(metrics.counter("herald_active_responses_suppressed_total",
                                  "Active responses not sent again because the same one is still active")),
      failed_(
          metrics.counter("herald_active_responses_failed_total",
                          "Active responses that could not be submitted (no such agent, store failure, queue full)")),
      worker_(options_.max_queued) {
  any_group_rule_ = std::any_of(options_.rules.begin(), options_.rules.end(), [](const ActiveResponseRule& rule) {
    return !rule.rules_group.empty() && rule.level == 0;
  });
  if (options_.undo_check_interval.count() > 0) {
    timer_.start(options_.undo_check_interval, [this] { check_undos(); });
  }
}

ActiveResponder::~ActiveResponder() {
  stop();
}

void ActiveResponder::stop() {
  timer_.stop();
  worker_.stop();
}

bool ActiveResponder::may_match(std::uint32_t rule_id, int level) const {
  if (any_group_rule_) return true;
  return std::any_of(options_.rules.begin(), options_.rules.end(), [&](const ActiveResponseRule& rule) {
    if (std::find(rule.rules_id.begin(), rule.rules_id.end(), rule_id) != rule.rules_id.end()) return true;
    return rule.level > 0 && level >= rule.level;
  });
}

void ActiveResponder::on_alert(const analysis::AlertRecord& alert) {
  if (!may_match(alert.rule_id, alert.level)) return;
  if (!worker_.post([this, json = alert.json] { respond(json); })) {
    failed_.inc();
    spdlog::warn("active response: alert {} (rule {}) dropped: too many alerts waiting", alert.id, alert.rule_id);
  }
}

void ActiveResponder::check_undos() {
  worker_.post([this] { undo_due(); });
}

void ActiveResponder::respond(const std::string& alert_json) {
  auto facts = alert_facts(alert_json);
  if (!facts) return;
  for (const auto& rule : options_.rules) {
    if (response_matches(rule, *facts)) respond_with(rule, *facts, alert_json);
  }
}

void ActiveResponder::respond_with(const ActiveResponseRule& rule, const AlertFacts& facts,
                                   const std::string& alert_json) {
  std::vector<core::Target> targets = response_targets(
      rule, facts, rule.location == ResponseLocation::all ? all_agents_() : std::vector<std::string>{});
  if (targets.empty()) return;
  const std::string key = suppression_key(rule, targets, facts);
  if (rule.timeout_seconds > 0 && active_.contains(key)) {
    suppressed_.inc();
    spdlog::info("active response: {} for alert {} (rule {}) suppressed: the same response is still active",
                 rule.command, facts.id, facts.rule_id);
    return;
  }
  auto args = response_args(rule, facts, alert_json);
  std::vector<core::Command> commands;
  for (const auto& target : targets) commands.push_back(engine_command(target, args, options_.order_timeout_seconds));
  auto ids = submit(commands, rule, facts, "add");
  if (ids.empty() || rule.timeout_seconds <= 0) return;
  args["mode"] = "delete";
  args["undoes"] = json::array(ids.begin(), ids.end());
  args.erase("alert");  // the undo needs the keys, not the whole alert again
  Active active;
  active.undo_at = clock_.now_seconds() + rule.timeout_seconds;
  for (const auto& target : targets)
    active.undos.push_back(engine_command(target, args, options_.order_timeout_seconds));
  active.rule = &rule;
  active.facts = facts;
  active_.emplace(key, std::move(active));
}

void ActiveResponder::undo_due() {
  const std::int64_t now = clock_.now_seconds();
  for (auto it = active_.begin(); it != active_.end();) {
    if (it->second.undo_at > now) {
      ++it;
      continue;
    }
    // Ended before the undo is submitted: a new alert from now on starts a new response.
    Active ended = std::move(it->second);
    it = active_.erase(it);
    submit(ended.undos, *ended.rule, ended.facts, "delete");
  }
}

std::vector<std::string> ActiveResponder::submit(const std::vector<core::Command>& commands,
                                                 const ActiveResponseRule& rule, const AlertFacts& facts,
                                                 std::string_view mode) {
  auto submitted = submit_(commands);
  if (!submitted) {
    failed_.inc();
    spdlog::warn("active response: {} ({}) for alert {} (rule {}) not submitted: {}", rule.command, mode, facts.id,
                 facts.rule_id, submitted.error().message);
    return {};
  }
  (mode == "add" ? added_ : undone_).inc();
  const auto& ids = submitted->document_ids;
  std::string listed;
  for (const auto& id : ids) listed += (listed.empty() ? "" : ", ") + id;
  spdlog::info("active response: alert {} (rule {}) -> {} ({}) orders [{}]", facts.id, facts.rule_id, rule.command,
               mode, listed);
  if (traced_) {
    json::object record{{"alert_id", facts.id},
                        {"rule_id", std::to_string(facts.rule_id)},
                        {"agent_id", facts.agent_id},
                        {"command", rule.command},
                        {"mode", mode},
                        {"orders", json::array(ids.begin(), ids.end())}};
    traced_(json::serialize(record));
  }
  return ids;
}

}  // namespace herald::engine
