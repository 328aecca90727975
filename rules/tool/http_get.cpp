#include "http_get.hpp"

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <chrono>
#include <functional>
#include <utility>  // before Asio: Boost 1.74's awaitable.hpp uses std::exchange without it

#include <boost/asio.hpp>

namespace dnsd::rules_tool {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr const char* kDefaultPort = "9153";  // the prometheus plugin's (CoreDNS's) default
constexpr std::chrono::seconds kTimeout{5};
constexpr std::size_t kMaxResponse = 64 << 20;  // the report is bounded (512 names); anything larger is not one

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The value of header `name` (lower case) in `head`, "" if absent.
std::string Header(const std::string& head, const std::string& name) {
  const std::string lower = Lower(head);
  std::size_t at = 0;
  while ((at = lower.find("\r\n" + name + ":", at)) != std::string::npos) {
    const std::size_t start = at + 3 + name.size();
    const std::size_t end = lower.find("\r\n", start);
    std::string value = head.substr(start, end - start);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t") + 1);
    return value;
  }
  return "";
}

// Transfer-Encoding: chunked bodies; nullopt when malformed.
std::optional<std::string> Dechunk(const std::string& in) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t eol = in.find("\r\n", at);
    if (eol == std::string::npos) return std::nullopt;
    std::size_t size = 0;
    const char* first = in.data() + at;
    auto [end, ec] = std::from_chars(first, in.data() + eol, size, 16);
    if (ec != std::errc() || end == first) return std::nullopt;
    if (size == 0) return out;
    if (eol + 2 + size > in.size()) return std::nullopt;
    out.append(in, eol + 2, size);
    at = eol + 2 + size + 2;
  }
}

// Parses a complete response (the server closed, or Content-Length bytes arrived). nullopt when
// `raw` is not HTTP.
std::optional<HttpResponse> ParseResponse(const std::string& raw) {
  const std::size_t head_end = raw.find("\r\n\r\n");
  if (!raw.starts_with("HTTP/1.") || head_end == std::string::npos || raw.size() < 12) return std::nullopt;
  HttpResponse response;
  auto [end, ec] = std::from_chars(raw.data() + 9, raw.data() + 12, response.status);
  if (ec != std::errc() || end != raw.data() + 12) return std::nullopt;
  const std::size_t line_end = raw.find("\r\n");
  if (line_end > 13) response.reason = raw.substr(13, line_end - 13);
  const std::string head = raw.substr(0, head_end + 2);
  response.body = raw.substr(head_end + 4);
  if (Lower(Header(head, "transfer-encoding")).find("chunked") != std::string::npos) {
    std::optional<std::string> body = Dechunk(response.body);
    if (!body) return std::nullopt;
    response.body = std::move(*body);
  } else if (const std::string length = Header(head, "content-length"); !length.empty()) {
    std::size_t size = 0;
    auto [end2, ec2] = std::from_chars(length.data(), length.data() + length.size(), size);
    if (ec2 != std::errc() || end2 != length.data() + length.size() || size > response.body.size()) return std::nullopt;
    response.body.resize(size);
  }
  return response;
}

// True once `raw` holds a whole response with a Content-Length (the server may keep the connection).
bool Complete(const std::string& raw) {
  const std::size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  const std::string length = Header(raw.substr(0, head_end + 2), "content-length");
  std::size_t size = 0;
  auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), size);
  return ec == std::errc() && !length.empty() && raw.size() - head_end - 4 >= size;
}

}  // namespace

std::optional<Url> ParseUrl(std::string text, std::string& why) {
  if (text.starts_with("https://")) {
    why = "https is not supported (the prometheus listener serves plain HTTP)";
    return std::nullopt;
  }
  if (text.starts_with("http://")) text.erase(0, 7);
  if (text.find("://") != std::string::npos) {
    why = "want http://HOST:PORT";
    return std::nullopt;
  }
  Url url;
  const std::size_t slash = text.find('/');
  if (slash != std::string::npos) {
    url.path = text.substr(slash);
    text.erase(slash);
    while (!url.path.empty() && url.path.back() == '/') url.path.pop_back();
  }
  std::string port;
  if (text.starts_with("[")) {
    const std::size_t close = text.find(']');
    if (close == std::string::npos) {
      why = "unclosed '[' in the host";
      return std::nullopt;
    }
    url.host = text.substr(1, close - 1);
    const std::string rest = text.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') {
      why = "want [HOST]:PORT";
      return std::nullopt;
    }
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const std::size_t colon = text.rfind(':');
    url.host = text.substr(0, colon);
    if (colon != std::string::npos) port = text.substr(colon + 1);
    if (url.host.find(':') != std::string::npos) {
      why = "an IPv6 host goes in brackets: http://[::1]:9153";
      return std::nullopt;
    }
  }
  if (url.host.empty()) {
    why = "no host";
    return std::nullopt;
  }
  if (port.empty()) port = kDefaultPort;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    why = "bad port \"" + port + "\"";
    return std::nullopt;
  }
  url.port = port;
  return url;
}

std::string Origin(const Url& url) {
  return "http://" + (url.host.find(':') != std::string::npos ? "[" + url.host + "]" : url.host) + ":" + url.port;
}

std::variant<HttpResponse, std::string> Get(const Url& url, const std::string& path) {
  asio::io_context io;
  tcp::resolver resolver(io);
  tcp::socket socket(io);
  const std::string host_header = url.host.find(':') != std::string::npos ? "[" + url.host + "]:" + url.port
                                                                          : url.host + ":" + url.port;
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host_header +
                              "\r\nAccept: application/json\r\nUser-Agent: dnsd-rules\r\nConnection: close\r\n\r\n";
  std::string raw, failure;
  std::array<char, 16384> buffer;
  bool done = false;
  std::function<void()> read = [&] {
    socket.async_read_some(asio::buffer(buffer), [&](const boost::system::error_code& ec, std::size_t n) {
      raw.append(buffer.data(), n);
      if (ec == asio::error::eof || (!ec && Complete(raw))) {
        done = true;
      } else if (ec) {
        failure = ec.message();
      } else if (raw.size() > kMaxResponse) {
        failure = "the response is larger than " + std::to_string(kMaxResponse >> 20) + " MiB";
      } else {
        read();
      }
    });
  };
  resolver.async_resolve(url.host, url.port, [&](const boost::system::error_code& ec, tcp::resolver::results_type results) {
    if (ec) {
      failure = "cannot resolve " + url.host + ": " + ec.message();
      return;
    }
    asio::async_connect(socket, results, [&](const boost::system::error_code& ec2, const tcp::endpoint&) {
      if (ec2) {
        failure = ec2.message();
        return;
      }
      asio::async_write(socket, asio::buffer(request), [&](const boost::system::error_code& ec3, std::size_t) {
        if (ec3) {
          failure = ec3.message();
          return;
        }
        read();
      });
    });
  });
  io.run_for(kTimeout);
  if (!failure.empty()) return failure;
  if (!done) return "no response within " + std::to_string(kTimeout.count()) + "s";
  std::optional<HttpResponse> response = ParseResponse(raw);
  if (!response) return std::string("the answer is not an HTTP response");
  return *response;
}

}  // namespace dnsd::rules_tool
