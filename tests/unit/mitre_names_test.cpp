// MITRE ATT&CK names in alerts: Wazuh's MITRE database read (app/mitre_db) and rule.mitre built
// from it the way analysisd does — the tactic/technique pairs, or the deprecated ids.
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <boost/json.hpp>
#include <filesystem>
#include <fstream>

#include "analysis/alert_json.h"
#include "analysis/rule_engine.h"
#include "app/mitre_db.h"
#include "support/temp_dir.h"
#include "unit/analysis_rule_test_support.h"

namespace herald::analysis {
namespace {

namespace json = boost::json;
using testing::event_from;
using testing::rules_from;

// The tables and columns analysisd reads, with made-up internal ids.
constexpr const char* kMitreSchema = R"sql(
CREATE TABLE technique (id VARCHAR NOT NULL PRIMARY KEY, name VARCHAR NOT NULL, revoked_by VARCHAR, deprecated BOOLEAN);
CREATE TABLE tactic (id VARCHAR NOT NULL PRIMARY KEY, name VARCHAR NOT NULL);
CREATE TABLE phase (tactic_id VARCHAR NOT NULL, tech_id VARCHAR NOT NULL, PRIMARY KEY (tactic_id, tech_id));
CREATE TABLE reference (id VARCHAR NOT NULL, source VARCHAR NOT NULL, external_id VARCHAR, url VARCHAR NOT NULL,
                        PRIMARY KEY (id, source, url));
INSERT INTO technique VALUES ('tech-brute', 'Brute Force', NULL, 0), ('tech-valid', 'Valid Accounts', NULL, 0),
                             ('tech-old', 'Old Technique', NULL, 1), ('tech-revoked', 'Revoked', 'tech-valid', 0);
INSERT INTO tactic VALUES ('tac-cred', 'Credential Access'), ('tac-init', 'Initial Access'),
                          ('tac-pers', 'Persistence');
INSERT INTO phase VALUES ('tac-cred', 'tech-brute'), ('tac-init', 'tech-valid'), ('tac-pers', 'tech-valid'),
                         ('tac-cred', 'tech-old');
INSERT INTO reference VALUES ('tech-brute', 'mitre-attack', 'T1110', 'u1'), ('tech-valid', 'mitre-attack', 'T1078', 'u2'),
                             ('tech-old', 'mitre-attack', 'T9999', 'u3'), ('tech-revoked', 'mitre-attack', 'T8888', 'u4'),
                             ('tac-cred', 'mitre-attack', 'TA0006', 'u5'), ('tac-init', 'mitre-attack', 'TA0001', 'u6'),
                             ('tac-pers', 'mitre-attack', 'TA0003', 'u7'), ('tech-brute', 'capec', 'CAPEC-49', 'u8');
)sql";

class MitreNames : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (dir_.path() / "mitre.db").string();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    const int rc = sqlite3_exec(db, kMitreSchema, nullptr, nullptr, &error);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << (error ? error : "");
    auto loaded = app::load_mitre_db(path_);
    ASSERT_TRUE(loaded) << loaded.error().message;
    catalog_ = *loaded;
  }

  json::value mitre_of(std::string_view mitre_elements) {
    const RuleSet set = rules_from("<group name=\"x,\"><rule id=\"100\" level=\"3\"><match>x</match>" +
                                   std::string(mitre_elements) + "<description>d</description></rule></group>");
    RuleEngine engine(set);
    auto alert = engine.evaluate(event_from("x"), 1'700'000'000);
    EXPECT_TRUE(alert);
    if (!alert) return nullptr;
    AlertJsonOptions options;
    options.mitre = catalog_;
    auto rule = json::parse(alert_to_json(*alert, options, 1)).at("rule").as_object();
    return rule.contains("mitre") ? rule.at("mitre") : json::value(nullptr);
  }

  test::TempDir dir_;
  std::string path_;
  std::shared_ptr<const MitreCatalog> catalog_;
};

TEST_F(MitreNames, TheDatabaseGivesTheLiveTechniquesWithTheirTactics) {
  EXPECT_EQ(catalog_->size(), 2u);  // deprecated and revoked ones are left out
  const auto* valid = catalog_->find("T1078");
  ASSERT_NE(valid, nullptr);
  EXPECT_EQ(valid->name, "Valid Accounts");
  ASSERT_EQ(valid->tactics.size(), 2u);
  EXPECT_EQ(valid->tactics[0].id, "TA0001");
  EXPECT_EQ(valid->tactics[0].name, "Initial Access");
  EXPECT_EQ(catalog_->find("T9999"), nullptr);
  EXPECT_EQ(catalog_->find("CAPEC-49"), nullptr);
}

TEST_F(MitreNames, DeprecatedIdsGetEveryTacticOfTheKnownTechniques) {
  EXPECT_EQ(mitre_of("<mitre><id>T1110</id><id>T1078</id><id>T0000</id></mitre>"),
            json::parse(R"({"id":["T1110","T1078","T0000"],
                            "tactic":["Credential Access","Initial Access","Persistence"],
                            "technique":["Brute Force","Valid Accounts"]})"));
  // Nothing known: no "mitre" at all, as Wazuh does.
  EXPECT_TRUE(mitre_of("<mitre><id>T0000</id></mitre>").is_null());
}

TEST_F(MitreNames, TacticTechniquePairsCountOnlyWhenTheTechniqueHasThatTactic) {
  EXPECT_EQ(mitre_of("<mitre><tacticID>TA0003</tacticID><techniqueID>T1078</techniqueID></mitre>"
                     "<mitre><tacticID>TA0001</tacticID><techniqueID>T1078</techniqueID></mitre>"
                     "<mitre><tacticID>TA0001</tacticID><techniqueID>T1110</techniqueID></mitre>"),
            json::parse(R"({"id":["T1078"],"tactic":["Persistence","Initial Access"],"technique":["Valid Accounts"]})"));
  EXPECT_TRUE(mitre_of("<mitre><tacticID>TA0001</tacticID><techniqueID>T1110</techniqueID></mitre>").is_null());
}

TEST(MitreDb, AFileThatIsNotAMitreDatabaseIsAClearError) {
  test::TempDir dir;
  const auto path = (dir.path() / "other.db").string();
  std::ofstream(path) << "not sqlite at all, just text that is long enough to be a header............";
  auto loaded = app::load_mitre_db(path);
  ASSERT_FALSE(loaded);
  EXPECT_NE(loaded.error().message.find(path), std::string::npos) << loaded.error().message;
  auto missing = app::load_mitre_db((dir.path() / "absent.db").string());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("absent.db"), std::string::npos);
}

}  // namespace
}  // namespace herald::analysis
