#include "migrate/database_wait.h"

#include <algorithm>
#include <string>

#include "base/clock.h"
#include "base/interrupt.h"
#include "migrate/run_error.h"
#include "migrate/run_observer.h"
#include "migrate/session.h"

namespace {

constexpr double kPollSeconds = 1.0;

[[noreturn]] void ThrowInterrupted(Interrupt* interrupt, Session* session) {
  RunError::Facts facts;
  facts.database = session->Describe();
  facts.signal = interrupt->signal();
  facts.interrupt_exit_code = interrupt->exit_code();
  throw RunError(RunError::Kind::kInterruptedWaitingForDatabase, std::move(facts));
}

}  // namespace

void WaitForDatabase(Session* session, Clock* clock, Interrupt* interrupt,
                     RunObserver* events, double timeout_seconds) {
  const double start = clock->Now();
  bool announced = false;
  for (;;) {
    if (interrupt && interrupt->requested()) ThrowInterrupted(interrupt, session);
    std::string error;
    try {
      session->Connect();
      if (announced) events->DatabaseAccepts(session->Describe(), clock->Now() - start);
      return;
    } catch (const DatabaseError& e) {
      error = e.what();
    }
    double elapsed = clock->Now() - start;
    if (elapsed >= timeout_seconds) {
      RunError::Facts facts;
      facts.database = session->Describe();
      facts.wait_seconds = timeout_seconds;
      facts.message = error;
      throw RunError(RunError::Kind::kDatabaseWaitTimedOut, std::move(facts));
    }
    if (!announced) {
      events->DatabaseWaitStarted(session->Describe(), timeout_seconds);
      announced = true;
    }
    if (!clock->Sleep(std::min(kPollSeconds, timeout_seconds - elapsed)) && interrupt &&
        interrupt->requested())
      ThrowInterrupted(interrupt, session);
  }
}
