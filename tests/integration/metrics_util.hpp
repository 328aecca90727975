// Scraping /metrics in integration tests: a plain HTTP/1.0 GET, the text parsed into series, deltas
// between two scrapes, and `promtool check metrics` on a scrape.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

#include "fixture/net.hpp"
#include "fixture/temp_dir.hpp"

namespace dnsd::it {

using Samples = std::map<std::string, double>;  // series as written (name{labels}) -> value

// GET /metrics over HTTP/1.0 (no chunking); "" on failure.
inline std::string HttpGet(uint16_t port, const std::string& path) {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return "";
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string response;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request = "GET " + path + " HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n";
    if (::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      char buffer[65536];
      ssize_t n;
      while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) response.append(buffer, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  return response;
}

inline std::string Body(const std::string& response) {
  const auto end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

inline Samples Parse(const std::string& text) {
  Samples samples;
  std::istringstream in(text);
  std::string line;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    const auto space = line.rfind(' ');
    if (space == std::string::npos) continue;
    samples[line.substr(0, space)] = std::stod(line.substr(space + 1));
  }
  return samples;
}

inline double Delta(const Samples& before, const Samples& after, const std::string& series) {
  auto value = [&](const Samples& s) {
    auto it = s.find(series);
    return it == s.end() ? 0.0 : it->second;
  };
  return value(after) - value(before);
}

// Runs `promtool check metrics` on `text`: its exit status and output.
inline int PromtoolCheck(const std::string& promtool, const std::string& text, std::string& output) {
  TempDir dir("dnsd-promtool");
  const auto file = dir.path() / "metrics.txt";
  std::ofstream(file) << text;
  const std::string command = promtool + " check metrics < " + file.string() + " 2>&1";
  FILE* pipe = ::popen(command.c_str(), "r");
  if (pipe == nullptr) return -1;
  char buffer[4096];
  while (std::fgets(buffer, sizeof buffer, pipe)) output += buffer;
  return ::pclose(pipe);
}

}  // namespace dnsd::it
