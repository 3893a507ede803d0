// measure_child OUT PROGRAM [ARG...]: runs PROGRAM (stdout and stderr as given) and writes its
// CPU time in microseconds (user + system) and its peak resident set in KiB to the file OUT, as
// "CPU_US MAXRSS_KB EXIT". A process's maximum resident set carries over an exec from the
// process it came from, so bench/file_cost (a large process) starts the measured program from
// this small one, whose fork gives the child a fresh count.
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: measure_child OUT PROGRAM [ARG...]\n");
    return 2;
  }
  pid_t pid = fork();
  if (pid < 0) return 1;
  if (pid == 0) {
    execv(argv[2], argv + 2);
    _exit(127);
  }
  int status = 0;
  rusage ru{};
  if (wait4(pid, &status, 0, &ru) != pid) return 1;
  long cpu_us = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec +
                ru.ru_stime.tv_usec;
  std::FILE* out = std::fopen(argv[1], "w");
  if (out == nullptr) return 1;
  std::fprintf(out, "%ld %ld %d\n", cpu_us, ru.ru_maxrss,
               WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return std::fclose(out) == 0 ? 0 : 1;
}
