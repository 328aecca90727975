// The corpus test: real clusters' Corefiles (tests/corefiles/<name>/Corefile, with the files they
// import) start with the real daemon, one by one, and answer through it from a real knot
// (corpus_entry.hpp says how an entry is run).
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <regex>
#include <sstream>

#include "corpus_entry.hpp"
#include "fixture/temp_dir.hpp"

#ifndef DNSD_SOURCE_DIR
#error "DNSD_SOURCE_DIR must name the source tree (tests/corefiles, examples)"
#endif

namespace dnsd::it {
namespace {

namespace fs = std::filesystem;

// Entries as paths below the source tree: "tests/corefiles/kubeadm", "examples/dcos".
std::vector<std::string> CorpusNames() {
  std::vector<std::string> names;
  for (const char* folder : {"tests/corefiles", "examples"}) {
    for (const auto& dir : fs::directory_iterator(fs::path(DNSD_SOURCE_DIR) / folder)) {
      if (fs::exists(dir.path() / "Corefile")) names.push_back(std::string(folder) + "/" + dir.path().filename().string());
    }
  }
  std::sort(names.begin(), names.end());
  return names;
}

class Corpus : public ::testing::TestWithParam<std::string> {};

TEST_P(Corpus, StartsUnchangedAndAnswersThroughDnsd) { RunCorpusEntry(fs::path(DNSD_SOURCE_DIR) / GetParam()); }

INSTANTIATE_TEST_SUITE_P(Corefiles, Corpus, ::testing::ValuesIn(CorpusNames()), [](const auto& info) {
  return std::regex_replace(fs::path(info.param).filename().string(), std::regex("[^A-Za-z0-9]"), "_");
});

// The README shows examples/dcos/Corefile as it is (its comment lines left out), so it cannot drift.
TEST(Examples, TheReadmeShowsTheDcosExampleAsItIs) {
  std::string example;
  std::istringstream lines(ReadFile(fs::path(DNSD_SOURCE_DIR) / "examples/dcos/Corefile"));
  for (std::string line; std::getline(lines, line);) {
    if (line.rfind("#", 0) != 0 && line.find("    #") != 0) example += line + "\n";
  }
  const std::string readme = ReadFile(fs::path(DNSD_SOURCE_DIR) / "README.md");
  EXPECT_NE(readme.find("```\n" + example + "```\n"), std::string::npos)
      << "README.md should show examples/dcos/Corefile without its comments:\n" << example;
}

}  // namespace
}  // namespace dnsd::it
