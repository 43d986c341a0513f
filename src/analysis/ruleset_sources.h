#pragma once
// The files a ruleset is loaded from, gathered the way a 4.x manager's ossec.conf <ruleset>
// names them, from directories an operator lists (analysis.ruleset_dirs) and from Herald's own
// built-in ruleset:
//   - an XML file is a decoder file when its first element is <decoder> (after <var>s and
//     comments), a rule file otherwise (<group>, <rule>, <var> ...);
//   - any other regular file under a directory named `lists` is a CDB list, known to rules by
//     the name "etc/lists/<path below lists/>" (as Wazuh's rules write it); compiled `.cdb`
//     files and hidden files are skipped;
//   - a directory is read recursively for lists, and for XML files at its top level and in its
//     `decoders/` and `rules/` subdirectories (a 4.x `ruleset/` or `etc/` directory may be given
//     whole), each directory's files sorted by name as Wazuh sorts them.
// A file name listed in decoder_exclude / rule_exclude is left out, as <decoder_exclude> /
// <rule_exclude> do.
#include <span>
#include <string>
#include <vector>

#include "analysis/ruleset_file.h"
#include "core/embedded_file.h"
#include "core/result.h"

namespace herald::analysis {

struct RulesetSources {
  std::vector<RulesetFile> decoders;  // in load order
  std::vector<RulesetFile> rules;     // in load order
  std::vector<RulesetFile> lists;     // path: the name rules use ("etc/lists/audit-keys")
};

struct RulesetExcludes {
  std::vector<std::string> decoder_files;  // file names
  std::vector<std::string> rule_files;
};

// Is this XML text a decoder file? (see above)
bool is_decoder_file(std::string_view xml_text);

// The list name rules use for a list file at `relative_path` below a `lists` directory.
std::string list_reference_name(std::string_view relative_path);

// Adds the files of `directory`. Errors: not_found when it does not exist, unavailable when it or
// one of its files cannot be read, invalid_argument when it holds no ruleset file at all (most
// likely a wrong path).
core::Status add_directory(RulesetSources& sources, const std::string& directory, const RulesetExcludes& excludes);

// Adds built-in files (paths relative to the built-in folder: `decoders/x.xml`, `lists/y`),
// classified like a directory's, with `label` ("herald") in front of their paths for messages.
void add_embedded(RulesetSources& sources, std::span<const EmbeddedFile> files, const std::string& label,
                  const RulesetExcludes& excludes);

}  // namespace herald::analysis
