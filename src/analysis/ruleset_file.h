#pragma once
#include <string>
#include <vector>
namespace herald::analysis {
// One file of a ruleset, already read: its path (for messages) and its text.
struct RulesetFile {
  std::string path;
  std::string text;
};
// Non-fatal findings of a load, each "file:line: what" (Wazuh logs these as warnings).
using LoadWarnings = std::vector<std::string>;
}  // namespace herald::analysis
