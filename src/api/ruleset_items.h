#pragma once
// The running ruleset as the Wazuh 4.x API shows it: rule, decoder, list and file items of
// GET /rules, /decoders, /lists and their /files routes (fields as framework/wazuh/rule.py,
// decoder.py and cdb_list.py build them).
#include <boost/json/array.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "analysis/ruleset.h"

namespace herald::api {

// "etc/rules/local.xml" -> {"etc/rules", "local.xml"}; a path without '/' has an empty directory.
std::pair<std::string, std::string> split_file_path(std::string_view path);

// {filename, relative_dirname, id, level, status, details, pci_dss, gpg13, gdpr, hipaa,
//  nist_800_53, tsc, mitre, groups, description}, one per rule element read, in load order. A rule
// Wazuh would skip (and Herald skips, with a warning) is "disabled".
boost::json::array rule_items(const analysis::Ruleset& ruleset);
// {filename, relative_dirname, status, name, position, details}, in load order.
boost::json::array decoder_items(const analysis::Ruleset& ruleset);
// {filename, relative_dirname, items: [{key, value}]}, in load order.
boost::json::array list_items(const analysis::Ruleset& ruleset);
// {filename, relative_dirname, status: "enabled"} for each file (the lists' without status).
boost::json::array file_items(const std::vector<analysis::RulesetFile>& files, bool with_status = true);

}  // namespace herald::api
