// main() of slugwright_pg_tests: starts one throwaway PostgreSQL cluster
// for the whole run (a GoogleTest global Environment) and gives each test
// its own database on it.

#include <atomic>
#include <gtest/gtest.h>
#include <memory>
#include <string>

#include "postgres/local_postgres.h"
#include "testing/pg_test_environment.h"

namespace {

std::unique_ptr<LocalPostgres> g_cluster;

class ClusterEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    LocalPostgresOptions options;
    // Every statement is logged, so tests can count what a run sends.
    options.settings.push_back("log_statement = 'all'");
    options.settings.push_back("log_min_messages = 'warning'");
    // The server without SSL that Reliability.SslModeRequireAgainstAServerWithoutSsl
    // needs; a rehearsal's copy and the SSL tests' servers serve SSL.
    options.ssl = false;
    g_cluster = std::make_unique<LocalPostgres>(options);
  }
  void TearDown() override { g_cluster.reset(); }
};

}  // namespace

LocalPostgres& TestCluster() { return *g_cluster; }

std::string FreshDatabaseUrl(std::string* name) {
  static std::atomic<int> counter{0};
  std::string db = "t" + std::to_string(++counter);
  if (name) *name = db;
  return g_cluster->CreateDatabase(db);
}

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  ::testing::AddGlobalTestEnvironment(new ClusterEnvironment);
  return RUN_ALL_TESTS();
}
