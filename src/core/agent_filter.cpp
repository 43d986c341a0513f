#include "core/agent_filter.h"

#include <array>
#include <cctype>
#include <charconv>
#include <utility>

#include "core/field_limits.h"
#include "core/time_format.h"

namespace herald::core {

namespace {

constexpr std::array<std::pair<std::string_view, AgentField>, 20> kFieldNames{{
    {"id", AgentField::id},
    {"name", AgentField::name},
    {"status", AgentField::status},
    {"status_code", AgentField::status_code},
    {"ip", AgentField::ip},
    {"registerIP", AgentField::register_ip},
    {"os.name", AgentField::os_name},
    {"os.platform", AgentField::os_platform},
    {"os.version", AgentField::os_version},
    {"os.arch", AgentField::os_arch},
    {"version", AgentField::version},
    {"node_name", AgentField::node_name},
    {"dateAdd", AgentField::date_add},
    {"lastKeepAlive", AgentField::last_keepalive},
    {"disconnection_time", AgentField::disconnection_time},
    {"group", AgentField::group},
    {"group_config_status", AgentField::group_config_status},
    // Aliases Wazuh accepts for the same columns.
    {"manager", AgentField::node_name},
    {"date_add", AgentField::date_add},
    {"last_keepalive", AgentField::last_keepalive},
}};

std::optional<std::int64_t> parse_integer(std::string_view text) {
  std::int64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

// Recursive descent over: any := all (',' all)* ; all := primary (';' primary)* ;
// primary := '(' any ')' | field op value. AND binds tighter than OR, as in Wazuh's API.
// Bounded in conditions and nesting (core/field_limits.h): the recursion stays shallow and the SQL a
// store compiles from it stays within what SQLite and PostgreSQL accept.
class FilterParser {
 public:
  explicit FilterParser(std::string_view text) : text_(text) {}

  Result<FilterExpression> parse() {
    auto expression = parse_any();
    if (!expression) return expression;
    if (position_ != text_.size()) return fail("unexpected '" + std::string(1, text_[position_]) + "'");
    return expression;
  }

 private:
  Result<FilterExpression> parse_any() { return parse_joined(FilterExpression::Join::any, ','); }

  Result<FilterExpression> parse_joined(FilterExpression::Join join, char separator) {
    FilterExpression expression;
    expression.join = join;
    for (;;) {
      auto node = join == FilterExpression::Join::any ? parse_all_node() : parse_primary();
      if (!node) return node.error();
      expression.nodes.push_back(std::move(*node));
      if (position_ < text_.size() && text_[position_] == separator) {
        ++position_;
        continue;
      }
      return expression;
    }
  }

  Result<FilterNode> parse_all_node() {
    auto all = parse_joined(FilterExpression::Join::all, ';');
    if (!all) return all.error();
    if (all->nodes.size() == 1) return std::move(all->nodes.front());
    return FilterNode(std::make_shared<FilterExpression>(std::move(*all)));
  }

  Result<FilterNode> parse_primary() {
    if (position_ < text_.size() && text_[position_] == '(') {
      // Each '(' recurses: unbounded, a q of some thousand '(' overflowed the stack (found by
      // tests/fuzz/fuzz_agent_query).
      if (depth_ == kMaxFilterDepth) {
        return invalid_argument("Invalid q: parentheses may nest at most " + std::to_string(kMaxFilterDepth) +
                                " levels deep");
      }
      ++position_;
      ++depth_;
      auto inner = parse_any();
      --depth_;
      if (!inner) return inner.error();
      if (position_ >= text_.size() || text_[position_] != ')') return fail("expected ')'");
      ++position_;
      if (inner->nodes.size() == 1) return std::move(inner->nodes.front());
      return FilterNode(std::make_shared<FilterExpression>(std::move(*inner)));
    }
    auto condition = parse_condition();
    if (!condition) return condition.error();
    return FilterNode(std::move(*condition));
  }

  Result<FilterCondition> parse_condition() {
    if (++conditions_ > kMaxFilterTerms) {
      return invalid_argument("Invalid q: it may have at most " + std::to_string(kMaxFilterTerms) + " conditions");
    }
    auto field_start = position_;
    while (position_ < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[position_])) ||
                                        text_[position_] == '_' || text_[position_] == '.')) {
      ++position_;
    }
    auto field_name = text_.substr(field_start, position_ - field_start);
    if (field_name.empty()) return fail("expected a field name");
    auto field = parse_agent_field(field_name);
    if (!field) return fail("unknown field '" + std::string(field_name) + "'");
    FilterCondition condition;
    condition.field = *field;
    auto rest = text_.substr(position_);
    if (rest.starts_with("!=")) {
      condition.op = FilterOp::not_equal;
      position_ += 2;
    } else if (!rest.empty() && (rest[0] == '=' || rest[0] == '<' || rest[0] == '>' || rest[0] == '~')) {
      condition.op = rest[0] == '='   ? FilterOp::equal
                     : rest[0] == '<' ? FilterOp::less
                     : rest[0] == '>' ? FilterOp::greater
                                      : FilterOp::contains;
      position_ += 1;
    } else {
      return fail("expected one of = != < > ~ after '" + std::string(field_name) + "'");
    }
    auto value_start = position_;
    while (position_ < text_.size() && text_[position_] != ';' && text_[position_] != ',' &&
           text_[position_] != ')' && text_[position_] != '(') {
      ++position_;
    }
    condition.text = std::string(text_.substr(value_start, position_ - value_start));
    if (is_numeric_agent_field(condition.field)) {
      auto number = parse_integer(condition.text);
      if (!number) return fail("'" + std::string(field_name) + "' needs an integer, not '" + condition.text + "'");
      condition.number = *number;
    } else if (is_time_agent_field(condition.field)) {
      auto seconds = parse_utc(condition.text);
      if (!seconds) seconds = parse_integer(condition.text);
      if (!seconds) {
        return fail("'" + std::string(field_name) + "' needs a time such as 2024-01-31T12:00:00Z or epoch seconds");
      }
      condition.number = *seconds;
    }
    return condition;
  }

