// The agent query language of GET /agents: the input is used whole as a `q` expression
// (core::parse_agent_filter) and as a `sort` list (core::parse_agent_sort), and, split at '&' and
// '=' like a decoded query string, as the parameters of api::parse_agent_list_request.
// Invariants: no exception escapes; errors carry a message; a parsed `q` or `sort`, written back
// in the query language, parses to the same tree / keys; a refused parameter list is a 400.
#include <cstddef>
#include <cstdint>
#include <string>

#include "api/agent_query_params.h"
#include "core/agent_filter.h"
#include "fuzz_check.h"

namespace {

using herald::core::FilterCondition;
using herald::core::FilterExpression;
using herald::core::FilterNode;
using herald::core::FilterOp;

std::string_view op_text(FilterOp op) {
  switch (op) {
    case FilterOp::equal:
      return "=";
    case FilterOp::not_equal:
      return "!=";
    case FilterOp::less:
      return "<";
    case FilterOp::greater:
      return ">";
    case FilterOp::contains:
      return "~";
  }
  return "?";
}

std::string write_back(const FilterExpression& expression);

std::string write_back(const FilterNode& node) {
  if (const auto* condition = std::get_if<FilterCondition>(&node)) {
    return std::string(herald::core::agent_field_name(condition->field)) + std::string(op_text(condition->op)) +
           condition->text;
  }
  return "(" + write_back(*std::get<std::shared_ptr<FilterExpression>>(node)) + ")";
}

std::string write_back(const FilterExpression& expression) {
  std::string text;
  for (std::size_t i = 0; i < expression.nodes.size(); ++i) {
    if (i > 0) text += expression.join == FilterExpression::Join::all ? ";" : ",";
    text += write_back(expression.nodes[i]);
  }
  return text;
}

bool same(const FilterExpression& a, const FilterExpression& b);

bool same(const FilterNode& a, const FilterNode& b) {
  const auto* ca = std::get_if<FilterCondition>(&a);
  const auto* cb = std::get_if<FilterCondition>(&b);
  if ((ca == nullptr) != (cb == nullptr)) return false;
  if (ca != nullptr) {
    return ca->field == cb->field && ca->op == cb->op && ca->text == cb->text && ca->number == cb->number;
  }
  return same(*std::get<std::shared_ptr<FilterExpression>>(a), *std::get<std::shared_ptr<FilterExpression>>(b));
}

bool same(const FilterExpression& a, const FilterExpression& b) {
  if (a.join != b.join || a.nodes.size() != b.nodes.size()) return false;
  for (std::size_t i = 0; i < a.nodes.size(); ++i) {
    if (!same(a.nodes[i], b.nodes[i])) return false;
  }
  return true;
}

void check_filter(std::string_view q) {
  auto parsed = FUZZ_NO_THROW("parse_agent_filter", herald::core::parse_agent_filter(q));
  if (!parsed) {
    FUZZ_CHECK(!parsed.error().message.empty(), "a refused q says why");
    return;
  }
  const std::string written = write_back(*parsed);
  auto again = FUZZ_NO_THROW("parse_agent_filter (re-parse)", herald::core::parse_agent_filter(written));
  FUZZ_CHECK(again.ok(), "a q written back parses");
  FUZZ_CHECK(same(*parsed, *again), "a q survives a round trip");
}

void check_sort(std::string_view sort) {
  auto parsed = FUZZ_NO_THROW("parse_agent_sort", herald::core::parse_agent_sort(sort));
  if (!parsed) return;
  std::string written;
  for (const auto& key : *parsed) {
    if (!written.empty()) written += ",";
    written += (key.descending ? "-" : "+") + std::string(herald::core::agent_field_name(key.field));
  }
  auto again = FUZZ_NO_THROW("parse_agent_sort (re-parse)", herald::core::parse_agent_sort(written));
  FUZZ_CHECK(again.ok() && again->size() == parsed->size(), "a sort written back parses");
  for (std::size_t i = 0; i < parsed->size(); ++i) {
    FUZZ_CHECK((*again)[i].field == (*parsed)[i].field && (*again)[i].descending == (*parsed)[i].descending,
               "a sort survives a round trip");
  }
}

void check_list_request(std::string_view query) {
  herald::http::Request request;
  request.method = herald::http::Method::get;
  request.path = "/agents";
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto pair = query.substr(0, amp);
    const auto eq = pair.find('=');
    request.query.emplace_back(std::string(pair.substr(0, eq)),
                               eq == std::string_view::npos ? std::string() : std::string(pair.substr(eq + 1)));
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
  }
  auto parsed =
      FUZZ_NO_THROW("parse_agent_list_request", herald::api::parse_agent_list_request(request, 1'743'156'930));
  if (const auto* reply = std::get_if<herald::http::Response>(&parsed)) {
    FUZZ_CHECK(reply->status == 400 && !reply->body.empty(), "a refused parameter list is a 400 with a body");
    return;
  }
  const auto& list = std::get<herald::api::AgentListRequest>(parsed);
  FUZZ_CHECK(list.query.offset >= 0 && list.query.limit >= 1, "paging is sane");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto text = herald::fuzz::as_text(data, size);
  check_filter(text);
  check_sort(text);
  check_list_request(text);
  return 0;
}
