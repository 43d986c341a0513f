#include "legacy/session_registry.h"

#include <vector>

#include "legacy/remote_session.h"

namespace herald::legacy {

void SessionRegistry::add(const std::shared_ptr<RemoteSession>& session) {
  std::lock_guard lock(mutex_);
  sessions_[session.get()] = session;
}

void SessionRegistry::remove(const RemoteSession* session) {
  std::lock_guard lock(mutex_);
  sessions_.erase(session);
}

std::size_t SessionRegistry::connections() const {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

std::size_t SessionRegistry::agents() const {
  std::lock_guard lock(mutex_);
  return by_agent_.size();
}

bool SessionRegistry::claim(const std::string& agent_id, const std::shared_ptr<RemoteSession>& session,
                            std::int64_t now_ms, std::int64_t overtake_ms) {
  std::shared_ptr<RemoteSession> displaced;
  {
    std::lock_guard lock(mutex_);
    auto& holder = by_agent_[agent_id];
    auto current = holder.lock();
    if (current && current != session) {
      if (now_ms - current->last_message_ms() < overtake_ms && !current->peer_hung_up()) return false;
      displaced = std::move(current);
    }
    holder = session;
  }
  if (displaced) displaced->close("replaced by a newer connection of the same agent");
  return true;
}

bool SessionRegistry::release(const std::string& agent_id, const RemoteSession* session) {
  std::lock_guard lock(mutex_);
  auto found = by_agent_.find(agent_id);
  if (found == by_agent_.end()) return false;
  auto current = found->second.lock();
  if (current && current.get() != session) return false;
  by_agent_.erase(found);
  return current != nullptr;
}

bool SessionRegistry::accept_counters(const std::string& agent_id, wire::Counters counters) {
  std::lock_guard lock(mutex_);
  return counters_[agent_id].accept(counters);
}

void SessionRegistry::close_agent(const std::string& agent_id, const std::string& why) {
  std::shared_ptr<RemoteSession> session;
  {
    std::lock_guard lock(mutex_);
    auto found = by_agent_.find(agent_id);
    if (found != by_agent_.end()) session = found->second.lock();
  }
  if (session) session->close(why);
}

void SessionRegistry::close_all() {
  std::vector<std::shared_ptr<RemoteSession>> open;
  {
    std::lock_guard lock(mutex_);
    for (auto& [pointer, weak] : sessions_) {
      if (auto session = weak.lock()) open.push_back(std::move(session));
    }
  }
  for (auto& session : open) session->close("heraldd is stopping", /*stopping=*/true);
}

}  // namespace herald::legacy
