// For the loop tests: a UDP relay in front of knot that records loop's probes (HINFO for a name
// whose first label is a number) and, when told to, swallows them: the daemon then stays in its
// probing phase while every other query is answered by the real upstream.
#pragma once

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "fixture/net.hpp"

namespace dnsd::it {

class ProbeWatchingRelay {
 public:
  using Clock = std::chrono::steady_clock;
  struct Probe {
    Clock::time_point at;
    std::string name;  // presentation form, trailing dot
  };

  ProbeWatchingRelay(const Endpoint& upstream, bool swallow) : swallow_(swallow) {
    front_ = Bound(0);
    back_ = Bound(0);
    sockaddr_in to = Loopback(upstream.port);
    ::connect(back_, reinterpret_cast<sockaddr*>(&to), sizeof to);
    sockaddr_in self{};
    socklen_t length = sizeof self;
    ::getsockname(front_, reinterpret_cast<sockaddr*>(&self), &length);
    port_ = ntohs(self.sin_port);
    thread_ = std::thread([this] { Run(); });
  }
  ~ProbeWatchingRelay() {
    stop_ = true;
    thread_.join();
    ::close(front_);
    ::close(back_);
  }
  ProbeWatchingRelay(const ProbeWatchingRelay&) = delete;
  ProbeWatchingRelay& operator=(const ProbeWatchingRelay&) = delete;

  Endpoint endpoint() const { return {"127.0.0.1", port_}; }
  std::vector<Probe> probes() {
    std::lock_guard lock(mu_);
    return probes_;
  }

 private:
  static sockaddr_in Loopback(uint16_t port) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return addr;
  }
  static int Bound(uint16_t port) {
    int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    sockaddr_in addr = Loopback(port);
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    return fd;
  }
  // The question name of an uncompressed query, and whether it is a loop probe.
  static bool IsProbe(const uint8_t* m, size_t n, std::string* name) {
    size_t at = 12;
    bool numeric_first = true, first = true;
    while (at < n && m[at] != 0) {
      const size_t length = m[at];
      if (length > 63 || at + 1 + length > n) return false;
      for (size_t i = 0; i < length; ++i) {
        const char c = static_cast<char>(m[at + 1 + i]);
        if (first && !std::isdigit(static_cast<unsigned char>(c))) numeric_first = false;
        *name += c;
      }
      *name += '.';
      first = false;
      at += 1 + length;
    }
    if (name->empty()) *name = ".";
    if (at + 3 > n) return false;
    const uint16_t type = static_cast<uint16_t>(m[at + 1] << 8 | m[at + 2]);
    return type == 13 && numeric_first && !first;
  }
  void Run() {
    uint8_t buffer[4096];
    while (!stop_) {
      pollfd fds[2] = {{front_, POLLIN, 0}, {back_, POLLIN, 0}};
      if (::poll(fds, 2, 50) <= 0) continue;
      if (fds[0].revents & POLLIN) {
        sockaddr_in from{};
        socklen_t length = sizeof from;
        ssize_t n = ::recvfrom(front_, buffer, sizeof buffer, 0, reinterpret_cast<sockaddr*>(&from), &length);
        std::string name;
        if (n < 12) continue;
        if (IsProbe(buffer, static_cast<size_t>(n), &name)) {
          std::lock_guard lock(mu_);
          probes_.push_back({Clock::now(), name});
          if (swallow_) continue;
        }
        clients_[static_cast<uint16_t>(buffer[0] << 8 | buffer[1])] = from;
        (void)!::send(back_, buffer, static_cast<size_t>(n), 0);
      }
      if (fds[1].revents & POLLIN) {
        ssize_t n = ::recv(back_, buffer, sizeof buffer, 0);
        if (n < 12) continue;
        auto client = clients_.find(static_cast<uint16_t>(buffer[0] << 8 | buffer[1]));
        if (client == clients_.end()) continue;
        ::sendto(front_, buffer, static_cast<size_t>(n), 0, reinterpret_cast<sockaddr*>(&client->second),
                 sizeof client->second);
        clients_.erase(client);
      }
    }
  }

  const bool swallow_;
  int front_ = -1, back_ = -1;
  uint16_t port_ = 0;
  std::map<uint16_t, sockaddr_in> clients_;  // by query ID; relay thread only
  std::mutex mu_;
  std::vector<Probe> probes_;
  std::atomic<bool> stop_{false};
  std::thread thread_;
};

}  // namespace dnsd::it
