#include "process_stats.h"

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "latency_stats.h"

namespace herald::bench {

namespace fs = std::filesystem;

long long monotonic_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

long long proc_status_kib(pid_t pid, const std::string& field) {
  if (pid <= 0) return -1;
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream fields(line.substr(field.size() + 1));
      long long kib = -1;
      fields >> kib;
      return kib;
    }
  }
  return -1;
}

long long open_fds(pid_t pid) {
  if (pid <= 0) return -1;
  std::error_code ec;
  long long count = 0;
  for (fs::directory_iterator it("/proc/" + std::to_string(pid) + "/fd", ec), end; !ec && it != end; it.increment(ec)) {
    ++count;
  }
  return ec ? -1 : count;
}

double mib(long long kib) { return round3(static_cast<double>(kib) / 1024.0); }

}  // namespace herald::bench
