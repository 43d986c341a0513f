#include "engine/serial_worker.h"

#include <gtest/gtest.h>

#include <future>
#include <vector>

namespace herald::engine {
namespace {

TEST(SerialWorker, RunsTasksInTheOrderTheyWerePostedAndDrainsOnStop) {
  std::vector<int> ran;
  SerialWorker worker(100);
  for (int i = 0; i < 50; ++i) EXPECT_TRUE(worker.post([&ran, i] { ran.push_back(i); }));
  worker.stop();
  ASSERT_EQ(ran.size(), 50u);
  for (int i = 0; i < 50; ++i) EXPECT_EQ(ran[i], i);
  EXPECT_EQ(worker.completed(), 50u);
  EXPECT_EQ(worker.dropped(), 0u);
}

TEST(SerialWorker, DropsAndCountsBeyondItsBoundAndAfterStop) {
  SerialWorker worker(2);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(worker.post([&started, released] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();  // the first task is running: the queue is empty again
  EXPECT_TRUE(worker.post([] {}));
  EXPECT_TRUE(worker.post([] {}));
  EXPECT_FALSE(worker.post([] {}));  // two wait already
  EXPECT_EQ(worker.dropped(), 1u);
  release.set_value();
  worker.stop();
  EXPECT_EQ(worker.completed(), 3u);
  EXPECT_FALSE(worker.post([] {}));
  EXPECT_EQ(worker.dropped(), 2u);
}

}  // namespace
}  // namespace herald::engine
