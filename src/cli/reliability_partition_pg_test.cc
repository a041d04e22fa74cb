// Reliability suite: a real network partition. The test makes two network
// namespaces joined by a veth pair (10.213.0.1/30 for the server's side,
// 10.213.0.2/30 for the runner's; nothing outside the two namespaces is
// touched), starts a PostgreSQL cluster of its own inside the server's
// namespace, runs a lock holder across the link and then drops every
// packet on it with nftables in both namespaces. What README/docs promise:
// the server notices the dead holder through the TCP keepalives its
// session set up (30 s idle, 3 probes 10 s apart, checked every 5 s mid
// statement) and frees the lock, so a waiting release takes over within
// about 65-80 s and applies every migration once; the partitioned runner
// notices through its own keepalives (about 60 s), says the outcome is
// unknown (never "rolled back") and exits 1 after checking what became of
// its migration on a new connection. Skipped where namespaces cannot be
// made.
//
// Short: one partition, healed once the waiter is done (about 75 s), for
// the migration lock's holder and for a release ledger's executor.
// SLUGWRIGHT_LONG=1 adds a partition that lasts until the holder gives up
// checking (about 2 min), and a COMMIT that reaches the server just before
// the link drops: the runner reports it unknown, then, the link back,
// reads on a new connection that it was applied, and the next run applies
// nothing again.

#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <memory>
#include <regex>
#include <thread>

#include "postgres/local_postgres.h"
#include "testing/reliability_fixture.h"

namespace {

using reliability::WithHost;
using SteadyClock = std::chrono::steady_clock;

const char kServerAddress[] = "10.213.0.1";
const char kRunnerAddress[] = "10.213.0.2";
const char kNftTable[] = "slugwright_partition";

/// The first of `candidates` that is an executable file; "" if none is.
std::string FindProgram(const std::vector<std::string>& candidates) {
  for (const std::string& path : candidates)
    if (::access(path.c_str(), X_OK) == 0) return path;
  return "";
}

/// Two network namespaces `swp<pid>s` (server) and `swp<pid>c` (runner)
/// and the veth pair between them, removed with the object (deleting a
/// namespace deletes its end of the pair). Namespaces left by a run that
/// was SIGKILLed (their pid is gone) are removed first.
class NetworkPartition {
 public:
  NetworkPartition()
      : server_ns_("swp" + std::to_string(::getpid()) + "s"),
        runner_ns_("swp" + std::to_string(::getpid()) + "c"),
        log_("/tmp/" + server_ns_ + ".log") {}
  ~NetworkPartition() {
    for (const std::string& ns : created_) Sh(ip_ + " netns delete " + ns);
    ::unlink(log_.c_str());
    ::unlink((log_ + ".nft").c_str());
  }
  NetworkPartition(const NetworkPartition&) = delete;
  NetworkPartition& operator=(const NetworkPartition&) = delete;

  /// Makes the namespaces and the link; false with *why (the reason to
  /// skip) where that is not possible.
  bool Make(std::string* why) {
    ip_ = FindProgram({"/usr/sbin/ip", "/sbin/ip", "/usr/bin/ip", "/bin/ip"});
    nft_ = FindProgram({"/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft"});
    if (ip_.empty()) return Fail("no `ip` (iproute2) to make network namespaces", why);
    if (nft_.empty())
      return Fail("no `nft` to drop packets (Debian package nftables; tools/install-deps "
                  "test installs it)", why);
    RemoveStaleNamespaces();
    for (const std::string& ns : {server_ns_, runner_ns_}) {
      if (!Sh(ip_ + " netns add " + ns))
        return Fail("network namespaces are not permitted here (`ip netns add` failed: " +
                        ReadWholeFile(log_) + ")", why);
      created_.push_back(ns);
    }
    const std::string s = server_ns_, c = runner_ns_;
    bool ok = Sh(ip_ + " link add " + s + " netns " + s + " type veth peer name " + c +
                 " netns " + c) &&
              Sh(In(s) + ip_ + " address add " + kServerAddress + "/30 dev " + s) &&
              Sh(In(c) + ip_ + " address add " + kRunnerAddress + "/30 dev " + c) &&
              Sh(In(s) + ip_ + " link set " + s + " up") &&
              Sh(In(c) + ip_ + " link set " + c + " up") &&
              Sh(In(s) + ip_ + " link set lo up") && Sh(In(c) + ip_ + " link set lo up");
    if (!ok) return Fail("could not set up the veth pair: " + ReadWholeFile(log_), why);
    if (!Cut() || !Heal())
      return Fail("nftables does not work in a network namespace here: " +
                      ReadWholeFile(log_), why);
    return true;
  }

