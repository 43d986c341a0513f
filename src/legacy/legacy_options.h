#pragma once
// Settings of the Wazuh 4.x agent services (heraldd.yml `legacy:`), as the listeners read them.
// Defaults are Wazuh's where Wazuh has one (legacy-4x-protocol.md).
#include <chrono>
#include <cstdint>
#include <string>

#include "store/records.h"

namespace herald::legacy {

struct EnrollmentOptions {
  bool enabled = true;
  std::string host = "0.0.0.0";
  std::uint16_t port = 1515;
  std::string cert_file, key_file;  // PEM; both empty: a generated self-signed pair
  std::string generate_dir;         // where the generated pair lives (the data dir)
  // use_password: the password comes from `password`, else from password_file (first line), else
  // one is generated into password_file.
  bool use_password = false;
  std::string password;
  std::string password_file;  // default: <data_dir>/authd.pass
  // ssl_agent_ca: agents must present a certificate that chains to this CA; verify_host: whose
  // SAN IP or CN equals the agent's source address.
  std::string agent_ca;
  bool verify_host = false;
  // <use_source_ip>: bind the key to the agent's address when it sends no IP field.
  bool use_source_ip = false;
  // The newest agent version accepted (upstream: the manager's own version); empty: any.
  std::string max_agent_version = "v4.99.99";
  store::ReplacementPolicy replacement;
  std::chrono::milliseconds timeout{10'000};  // handshake and request, each
  std::size_t max_groups = 128;
};

struct RemoteOptions {
  bool enabled = true;
  std::string host = "0.0.0.0";
  std::uint16_t port = 1514;
  bool verify_msg_id = false;  // remoted.verify_msg_id (off in every Wazuh 4.x)
  std::chrono::seconds connection_overtake_time{60};
  std::chrono::seconds key_reload_interval{10};  // remoted.keyupdate_interval
  std::size_t max_connections = 20'000;
  // A connection must send its first valid message this soon, or it is closed.
  std::chrono::milliseconds handshake_timeout{30'000};
  std::string shared_dir;  // <group>/<file>: what merged.mg is built from; default <data_dir>/shared
  // How long a pushed merged.mg may go unconfirmed by keep-alives before its order fails.
  int merged_confirmations = 3;
};

}  // namespace herald::legacy
