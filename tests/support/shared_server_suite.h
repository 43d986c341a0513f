#pragma once
// A test suite whose tests share one heraldd, started before the first test and stopped after
// the last (CTest runs each test in its own process, so in CI each test still gets a fresh one).
#include <gtest/gtest.h>

#include <memory>

#include "support/heraldd_process.h"

namespace herald::test {

class SharedServerSuite : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = std::make_unique<HeralddProcess>();
    server_->start();
  }
  static void TearDownTestSuite() { server_.reset(); }
  static inline std::unique_ptr<HeralddProcess> server_;
};

}  // namespace herald::test
