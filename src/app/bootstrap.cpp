#include "app/bootstrap.h"

#include <fcntl.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "auth/password_hash.h"
#include "auth/secrets.h"

namespace herald::app {

core::Status write_private_file(const std::string& path, const std::string& content) {
  auto temp = path + ".tmp";
  int fd = ::open(temp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) return core::unavailable("cannot write " + path + ": " + std::strerror(errno));
  bool ok = ::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size());
  ok = ::fsync(fd) == 0 && ok;
  ::close(fd);
  if (!ok || std::rename(temp.c_str(), path.c_str()) != 0) return core::unavailable("cannot write " + path);
  return core::ok_status();
}

namespace {
std::optional<std::string> read_file(const std::string& path) {
  std::ifstream file(path);
  if (!file) return std::nullopt;
  std::stringstream buffer;
  buffer << file.rdbuf();
  auto text = buffer.str();
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  return text;
}
}  // namespace

core::Result<std::string> load_or_create_jwt_secret(const std::string& configured_secret, const std::string& key_file,
                                                    const std::string& data_dir) {
  if (!configured_secret.empty()) return configured_secret;
  if (!key_file.empty()) {
    auto secret = read_file(key_file);
    if (!secret || secret->size() < 32) {
      return core::invalid_argument("auth.jwt_key_file " + key_file + " is missing or holds under 32 characters");
    }
    return *secret;
  }
  auto path = (std::filesystem::path(data_dir) / "jwt.secret").string();
  if (auto secret = read_file(path); secret && secret->size() >= 32) return *secret;
  auto secret = auth::random_hex(32);
  if (auto status = write_private_file(path, secret + "\n"); !status) return status.error();
  return secret;
}

core::Status prepare_data_dir(const std::string& data_dir) {
  auto dir = std::filesystem::path(data_dir).lexically_normal();
  if (dir.has_parent_path() && dir.filename().empty()) dir = dir.parent_path();  // "var/"
  struct stat info {};
  if (::stat(dir.c_str(), &info) == 0) {
    if (!S_ISDIR(info.st_mode)) return core::unavailable("data_dir " + dir.string() + " is not a directory");
    if (::access(dir.c_str(), W_OK | X_OK) != 0) {
      return core::unavailable("data_dir " + dir.string() + " is not writable: " + std::strerror(errno));
    }
    if ((info.st_mode & 077) != 0) {
      spdlog::warn(
          "data_dir {} is open to other users (mode {:o}); heraldd's own files in it are private (0600), "
          "but consider chmod 700 {}",
          dir.string(), info.st_mode & 0777, dir.string());
    }
    return core::ok_status();
  }
  auto parent = dir.has_parent_path() ? dir.parent_path() : std::filesystem::path(".");
  if (::stat(parent.c_str(), &info) != 0 || !S_ISDIR(info.st_mode)) {
    return core::unavailable("cannot create data_dir " + dir.string() + ": its parent directory " + parent.string() +
                             " does not exist (heraldd creates the data directory, not the path to it)");
  }
  if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    const bool read_only = errno == EROFS || errno == EACCES || errno == EPERM;
    return core::unavailable("cannot create data_dir " + dir.string() + ": " + std::strerror(errno) +
                             (read_only ? " (" + parent.string() + " is not writable)" : std::string()));
  }
  return core::ok_status();
}

core::Result<AdminCreation> ensure_admin_user(store::UserStore& users, const core::Clock& clock,
                                              const std::string& data_dir) {
  auto existing = users.find_user("admin");
  if (!existing) return existing.error();
  if (*existing) return AdminCreation{};
  const char* from_env = std::getenv("HERALD_ADMIN_PASSWORD");
  AdminCreation creation{true, from_env != nullptr && *from_env != '\0',
                         (std::filesystem::path(data_dir) / "admin.password").string()};
  std::string password = creation.from_environment ? from_env : auth::random_alnum(24);
  if (auto status = write_private_file(creation.password_file, password + "\n"); !status) return status.error();
  if (auto status = users.create_user({"admin", auth::hash_password(password), clock.now_seconds()}); !status) {
    return status.error();
  }
  return creation;
}

}  // namespace herald::app
