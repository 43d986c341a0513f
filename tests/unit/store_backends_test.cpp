// The backends every parameterized Store suite runs on: SQLite always, PostgreSQL when its
// server binaries are installed (a real server, one per test binary, a fresh database per test).
#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "store/postgres/postgres_store.h"
#include "store/sqlite/sqlite_store.h"
#include "support/postgres_server.h"
#include "support/temp_dir.h"
#include "unit/async_store_fixture.h"
#include "unit/store_test_fixture.h"

namespace herald::store::testing {
namespace {

StoreFactory sqlite_factory() {
  auto dir = std::make_shared<herald::test::TempDir>();
  return [dir]() -> std::unique_ptr<Store> {
    auto store = sqlite::SqliteStore::open({dir->file("data/herald.db"), "NORMAL"});
    if (!store.ok()) {
      ADD_FAILURE() << "SqliteStore::open: " << store.error().message;
      return nullptr;
    }
    return std::move(store).value();
  };
}

StoreFactory postgres_factory() {
  std::shared_ptr<herald::test::PostgresDatabase> database;
  try {
    database = std::make_shared<herald::test::PostgresDatabase>(herald::test::PostgresServer::shared());
  } catch (const std::exception& e) {
    ADD_FAILURE() << "test PostgreSQL: " << e.what();
    return nullptr;
  }
  return [database]() -> std::unique_ptr<Store> {
    auto store = postgres::PostgresStore::open({.dsn = database->dsn()});
    if (!store.ok()) {
      ADD_FAILURE() << "PostgresStore::open: " << store.error().message;
      return nullptr;
    }
    return std::move(store).value();
  };
}

const StoreBackend kSqlite{"Sqlite", sqlite_factory, nullptr};
const StoreBackend kPostgres{"Postgres", postgres_factory, herald::test::PostgresServer::unavailable_reason};

std::string backend_name(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

INSTANTIATE_TEST_SUITE_P(Store, StoreContract, ::testing::Values(kSqlite, kPostgres), backend_name);
INSTANTIATE_TEST_SUITE_P(Store, OrderListing, ::testing::Values(kSqlite, kPostgres), backend_name);
INSTANTIATE_TEST_SUITE_P(Store, LegacyKeys, ::testing::Values(kSqlite, kPostgres), backend_name);
INSTANTIATE_TEST_SUITE_P(Store, ResultBatching, ::testing::Values(kSqlite, kPostgres), backend_name);
INSTANTIATE_TEST_SUITE_P(Store, CommandSubmission, ::testing::Values(kSqlite, kPostgres), backend_name);

}  // namespace
}  // namespace herald::store::testing
