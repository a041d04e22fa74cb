#include "migrate/migration_plan.h"

#include <algorithm>
#include <cctype>
#include <unordered_map>

namespace {

void FindRenames(MigrationPlan* plan) {
  if (plan->future.empty() || plan->pending.empty()) return;
  std::unordered_map<std::string, const HistoryRow*> missing_by_checksum;
  for (const HistoryRow& row : plan->future) missing_by_checksum.emplace(row.checksum, &row);
  for (const Migration* file : plan->pending) {
    auto it = missing_by_checksum.find(file->checksum);
    if (it != missing_by_checksum.end()) plan->renamed.push_back({file, *it->second});
  }
}

/// Which history row has each file's version (null: none), and whether
/// each row's version has a file.
struct VersionMatches {
  std::vector<const HistoryRow*> row_of_file;
  std::vector<bool> row_has_file;
};

template <typename T>
bool StrictlyIncreasing(const std::vector<T>& items) {
  return std::adjacent_find(items.begin(), items.end(), [](const T& a, const T& b) {
           return a.version >= b.version;
         }) == items.end();
}

/// By a merge when both are in strictly increasing version order (as the
/// driver reads the history and the source lists the files), else by hash
/// maps, where the last row of a repeated version is the one found.
VersionMatches MatchVersions(const std::vector<Migration>& files,
                             const std::vector<HistoryRow>& history) {
  VersionMatches matches{std::vector<const HistoryRow*>(files.size(), nullptr),
                         std::vector<bool>(history.size(), false)};
  if (StrictlyIncreasing(files) && StrictlyIncreasing(history)) {
    for (size_t f = 0, h = 0; f < files.size() && h < history.size();) {
      if (files[f].version < history[h].version) {
        ++f;
      } else if (history[h].version < files[f].version) {
        ++h;
      } else {
        matches.row_of_file[f++] = &history[h];
        matches.row_has_file[h++] = true;
      }
    }
    return matches;
  }
  std::unordered_map<int64_t, const HistoryRow*> by_version;
  by_version.reserve(history.size());
  for (const HistoryRow& row : history) by_version[row.version] = &row;
  std::unordered_map<int64_t, const Migration*> files_by_version;
  files_by_version.reserve(files.size());
  for (size_t f = 0; f < files.size(); ++f) {
    files_by_version[files[f].version] = &files[f];
    auto it = by_version.find(files[f].version);
    if (it != by_version.end()) matches.row_of_file[f] = it->second;
  }
  for (size_t h = 0; h < history.size(); ++h)
    matches.row_has_file[h] = files_by_version.count(history[h].version) > 0;
  return matches;
}

}  // namespace

MigrationPlan MakePlan(const std::vector<Migration>& files,
                       const std::vector<HistoryRow>& history) {
  return MakePlan(files, std::vector<HistoryRow>(history));
}

MigrationPlan MakePlan(const std::vector<Migration>& files, std::vector<HistoryRow>&& history) {
  MigrationPlan plan;
  for (const HistoryRow& row : history) {
    if (row.state == MigrationState::kApplied && row.version > plan.newest_applied)
      plan.newest_applied = row.version;
  }
  VersionMatches matches = MatchVersions(files, history);
  for (size_t f = 0; f < files.size(); ++f) {
    const Migration& file = files[f];
    const HistoryRow* row = matches.row_of_file[f];
    if (row == nullptr) {
      plan.pending.push_back(&file);
      if (file.version < plan.newest_applied) plan.out_of_order.push_back(&file);
      continue;
    }
    if (row->state == MigrationState::kApplied && row->checksum != file.checksum)
      plan.checksum_mismatches.push_back({&file, *row});
  }
  // The rows move into the plan; only the rare ones listed twice are copied.
  plan.applied.reserve(history.size());
  for (size_t h = 0; h < history.size(); ++h) {
    HistoryRow& row = history[h];
    if (row.state != MigrationState::kApplied) {
      plan.unfinished.push_back(std::move(row));
      continue;
    }
    if (!matches.row_has_file[h]) plan.future.push_back(row);
    plan.applied.push_back(std::move(row));
  }
  FindRenames(&plan);
  return plan;
}

std::vector<size_t> PendingFileIndices(const std::vector<Migration>& files,
                                       const std::vector<HistoryRow>& history) {
  VersionMatches matches = MatchVersions(files, history);
  std::vector<size_t> pending;
  for (size_t f = 0; f < files.size(); ++f)
    if (matches.row_of_file[f] == nullptr) pending.push_back(f);
  return pending;
}

bool AppliedAsRecorded(const std::vector<RecordedMigration>& recorded,
                       const std::vector<HistoryChecksum>& history) {
  if (recorded.size() != history.size()) return false;
  for (size_t i = 0; i < recorded.size(); ++i) {
    const HistoryChecksum& row = history[i];
    if (!row.applied || row.version != recorded[i].version ||
        row.checksum != recorded[i].checksum)
      return false;
  }
  return true;
}

