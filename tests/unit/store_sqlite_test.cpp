// SqliteStore beyond the shared Store contract (store_contract_test.cpp): files and paths.
#include <gtest/gtest.h>

#include <filesystem>

#include "store/sqlite/sqlite_store.h"
#include "support/temp_dir.h"

namespace herald::store::sqlite {
namespace {

TEST(StoreSqliteOpen, FailsCleanlyOnAnUnusablePath) {
  herald::test::TempDir dir;
  // A directory where the database file should be.
  std::filesystem::create_directories(dir.path() / "db");
  auto store = SqliteStore::open({dir.file("db"), "NORMAL"});
  ASSERT_FALSE(store.ok());
  EXPECT_TRUE(store.error().kind == core::ErrorKind::unavailable || store.error().kind == core::ErrorKind::internal)
      << store.error().message;
}

TEST(StoreSqliteOpen, CreatesTheDatabaseDirectory) {
  herald::test::TempDir dir;
  auto store = SqliteStore::open({dir.file("nested/deeper/herald.db"), "NORMAL"});
  ASSERT_TRUE(store.ok()) << store.error().message;
  EXPECT_TRUE(std::filesystem::exists(dir.path() / "nested" / "deeper" / "herald.db"));
}

}  // namespace
}  // namespace herald::store::sqlite
