// herald agents list | show | summary.
#include <boost/json.hpp>
#include <ostream>

#include "cli/agent_queries.h"
#include "cli/failure.h"
#include "cli/herald_handlers.h"
#include "cli/herald_views.h"
#include "cli/json_fields.h"
#include "cli/paged_list.h"

namespace herald::cli {

namespace json = boost::json;

int agents_list(CommandContext& context) {
  const auto& args = context.args();
  AgentFilter filter;
  filter.status = args.value("--status").value_or("");
  filter.group = args.value("--group").value_or("");
  filter.q = args.value("--q").value_or("");
  std::optional<std::int64_t> limit;
  if (auto text = args.value("--limit")) limit = positive_integer_option("--limit", *text);
  auto data = list_agents(context.client(), filter, limit);
  if (context.json()) {
    context.print_json(data);
    return 0;
  }
  const auto& agents = data.at("affected_items").as_array();
  auto total = field_integer(data, "total_affected_items");
  context.out() << format_agents_table(agents);
  if (static_cast<std::int64_t>(agents.size()) < total) {
    context.out() << agents.size() << " of " << total << " agents\n";
  } else {
    context.out() << agents.size() << (agents.size() == 1 ? " agent\n" : " agents\n");
  }
  return 0;
}

int agents_show(CommandContext& context) {
  const auto& id = context.args().positionals.at(0);
  auto agent = find_agent(context.client(), id);
  if (!agent) throw server_failure("agent " + id + " not found");
  if (context.json()) {
    context.print_json(*agent);
  } else {
    context.out() << format_agent_details(*agent);
  }
  return 0;
}

int agents_summary(CommandContext& context) {
  auto reply = context.client().get("/agents/summary/status");
  const auto& data = envelope_data(reply);
  if (context.json()) {
    context.print_json(data);
  } else {
    context.out() << format_agents_summary(data);
  }
  return 0;
}

}  // namespace herald::cli