namespace {

std::string Label(int64_t version, const std::string& name) {
  return std::to_string(version) + (name.empty() ? "" : "_" + name);
}

}  // namespace

std::string DescribeUnfinished(const HistoryRow& row) {
  std::string label = Label(row.version, row.name);
  std::string reached = "statement " + std::to_string(row.statements_done + 1) +
                        " of " + std::to_string(row.statements_total);
  std::string text = "migration " + label + " (transaction:false) ";
  if (row.state == MigrationState::kFailed)
    text += "failed at " + reached;
  else
    text += "started but did not finish: it was interrupted at or before " + reached;
  if (!row.applied_at.empty()) text += " (started " + row.applied_at;
  if (!row.release.empty()) text += ", release " + row.release;
  if (!row.applied_at.empty()) text += ")";
  if (!row.error.empty()) text += ": " + row.error;
  text += ". ";
  if (row.statements_done > 0)
    text += "Statements 1-" + std::to_string(row.statements_done) +
            " were applied and are not rolled back. ";
  else
    text += "No statement of it completed. ";
  text += "Check the database (e.g. for an INVALID index left by CREATE INDEX "
          "CONCURRENTLY: DROP INDEX CONCURRENTLY IF EXISTS ...), then run "
          "`slugwright migrate repair` to run the migration again from its first "
          "statement, or `slugwright migrate repair --mark-applied " +
          std::to_string(row.version) + "` if you completed it by hand.";
  return text;
}

std::vector<std::string> IntegrityProblems(const MigrationPlan& plan,
                                           bool allow_out_of_order) {
  std::vector<std::string> problems;
  for (const auto& mismatch : plan.checksum_mismatches) {
    problems.push_back(
        "applied migration " + Label(mismatch.row.version, mismatch.row.name) +
        " was changed after it was applied: " + mismatch.file->up_path +
        " has checksum " + mismatch.file->checksum + ", the history table recorded " +
        mismatch.row.checksum +
        " (applied " + mismatch.row.applied_at +
        "). Restore the file, or write a new migration for the change; if the "
        "edit is harmless (e.g. a comment), accept it with `slugwright migrate "
        "repair --accept-checksums`.");
  }
  for (const auto& rename : plan.renamed) {
    problems.push_back(
        "pending migration " + rename.file->up_path + " has the same checksum (" +
        rename.file->checksum + ") as applied migration " +
        Label(rename.row.version, rename.row.name) + " (applied " + rename.row.applied_at +
        "), whose file is gone: it looks renamed, and applying it would run the same SQL "
        "again. If it is a rename, record it with `slugwright migrate repair --renamed " +
        std::to_string(rename.row.version) + ":" + std::to_string(rename.file->version) +
        "`; if it must run again, make it differ (e.g. a comment saying why).");
  }
  for (const HistoryRow& row : plan.unfinished) problems.push_back(DescribeUnfinished(row));
  if (!allow_out_of_order && !plan.out_of_order.empty()) {
    std::string files;
    for (const Migration* m : plan.out_of_order) files += "\n  " + m->up_path;
    problems.push_back(
        "pending migration(s) older than the newest applied one (" +
        std::to_string(plan.newest_applied) +
        "), e.g. from a branch merged late:" + files +
        "\nRename them to a version above " + std::to_string(plan.newest_applied) +
        ", or apply them anyway with --allow-out-of-order (allow_out_of_order: "
        "true in slugwright.yml) if they do not depend on the order.");
  }
  return problems;
}

std::string FutureWarning(const MigrationPlan& plan) {
  if (plan.future.empty()) return "";
  std::string text = std::to_string(plan.future.size()) +
                     " applied migration(s) have no file here; the database is "
                     "ahead of this code (as after `heroku rollback`), which is "
                     "allowed and leaves them in place:";
  size_t shown = 0;
  for (const HistoryRow& row : plan.future) {
    if (++shown > 10) {
      text += "\n  ... and " + std::to_string(plan.future.size() - 10) + " more";
      break;
    }
    text += "\n  " + Label(row.version, row.name) + " (applied " + row.applied_at +
            (row.release.empty() ? "" : ", release " + row.release) + ")";
  }
  return text;
}

bool IsTransactionControl(const std::string& statement) {
  // The splitter drops comments before a statement's first token.
  std::vector<std::string> words;
  std::string word;
  for (char c : statement) {
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      word += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    } else {
      if (!word.empty()) words.push_back(word);
      word.clear();
      if (words.size() >= 2 || (c != ' ' && c != '\t' && c != '\n' && c != '\r'))
        break;
    }
  }
  if (!word.empty() && words.size() < 2) words.push_back(word);
  if (words.empty()) return false;
  const std::string& first = words[0];
  const std::string second = words.size() > 1 ? words[1] : "";
  if (first == "BEGIN" || first == "COMMIT" || first == "END" || first == "ABORT")
    return true;
  if (first == "START") return second == "TRANSACTION";
  if (first == "ROLLBACK") return second != "TO" && second != "PREPARED";
  return false;
}
