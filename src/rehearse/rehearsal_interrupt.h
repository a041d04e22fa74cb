#ifndef SLUGWRIGHT_REHEARSE_REHEARSAL_INTERRUPT_H_
#define SLUGWRIGHT_REHEARSE_REHEARSAL_INTERRUPT_H_

// How every step of `slugwright rehearse` stops on SIGINT/SIGTERM: one
// wording, "interrupted by SIGTERM during the dump; nothing was rehearsed".

#include <string>

#include "base/exit_codes.h"
#include "base/interrupt.h"

/// Throws UserError(130/143) when `interrupt` (may be null) was requested,
/// naming the moment (`during`: "before the copy", "during the dump").
inline void ThrowIfRehearsalInterrupted(Interrupt* interrupt, const std::string& during) {
  if (interrupt && interrupt->requested())
    throw UserError(static_cast<ExitCode>(interrupt->exit_code()),
                    interrupt->Reason() + " " + during + "; nothing was rehearsed");
}

#endif  // SLUGWRIGHT_REHEARSE_REHEARSAL_INTERRUPT_H_
