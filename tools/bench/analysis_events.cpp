#include "analysis_events.h"

#include <array>
#include <charconv>

namespace herald::bench {

namespace {

// splitmix64: a well-mixed pseudo-random value per index, no shared generator state.
std::uint64_t mixed(std::uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr std::array<std::string_view, 8> kUsers{"root", "admin", "alice", "bob", "deploy", "oracle", "git", "ubuntu"};
constexpr std::array<std::string_view, 6> kCommands{
    "/usr/bin/systemctl restart nginx", "/usr/bin/apt-get update", "/bin/bash",
    "/usr/bin/cat /etc/shadow", "/usr/bin/journalctl -u sshd", "/usr/bin/docker ps"};
constexpr std::array<std::string_view, 6> kPages{"/index.html", "/login", "/static/app.css", "/api/v1/items",
                                                  "/reports/", "/wp-login.php"};
// Requests scanners and attackers send (SQL injection, traversal, probes of admin pages).
constexpr std::array<std::string_view, 4> kAttacks{"/item.php?id=1%27%20UNION%20SELECT%20password%20FROM%20users--",
                                                    "/../../../../etc/passwd", "/phpmyadmin/index.php",
                                                    "/cgi-bin/test.cgi?cmd=;cat%20/etc/passwd"};

std::string address(const EventMix& mix, std::uint64_t r) {
  const std::uint64_t n = r % mix.source_addresses;
  return "10." + std::to_string(n / 65'536 % 256) + "." + std::to_string(n / 256 % 256) + "." + std::to_string(n % 256);
}

std::string agent_number(const EventMix& mix, std::uint64_t index) {
  std::string id = std::to_string(mixed(index ^ 0x5a5a) % mix.agents + 1);
  if (id.size() < 3) id.insert(0, 3 - id.size(), '0');
  return id;
}

}  // namespace

std::size_t bench_partition(const EventMix& mix, std::uint64_t index, std::size_t partitions) {
  return (mixed(index ^ 0x5a5a) % mix.agents) % partitions;
}

BenchEvent make_bench_event(const EventMix& mix, std::uint64_t index) {
  BenchEvent event;
  event.agent_id = agent_number(mix, index);
  event.agent_name = "bench-" + event.agent_id;
  const std::uint64_t r = mixed(index);
  const std::string pid = std::to_string(index);
  const std::string host = event.agent_name;
  const std::string_view user = kUsers[(r >> 8) % kUsers.size()];
  // Brute force comes from a few addresses, so the frequency rules see repeats as they do in life.
  const std::string client = address(mix, (r >> 16) % 20 == 0 ? (r >> 24) % 16 : r >> 24);
  const std::string port = std::to_string(1'024 + (r >> 40) % 60'000);
  const std::string stamp = "Dec 12 10:15:" + std::to_string(10 + (r >> 4) % 50);
  // A working day's mix: mostly routine logins, sessions, sudo and web pages, with a few percent
  // of attacks (password guessing, invalid users, web scans).
  const unsigned kind = static_cast<unsigned>(r % 100);
  if (kind < 45) {
    event.location = "/var/log/auth.log";
    if (kind < 10) {
      event.message = stamp + " " + host + " sshd[" + pid + "]: Failed password for " + std::string(user) + " from " +
                      client + " port " + port + " ssh2";
    } else if (kind < 15) {
      event.message = stamp + " " + host + " sshd[" + pid + "]: Failed password for invalid user " + std::string(user) +
                      " from " + client + " port " + port + " ssh2";
    } else if (kind < 25) {
      event.message = stamp + " " + host + " sshd[" + pid + "]: Accepted publickey for " + std::string(user) +
                      " from " + client + " port " + port + " ssh2: RSA SHA256:Zm9vYmFyYmF6cXV4";
    } else if (kind < 35) {
      event.message = stamp + " " + host + " sshd[" + pid + "]: pam_unix(sshd:session): session opened for user " +
                      std::string(user) + "(uid=1000) by (uid=0)";
    } else {
      event.message = stamp + " " + host + " sshd[" + pid + "]: Received disconnect from " + client + " port " + port +
                      ":11: disconnected by user";
    }
  } else if (kind < 60) {
    event.location = "/var/log/auth.log";
    event.message = stamp + " " + host + " sudo[" + pid + "]:    " + std::string(user) +
                    " : TTY=pts/0 ; PWD=/home/" + std::string(user) + " ; USER=root ; COMMAND=" +
                    std::string(kCommands[(r >> 12) % kCommands.size()]);
  } else {
    event.location = "/var/log/nginx/access.log";
    const bool attack = kind >= 93;
    std::string path(attack ? kAttacks[(r >> 12) % kAttacks.size()] : kPages[(r >> 12) % kPages.size()]);
    path += (path.find('?') == std::string::npos ? "?r=" : "&r=") + pid;
    const char* status = attack ? "404" : ((r >> 20) % 20 == 0 ? "500" : "200");
    event.message = client + " - - [12/Dec/2024:10:15:30 +0000] \"GET " + path + " HTTP/1.1\" " + status +
                    " 5120 \"-\" \"Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\"";
  }
  return event;
}

std::optional<std::uint64_t> bench_event_index(std::string_view alert_json) {
  const auto start = alert_json.find("\"full_log\":\"");
  if (start == std::string_view::npos) return std::nullopt;
  const std::string_view log = alert_json.substr(start + 12);
  const auto number_at = [&](std::size_t at, char terminator) -> std::optional<std::uint64_t> {
    std::uint64_t value = 0;
    const auto [end, ec] = std::from_chars(log.data() + at, log.data() + log.size(), value);
    if (ec != std::errc() || end == log.data() + at || end == log.data() + log.size() || *end != terminator) {
      return std::nullopt;
    }
    return value;
  };
  for (auto at = log.find('['); at != std::string_view::npos; at = log.find('[', at + 1)) {
    if (auto value = number_at(at + 1, ']')) return value;
  }
  for (const std::string_view marker : {std::string_view("?r="), std::string_view("&r=")}) {
    if (const auto at = log.find(marker); at != std::string_view::npos) {
      if (auto value = number_at(at + marker.size(), ' ')) return value;
    }
  }
  return std::nullopt;
}

}  // namespace herald::bench
