// Runs a program with a bound on its time and captures its output (for kioskctl as the tests'
// subprocess). The child is killed when it overruns, so a test never hangs on it.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/target.h"

namespace kiosk::test {

struct Run {
  int exit_code = -1;  ///< -1: killed (overran the bound) or not started
  std::string out, err;
};

inline Run run_program(const std::vector<std::string>& argv_in, std::chrono::seconds bound) {
  const std::vector<std::string> argv = target_argv(argv_in);  // qemu-user in a cross build
  namespace fs = std::filesystem;
  static int counter = 0;
  std::string base = (fs::temp_directory_path() /
                      ("kiosk-run-" + std::to_string(::getpid()) + "-" + std::to_string(counter++)))
                         .string();
  std::string out_path = base + ".out", err_path = base + ".err";
  Run r;
  pid_t p = ::fork();
  if (p < 0) return r;
  if (p == 0) {
    int o = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    int e = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    ::dup2(o, 1);
    ::dup2(e, 2);
    std::vector<char*> args;
    for (const auto& a : argv)
      args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    ::_exit(127);
  }
  auto until = std::chrono::steady_clock::now() + bound;
  int status = 0;
  for (;;) {
    if (::waitpid(p, &status, WNOHANG) == p) {
      r.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
      break;
    }
    if (std::chrono::steady_clock::now() >= until) {
      ::kill(p, SIGKILL);
      ::waitpid(p, &status, 0);
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  auto slurp = [](const std::string& path) {
    std::ifstream in(path);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
  };
  r.out = slurp(out_path);
  r.err = slurp(err_path);
  fs::remove(out_path);
  fs::remove(err_path);
  return r;
}

}  // namespace kiosk::test