  /// Drops every packet on the link, both ways, in both namespaces.
  bool Cut() {
    for (const std::string& ns : {server_ns_, runner_ns_}) {
      std::ofstream(log_ + ".nft")
          << "table inet " << kNftTable << " {\n"
          << "  chain input { type filter hook input priority 0; policy accept; iifname \""
          << ns << "\" drop; }\n"
          << "  chain output { type filter hook output priority 0; policy accept; oifname \""
          << ns << "\" drop; }\n}\n";
      if (!Sh(In(ns) + nft_ + " -f " + log_ + ".nft")) return false;
    }
    return true;
  }
  /// Lets packets through again.
  bool Heal() {
    bool ok = true;
    for (const std::string& ns : {server_ns_, runner_ns_})
      ok = Sh(In(ns) + nft_ + " delete table inet " + kNftTable) && ok;
    return ok;
  }

  /// `ip netns exec NS`, as a program and its first arguments.
  std::vector<std::string> ExecIn(const std::string& ns) const {
    return {ip_, "netns", "exec", ns};
  }
  const std::string& server_ns() const { return server_ns_; }
  const std::string& runner_ns() const { return runner_ns_; }

 private:
  static bool Fail(const std::string& reason, std::string* why) {
    *why = reason;
    return false;
  }
  std::string In(const std::string& ns) const { return ip_ + " netns exec " + ns + " "; }
  bool Sh(const std::string& command) const {
    return std::system((command + " >>" + log_ + " 2>&1").c_str()) == 0;
  }
  /// swp<pid>[sc] namespaces whose test process is gone.
  void RemoveStaleNamespaces() const {
    static const std::regex kOurs("swp([0-9]+)[sc]");
    DIR* dir = ::opendir("/run/netns");
    if (!dir) return;
    std::vector<std::string> stale;
    while (dirent* entry = ::readdir(dir)) {
      std::cmatch match;
      if (!std::regex_match(entry->d_name, match, kOurs)) continue;
      pid_t pid = static_cast<pid_t>(std::stol(match[1]));
      if (::kill(pid, 0) != 0 && errno == ESRCH) stale.push_back(entry->d_name);
    }
    ::closedir(dir);
    for (const std::string& ns : stale) Sh(ip_ + " netns delete " + ns);
  }

  std::string server_ns_, runner_ns_, log_, ip_, nft_;
  std::vector<std::string> created_;
};

/// Moves the calling thread into a named network namespace until the end of
/// the scope: the processes it starts meanwhile (a LocalPostgres server)
/// live there.
class InNetworkNamespace {
 public:
  explicit InNetworkNamespace(const std::string& ns) {
    home_ = ::open("/proc/thread-self/ns/net", O_RDONLY | O_CLOEXEC);
    int target = ::open(("/run/netns/" + ns).c_str(), O_RDONLY | O_CLOEXEC);
    entered_ = home_ >= 0 && target >= 0 && ::setns(target, CLONE_NEWNET) == 0;
    if (target >= 0) ::close(target);
  }
  ~InNetworkNamespace() {
    if (entered_ && ::setns(home_, CLONE_NEWNET) != 0) std::abort();
    if (home_ >= 0) ::close(home_);
  }
  InNetworkNamespace(const InNetworkNamespace&) = delete;
  InNetworkNamespace& operator=(const InNetworkNamespace&) = delete;
  bool entered() const { return entered_; }

