#include "migrate/database_wait.h"

#include <algorithm>
#include <string>

#include "base/clock.h"
#include "base/console.h"
#include "base/duration.h"
#include "base/exit_codes.h"
#include "base/interrupt.h"
#include "migrate/session.h"

namespace {

constexpr double kPollSeconds = 1.0;

[[noreturn]] void ThrowInterrupted(Interrupt* interrupt, Session* session) {
  throw UserError(static_cast<ExitCode>(interrupt->exit_code()),
                  interrupt->Reason() + " while waiting for " + session->Describe() +
                      " to accept a connection");
}

}  // namespace

void WaitForDatabase(Session* session, Clock* clock, Interrupt* interrupt,
                     Console* console, double timeout_seconds) {
  const double start = clock->Now();
  bool announced = false;
  for (;;) {
    if (interrupt && interrupt->requested()) ThrowInterrupted(interrupt, session);
    std::string error;
    try {
      session->Connect();
      if (announced)
        console->Detail(session->Describe() + " accepts connections (after " +
                        FormatDuration(clock->Now() - start) + ")");
      return;
    } catch (const DatabaseError& e) {
      error = e.what();
    }
    double elapsed = clock->Now() - start;
    if (elapsed >= timeout_seconds)
      throw UserError(kExitCannotConnect,
                      session->Describe() + " did not accept a connection within " +
                          FormatDuration(timeout_seconds) + " (last error: " + error +
                          "). Check the URL and that the server is up, or wait longer "
                          "with --timeout / --wait-timeout.");
    if (!announced) {
      console->Step("Waiting up to " + FormatDuration(timeout_seconds) + " for " +
                    session->Describe() + " to accept a connection");
      announced = true;
    }
    if (!clock->Sleep(std::min(kPollSeconds, timeout_seconds - elapsed)) && interrupt &&
        interrupt->requested())
      ThrowInterrupted(interrupt, session);
  }
}
