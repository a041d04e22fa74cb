#ifndef SLUGWRIGHT_TESTING_FAKE_SUBPROCESS_H_
#define SLUGWRIGHT_TESTING_FAKE_SUBPROCESS_H_

// A ProcessSpawner for tests that must not start real processes: it
// records each request (argv, environment, working dir, stdin, timeout)
// and answers with scripted results, handing the scripted output lines to
// the request's line callbacks and captures as a real child's would be.

#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/subprocess.h"

class FakeProcessSpawner : public ProcessSpawner {
 public:
  /// What one Run was asked.
  struct Call {
    std::vector<std::string> argv;
    std::optional<std::map<std::string, std::string>> env;
    std::string working_dir;
    std::string stdin_text;
    double timeout_seconds = 0;
    bool stops_on_interrupt = false;
  };
  /// What one Run answers: the result, and the lines the "child" prints.
  struct Script {
    SubprocessResult result;
    std::vector<std::string> stdout_lines;
    std::vector<std::string> stderr_lines;
  };

  /// Queues the answer for the next Run; once the queue is empty every Run
  /// answers "exited with status 0" and prints nothing.
  void Answer(const Script& script) { scripts_.push_back(script); }
  void AnswerExit(int status, std::vector<std::string> stdout_lines = {}) {
    Script script;
    script.result.exited = true;
    script.result.exit_status = status;
    script.stdout_lines = std::move(stdout_lines);
    Answer(script);
  }

  SubprocessResult Run(const SubprocessRequest& request) override {
    Call call;
    call.argv = request.argv;
    call.env = request.env;
    call.working_dir = request.working_dir;
    call.stdin_text = request.stdin_from.text;
    call.timeout_seconds = request.timeout_seconds;
    call.stops_on_interrupt = request.interrupt != nullptr;
    calls.push_back(call);
    Script script;
    script.result.exited = true;
    if (!scripts_.empty()) {
      script = scripts_.front();
      scripts_.pop_front();
    }
    SubprocessResult result = script.result;
    result.timeout_seconds = request.timeout_seconds;
    Print(request.stdout_to, script.stdout_lines, &result.out);
    Print(request.stderr_to, script.stderr_lines, &result.err);
    return result;
  }

  /// The value of `name` in call `index`'s environment ("<unset>" if none).
  std::string EnvOf(size_t index, const std::string& name) const {
    const auto& env = calls.at(index).env;
    if (!env || !env->count(name)) return "<unset>";
    return env->at(name);
  }

  std::vector<Call> calls;

 private:
  static void Print(const SubprocessOutput& to, const std::vector<std::string>& lines,
                    std::string* captured) {
    if (to.mode != SubprocessOutput::Mode::kPipe) return;
    for (const std::string& line : lines) {
      if (to.capture) *captured += line + "\n";
      if (to.on_line) to.on_line(line);
    }
  }

  std::deque<Script> scripts_;
};

#endif  // SLUGWRIGHT_TESTING_FAKE_SUBPROCESS_H_
