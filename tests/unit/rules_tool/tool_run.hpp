// dnsd-rules run as the user runs it (a shell command, stdout and stderr captured to files), in
// a temporary folder per test for the files it reads.
#pragma once

#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace testing_support {

namespace fs = std::filesystem;

struct ToolRun {
  int code = -1;
  std::string out, err;
};

inline std::string Slurp(const fs::path& path) {
  std::ifstream in(path);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::string ShellQuote(const std::string& arg) {
  std::string out = "'";
  for (char c : arg) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

class RulesTool : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/dnsd-rules-test.XXXXXX";
    ASSERT_NE(::mkdtemp(pattern), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { fs::remove_all(dir_); }

  fs::path Write(const std::string& name, const std::string& text) {
    fs::path path = dir_ / name;
    std::ofstream(path) << text;
    return path;
  }
  ToolRun Tool(const std::vector<std::string>& args) {
    std::string command = ShellQuote(DNSD_RULES_BINARY);
    for (const std::string& a : args) command += " " + ShellQuote(a);
    command += " >" + ShellQuote((dir_ / "out").string()) + " 2>" + ShellQuote((dir_ / "err").string());
    int status = std::system(command.c_str());
    ToolRun run;
    run.code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    run.out = Slurp(dir_ / "out");
    run.err = Slurp(dir_ / "err");
    return run;
  }

  fs::path dir_;
};

}  // namespace testing_support
