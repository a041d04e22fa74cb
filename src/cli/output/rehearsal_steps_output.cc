#include "cli/output/rehearsal_steps_output.h"

#include <set>

#include "base/console.h"
#include "base/duration.h"
#include "base/text.h"
#include "rehearse/rehearsal_copy.h"
#include "rehearse/rehearsal_lint.h"
#include "rehearse/rehearsal_report.h"

std::string DescribeLint(const RehearsalLint& lint, size_t migrations) {
  if (!lint.skipped.empty()) return "Lint: " + lint.skipped;
  std::string of = "Lint of " + Plural(static_cast<int64_t>(migrations), "pending migration") +
                   " (PostgreSQL " + std::to_string(lint.postgres_version) +
                   " rules, docs/lint.md)";
  std::set<std::string> files;
  for (const LintFinding& f : lint.findings) files.insert(f.file);
  std::string found = lint.findings.empty()
                          ? ": no findings"
                          : ": " + Plural(static_cast<int64_t>(lint.findings.size()), "finding") +
                                " in " + std::to_string(files.size()) + " of them, in the report";
  std::string errors = lint.errors.empty()
                           ? ""
                           : "; " + Plural(static_cast<int64_t>(lint.errors.size()), "file") +
                                 " could not be linted";
  return of + found + errors;
}

void ConsoleRehearsalSteps::CopyingForCommand(const std::string& command,
                                              const std::string& source) {
  console_->Step("The release runs `" + command + "` (release.command): copying " + source +
                 " to run it there");
}

void ConsoleRehearsalSteps::PendingOnSource(size_t pending, const std::string& source,
                                            const std::string& files) {
  console_->Step(Plural(static_cast<int64_t>(pending), "pending migration") + " for " + source +
                 " in " + files);
}

void ConsoleRehearsalSteps::Linted(const RehearsalLint& lint, size_t migrations) {
  console_->Step(DescribeLint(lint, migrations));
}

void ConsoleRehearsalSteps::StartingCluster(int version_key) {
  console_->Step("Starting a throwaway PostgreSQL " + MajorText(version_key) +
                 " cluster for the copy");
}

void ConsoleRehearsalSteps::ClusterRemoved() {
  console_->Detail("Stopped and removed the throwaway cluster");
}

void ConsoleRehearsalSteps::ScratchCreated(const std::string& name, const std::string& server) {
  console_->Step("Created the scratch database " + name + " on " + server);
}

void ConsoleRehearsalSteps::ScratchKept(const std::string& name, const std::string& copy) {
  console_->Step("Kept the scratch database " + name + " (--keep): " + copy +
                 "; drop it with DROP DATABASE " + name + ";");
}

void ConsoleRehearsalSteps::ScratchDropped(const std::string& name) {
  console_->Detail("Dropped the scratch database " + name);
}

void ConsoleRehearsalSteps::ScratchNotDropped(const std::string& name, const std::string& server,
                                              const std::string& error) {
  console_->Warning("could not drop the scratch database " + name + " on " + server + ": " +
                    error + "; drop it by hand: DROP DATABASE " + name + ";");
}

void ConsoleRehearsalSteps::Dumping(const std::string& source, const std::string& version,
                                    int tables, int64_t bytes, const std::string& pg_dump,
                                    const std::string& dump_version) {
  console_->Step("Copying " + source + " (PostgreSQL " + version + ", " + Plural(tables, "table") +
                 ", " + FormatBytes(bytes) + ") read only, with " + pg_dump + " " + dump_version);
}

void ConsoleRehearsalSteps::Dumped(int tables, int64_t bytes, double seconds, bool one_snapshot) {
  console_->Detail("Dumped " + Plural(tables, "table") + " (" + FormatBytes(bytes) + ") in " +
                   FormatDuration(seconds) + (one_snapshot ? ", one snapshot" : ""));
}

void ConsoleRehearsalSteps::RestoringArchive(const std::string& path,
                                             const std::string& dumped_from) {
  console_->Step("Restoring " + path +
                 (dumped_from.empty() ? "" : " (dumped from PostgreSQL " + dumped_from + ")"));
}

void ConsoleRehearsalSteps::Restored(const CopyInfo& copy, int post_data_items, int jobs,
                                     int excluded) {
  console_->Detail("Restored " + Plural(copy.tables, "table") + " with data and " +
                   std::to_string(post_data_items) + " indexes and constraints (" +
                   FormatBytes(copy.bytes) + ") in " + FormatDuration(copy.restore_seconds) +
                   " with " + Plural(jobs, "job") + "; ANALYZE " +
                   FormatDuration(copy.analyze_seconds));
  if (excluded > 0) console_->Detail("Left out the data of " + Plural(excluded, "table"));
}

void ConsoleRehearsalSteps::RunningRelease(const std::string& copy) {
  console_->Step("Running the release phase on the copy " + copy +
                 "; its output follows, as the release would print it");
}
