#include "engine/file_event_sink.h"

#include <boost/json.hpp>
#include <gtest/gtest.h>

#include "support/stateful_samples.h"

#include <filesystem>
#include <fstream>
#include <random>
#include <thread>

#include "core/stateful_events.h"

namespace herald::engine {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;

const std::string& kMetadata = test::kAgentMetadataLine;

const std::string kSpecBody = kMetadata + "\n" +
                              R"({"id":"U5jBvJUBm0bV3tIT0mmW","module":"command","operation":"update"})"
                              "\n"
                              R"({"command":{"result":{"code":0,"message":"done"},"x":1.5}})"
                              "\n"
                              R"({"collector":"packages","id":"pkg-1","module":"inventory","operation":"delete"})"
                              "\n";

core::StatefulBatch batch_of(std::string_view body) {
  auto parsed = core::parse_stateful_events(body);
  EXPECT_TRUE(std::holds_alternative<core::StatefulBatch>(parsed));
  return std::get<core::StatefulBatch>(std::move(parsed));
}

class TempDir {
 public:
  TempDir() {
    std::random_device seed;
    path_ = fs::temp_directory_path() / ("herald-event-sink-" + std::to_string(seed()) + std::to_string(seed()));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::vector<std::string> read_lines(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

json::object parse_object(const std::string& line) {
  boost::system::error_code ec;
  auto value = json::parse(line, ec);
  EXPECT_FALSE(ec) << line;
  EXPECT_TRUE(value.is_object()) << line;
  return value.is_object() ? value.get_object() : json::object{};
}

std::unique_ptr<FileEventSink> open_sink(const fs::path& dir, const core::Clock& clock,
                                         std::uint64_t max_file_bytes = 64ull << 20, int max_files = 8) {
  auto sink = FileEventSink::open({dir.string(), max_file_bytes, max_files}, clock);
  EXPECT_TRUE(sink.ok()) << (sink.ok() ? "" : sink.error().message);
  return sink.ok() ? std::move(sink).value() : nullptr;
}

TEST(EngineFileEventSink, WritesOneLinePerStatefulEvent) {
  TempDir dir;
  core::ManualClock clock(1'700'000'000);
  auto sink = open_sink(dir.path(), clock);
  ASSERT_TRUE(sink);
  ASSERT_TRUE(sink->write_stateful(batch_of(kSpecBody)).ok());

  auto lines = read_lines(dir.path() / "events.ndjson");
  ASSERT_EQ(lines.size(), 2u);
  auto result = parse_object(lines[0]);
  EXPECT_EQ(result.at("type"), "stateful");
  EXPECT_EQ(result.at("received_at"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(result.at("agent").at("id"), "d5b250c4-dfa1-4d94-827f-9f99210dbe6c");
  EXPECT_EQ(result.at("agent").at("host").at("os").at("name"), "Ubuntu");
  EXPECT_EQ(result.at("index"), "wazuh-commands");
  EXPECT_EQ(result.at("id"), "U5jBvJUBm0bV3tIT0mmW");
  EXPECT_EQ(result.at("module"), "command");
  EXPECT_FALSE(result.contains("collector"));
  EXPECT_EQ(result.at("operation"), "update");
  EXPECT_EQ(result.at("data").at("command").at("result").at("message"), "done");
  // The data goes out as received, without re-rendering its numbers.
  EXPECT_NE(lines[0].find(R"("x":1.5})"), std::string::npos) << lines[0];

  auto removal = parse_object(lines[1]);
  EXPECT_EQ(removal.at("index"), "wazuh-states-inventory-packages");
  EXPECT_EQ(removal.at("collector"), "packages");
  EXPECT_EQ(removal.at("operation"), "delete");
  EXPECT_FALSE(removal.contains("data"));
}

TEST(EngineFileEventSink, WritesOneLinePerStatelessLineInOrder) {
  TempDir dir;
  core::ManualClock clock(1'700'000'000);
  auto sink = open_sink(dir.path(), clock);
  ASSERT_TRUE(sink);
  const std::string body = "{\"module\":\"logcollector\",\"collector\":\"file\"}\r\n\n  \n"
                           "not json \xff\x01 \"quoted\"\n"
                           "{\"event\":{\"original\":\"a\\nb\"}}";
  ASSERT_TRUE(sink->write_stateless("agent-1", body).ok());
  ASSERT_TRUE(sink->write_stateless("agent-1", "\n\n").ok());  // nothing to write

  auto lines = read_lines(dir.path() / "events.ndjson");
  ASSERT_EQ(lines.size(), 3u);
  auto header = parse_object(lines[0]);
  EXPECT_EQ(header.at("type"), "stateless");
  EXPECT_EQ(header.at("received_at"), "2023-11-14T22:13:20Z");
  EXPECT_EQ(header.at("agent_id"), "agent-1");
  EXPECT_EQ(header.at("event").at("module"), "logcollector");
  auto raw = parse_object(lines[1]);
  EXPECT_EQ(raw.at("event"), "not json \xEF\xBF\xBD\x01 \"quoted\"");
  auto data = parse_object(lines[2]);
  EXPECT_EQ(data.at("event").at("event").at("original"), "a\nb");
}

TEST(EngineFileEventSink, FollowsTheFileWhenSomeoneMovesIt) {
  // logrotate-style: the file is moved away; the next write starts a new file at the path
  // instead of writing into the moved one.
  TempDir dir;
  core::ManualClock clock;
  auto sink = open_sink(dir.path(), clock);
  ASSERT_TRUE(sink->write_stateless("a", "{}").ok());
  fs::rename(dir.path() / "events.ndjson", dir.path() / "moved.ndjson");
  ASSERT_TRUE(sink->write_stateless("b", "{}").ok());
  auto current = read_lines(dir.path() / "events.ndjson");
  ASSERT_EQ(current.size(), 1u);
  EXPECT_EQ(parse_object(current[0]).at("agent_id"), "b");
  EXPECT_EQ(read_lines(dir.path() / "moved.ndjson").size(), 1u);
}

TEST(EngineFileEventSink, AppendsToAnExistingFile) {
  TempDir dir;
  core::ManualClock clock;
  ASSERT_TRUE(open_sink(dir.path(), clock)->write_stateless("a", "{}").ok());
  ASSERT_TRUE(open_sink(dir.path(), clock)->write_stateless("b", "{}").ok());
  auto lines = read_lines(dir.path() / "events.ndjson");
  ASSERT_EQ(lines.size(), 2u);
  EXPECT_EQ(parse_object(lines[1]).at("agent_id"), "b");
}

TEST(EngineFileEventSink, RotationKeepsAtMostMaxFilesAndTheNewestLinesInTheCurrentFile) {
  TempDir dir;
  core::ManualClock clock;
  constexpr std::uint64_t kMaxBytes = 400;
  auto sink = open_sink(dir.path(), clock, kMaxBytes, 3);
  ASSERT_TRUE(sink);
  for (int i = 0; i < 40; ++i) {
    ASSERT_TRUE(sink->write_stateless("agent", "{\"n\":" + std::to_string(i) + "}").ok());
  }
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(dir.path())) names.push_back(entry.path().filename().string());
  std::sort(names.begin(), names.end());
  EXPECT_EQ(names, (std::vector<std::string>{"events.1.ndjson", "events.2.ndjson", "events.ndjson"}));

  // Oldest to newest: events.2, events.1, events; each within the limit, numbers consecutive.
  std::vector<std::int64_t> numbers;
  for (const char* name : {"events.2.ndjson", "events.1.ndjson", "events.ndjson"}) {
    EXPECT_LE(fs::file_size(dir.path() / name), kMaxBytes) << name;
    for (const auto& line : read_lines(dir.path() / name)) {
      numbers.push_back(parse_object(line).at("event").at("n").as_int64());
    }
  }
  ASSERT_FALSE(numbers.empty());
  EXPECT_EQ(numbers.back(), 39);
  for (std::size_t i = 1; i < numbers.size(); ++i) EXPECT_EQ(numbers[i], numbers[i - 1] + 1);
  EXPECT_LT(numbers.size(), 40u);  // the oldest were deleted
}

TEST(EngineFileEventSink, RotationWithOneFileStartsOver) {
  TempDir dir;
  core::ManualClock clock;
  auto sink = open_sink(dir.path(), clock, 200, 1);
  ASSERT_TRUE(sink);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(sink->write_stateless("agent", "{\"n\":" + std::to_string(i) + "}").ok());
  EXPECT_EQ(std::distance(fs::directory_iterator(dir.path()), fs::directory_iterator()), 1);
  auto lines = read_lines(dir.path() / "events.ndjson");
  ASSERT_FALSE(lines.empty());
  EXPECT_EQ(parse_object(lines.back()).at("event").at("n"), 9);
}

TEST(EngineFileEventSink, AWriteLargerThanTheLimitGoesWholeIntoAFreshFile) {
  TempDir dir;
  core::ManualClock clock;
  auto sink = open_sink(dir.path(), clock, 100, 4);
  ASSERT_TRUE(sink);
  ASSERT_TRUE(sink->write_stateless("agent", "{\"n\":0}").ok());
  ASSERT_TRUE(sink->write_stateless("agent", "{\"big\":\"" + std::string(500, 'x') + "\"}\n{\"n\":1}").ok());
  EXPECT_EQ(read_lines(dir.path() / "events.1.ndjson").size(), 1u);
  EXPECT_EQ(read_lines(dir.path() / "events.ndjson").size(), 2u);
}

TEST(EngineFileEventSink, RejectsBadOptions) {
  TempDir dir;
  core::ManualClock clock;
  EXPECT_EQ(FileEventSink::open({"", 100, 2}, clock).error().kind, core::ErrorKind::invalid_argument);
  EXPECT_EQ(FileEventSink::open({dir.path().string(), 0, 2}, clock).error().kind, core::ErrorKind::invalid_argument);
  EXPECT_EQ(FileEventSink::open({dir.path().string(), 100, 0}, clock).error().kind, core::ErrorKind::invalid_argument);
}

TEST(EngineFileEventSink, UnusableDirectoryIsUnavailable) {
  TempDir dir;
  core::ManualClock clock;
  std::ofstream(dir.path() / "a-file") << "x";
  auto sink = FileEventSink::open({(dir.path() / "a-file" / "events").string()}, clock);
  ASSERT_FALSE(sink.ok());
  EXPECT_EQ(sink.error().kind, core::ErrorKind::unavailable);
}

TEST(EngineFileEventSink, WriteErrorIsUnavailableWithTheErrnoText) {
  // Tests may run as root, where permissions do not stop writes: /dev/full fails every write.
  if (!fs::exists("/dev/full")) GTEST_SKIP() << "no /dev/full";
  TempDir dir;
  core::ManualClock clock;
  fs::create_symlink("/dev/full", dir.path() / "events.ndjson");
  auto sink = open_sink(dir.path(), clock);
  ASSERT_TRUE(sink);
  auto status = sink->write_stateful(batch_of(kSpecBody));
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::unavailable);
  EXPECT_NE(status.error().message.find("No space left on device"), std::string::npos) << status.error().message;
}

TEST(EngineFileEventSink, RemovedDirectoryIsUnavailableThenRecovers) {
  TempDir dir;
  core::ManualClock clock;
  const auto events_dir = dir.path() / "events";
  auto sink = open_sink(events_dir, clock, 10, 3);
  ASSERT_TRUE(sink);
  ASSERT_TRUE(sink->write_stateless("agent", "{}").ok());
  fs::remove_all(events_dir);

  auto status = sink->write_stateless("agent", "{}");  // must rotate, and cannot reopen
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().kind, core::ErrorKind::unavailable);
  EXPECT_NE(status.error().message.find("No such file or directory"), std::string::npos) << status.error().message;

  fs::create_directories(events_dir);
  ASSERT_TRUE(sink->write_stateless("agent", "{\"back\":true}").ok());
  auto lines = read_lines(events_dir / "events.ndjson");
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(parse_object(lines[0]).at("event").at("back"), true);
}

TEST(EngineFileEventSink, ConcurrentWritersProduceOnlyWholeLines) {
  TempDir dir;
  core::ManualClock clock;
  constexpr int kThreads = 8;
  constexpr int kWrites = 150;
  auto sink = open_sink(dir.path(), clock, 32 << 10, 1000);  // rotates often, deletes nothing
  ASSERT_TRUE(sink);
  const auto batch = batch_of(kSpecBody);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kWrites; ++i) {
        EXPECT_TRUE(sink->write_stateful(batch).ok());
        const std::string id = std::to_string(t) + "-" + std::to_string(i);
        EXPECT_TRUE(sink->write_stateless(id, "{\"a\":1}\n{\"b\":2}").ok());
      }
    });
  }
  for (auto& thread : threads) thread.join();

  std::size_t stateful = 0;
  std::size_t stateless = 0;
  std::size_t files = 0;
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    ++files;
    for (const auto& line : read_lines(entry.path())) {
      auto object = parse_object(line);
      if (object.at("type") == "stateful") ++stateful;
      if (object.at("type") == "stateless") ++stateless;
    }
  }
  EXPECT_GT(files, 1u);
  EXPECT_EQ(stateful, std::size_t{kThreads} * kWrites * 2);
  EXPECT_EQ(stateless, std::size_t{kThreads} * kWrites * 2);
}

}  // namespace
}  // namespace herald::engine
