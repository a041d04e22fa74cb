#include "base/interrupt.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <stdexcept>

namespace {

/// The write end of the installed Interrupt's pipe, for the handler.
std::atomic<int> g_signal_pipe{-1};
struct sigaction g_previous_term, g_previous_int;

void OnSignal(int signal_number) {
  int saved_errno = errno;
  int fd = g_signal_pipe.load();
  if (fd >= 0) {
    unsigned char byte = static_cast<unsigned char>(signal_number);
    ssize_t ignored = ::write(fd, &byte, 1);
    (void)ignored;
  }
  errno = saved_errno;
}

}  // namespace

void Interrupt::Install() {
  if (installed_) return;
  if (::pipe2(pipe_, O_CLOEXEC) != 0) throw std::runtime_error("pipe2 failed");
  g_signal_pipe = pipe_[1];
  struct sigaction action {};
  action.sa_handler = OnSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = SA_RESTART;
  ::sigaction(SIGTERM, &action, &g_previous_term);
  ::sigaction(SIGINT, &action, &g_previous_int);
  installed_ = true;
  watcher_ = std::thread([this] { Watch(); });
}

Interrupt::~Interrupt() {
  if (!installed_) return;
  ::sigaction(SIGTERM, &g_previous_term, nullptr);
  ::sigaction(SIGINT, &g_previous_int, nullptr);
  g_signal_pipe = -1;
  // A zero byte tells the watcher to stop.
  unsigned char stop = 0;
  ssize_t ignored = ::write(pipe_[1], &stop, 1);
  (void)ignored;
  watcher_.join();
  ::close(pipe_[0]);
  ::close(pipe_[1]);
}

void Interrupt::Watch() {
  for (;;) {
    unsigned char byte = 0;
    ssize_t n = ::read(pipe_[0], &byte, 1);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0 || byte == 0) return;
    Deliver(byte);
  }
}

void Interrupt::SetOnInterrupt(std::function<void()> callback) {
  std::lock_guard<std::mutex> lock(callback_mutex_);
  on_interrupt_ = std::move(callback);
}

void Interrupt::Request(int signal_number) { Deliver(signal_number); }

void Interrupt::Deliver(int signal_number) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    // The first signal decides the exit status; later ones only cancel
    // again whatever runs now. Set before the cancel, so the code whose
    // statement it ends sees why.
    int expected = 0;
    signal_.compare_exchange_strong(expected, signal_number);
  }
  {
    // Under the lock SetOnInterrupt takes: the code that set the callback
    // cannot clear it and destroy what it cancels while it runs.
    std::lock_guard<std::mutex> lock(callback_mutex_);
    if (on_interrupt_) on_interrupt_();
  }
  // Cancel first, then wake those waiting in WaitFor.
  wake_.notify_all();
}

int Interrupt::exit_code() const {
  int s = signal_;
  return s == 0 ? 0 : 128 + s;
}

bool Interrupt::WaitFor(double seconds) {
  std::unique_lock<std::mutex> lock(mutex_);
  auto duration = std::chrono::duration<double>(seconds);
  return !wake_.wait_for(lock, duration, [this] { return signal_ != 0; });
}

std::string Interrupt::Reason() const {
  return std::string("interrupted by ") + SignalName(signal_);
}

const char* SignalName(int signal_number) {
  return signal_number == SIGINT ? "SIGINT" : signal_number == SIGTERM ? "SIGTERM"
                                                                       : "a signal";
}
