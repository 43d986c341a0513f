// herald groups list | create | assign.
#include <boost/json.hpp>
#include <ostream>

#include "cli/failure.h"
#include "cli/herald_handlers.h"
#include "cli/herald_views.h"
#include "cli/json_fields.h"
#include "cli/paged_list.h"
#include "cli/server_url.h"

namespace herald::cli {

namespace json = boost::json;

namespace {

// The message of a failed_items entry: {"error":{"code","message"},"id":[...]}.
std::string failed_item_message(const json::value& item) {
  if (!item.is_object()) return "failed";
  auto message = path_text(item.get_object(), "error.message");
  return message.empty() ? "failed" : message;
}

}  // namespace

int groups_list(CommandContext& context) {
  auto data = fetch_all_pages(context.client(), "/groups", {});
  if (context.json()) {
    context.print_json(data);
  } else {
    context.out() << format_groups_table(data.at("affected_items").as_array());
  }
  return 0;
}

int groups_create(CommandContext& context) {
  const auto& name = context.args().positionals.at(0);
  auto reply = context.client().post("/groups", json::serialize(json::object{{"group_id", name}}));
  if (context.json()) {
    context.print_json(reply);
  } else {
    auto message = reply.is_object() ? field_text(reply.get_object(), "message") : std::string();
    context.out() << (message.empty() ? "Group '" + name + "' created." : message) << "\n";
  }
  return 0;
}

int groups_assign(CommandContext& context) {
  const auto& positionals = context.args().positionals;
  const auto& group = positionals.at(0);
  json::array assigned, failed;
  for (std::size_t i = 1; i < positionals.size(); ++i) {
    const auto& agent = positionals[i];
    auto reply = context.client().put("/agents/" + path_segment(agent) + "/group/" + path_segment(group));
    const auto& data = envelope_data(reply);
    if (const auto* items = data.if_contains("affected_items"); items && items->is_array()) {
      for (const auto& item : items->get_array()) assigned.push_back(item);
    }
    const auto* failures = data.if_contains("failed_items");
    bool agent_failed = failures && failures->is_array() && !failures->get_array().empty();
    if (agent_failed) {
      for (const auto& item : failures->get_array()) failed.push_back(item);
    }
    if (!context.json()) {
      if (agent_failed) {
        context.err() << "herald: " << agent << ": " << failed_item_message(failures->get_array().front()) << "\n";
      } else {
        context.out() << "assigned " << agent << " to " << group << "\n";
      }
    }
  }
  auto assigned_count = static_cast<std::int64_t>(assigned.size());
  auto failed_count = static_cast<std::int64_t>(failed.size());
  if (context.json()) {
    context.print_json(json::object{{"affected_items", std::move(assigned)},
                                    {"total_affected_items", assigned_count},
                                    {"total_failed_items", failed_count},
                                    {"failed_items", std::move(failed)}});
  }
  return failed_count == 0 ? 0 : static_cast<int>(ExitCode::failure);
}

}  // namespace herald::cli
