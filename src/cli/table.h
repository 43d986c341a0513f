#pragma once
// Aligned plain-text tables for herald's human output.
#include <string>
#include <vector>

namespace herald::cli {

using TableRow = std::vector<std::string>;

// One line per row, the header first; each column as wide as its widest cell, columns two spaces
// apart, no trailing spaces. Rows shorter than the header get empty cells. Widths count bytes
// (names and ids are ASCII).
std::string format_table(const TableRow& header, const std::vector<TableRow>& rows);

// "key: value" lines with the values aligned after the longest key.
std::string format_fields(const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace herald::cli
