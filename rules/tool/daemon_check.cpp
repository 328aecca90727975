#include "daemon_check.hpp"

#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <sstream>

extern char** environ;

namespace dnsd::rules_tool {
namespace {

bool Executable(const std::filesystem::path& path) { return ::access(path.c_str(), X_OK) == 0; }

// The trailing "FILE: N errors" summary is the daemon's; dnsd-rules prints its own.
bool IsSummary(const std::string& line, const std::string& corefile) {
  return line.rfind(corefile + ": ", 0) == 0 && line.find(" error") != std::string::npos &&
         line.find(':', corefile.size() + 2) == std::string::npos;
}

}  // namespace

std::optional<std::string> FindDaemon() {
  if (const char* env = std::getenv("DNSD_BINARY"); env && *env) return std::string(env);
  std::error_code ec;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", ec);
  if (!ec && Executable(self.parent_path() / "dnsd")) return (self.parent_path() / "dnsd").string();
  if (const char* path = std::getenv("PATH")) {
    std::istringstream dirs(path);
    std::string dir;
    while (std::getline(dirs, dir, ':')) {
      if (!dir.empty() && Executable(std::filesystem::path(dir) / "dnsd")) {
        return (std::filesystem::path(dir) / "dnsd").string();
      }
    }
  }
  return std::nullopt;
}

std::optional<DaemonCheck> RunDaemonCheck(const std::string& corefile) {
  std::optional<std::string> binary = FindDaemon();
  if (!binary) return std::nullopt;
  int pipe_fds[2];
  if (::pipe2(pipe_fds, O_CLOEXEC) != 0) return std::nullopt;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
  std::string check = "-check", conf = "-conf";
  std::string file = corefile;
  char* argv[] = {binary->data(), check.data(), conf.data(), file.data(), nullptr};
  pid_t pid = -1;
  const int spawned = ::posix_spawn(&pid, binary->c_str(), &actions, nullptr, argv, environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(pipe_fds[1]);
  if (spawned != 0) {
    ::close(pipe_fds[0]);
    return std::nullopt;
  }
  std::string output;
  char buffer[4096];
  for (ssize_t n; (n = ::read(pipe_fds[0], buffer, sizeof buffer)) != 0;) {
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) break;
    output.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(pipe_fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  DaemonCheck result;
  result.binary = *binary;
  result.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
  std::istringstream lines(output);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty() && !IsSummary(line, corefile)) result.errors.push_back(line);
  }
  return result;
}

}  // namespace dnsd::rules_tool
