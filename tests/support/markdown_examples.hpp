// The fenced code blocks of one language (```corefile, ```yaml) in a Markdown file, so tests parse
// the examples of the user docs and the docs cannot drift from the code.
#pragma once

#include <fstream>
#include <string>
#include <string_view>
#include <vector>

namespace dnsd::testing {

// Each block's text (lines joined with "\n", fences excluded), in document order. Empty when the
// file cannot be read. A fence indented inside a list item counts too; its indent is removed from
// the block's lines.
inline std::vector<std::string> FencedExamples(const std::string& path, const std::string& language) {
  std::ifstream file(path);
  std::vector<std::string> examples;
  std::string line, current;
  std::size_t indent = 0;
  bool inside = false;
  while (std::getline(file, line)) {
    const std::size_t text = line.find_first_not_of(' ');
    const std::string_view fence = text == std::string::npos ? "" : std::string_view(line).substr(text);
    if (!inside && fence == "```" + language) {
      inside = true;
      indent = text;
      current.clear();
    } else if (inside && fence == "```" && text == indent) {
      inside = false;
      examples.push_back(current);
    } else if (inside) {
      current += (line.size() >= indent ? line.substr(indent) : std::string()) + "\n";
    }
  }
  return examples;
}

}  // namespace dnsd::testing
