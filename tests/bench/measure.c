/*
 * measure: runs a command (or COUNT copies of it, released together) and
 * prints one JSON line with the wall time until every copy has exited, the
 * largest peak RSS among them and each exit status:
 *
 *   measure [-n COUNT] [-l LOGFILE] [-C DIR] -- COMMAND [ARG]...
 *   {"wall_ms":12.345,"max_rss_kb":4321,"cpu_ms":8.765,"exit":[0],"exit_ms":[12.340]}
 *
 * The clock is CLOCK_MONOTONIC, read just before the copies are released and
 * after the last one is reaped; the copies are forked first and wait on a
 * pipe, so fork cost is not counted and they start within microseconds of
 * each other. "exit_ms" says when each copy exited, from the same start.
 * Peak RSS comes from wait4(), which reports the child's own ru_maxrss (and
 * that of any descendants it waited for); "cpu_ms" is the user + system CPU
 * time of all copies. The copies' stdout and stderr are appended to LOGFILE
 * (default /dev/null). An exit status is the exit code, or 128 + the signal
 * number.
 *
 * Part of tests/bench/run; built there with `cc -O2`.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_COPIES 64

static double now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static void usage(void) {
  fprintf(stderr, "usage: measure [-n COUNT] [-l LOGFILE] [-C DIR] -- COMMAND [ARG]...\n");
  exit(2);
}

int main(int argc, char** argv) {
  int count = 1;
  const char* log_path = "/dev/null";
  const char* dir = NULL;
  int opt;
  while ((opt = getopt(argc, argv, "+n:l:C:")) != -1) {
    switch (opt) {
      case 'n': count = atoi(optarg); break;
      case 'l': log_path = optarg; break;
      case 'C': dir = optarg; break;
      default: usage();
    }
  }
  if (optind >= argc || count < 1 || count > MAX_COPIES) usage();
  char** command = argv + optind;

  int log_fd = open(log_path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    perror(log_path);
    return 2;
  }
  int gate[2];
  if (pipe2(gate, O_CLOEXEC) != 0) {
    perror("pipe");
    return 2;
  }

  pid_t pids[MAX_COPIES];
  for (int i = 0; i < count; i++) {
    pid_t pid = fork();
    if (pid < 0) {
      perror("fork");
      return 2;
    }
    if (pid == 0) {
      close(gate[1]);
      char byte;
      /* Blocks until the parent closes the write end: every copy starts. */
      while (read(gate[0], &byte, 1) < 0 && errno == EINTR) {
      }
      dup2(log_fd, STDOUT_FILENO);
      dup2(log_fd, STDERR_FILENO);
      int null_fd = open("/dev/null", O_RDONLY);
      if (null_fd >= 0) dup2(null_fd, STDIN_FILENO);
      if (dir && chdir(dir) != 0) {
        perror(dir);
        _exit(127);
      }
      execvp(command[0], command);
      perror(command[0]);
      _exit(127);
    }
    pids[i] = pid;
  }
  close(gate[0]);

  double start = now_ms();
  close(gate[1]);
  int status[MAX_COPIES];
  double exited_ms[MAX_COPIES];
  long max_rss_kb = 0;
  double cpu_ms = 0;
  for (int done = 0; done < count;) {
    int wstatus;
    struct rusage usage;
    pid_t pid = wait4(-1, &wstatus, 0, &usage);
    if (pid < 0) {
      if (errno == EINTR) continue;
      perror("wait4");
      return 2;
    }
    for (int i = 0; i < count; i++) {
      if (pids[i] != pid) continue;
      status[i] = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus) : 128 + WTERMSIG(wstatus);
      exited_ms[i] = now_ms() - start;
      if (usage.ru_maxrss > max_rss_kb) max_rss_kb = usage.ru_maxrss;
      cpu_ms += usage.ru_utime.tv_sec * 1e3 + usage.ru_utime.tv_usec / 1e3 +
                usage.ru_stime.tv_sec * 1e3 + usage.ru_stime.tv_usec / 1e3;
      done++;
    }
  }
  double wall = now_ms() - start;

  printf("{\"wall_ms\":%.3f,\"max_rss_kb\":%ld,\"cpu_ms\":%.3f,\"exit\":[", wall, max_rss_kb,
         cpu_ms);
  for (int i = 0; i < count; i++) printf("%s%d", i ? "," : "", status[i]);
  printf("],\"exit_ms\":[");
  for (int i = 0; i < count; i++) printf("%s%.3f", i ? "," : "", exited_ms[i]);
  printf("]}\n");
  return 0;
}
