#pragma once
// The shared configuration a Wazuh 4.x agent receives as merged.mg (legacy-4x-protocol.md §4.3),
// built from <shared_dir>/<group>/<file> as Wazuh builds it from etc/shared/<group>/. In a
// cluster every node needs the same directory (Wazuh's cluster syncs etc/shared the same way).
// Safe for concurrent use; blocking (reads files): call it on the pool.
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace herald::legacy {

struct MergedFile {
  std::string content;
  std::string md5;  // what the agent reports in its keep-alives once it holds this file
};

class SharedFiles {
 public:
  // Files are re-read at most once per `refresh` per group set.
  explicit SharedFiles(std::string directory, std::chrono::milliseconds refresh = std::chrono::seconds(5));

  std::shared_ptr<const MergedFile> merged_for(const std::vector<std::string>& groups);
  // The cached file when it is fresh, else null (then call merged_for on the pool). Never blocks
  // on I/O: keep-alives use it on their connection's thread.
  std::shared_ptr<const MergedFile> cached(const std::vector<std::string>& groups);
  const std::string& directory() const { return directory_; }

 private:
  struct Cached {
    std::shared_ptr<const MergedFile> file;
    std::chrono::steady_clock::time_point built;
  };
  std::string directory_;
  std::chrono::milliseconds refresh_;
  std::mutex mutex_;
  std::map<std::string, Cached> cache_;  // by group list joined with ','
};

}  // namespace herald::legacy
