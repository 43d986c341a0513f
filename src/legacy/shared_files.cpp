#include "legacy/shared_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "legacy/wire/crypto.h"
#include "legacy/wire/manager_messages.h"

namespace herald::legacy {

namespace fs = std::filesystem;

namespace {

// A group's files, by name. Hidden files and merged.mg itself are not shared (as in c_group).
std::vector<wire::SharedFile> group_files(const fs::path& directory) {
  std::vector<wire::SharedFile> files;
  std::error_code ec;
  if (!fs::is_directory(directory, ec)) return files;
  for (const auto& entry : fs::directory_iterator(directory, ec)) {
    const auto name = entry.path().filename().string();
    if (name.empty() || name.front() == '.' || name == "merged.mg" || !entry.is_regular_file(ec)) continue;
    std::ifstream in(entry.path(), std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    files.push_back({name, content.str()});
  }
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) { return a.name < b.name; });
  return files;
}

}  // namespace

SharedFiles::SharedFiles(std::string directory, std::chrono::milliseconds refresh)
    : directory_(std::move(directory)), refresh_(refresh) {}

std::shared_ptr<const MergedFile> SharedFiles::merged_for(const std::vector<std::string>& groups) {
  std::string key;
  for (const auto& group : groups) key += group + ',';
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    auto found = cache_.find(key);
    if (found != cache_.end() && now - found->second.built < refresh_) return found->second.file;
  }
  std::vector<wire::GroupFiles> inputs;
  for (const auto& group : groups) {
    // Group names never hold '/' or "..": they were validated where they were created.
    inputs.push_back({group, group_files(fs::path(directory_) / group)});
  }
  auto file = std::make_shared<MergedFile>();
  file->content = wire::merged_file(inputs);
  file->md5 = wire::md5_hex(file->content);
  std::lock_guard lock(mutex_);
  cache_[key] = {file, now};
  return file;
}

}  // namespace herald::legacy
