#pragma once
// A stand-in for an OpenSearch/Wazuh indexer node: an HTTP/1.1 server on 127.0.0.1 that takes
// `POST /_bulk` as the real one does and records every request exactly as it came (method,
// target, headers, body), so tests check the forwarder's wire format. It can be stopped and
// started again on the same port (an indexer outage), answer whole requests with 429, or mark
// items 429 / 400 in an errors:true reply. Plain TCP, or TLS with a given certificate and key.
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace boost::asio {
class io_context;
}

namespace herald::test {

struct ReceivedRequest {
  std::string method;
  std::string target;
  std::map<std::string, std::string> headers;  // names in lower case
  std::string body;
};

class BulkReceiver {
 public:
  // Picks a free loopback port, kept for every start(). With cert/key files: https.
  BulkReceiver(std::string cert_file = "", std::string key_file = "");
  ~BulkReceiver();
  BulkReceiver(const BulkReceiver&) = delete;
  BulkReceiver& operator=(const BulkReceiver&) = delete;

  void start();  // listens; throws when it cannot
  void stop();   // closes the listener and every connection; idempotent

  std::string url() const;  // http(s)://127.0.0.1:<port>

  // The next `count` requests are answered 429 as a whole (nothing indexed).
  void refuse_next_requests(int count);
  // In the next reply that holds a document containing `marker`, those documents get item status
  // `status` (not indexed); every other document of every reply 201.
  void fail_items_once(std::string marker, unsigned status);

  // From now on a POST to any other target than /_bulk is answered 200 "ok", as a Slack or
  // webhook receiver does (integration tests); without this such requests get 404.
  void accept_hooks();

  std::vector<ReceivedRequest> requests() const;
  // The documents (the line after each action line) the receiver indexed (status 201), in order.
  std::vector<std::string> indexed_documents() const;
  // The action lines of indexed documents, parallel to indexed_documents().
  std::vector<std::string> indexed_actions() const;

  struct State;  // what the connections share; defined in the .cpp

 private:
  std::shared_ptr<State> state_;
  std::string cert_file_;
  std::string key_file_;
  int port_ = 0;
  std::unique_ptr<boost::asio::io_context> io_;
  std::thread thread_;
};

}  // namespace herald::test