 private:
  int home_ = -1;
  bool entered_ = false;
};

double SecondsBetween(SteadyClock::time_point from, SteadyClock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

/// The partition's two sides: the namespaces, a cluster of its own in the
/// server's, runners started on either side, and checks over the server's
/// unix socket (which no packet filter touches).
class PartitionedCluster {
 public:
  explicit PartitionedCluster(ProcessHarness* harness) : harness_(harness) {}

  /// Makes the namespaces and starts the server in the first; false (and
  /// the test is to be skipped with skip_reason()) where that fails.
  bool Make() {
    if (!net_.Make(&skip_reason_)) return false;
    LocalPostgresOptions options;
    options.settings = {std::string("listen_addresses = '127.0.0.1,") + kServerAddress + "'"};
    {
      InNetworkNamespace in(net_.server_ns());
      if (!in.entered()) {
        skip_reason_ = "cannot enter network namespace " + net_.server_ns();
        return false;
      }
      server_ = std::make_unique<LocalPostgres>(options);
    }
    std::ofstream(server_->dir() + "/data/pg_hba.conf", std::ios::app)
        << "host all all 10.213.0.0/30 scram-sha-256\n";
    server_->Execute("postgres", "SELECT pg_reload_conf()");
    local_url_ = server_->Url();
    checks_ = PgDatabase(server_->SocketConninfo());
    return true;
  }

  /// slugwright `args` in namespace `ns`, DATABASE_URL `url`.
  RunningProcess StartIn(const std::string& ns, const std::vector<std::string>& args,
                         const std::string& url) {
    std::vector<std::string> argv = net_.ExecIn(ns);
    argv.push_back(SlugwrightBinary());
    argv.insert(argv.end(), args.begin(), args.end());
    ProcessOptions options;
    options.env = {{"DATABASE_URL", url}};
    std::string program = argv.front();
    argv.erase(argv.begin());
    return harness_->Start(program, argv, options);
  }
  /// A runner across the link (the partitioned side).
  RunningProcess StartAcrossTheLink(const std::vector<std::string>& args) {
    return StartIn(net_.runner_ns(), args, WithHost(local_url_, kServerAddress));
  }
  /// A runner beside the server (its loopback), which the partition spares.
  RunningProcess StartBesideTheServer(const std::vector<std::string>& args) {
    return StartIn(net_.server_ns(), args, local_url_);
  }

  void ExpectNoPassword(const RunResult& r) {
    EXPECT_FALSE(Contains(r.all(), server_->password())) << r.all();
  }
  /// Each of `tables` holds its one row, and `applied` history rows and
  /// `applied` events say every migration was applied exactly once.
  void ExpectAppliedOnce(const std::vector<std::string>& tables, int applied) {
    for (const std::string& table : tables)
      EXPECT_EQ(checks_.Count("SELECT count(*) FROM " + table), 1) << table;
    EXPECT_EQ(checks_.Count("SELECT count(*) FROM slugwright_migrations WHERE state = "
                            "'applied'"),
              applied);
    EXPECT_EQ(checks_.Count("SELECT count(*) FROM slugwright_migrations_events WHERE event = "
                            "'applied'"),
              applied);
    EXPECT_EQ(checks_.Count("SELECT count(*) FROM (SELECT version FROM "
                            "slugwright_migrations_events WHERE event = 'applied' GROUP BY "
                            "version HAVING count(*) > 1) twice"),
              0);
  }

  NetworkPartition& net() { return net_; }
  const PgDatabase& checks() const { return checks_; }
  const std::string& skip_reason() const { return skip_reason_; }

 private:
  ProcessHarness* harness_;
  NetworkPartition net_;
  std::unique_ptr<LocalPostgres> server_;
  std::string local_url_;
  PgDatabase checks_{"", ""};
  std::string skip_reason_;
};

/// What became of the two runners of PartitionTheLockHolder.
struct PartitionedHolder {
  RunResult waiter, holder;
  /// Seconds from the cut to each one's exit.
  double waiter_done = 0, holder_done = 0;
};

/// (a) + (b): the holder runs `up` across the link and is cut off during
/// migration 2 while a second runner (`up_waiting`) waits for the lock
/// beside the server. The gate keeps the holder's migration 2 busy until
/// the link is cut, and lets the waiter's run through at once. With
/// `heal_when_replaced` the link comes back once the waiter is done, while
/// the holder still tries to check its outcome; otherwise it stays cut
/// until the holder has exited.
PartitionedHolder PartitionTheLockHolder(PartitionedCluster& lab,
                                         const std::vector<std::string>& up,
                                         const std::vector<std::string>& up_waiting,
                                         bool heal_when_replaced) {
  PartitionedHolder result;
  RunningProcess holder = lab.StartAcrossTheLink(up);
  EXPECT_NE(lab.checks().WaitForRunnerRunning("pg_sleep"), 0)
      << "the holder never reached migration 2";
  RunningProcess waiter = lab.StartBesideTheServer(up_waiting);
  WaitUntil([&] { return lab.checks().RunnerSessions() >= 2; }, 20);
  EXPECT_TRUE(lab.net().Cut());
  auto cut = SteadyClock::now();
  lab.checks().Exec("UPDATE gate SET closed = false");

  result.waiter = waiter.Wait(200);
  result.waiter_done = SecondsBetween(cut, SteadyClock::now());
  if (heal_when_replaced) {
    EXPECT_TRUE(lab.net().Heal());
  }
  result.holder = holder.Wait(200);
  result.holder_done = SecondsBetween(cut, SteadyClock::now());
  if (!heal_when_replaced) {
    EXPECT_TRUE(lab.net().Heal());
  }
  std::cout << "[          ] the waiter finished " << result.waiter_done
            << " s after the cut, the partitioned holder " << result.holder_done << " s\n";
  return result;
}

/// The waiter took over in time and applied the rest; every migration is
/// applied once, no lock is left, and the next run across the healed link
/// has nothing to do.
void ExpectReplacedAndAppliedOnce(PartitionedCluster& lab, const PartitionedHolder& run,
                                  const std::vector<std::string>& up) {
  EXPECT_EQ(run.waiter.code, 0) << run.waiter.all();
  EXPECT_TRUE(Contains(run.waiter.all(), "Applied 2 migrations")) << run.waiter.all();
  EXPECT_LT(run.waiter_done, 100) << "the server kept the partitioned holder's lock too long";
  EXPECT_EQ(run.holder.code, 1) << run.holder.all();
  EXPECT_TRUE(Contains(run.holder.err, "outcome unknown")) << run.holder.all();
  EXPECT_FALSE(Contains(run.holder.all(), "20240102000000_two was rolled back"))
      << run.holder.all();
  EXPECT_FALSE(Contains(run.holder.all(), "` reverts them")) << run.holder.all();
  EXPECT_FALSE(Contains(run.holder.all(), reliability::kReconnectedSymptom))
      << run.holder.all();
  lab.ExpectNoPassword(run.waiter);
  lab.ExpectNoPassword(run.holder);
  lab.ExpectAppliedOnce({"one", "two", "three"}, 3);
  EXPECT_EQ(lab.checks().MigrationLocks(true), 0);
  RunResult again = lab.StartAcrossTheLink(up).Wait(60);
  EXPECT_EQ(again.code, 0) << again.all();
  EXPECT_TRUE(Contains(again.all(), "up to date")) << again.all();
  lab.ExpectAppliedOnce({"one", "two", "three"}, 3);
}

/// The holder's three migrations; the gate table holds migration 2.
void WritePartitionMigrations(const ScopedTempDir& tmp) {
  tmp.Write("migrations/20240101000000_one.sql",
            "-- migrate:up\nCREATE TABLE gate (closed boolean);\n"
            "INSERT INTO gate VALUES (true);\nCREATE TABLE one (id int);\n"
            "INSERT INTO one VALUES (1);\n");
  tmp.Write("migrations/20240102000000_two.sql",
            "-- migrate:up\nCREATE TABLE two (id int);\nINSERT INTO two VALUES (2);\n"
            "SELECT pg_sleep(600) FROM gate WHERE closed;\n");
  tmp.Write("migrations/20240103000000_three.sql",
            "-- migrate:up\nCREATE TABLE three (id int);\nINSERT INTO three VALUES (3);\n");
}

// The link comes back after the waiter took over: the holder's check on a
// new connection finds migration 2 applied, by the waiter's run, and must
// not take it for its own commit (it did: "recorded as applied", and
// "`migrate down 2` reverts them", which would revert the other release's
// work).
TEST_F(Reliability, PartitionedLockHolderIsReplacedAndNothingIsAppliedTwice) {
  PartitionedCluster lab(&slugwright_);
  if (!lab.Make()) GTEST_SKIP() << lab.skip_reason();
  WritePartitionMigrations(tmp_);
  PartitionedHolder run = PartitionTheLockHolder(lab, Up(), Up({"--lock-wait", "170s"}), true);
  ExpectReplacedAndAppliedOnce(lab, run, Up());
  EXPECT_TRUE(Contains(run.holder.all(), "Checked on a new connection: 20240102000000_two was "
                                         "applied by another run"))
      << run.holder.all();
  EXPECT_FALSE(Contains(run.holder.all(), "recorded as applied")) << run.holder.all();
  EXPECT_TRUE(Contains(run.holder.all(), "stays applied (on_failure: stop):\n"
                                         " !       20240101000000_one\n !     Heroku"))
      << run.holder.all();
}

// One release per commit (ledger/release_coordinator.h), cut off: the
// executor of a commit's release (service web, across the link) loses its
// network during migration 2 while service worker waits beside the server
// for its outcome. The server ends web's sessions through their keepalives,
// which frees the release key's lock and the migration lock; worker takes
// the release over, applies the rest, and the ledger says so. Once the link
// is back, web's late exit must not change the recorded outcome, and a
// later service of the commit finds it released and runs nothing.
TEST_F(Reliability, PartitionedReleaseExecutorIsTakenOverAndTheLedgerSaysWho) {
  PartitionedCluster lab(&slugwright_);
  if (!lab.Make()) GTEST_SKIP() << lab.skip_reason();
  WritePartitionMigrations(tmp_);
  tmp_.Write("slugwright.yml", "release:\n  migrations: migrations\n  lock_wait: 170s\n");
  const std::string commit = "5eedc0ffee5eedc0ffee5eedc0ffee5eedc0ffee";
  auto service = [&](const std::string& name) {
    return std::vector<std::string>{"release", "--commit", commit, "--service", name};
  };

  RunningProcess executor = lab.StartAcrossTheLink(service("web"));
  ASSERT_NE(lab.checks().WaitForRunnerRunning("pg_sleep"), 0)
      << "the executor never reached migration 2";
  RunningProcess waiter = lab.StartBesideTheServer(service("worker"));
  // The waiter's ledger session is open beside the executor's.
  ASSERT_TRUE(WaitUntil([&] {
    return lab.checks().Count("SELECT count(*) FROM pg_stat_activity WHERE application_name "
                              "LIKE 'slugwright release ledger%'") >= 2;
  }, 20));
  ASSERT_TRUE(lab.net().Cut());
  auto cut = SteadyClock::now();
  lab.checks().Exec("UPDATE gate SET closed = false");

  RunResult took_over = waiter.Wait(200);
  double took_over_done = SecondsBetween(cut, SteadyClock::now());
  EXPECT_TRUE(lab.net().Heal());
  RunResult cut_off = executor.Wait(200);
  std::cout << "[          ] the waiter took over and finished " << took_over_done
            << " s after the cut, the partitioned executor exited "
            << SecondsBetween(cut, SteadyClock::now()) << " s after it\n";

  EXPECT_EQ(took_over.code, 0) << took_over.all();
  EXPECT_TRUE(Contains(took_over.all(), "Taking over the release of commit 5eedc0ffee: the run "
                                        "of web ended without an outcome"))
      << took_over.all();
  EXPECT_TRUE(Contains(took_over.all(), "Applied 2 migrations")) << took_over.all();
  EXPECT_LT(took_over_done, 100) << "the server kept the partitioned executor's locks too long";
  EXPECT_NE(cut_off.code, 0) << cut_off.all();
  EXPECT_FALSE(Contains(cut_off.all(), "succeeded in web")) << cut_off.all();
  lab.ExpectNoPassword(took_over);
  lab.ExpectNoPassword(cut_off);
  lab.ExpectAppliedOnce({"one", "two", "three"}, 3);
  EXPECT_EQ(lab.checks().MigrationLocks(true), 0);

  // The ledger, read after web exited: worker released it, taking over.
  EXPECT_EQ(lab.checks().Count("SELECT count(*) FROM slugwright_migrations_releases"), 1);
  EXPECT_EQ(lab.checks().Scalar("SELECT state || ' ' || service || ' ' || taken_over_from "
                                "FROM slugwright_migrations_releases"),
            "succeeded worker web");

  // A later service of the commit, across the healed link, runs nothing.
  RunResult later = lab.StartAcrossTheLink(service("api")).Wait(60);
  EXPECT_EQ(later.code, 0) << later.all();
  EXPECT_TRUE(Contains(later.all(), "succeeded in worker")) << later.all();
  EXPECT_TRUE(Contains(later.all(), "nothing to run here")) << later.all();
  lab.ExpectAppliedOnce({"one", "two", "three"}, 3);
}

// Long only: the link stays cut until the holder gives up checking.
TEST_F(Reliability, LockHolderPartitionedForGoodExitsSayingItCouldNotCheck) {
  if (!reliability::LongMode()) GTEST_SKIP() << "long only (SLUGWRIGHT_LONG=1)";
  PartitionedCluster lab(&slugwright_);
  if (!lab.Make()) GTEST_SKIP() << lab.skip_reason();
  WritePartitionMigrations(tmp_);
  PartitionedHolder run = PartitionTheLockHolder(lab, Up(), Up({"--lock-wait", "170s"}), false);
  ExpectReplacedAndAppliedOnce(lab, run, Up());
  // Its keepalives (about 60 s), then 5 tries of 10 s at a new connection.
  EXPECT_LT(run.holder_done, 150) << run.holder.all();
  EXPECT_TRUE(Contains(run.holder.all(), "Could not check on a new connection"))
      << run.holder.all();
}

// (c), long only: the whole BEGIN ... COMMIT reached the server, which
// commits while the link is down; the runner cannot know, says so, and
// once the link is back reads the history row on a new connection.
TEST_F(Reliability, CommitThatReachedTheServerBeforeAPartitionIsResolvedAsApplied) {
  if (!reliability::LongMode()) GTEST_SKIP() << "long only (SLUGWRIGHT_LONG=1)";
  PartitionedCluster lab(&slugwright_);
  if (!lab.Make()) GTEST_SKIP() << lab.skip_reason();
  Write("20240101000000_slow.sql",
        "-- migrate:up\nCREATE TABLE slow (id int);\nINSERT INTO slow VALUES (1);\n"
        "SELECT pg_sleep(3);\n");

  RunningProcess runner = lab.StartAcrossTheLink(Up());
  ASSERT_NE(lab.checks().WaitForRunnerRunning("pg_sleep"), 0);
  ASSERT_TRUE(lab.net().Cut());
  auto cut = SteadyClock::now();
  // Committed on the server while the reply cannot get through.
  WaitUntil([&] { return lab.checks().Count("SELECT count(*) FROM pg_tables WHERE tablename = "
                                       "'slow'") == 1; }, 20);
  // The runner's keepalives end the session after about 60 s; the link
  // comes back while it tries to check on a new connection (5 tries, 10 s
  // each).
  std::this_thread::sleep_for(std::chrono::seconds(75) - (SteadyClock::now() - cut));
  ASSERT_TRUE(lab.net().Heal());
  RunResult r = runner.Wait(120);
  std::cout << "[          ] the runner exited " << SecondsBetween(cut, SteadyClock::now())
            << " s after the cut\n";
  EXPECT_EQ(r.code, 1) << r.all();
  EXPECT_TRUE(Contains(r.err, "outcome unknown")) << r.all();
  EXPECT_TRUE(Contains(r.all(), "Checked on a new connection: 20240101000000_slow is recorded "
                                "as applied"))
      << r.all();
  EXPECT_FALSE(Contains(r.all(), "20240101000000_slow was rolled back")) << r.all();
  EXPECT_FALSE(Contains(r.all(), "the server rolled it back")) << r.all();
  lab.ExpectNoPassword(r);
  lab.ExpectAppliedOnce({"slow"}, 1);
  RunResult again = lab.StartAcrossTheLink(Up()).Wait(60);
  EXPECT_EQ(again.code, 0) << again.all();
  lab.ExpectAppliedOnce({"slow"}, 1);
}

}  // namespace
