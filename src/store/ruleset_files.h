#pragma once
// Custom ruleset files (PUT /rules/files/{name} and the like) kept in the store, so they survive
// a restart and every node sharing the store loads the same ones. A version counter that every
// write bumps lets a node tell cheaply whether another node changed them.
#include <cstdint>
#include <string>
#include <vector>

#include "core/result.h"

namespace herald::store {

struct RulesetFileRecord {
  std::string kind;  // "rules", "decoders" or "lists"
  std::string name;  // file name, no directory
  std::string content;
};

struct RulesetFiles {
  std::int64_t version = 0;              // read before the files: never newer than them
  std::vector<RulesetFileRecord> files;  // by kind, then name
};

class RulesetFileStore {
 public:
  virtual ~RulesetFileStore() = default;
  virtual core::Result<RulesetFiles> ruleset_files() = 0;
  virtual core::Result<std::int64_t> ruleset_files_version() = 0;
  // Creates or replaces the file; returns the new version.
  virtual core::Result<std::int64_t> put_ruleset_file(const RulesetFileRecord& file) = 0;
  // Returns the new version; not_found when there is no such file.
  virtual core::Result<std::int64_t> delete_ruleset_file(const std::string& kind, const std::string& name) = 0;
};

}  // namespace herald::store
