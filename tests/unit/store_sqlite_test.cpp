// SqliteStore beyond the shared Store contract (store_contract_test.cpp): files and paths.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "store/sqlite/sqlite_store.h"
#include "store/sqlite/startup_check.h"
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

std::string file_bytes(const std::filesystem::path& path) {
  std::ifstream file(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(file), std::istreambuf_iterator<char>()};
}

TEST(StoreSqliteStartupCheck, MissingEmptyAndHeraldFilesPass) {
  herald::test::TempDir dir;
  EXPECT_TRUE(check_existing_database(dir.file("missing.db"), StartupCheck::full).ok());
  std::ofstream(dir.file("empty.db")).flush();
  EXPECT_TRUE(check_existing_database(dir.file("empty.db"), StartupCheck::full).ok());
  {
    auto store = SqliteStore::open({dir.file("herald.db"), "NORMAL"});
    ASSERT_TRUE(store.ok()) << store.error().message;
  }
  for (auto check : {StartupCheck::automatic, StartupCheck::full, StartupCheck::quick, StartupCheck::off}) {
    auto status = check_existing_database(dir.file("herald.db"), check);
    EXPECT_TRUE(status.ok()) << status.error().message;
  }
  // The read-only connection's -wal and -shm do not stay behind.
  EXPECT_FALSE(std::filesystem::exists(dir.file("herald.db-wal")));
  EXPECT_FALSE(std::filesystem::exists(dir.file("herald.db-shm")));
}

TEST(StoreSqliteStartupCheck, ForeignAndNonSqliteFilesAreRefusedAndLeftAsTheyWere) {
  herald::test::TempDir dir;
  std::ofstream(dir.file("notes.db")) << "not a database\n";
  sqlite3* handle = nullptr;
  ASSERT_EQ(sqlite3_open(dir.file("other.db").c_str(), &handle), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(handle, "PRAGMA journal_mode=WAL; CREATE TABLE bookmarks(url TEXT);", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(handle);
  for (const auto* name : {"notes.db", "other.db"}) {
    SCOPED_TRACE(name);
    const auto before = file_bytes(dir.path() / name);
    auto status = check_existing_database(dir.file(name), StartupCheck::full);
    ASSERT_FALSE(status.ok());
    EXPECT_NE(status.error().message.find(dir.file(name)), std::string::npos) << status.error().message;
    EXPECT_EQ(file_bytes(dir.path() / name), before);
    // And opening the store does not change it either.
    EXPECT_FALSE(SqliteStore::open({dir.file(name), "NORMAL"}).ok());
    EXPECT_EQ(file_bytes(dir.path() / name), before);
  }
  EXPECT_NE(
      check_existing_database(dir.file("notes.db"), StartupCheck::off).error().message.find("not a SQLite database"),
      std::string::npos);
  EXPECT_NE(check_existing_database(dir.file("other.db"), StartupCheck::off).error().message.find("bookmarks"),
            std::string::npos);
  EXPECT_FALSE(std::filesystem::exists(dir.file("other.db-wal")));
}

TEST(StoreSqliteStartupCheck, ParsesTheConfigValues) {
  EXPECT_EQ(*parse_startup_check("auto"), StartupCheck::automatic);
  EXPECT_EQ(*parse_startup_check("full"), StartupCheck::full);
  EXPECT_EQ(*parse_startup_check("quick"), StartupCheck::quick);
  EXPECT_EQ(*parse_startup_check("off"), StartupCheck::off);
  EXPECT_FALSE(parse_startup_check("FULL").ok());
}

}  // namespace
}  // namespace herald::store::sqlite
