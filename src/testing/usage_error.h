#ifndef SLUGWRIGHT_TESTING_USAGE_ERROR_H_
#define SLUGWRIGHT_TESTING_USAGE_ERROR_H_

// For tests of code that refuses bad input with UserError(kExitUsage): the
// message it threw.

#include <gtest/gtest.h>
#include <string>

#include "base/exit_codes.h"

/// The message of the UserError(kExitUsage) that `f` throws, or "" with a
/// test failure (also when the exit code is another).
template <typename F>
std::string UsageError(F f) {
  try {
    f();
  } catch (const UserError& e) {
    EXPECT_EQ(kExitUsage, e.code()) << e.what();
    return e.what();
  }
  ADD_FAILURE() << "no UserError thrown";
  return "";
}

#endif  // SLUGWRIGHT_TESTING_USAGE_ERROR_H_
