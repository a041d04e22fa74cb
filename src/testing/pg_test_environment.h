#ifndef SLUGWRIGHT_TESTING_PG_TEST_ENVIRONMENT_H_
#define SLUGWRIGHT_TESTING_PG_TEST_ENVIRONMENT_H_

#include <string>

class LocalPostgres;

/// The throwaway cluster shared by every test of slugwright_pg_tests,
/// started once by a GoogleTest global Environment (pg_test_main.cc).
LocalPostgres& TestCluster();

/// A fresh, empty database on TestCluster() for one test; returns its URL.
/// Names are unique within the run.
std::string FreshDatabaseUrl(std::string* name = nullptr);

#endif  // SLUGWRIGHT_TESTING_PG_TEST_ENVIRONMENT_H_
