#pragma once
// The 1514 connections of this node, and which one speaks for each agent: one socket per agent,
// as remoted enforces ("Agent key already in use"), unless the holder has been silent longer
// than connection_overtake_time. Also the last accepted message counters per agent, for
// verify_msg_id (kept in memory: a restart starts afresh, as a reinstalled agent does). Safe for
// concurrent use.
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>

#include "legacy/wire/secure_message.h"

namespace herald::legacy {

class RemoteSession;

class SessionRegistry {
 public:
  void add(const std::shared_ptr<RemoteSession>& session);
  void remove(const RemoteSession* session);
  std::size_t connections() const;
  std::size_t agents() const;

  // Makes `session` the one of `agent_id`. False when another session holds the agent, heard from
  // it less than `overtake_ms` ago and its peer is still there; any other holder is closed and
  // replaced.
  bool claim(const std::string& agent_id, const std::shared_ptr<RemoteSession>& session, std::int64_t now_ms,
             std::int64_t overtake_ms);
  // True when `session` still holds `agent_id` (then it is released).
  bool release(const std::string& agent_id, const RemoteSession* session);

  // verify_msg_id: true and remembered when `counters` are above the agent's last accepted ones.
  bool accept_counters(const std::string& agent_id, wire::Counters counters);

  // Closes the connection that speaks for `agent_id`, if any (its key was replaced).
  void close_agent(const std::string& agent_id, const std::string& why);
  // Closes every connection (heraldd is stopping).
  void close_all();

 private:
  mutable std::mutex mutex_;
  std::unordered_map<const RemoteSession*, std::weak_ptr<RemoteSession>> sessions_;
  std::unordered_map<std::string, std::weak_ptr<RemoteSession>> by_agent_;
  std::unordered_map<std::string, wire::ReplayGuard> counters_;
};

}  // namespace herald::legacy