  Error fail(const std::string& what) const {
    return invalid_argument("Invalid q at position " + std::to_string(position_ + 1) + ": " + what);
  }

  std::string_view text_;
  std::size_t position_ = 0;
  std::size_t depth_ = 0;       // parentheses open at position_
  std::size_t conditions_ = 0;  // conditions read so far
};

}  // namespace

std::optional<AgentField> parse_agent_field(std::string_view api_name) {
  for (const auto& [name, field] : kFieldNames) {
    if (name == api_name) return field;
  }
  return std::nullopt;
}

std::string_view agent_field_name(AgentField field) {
  for (const auto& [name, candidate] : kFieldNames) {
    if (candidate == field) return name;
  }
  return "id";
}

bool is_numeric_agent_field(AgentField field) { return field == AgentField::status_code; }

bool is_time_agent_field(AgentField field) {
  return field == AgentField::date_add || field == AgentField::last_keepalive ||
         field == AgentField::disconnection_time;
}

Result<FilterExpression> parse_agent_filter(std::string_view q) {
  if (q.empty()) return invalid_argument("Invalid q: it is empty");
  if (q.size() > kMaxFilterLength) {
    return invalid_argument("Invalid q: it may be at most " + std::to_string(kMaxFilterLength) + " bytes long, got " +
                            std::to_string(q.size()));
  }
  return FilterParser(q).parse();
}

Result<std::vector<SortKey>> parse_agent_sort(std::string_view sort) {
  std::vector<SortKey> keys;
  while (!sort.empty()) {
    auto comma = sort.find(',');
    auto item = sort.substr(0, comma);
    sort = comma == std::string_view::npos ? std::string_view() : sort.substr(comma + 1);
    SortKey key;
    // A '+' arrives as ' ' when the client form-encoded the query string.
    if (!item.empty() && (item.front() == '+' || item.front() == '-' || item.front() == ' ')) {
      key.descending = item.front() == '-';
      item.remove_prefix(1);
    }
    auto field = parse_agent_field(item);
    if (!field) return invalid_argument("Invalid sort field '" + std::string(item) + "'");
    key.field = *field;
    keys.push_back(key);
    if (keys.size() > kMaxSortKeys) {
      return invalid_argument("Invalid sort: it may have at most " + std::to_string(kMaxSortKeys) + " keys");
    }
  }
  if (keys.empty()) return invalid_argument("Invalid sort: it is empty");
  return keys;
}

}  // namespace herald::core
