#pragma once
// The Store contract fixture. Every backend runs the same tests: a backend supplies `prepare`,
// which makes a fresh, empty database and returns a factory that opens a Store on it. Calling the
// factory again after the previous Store was closed reopens the same data (durability tests).
// Whatever the factory owns (temp directory, schema) is released when the factory is destroyed.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <ostream>
#include <string>
#include <vector>

#include "store/store.h"

namespace herald::store::testing {

using StoreFactory = std::function<std::unique_ptr<Store>()>;

struct StoreBackend {
  std::string name;
  std::function<StoreFactory()> prepare;
};

inline void PrintTo(const StoreBackend& backend, std::ostream* os) { *os << backend.name; }

class StoreContract : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    factory_ = GetParam().prepare();
    ASSERT_TRUE(factory_);
    store_ = factory_();
    ASSERT_NE(store_, nullptr);
  }
  void TearDown() override {
    if (store_) store_->close();
    store_.reset();
    factory_ = nullptr;  // removes the backend's data
  }

  Store& store() { return *store_; }

  // Closes the current store and opens a new one on the same data.
  void reopen() {
    store_->close();
    store_.reset();
    store_ = factory_();
    ASSERT_NE(store_, nullptr);
  }

  StoreFactory factory_;
  std::unique_ptr<Store> store_;
};

}  // namespace herald::store::testing
