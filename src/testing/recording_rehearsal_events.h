#ifndef SLUGWRIGHT_TESTING_RECORDING_REHEARSAL_EVENTS_H_
#define SLUGWRIGHT_TESTING_RECORDING_REHEARSAL_EVENTS_H_

// A RehearsalEvents that records each event as one line of its facts
// ("PendingOnSource 1 app@db:5432/app"), for tests that check what a
// rehearsal said without its wording.

#include <algorithm>
#include <string>
#include <vector>

#include "rehearse/rehearsal_events.h"
#include "rehearse/rehearsal_lint.h"
#include "rehearse/rehearsal_report.h"

class RecordingRehearsalEvents : public RehearsalEvents {
 public:
  std::vector<std::string> events;
  /// The last lint event's facts.
  RehearsalLint lint;

  /// Whether an event line starts with `prefix`.
  bool Has(const std::string& prefix) const {
    return std::any_of(events.begin(), events.end(),
                       [&](const std::string& e) { return e.rfind(prefix, 0) == 0; });
  }

  void CopyingForCommand(const std::string& command, const std::string& source) override {
    events.push_back("CopyingForCommand " + command + " " + source);
  }
  void PendingOnSource(size_t pending, const std::string& source,
                       const std::string& files) override {
    events.push_back("PendingOnSource " + std::to_string(pending) + " " + source + " " + files);
  }
  void Linted(const RehearsalLint& l, size_t migrations) override {
    lint = l;
    events.push_back("Linted " + std::to_string(migrations) + " " +
                     std::to_string(l.findings.size()) + (l.skipped.empty() ? "" : " skipped"));
  }
  void StartingCluster(int version_key) override {
    events.push_back("StartingCluster " + std::to_string(version_key));
  }
  void ClusterRemoved() override { events.push_back("ClusterRemoved"); }
  void ScratchCreated(const std::string& name, const std::string& server) override {
    events.push_back("ScratchCreated " + name + " " + server);
  }
  void ScratchKept(const std::string& name, const std::string& copy) override {
    events.push_back("ScratchKept " + name + " " + copy);
  }
  void ScratchDropped(const std::string& name) override {
    events.push_back("ScratchDropped " + name);
  }
  void ScratchNotDropped(const std::string& name, const std::string& server,
                         const std::string& error) override {
    events.push_back("ScratchNotDropped " + name + " " + server + " " + error);
  }
  void Dumping(const std::string& source, const std::string& version, int tables, int64_t bytes,
               const std::string& pg_dump, const std::string& dump_version) override {
    events.push_back("Dumping " + source + " " + version + " " + std::to_string(tables) + " " +
                     std::to_string(bytes) + " " + pg_dump + " " + dump_version);
  }
  void Dumped(int tables, int64_t bytes, double, bool one_snapshot) override {
    events.push_back("Dumped " + std::to_string(tables) + " " + std::to_string(bytes) +
                     (one_snapshot ? " one snapshot" : ""));
  }
  void RestoringArchive(const std::string& path, const std::string& dumped_from) override {
    events.push_back("RestoringArchive " + path + " " + dumped_from);
  }
  void Restored(const CopyInfo& copy, int post_data_items, int jobs, int excluded) override {
    events.push_back("Restored " + std::to_string(copy.tables) + " " +
                     std::to_string(post_data_items) + " " + std::to_string(jobs) + " " +
                     std::to_string(excluded));
  }
  void RunningRelease(const std::string& copy) override {
    events.push_back("RunningRelease " + copy);
  }
};

#endif  // SLUGWRIGHT_TESTING_RECORDING_REHEARSAL_EVENTS_H_
