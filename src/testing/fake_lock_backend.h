#ifndef SLUGWRIGHT_TESTING_FAKE_LOCK_BACKEND_H_
#define SLUGWRIGHT_TESTING_FAKE_LOCK_BACKEND_H_

#include <vector>

#include "migrate/lock_backend.h"
#include "testing/fake_database.h"

/// The migration lock in memory: free unless `lock_free` is false or busy
/// attempts are left. It passes LockBackendContract
/// (testing/driver_contract.h); a test of MigrationLock needs nothing else.
class FakeLockBackend : public virtual LockBackend, public virtual FakeDatabase {
 public:
  bool lock_free = true;
  /// TryLock fails this many times before the lock frees up.
  int lock_busy_attempts = 0;
  bool locked = false;
  /// Who holds the lock when another session has it (lock_free false, or
  /// a busy attempt).
  std::vector<LockHolder> holders = {{4242, "slugwright release v41", "2024-01-01T00:00:00Z",
                                      "active", "2024-01-01T00:00:01Z", "", "", ""}};
  /// This session, as LockHolders() names it while it holds the lock.
  LockHolder self = {4141, "slugwright (fake)", "2024-01-01T00:00:00Z", "active",
                     "2024-01-01T00:00:02Z", "", "", ""};

  bool TryLock() override {
    ++calls["try_lock"];
    ++queries_;
    last_try_refused_ = true;
    if (lock_busy_attempts > 0) {
      --lock_busy_attempts;
      return false;
    }
    if (!lock_free) return false;
    last_try_refused_ = false;
    locked = true;
    return true;
  }
  bool Unlock() override {
    ++calls["unlock"];
    ++queries_;
    bool was = locked;
    locked = false;
    return was;
  }
  std::vector<LockHolder> LockHolders() override {
    ++calls["holders"];
    ++queries_;
    if (locked) return {self};
    if (!lock_free || last_try_refused_) return holders;
    return {};
  }
  bool LockHasWaiters() override {
    ++queries_;
    return false;
  }

 private:
  /// The last TryLock found the lock held elsewhere.
  bool last_try_refused_ = false;
};

#endif  // SLUGWRIGHT_TESTING_FAKE_LOCK_BACKEND_H_
