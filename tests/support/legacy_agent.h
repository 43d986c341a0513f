#pragma once
// The agent side of the Wazuh 4.x protocol (legacy-4x-protocol.md), for integration tests: TLS
// enrollment on 1515 and the secure channel on 1514, with blocking sockets and bounded waits.
// Framing and crypto come from src/legacy/wire, whose known-vector unit tests pin them to the
// wire format the real 4.12.0 agent speaks.
#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "legacy/wire/crypto.h"
#include "legacy/wire/framing.h"
#include "legacy/wire/secure_message.h"

namespace herald::test {

struct LegacyKeyLine {
  std::string id, name, ip, key;
};

// Sends one enrollment request over TLS to "host:port" and returns everything the server wrote
// before it closed (both writes of a refusal). Throws on connection or TLS errors.
// `certificate`/`private_key`: PEM files the agent presents (agent-auth -x/-k), or empty.
std::string legacy_enroll_raw(const std::string& address, const std::string& request,
                              const std::string& certificate = "", const std::string& private_key = "");
// The key of an "OSSEC K:'id name ip key'" reply; nullopt for anything else.
std::optional<LegacyKeyLine> parse_enrollment_reply(const std::string& reply);
// Enrolls `name` (request "OSSEC A:'<name>'" plus `extra` fields, e.g. " V:'v4.12.0' G:'web'");
// throws unless the server answers with a key.
LegacyKeyLine legacy_enroll(const std::string& address, const std::string& name, const std::string& extra = "");

class LegacyAgent {
 public:
  explicit LegacyAgent(LegacyKeyLine key, legacy::wire::Cipher cipher = legacy::wire::Cipher::aes);
  ~LegacyAgent();
  LegacyAgent(const LegacyAgent&) = delete;
  LegacyAgent& operator=(const LegacyAgent&) = delete;

  // Opens the TCP connection to "host:port" (from 127.0.0.1). Throws on failure.
  void connect(const std::string& address);
  // Closes it without a word (the agent crashed or the network dropped).
  void drop();
  bool connected() const { return fd_ >= 0; }

  // Encrypts and sends one message with the next counters (and "!id!" when the key's IP is not
  // a single IPv4 host). False when the socket refused it.
  bool send(std::string_view text);
  // Sends raw bytes (bad frames).
  bool send_raw(std::string_view bytes);
  // The next message the manager sent, decrypted; nullopt when nothing came within `limit`, or the
  // connection closed (then connected() turns false), or a message did not decode (recorded in
  // decode_errors()).
  std::optional<std::string> receive(std::chrono::milliseconds limit = std::chrono::seconds(5));
  // Receives until a message starting with `prefix` arrives; the ones before it are kept in
  // skipped(). nullopt on timeout or close.
  std::optional<std::string> receive_starting(std::string_view prefix,
                                              std::chrono::milliseconds limit = std::chrono::seconds(10));
  // True when the server closes the connection within `limit`.
  bool closed_by_server(std::chrono::milliseconds limit = std::chrono::seconds(5));

  // The handshake: "#!-agent startup {"version":...}" and its "#!-agent ack ". True when acked.
  bool start_up(const std::string& version = "v4.12.0");
  // A keep-alive as agentd writes it (§3.2), with merged.mg's sum ("x" for none).
  bool keepalive(const std::string& merged_sum = "x", const std::string& version = "v4.12.0");
  static std::string keepalive_text(const std::string& merged_sum, const std::string& version);

  const LegacyKeyLine& key() const { return key_; }
  const std::vector<std::string>& skipped() const { return skipped_; }
  int decode_errors() const { return decode_errors_; }

 private:
  LegacyKeyLine key_;
  legacy::wire::Cipher cipher_;
  std::string channel_key_;
  legacy::wire::Counters counters_;
  legacy::wire::FrameReader reader_;
  std::vector<std::string> pending_;  // whole frames received, not yet returned
  std::vector<std::string> skipped_;
  int decode_errors_ = 0;
  int fd_ = -1;
};

}  // namespace herald::test
