#include "legacy/shared_files.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <optional>
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

namespace {

std::string cache_key(const std::vector<std::string>& groups) {
  std::string key;
  for (const auto& group : groups) key += group + ',';
  return key;
}

}  // namespace

std::shared_ptr<const MergedFile> SharedFiles::cached(const std::vector<std::string>& groups) {
  const auto key = cache_key(groups);
  std::lock_guard lock(mutex_);
  auto found = cache_.find(key);
  if (found != cache_.end() && std::chrono::steady_clock::now() - found->second.built < refresh_) {
    return found->second.file;
  }
  return nullptr;
}

std::shared_ptr<const MergedFile> SharedFiles::merged_for(const std::vector<std::string>& groups) {
  if (auto file = cached(groups)) return file;
  const auto key = cache_key(groups);
  const auto now = std::chrono::steady_clock::now();
  // Wazuh shares etc/shared/ar.conf (the active responses the agent may run) with every group
  // that has none of its own.
  std::optional<wire::SharedFile> ar_conf;
  if (std::ifstream in(fs::path(directory_) / "ar.conf", std::ios::binary); in) {
    std::ostringstream content;
    content << in.rdbuf();
    ar_conf = wire::SharedFile{"ar.conf", content.str()};
  }
  std::vector<wire::GroupFiles> inputs;
  for (const auto& group : groups) {
    // Group names never hold '/' or "..": they were validated where they were created.
    auto files = group_files(fs::path(directory_) / group);
    const bool has_ar_conf =
        std::any_of(files.begin(), files.end(), [](const wire::SharedFile& file) { return file.name == "ar.conf"; });
    if (ar_conf && !has_ar_conf) files.insert(files.begin(), *ar_conf);
    inputs.push_back({group, std::move(files)});
  }
  auto file = std::make_shared<MergedFile>();
  file->content = wire::merged_file(inputs);
  file->md5 = wire::md5_hex(file->content);
  std::lock_guard lock(mutex_);
  cache_[key] = {file, now};
  return file;
}

}  // namespace herald::legacy
