#include "cli/table.h"

#include <algorithm>

namespace herald::cli {

namespace {

std::string format_row(const TableRow& row, const std::vector<std::size_t>& widths) {
  std::string line;
  for (std::size_t column = 0; column < widths.size(); ++column) {
    const std::string cell = column < row.size() ? row[column] : std::string();
    if (column > 0) line += "  ";
    line += cell;
    if (column + 1 < widths.size()) line.append(widths[column] - cell.size(), ' ');
  }
  while (!line.empty() && line.back() == ' ') line.pop_back();
  return line + "\n";
}

}  // namespace

std::string format_table(const TableRow& header, const std::vector<TableRow>& rows) {
  std::vector<std::size_t> widths(header.size());
  for (std::size_t column = 0; column < header.size(); ++column) widths[column] = header[column].size();
  for (const auto& row : rows) {
    for (std::size_t column = 0; column < widths.size() && column < row.size(); ++column) {
      widths[column] = std::max(widths[column], row[column].size());
    }
  }
  std::string out = format_row(header, widths);
  for (const auto& row : rows) out += format_row(row, widths);
  return out;
}

std::string format_fields(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::size_t width = 0;
  for (const auto& field : fields) width = std::max(width, field.first.size());
  std::string out;
  for (const auto& [key, value] : fields) {
    out += key + ":" + std::string(width - key.size() + 1, ' ') + value + "\n";
  }
  return out;
}

}  // namespace herald::cli
