#ifndef SLUGWRIGHT_CLI_OUTPUT_REHEARSAL_STEPS_OUTPUT_H_
#define SLUGWRIGHT_CLI_OUTPUT_REHEARSAL_STEPS_OUTPUT_H_

// The steps `slugwright rehearse` prints as it goes ("-----> Copying ...",
// "       Dumped 12 tables ..."), worded from the rehearsal's events.

#include <cstddef>
#include <string>

#include "cli/output/command_output.h"
#include "cli/output/migrate_output.h"
#include "rehearse/rehearsal_events.h"

class Console;
struct RehearsalLint;

/// The step that says what the lint found before the copy: "Lint of 4
/// pending migrations (PostgreSQL 15 rules, docs/lint.md): 3 findings in 2
/// of them, in the report".
std::string DescribeLint(const RehearsalLint& lint, size_t migrations);

/// The release phase's events on the copy, worded as the release words
/// them (its Migrator's, or its `command:`'s), but advising no command:
/// one would run against the source.
struct CopyReleaseObservers {
  explicit CopyReleaseObservers(Console* console)
      : run(console), command(console), output(console) {
    run.set_on_copy(true);
    command.set_on_copy(true);
  }
  ConsoleRunObserver run;
  ConsoleCommandObserver command;
  ConsoleCommandOutput output;
};

/// Prints each event of a rehearsal as a step, a detail or a warning on
/// `console`.
class ConsoleRehearsalSteps : public RehearsalEvents {
 public:
  explicit ConsoleRehearsalSteps(Console* console) : console_(console) {}

  void CopyingForCommand(const std::string& command, const std::string& source) override;
  void PendingOnSource(size_t pending, const std::string& source,
                       const std::string& files) override;
  void Linted(const RehearsalLint& lint, size_t migrations) override;
  void StartingCluster(int version_key) override;
  void ClusterRemoved() override;
  void ScratchCreated(const std::string& name, const std::string& server) override;
  void ScratchKept(const std::string& name, const std::string& copy) override;
  void ScratchDropped(const std::string& name) override;
  void ScratchNotDropped(const std::string& name, const std::string& server,
                         const std::string& error) override;
  void Dumping(const std::string& source, const std::string& version, int tables, int64_t bytes,
               const std::string& pg_dump, const std::string& dump_version) override;
  void Dumped(int tables, int64_t bytes, double seconds, bool one_snapshot) override;
  void RestoringArchive(const std::string& path, const std::string& dumped_from) override;
  void Restored(const CopyInfo& copy, int post_data_items, int jobs, int excluded) override;
  void RunningRelease(const std::string& copy) override;

 private:
  Console* console_;
};

#endif  // SLUGWRIGHT_CLI_OUTPUT_REHEARSAL_STEPS_OUTPUT_H_
