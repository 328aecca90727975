// The fenced code blocks of one language (```corefile, ```yaml) in a Markdown file, so tests parse
// the examples of the user docs and the docs cannot drift from the code.
#pragma once

#include <fstream>
#include <string>
#include <vector>

namespace dnsd::testing {

// Each block's text (lines joined with "\n", fences excluded), in document order. Empty when the
// file cannot be read.
inline std::vector<std::string> FencedExamples(const std::string& path, const std::string& language) {
  std::ifstream file(path);
  std::vector<std::string> examples;
  std::string line, current;
  bool inside = false;
  while (std::getline(file, line)) {
    if (!inside && line == "```" + language) {
      inside = true;
      current.clear();
    } else if (inside && line == "```") {
      inside = false;
      examples.push_back(current);
    } else if (inside) {
      current += line + "\n";
    }
  }
  return examples;
}

}  // namespace dnsd::testing
