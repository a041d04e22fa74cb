#ifndef SLUGWRIGHT_TESTING_FAKE_REHEARSAL_H_
#define SLUGWRIGHT_TESTING_FAKE_REHEARSAL_H_

// Test doubles for the Rehearser's steps (rehearse/rehearsal.h): a source,
// a scratch server and its database, dump/restore and the run on the copy,
// all in memory, writing what they do to one shared log so a test can
// check the order ("dump" before "restore", "scratch removed" last).

#include <algorithm>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/disk_interface.h"
#include "base/exit_codes.h"
#include "rehearse/dump_restore.h"
#include "rehearse/release_on_copy.h"
#include "rehearse/scratch_database.h"
#include "rehearse/source_snapshot.h"

/// What the fakes did, in order.
struct RehearsalLog {
  std::vector<std::string> events;
  void Add(const std::string& event) { events.push_back(event); }
  bool Has(const std::string& event) const {
    return std::find(events.begin(), events.end(), event) != events.end();
  }
  /// The position of `event`, or -1.
  int IndexOf(const std::string& event) const {
    auto it = std::find(events.begin(), events.end(), event);
    return it == events.end() ? -1 : static_cast<int>(it - events.begin());
  }
};

/// A source with prepared facts and history. Logs "source open",
/// "source history", "source close".
class FakeSourceSnapshot : public SourceSnapshot {
 public:
  explicit FakeSourceSnapshot(RehearsalLog* log)
      : log_(log), target_(DatabaseTarget::Parse("postgres://app@prod.example:5432/app")) {
    facts.version_key = 1500;
    facts.version = "15.6";
    facts.encoding = "UTF8";
    facts.tables = 3;
    facts.bytes = 1 << 20;
    facts.history_exists = true;
    facts.snapshot = "00000003-0000001B-1";
  }
  SourceFacts facts;
  std::vector<HistoryRow> history;
  bool open = false;

  SourceFacts Open() override {
    log_->Add("source open");
    open = true;
    return facts;
  }
  std::vector<HistoryRow> ReadHistory() override {
    log_->Add("source history");
    return history;
  }
  void Close() noexcept override {
    if (open) log_->Add("source close");
    open = false;
  }
  const DatabaseTarget& target() const override { return target_; }

 private:
  RehearsalLog* log_;
  DatabaseTarget target_;
};

/// A scratch database that logs "scratch removed" when it goes away.
class FakeScratchDatabase : public ScratchDatabase {
 public:
  static constexpr const char* kUrl = "postgres://scratch:s3cret@127.0.0.1:6543/rehearsal";

  explicit FakeScratchDatabase(RehearsalLog* log) : log_(log) {}
  ~FakeScratchDatabase() override { log_->Add("scratch removed"); }
  DatabaseTarget Target() const override { return DatabaseTarget::Parse(kUrl); }
  std::string RestoreConninfo() const override { return "host=/tmp/fake dbname=rehearsal"; }
  std::string RestorePassword() const override { return ""; }
  std::string Url() const override { return kUrl; }

 private:
  RehearsalLog* log_;
};

/// A scratch server of a given version. Logs "scratch probe" and
/// "scratch created <encoding>".
class FakeScratchServer : public ScratchServer {
 public:
  explicit FakeScratchServer(RehearsalLog* log) : log_(log) {
    info.embedded = true;
    info.version_key = 1600;
    info.version = "16.2";
    info.location = "/usr/lib/postgresql/16/bin";
  }
  Info info;

  Info Probe() override {
    log_->Add("scratch probe");
    return info;
  }
  std::unique_ptr<ScratchDatabase> Create(const std::string& encoding) override {
    log_->Add("scratch created " + encoding);
    return std::make_unique<FakeScratchDatabase>(log_);
  }

 private:
  RehearsalLog* log_;
};

/// Dump and restore that write the archive's files to `disk` (so a test
/// sees them removed) and fail on demand. Logs "dump", "restore".
class FakeDumpRestore : public DumpRestore {
 public:
  FakeDumpRestore(RehearsalLog* log, DiskInterface* disk) : log_(log), disk_(disk) {
    tools.pg_dump = "/usr/lib/postgresql/16/bin/pg_dump";
    tools.pg_restore = "/usr/lib/postgresql/16/bin/pg_restore";
    tools.dump_version = "16.2";
    tools.dump_version_key = 1600;
    tools.bin_dir = "/usr/lib/postgresql/16/bin";
  }
  PgTools tools;
  Toc archive_toc;
  /// Thrown (exit 1) by Dump or Restore when not empty.
  std::string dump_error;
  std::string restore_error;
  /// Called inside Restore before it succeeds (e.g. to interrupt).
  std::function<void()> during_restore;
  std::vector<RestoreRequest> restores;

  PgTools FindTools() override { return tools; }
  Toc ListArchive(const std::string& path) override {
    log_->Add("list " + path);
    return archive_toc;
  }
  DumpedArchive Dump(const DatabaseTarget&, const SourceFacts& facts, const std::string& dir,
                     CopyInfo* copy) override {
    log_->Add("dump");
    if (!dump_error.empty()) throw UserError(kExitFailed, dump_error);
    DumpedArchive dumped{dir + "/source.dump", facts.history_exists ? dir + "/history.dump" : ""};
    std::string err;
    disk_->WriteFileAtomically(dumped.archive, "PGDMP", 0600, &err);
    copy->dump_seconds = 2;
    return dumped;
  }
  void Restore(const RestoreRequest& request, const ScratchDatabase&, CopyInfo* copy) override {
    log_->Add("restore");
    restores.push_back(request);
    if (!restore_error.empty()) throw UserError(kExitFailed, restore_error);
    if (during_restore) during_restore();
    copy->tables = 3;
    copy->bytes = 1 << 20;
    copy->restore_seconds = 3;
  }

 private:
  RehearsalLog* log_;
  DiskInterface* disk_;
};

/// The run on the copy: a prepared history and result, and the options
/// each Apply got. Logs "copy history", "apply".
class FakeReleaseOnCopy : public ReleaseOnCopy {
 public:
  explicit FakeReleaseOnCopy(RehearsalLog* log) : log_(log) {}
  std::vector<HistoryRow> history;
  ReleaseOnCopyResult result;
  std::vector<MigratorOptions> applied;
  std::vector<std::vector<int64_t>> pending_versions;

  std::vector<HistoryRow> ReadHistory(const ScratchDatabase&) override {
    log_->Add("copy history");
    return history;
  }
  ReleaseOnCopyResult Apply(const ScratchDatabase&, const std::vector<const Migration*>& pending,
                            MigratorOptions options) override {
    log_->Add("apply");
    applied.push_back(options);
    std::vector<int64_t> versions;
    for (const Migration* m : pending) versions.push_back(m->version);
    pending_versions.push_back(versions);
    return result;
  }

 private:
  RehearsalLog* log_;
};

#endif  // SLUGWRIGHT_TESTING_FAKE_REHEARSAL_H_
