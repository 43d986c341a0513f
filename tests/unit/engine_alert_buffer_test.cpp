#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/alert_buffer.h"
#include "support/temp_dir.h"

namespace herald::engine {
namespace {

namespace fs = std::filesystem;

std::unique_ptr<AlertBuffer> open_buffer(const test::TempDir& dir, std::uint64_t max_bytes = 1 << 20,
                                         std::uint64_t segment_bytes = 1 << 16) {
  auto buffer = AlertBuffer::open({dir.file("buffer"), max_bytes, segment_bytes});
  EXPECT_TRUE(buffer) << (buffer ? "" : buffer.error().message);
  return buffer ? std::move(*buffer) : nullptr;
}

std::vector<std::string> read_all(AlertBuffer& buffer) {
  std::vector<std::string> out;
  for (;;) {
    auto batch = buffer.read(1000, 1 << 20);
    EXPECT_TRUE(batch);
    if (!batch || batch->records.empty()) {
      if (buffer.unsent_records() == 0) return out;
      EXPECT_TRUE(buffer.commit(batch->end, 0));
      continue;
    }
    out.insert(out.end(), batch->records.begin(), batch->records.end());
    EXPECT_TRUE(buffer.commit(batch->end, batch->records.size()));
  }
}

TEST(AlertBuffer, RecordsComeBackInOrderAndACommitMovesPastThem) {
  test::TempDir dir;
  auto buffer = open_buffer(dir);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(*buffer->append("record " + std::to_string(i)));
  EXPECT_EQ(buffer->unsent_records(), 5u);
  EXPECT_EQ(buffer->unsent_bytes(), 5u * 9);

  auto first = buffer->read(2, 1 << 20);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->records, (std::vector<std::string>{"record 0", "record 1"}));
  // Until committed, the same records come again.
  auto again = buffer->read(2, 1 << 20);
  EXPECT_EQ(again->records, first->records);
  ASSERT_TRUE(buffer->commit(first->end, first->records.size()));
  EXPECT_EQ(buffer->unsent_records(), 3u);
  EXPECT_EQ(buffer->unsent_bytes(), 3u * 9);

  auto rest = buffer->read(100, 1 << 20);
  EXPECT_EQ(rest->records, (std::vector<std::string>{"record 2", "record 3", "record 4"}));
}

TEST(AlertBuffer, ABatchStopsAtMaxBytesButAlwaysHoldsOneRecord) {
  test::TempDir dir;
  auto buffer = open_buffer(dir);
  ASSERT_TRUE(*buffer->append(std::string(100, 'a')));
  ASSERT_TRUE(*buffer->append(std::string(10, 'b')));
  auto batch = buffer->read(100, 50);
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->records.size(), 1u);
  EXPECT_EQ(batch->records[0], std::string(100, 'a'));
  ASSERT_TRUE(buffer->commit(batch->end, 1));
  batch = buffer->read(100, 50);
  ASSERT_EQ(batch->records.size(), 1u);
  EXPECT_EQ(batch->records[0], std::string(10, 'b'));
}

TEST(AlertBuffer, WhatWasNotCommittedIsThereAfterARestart) {
  test::TempDir dir;
  {
    auto buffer = open_buffer(dir);
    for (int i = 0; i < 4; ++i) ASSERT_TRUE(*buffer->append("r" + std::to_string(i)));
    ASSERT_TRUE(buffer->sync());
    auto batch = buffer->read(1, 1 << 20);
    ASSERT_TRUE(buffer->commit(batch->end, 1));
    ASSERT_TRUE(buffer->read(2, 1 << 20));  // read, never committed: a crash before the indexer answered
  }
  auto reopened = open_buffer(dir);
  EXPECT_EQ(reopened->unsent_records(), 3u);
  EXPECT_EQ(read_all(*reopened), (std::vector<std::string>{"r1", "r2", "r3"}));
}

TEST(AlertBuffer, ATornRecordAtTheEndIsCutOffOnOpen) {
  test::TempDir dir;
  {
    auto buffer = open_buffer(dir);
    ASSERT_TRUE(*buffer->append("whole"));
  }
  std::string segment;
  for (const auto& entry : fs::directory_iterator(dir.file("buffer"))) {
    if (entry.path().extension() == ".seg") segment = entry.path().string();
  }
  ASSERT_FALSE(segment.empty());
  std::ofstream(segment, std::ios::app) << "half of a rec";
  auto reopened = open_buffer(dir);
  EXPECT_EQ(reopened->unsent_records(), 1u);
  ASSERT_TRUE(*reopened->append("next"));
  EXPECT_EQ(read_all(*reopened), (std::vector<std::string>{"whole", "next"}));
}

TEST(AlertBuffer, RecordsSpanSegmentsAndSentSegmentsAreDeleted) {
  test::TempDir dir;
  auto buffer = open_buffer(dir, 1 << 20, 100);
  std::vector<std::string> written;
  for (int i = 0; i < 50; ++i) {
    written.push_back("record number " + std::to_string(i));
    ASSERT_TRUE(*buffer->append(written.back()));
  }
  auto segments = [&] {
    int count = 0;
    for (const auto& entry : fs::directory_iterator(dir.file("buffer"))) count += entry.path().extension() == ".seg";
    return count;
  };
  EXPECT_GT(segments(), 5);
  EXPECT_EQ(read_all(*buffer), written);
  EXPECT_EQ(segments(), 1);
  EXPECT_EQ(buffer->unsent_bytes(), 0u);
  // And after a restart nothing is sent twice.
  buffer.reset();
  auto reopened = open_buffer(dir, 1 << 20, 100);
  EXPECT_EQ(reopened->unsent_records(), 0u);
  EXPECT_TRUE(read_all(*reopened).empty());
}

TEST(AlertBuffer, WhenFullTheNewestRecordIsRefused) {
  test::TempDir dir;
  auto buffer = open_buffer(dir, 20, 1000);
  EXPECT_TRUE(*buffer->append("123456789"));  // 10 bytes with its newline
  EXPECT_TRUE(*buffer->append("abcdefghi"));  // 20
  EXPECT_FALSE(*buffer->append("x"));         // would be 22
  EXPECT_EQ(buffer->unsent_records(), 2u);
  auto batch = buffer->read(1, 1 << 20);
  ASSERT_TRUE(buffer->commit(batch->end, 1));  // room again
  EXPECT_TRUE(*buffer->append("x"));
  EXPECT_EQ(read_all(*buffer), (std::vector<std::string>{"abcdefghi", "x"}));
  EXPECT_FALSE(*buffer->append("two\nlines"));
}

TEST(AlertBuffer, ConcurrentAppendsAreAllKeptWhole) {
  test::TempDir dir;
  auto buffer = open_buffer(dir, 1 << 24, 4096);
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 500; ++i) ASSERT_TRUE(*buffer->append("t" + std::to_string(t) + "-" + std::to_string(i)));
    });
  }
  for (auto& writer : writers) writer.join();
  auto records = read_all(*buffer);
  ASSERT_EQ(records.size(), 2000u);
  std::sort(records.begin(), records.end());
  EXPECT_EQ(std::unique(records.begin(), records.end()), records.end());
}

TEST(AlertBuffer, BadOptionsAreErrors) {
  test::TempDir dir;
  EXPECT_FALSE(AlertBuffer::open({"", 100, 100}));
  EXPECT_FALSE(AlertBuffer::open({dir.file("b"), 0, 100}));
  std::ofstream(dir.file("file")) << "x";
  EXPECT_FALSE(AlertBuffer::open({dir.file("file") + "/sub", 100, 100}));
}

}  // namespace
}  // namespace herald::engine
