// heraldd: the Herald server. Usage: heraldd [--config FILE] [--threads N]
#include <malloc.h>
#include <spdlog/spdlog.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <iostream>
#include <string>
#include <thread>

#include "app/bootstrap.h"
#include "app/config.h"
#include "app/heraldd.h"

namespace {

int usage(int code) {
  std::cerr << "usage: heraldd [--config FILE] [--threads N]\n"
               "  --config FILE  YAML configuration (every key optional; see README.md)\n"
               "  --threads N    io threads (default: number of cores)\n";
  return code;
}

}  // namespace

int main(int argc, char** argv) {
  // Request bodies of several MiB must go back to the system once answered: glibc would raise
  // its mmap threshold after the first such free and keep later ones on the heap for good (a
  // burst of large bodies then pinned their peak). A fixed threshold keeps them mmapped.
  ::mallopt(M_MMAP_THRESHOLD, 256 * 1024);
  // Everything heraldd writes (database, secrets, TLS key, events, archives) is for its own user
  // only: files 0600, directories 0700, whoever creates them.
  ::umask(077);
  std::string config_path;
  std::size_t threads = std::max(2u, std::thread::hardware_concurrency());
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if ((arg == "--config" || arg == "-c") && i + 1 < argc) {
      config_path = argv[++i];
    } else if (arg == "--threads" && i + 1 < argc) {
      threads = static_cast<std::size_t>(std::max(1, std::atoi(argv[++i])));
    } else if (arg == "--help" || arg == "-h") {
      return usage(0);
    } else {
      std::cerr << "heraldd: unknown argument " << arg << "\n";
      return usage(2);
    }
  }

  auto config = herald::app::load_config(config_path);
  if (!config) {
    std::cerr << "heraldd: bad configuration: " << config.error().message << "\n";
    return 2;
  }
  spdlog::set_level(spdlog::level::from_str(config->log_level));

  herald::app::Heraldd server(*config);
  if (auto started = server.start(threads); !started) {
    std::cerr << "heraldd: cannot start: " << started.error().message << "\n";
    return 1;
  }
  // One machine-readable line for scripts and tests, and the same in <data_dir>/heraldd.ready.
  std::string ready = "{\"management\":\"" + server.management_url() + "\",\"comms\":\"" + server.comms_url() +
                      "\",\"enrollment\":\"" + server.enrollment_address() + "\",\"remote\":\"" +
                      server.remote_address() + "\",\"pid\":" + std::to_string(::getpid()) + "}";
  std::cout << "HERALDD_READY " << ready << std::endl;
  // Never the password itself: this output ends up in logs (journald, files). scripts/run.sh shows
  // a generated one on the terminal, from the file named here.
  if (const auto& admin = server.admin_creation(); admin.created && admin.from_environment) {
    std::cout << "Admin user created: admin, with the password from HERALD_ADMIN_PASSWORD (also saved to "
              << admin.password_file << ", mode 0600)" << std::endl;
  } else if (admin.created) {
    std::cout << "Admin user created: admin, password generated into " << admin.password_file << " (mode 0600): cat "
              << admin.password_file << std::endl;
  }
  (void)herald::app::write_private_file((std::filesystem::path(config->data_dir) / "heraldd.ready").string(),
                                        ready + "\n");
  return server.wait_for_signal_and_stop();
}
