// The examples in docs/corefile.md parse, and its server address table matches the parser.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

#include "dnsd/config/corefile.hpp"

namespace dnsd::config {
namespace {

const std::string kDocPath = std::string(DNSD_DOCS_DIR) + "/corefile.md";

std::vector<std::string> DocLines() {
  std::ifstream in(kDocPath);
  std::vector<std::string> lines;
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  return lines;
}

std::string Trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t");
  return b == std::string::npos ? "" : s.substr(b, s.find_last_not_of(" \t") - b + 1);
}

// Code blocks fenced with ```corefile, each with the line it starts on.
std::vector<std::pair<int, std::string>> CorefileExamples() {
  std::vector<std::pair<int, std::string>> out;
  const std::vector<std::string> lines = DocLines();
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (Trim(lines[i]) != "```corefile") continue;
    std::string text;
    std::size_t j = i + 1;
    for (; j < lines.size() && Trim(lines[j]) != "```"; ++j) text += lines[j] + "\n";
    out.emplace_back(static_cast<int>(i + 1), text);
    i = j;
  }
  return out;
}

TEST(CorefileDocs, EveryCorefileExampleParses) {
  const auto examples = CorefileExamples();
  ASSERT_GE(examples.size(), 6u) << "no ```corefile examples found in " << kDocPath;
  for (const auto& [line, text] : examples) {
    Parsed<Corefile> got = ParseCorefile(text, kDocPath);
    ASSERT_TRUE(got.ok()) << "example at line " << line << ": " << got.error.ToString();
    EXPECT_FALSE(got.value->blocks.empty()) << "example at line " << line;
    for (const ServerBlock& block : got.value->blocks) {
      for (const Token& key : block.keys) {
        Parsed<ServerAddress> addr = ParseServerAddress(key, 53);
        EXPECT_TRUE(addr.ok()) << "example at line " << line << ": " << addr.error.ToString();
      }
    }
  }
}

TEST(CorefileDocs, ServerAddressTableMatchesTheParser) {
  const std::regex row(R"(^\| `([^`]+)`(?: or `([^`]+)`)? \| `([^`]+)` \| ([^|]+) \|$)");
  int rows = 0;
  for (const std::string& line : DocLines()) {
    std::smatch m;
    if (!std::regex_match(line, m, row)) continue;
    ++rows;
    const std::string port_text = Trim(m[4].str());
    const int want_port = port_text.starts_with("the default") ? 53 : std::stoi(port_text);
    for (int k : {1, 2}) {
      if (!m[k].matched) continue;
      Parsed<ServerAddress> got = ParseServerAddress(Token{m[k].str(), {"doc", 1, 1}, false}, 53);
      ASSERT_TRUE(got.ok()) << got.error.ToString();
      EXPECT_EQ(got.value->zone, m[3].str()) << line;
      EXPECT_EQ(got.value->port, want_port) << line;
    }
  }
  EXPECT_GE(rows, 6);
}

}  // namespace
}  // namespace dnsd::config
