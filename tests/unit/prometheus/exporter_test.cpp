// The exporter's listener over real HTTP: /metrics as prometheus-cpp 1.0.1's Exposer served it
// (headers, exposer_* series, gzip on request), the pages of metrics::Pages::Shared() beside it,
// 404 for anything else, and a port in use refused.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <gtest/gtest.h>

#include <prometheus/counter.h>
#include <prometheus/registry.h>

#include <map>
#include <memory>
#include <string>

#include "dnsd/metrics/pages.hpp"
#include "dnsd/plugins/prometheus/exporter.hpp"

namespace dnsd::plugins::prometheus {
namespace {

struct Response {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case name -> value
  std::string body;
};

// One HTTP/1.1 GET on a fresh connection (civetweb closes it after the response: no keep-alive).
Response Get(int port, const std::string& path, const std::string& extra_headers = "") {
  Response response;
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) return response;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  ::inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  timeval timeout{5, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, sizeof timeout);
  std::string raw;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    const std::string request =
        "GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n" + extra_headers + "\r\n";
    if (::send(fd, request.data(), request.size(), 0) == static_cast<ssize_t>(request.size())) {
      char buffer[65536];
      ssize_t n;
      while ((n = ::recv(fd, buffer, sizeof buffer, 0)) > 0) raw.append(buffer, static_cast<size_t>(n));
    }
  }
  ::close(fd);
  const auto end = raw.find("\r\n\r\n");
  if (raw.rfind("HTTP/1.1 ", 0) != 0 || end == std::string::npos) return response;
  response.status = std::stoi(raw.substr(9, 3));
  std::size_t line = raw.find("\r\n") + 2;
  while (line < end) {
    const std::size_t next = raw.find("\r\n", line);
    const std::string header = raw.substr(line, next - line);
    const std::size_t colon = header.find(':');
    std::string name = header.substr(0, colon);
    for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    response.headers[name] = header.substr(header.find_first_not_of(' ', colon + 1));
    line = next + 2;
  }
  response.body = raw.substr(end + 4);
  return response;
}

std::string Gunzip(const std::string& in) {
  z_stream zs{};
  if (inflateInit2(&zs, 16 + MAX_WBITS) != Z_OK) return "";
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  std::string out;
  int ret = Z_OK;
  char buffer[32768];
  while (ret == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buffer);
    zs.avail_out = sizeof buffer;
    ret = inflate(&zs, Z_NO_FLUSH);
    out.append(buffer, sizeof buffer - zs.avail_out);
  }
  inflateEnd(&zs);
  return ret == Z_STREAM_END ? out : "";
}

// A page that echoes its path and query, as the legacy report's sources render JSON.
class EchoPage : public metrics::PageSource {
 public:
  metrics::Page Render(std::string_view path, std::string_view query) const override {
    return {"application/json", "{\"path\":\"" + std::string(path) + "\",\"query\":\"" + std::string(query) + "\"}\n"};
  }
};

class ExporterHttp : public ::testing::Test {
 protected:
  void SetUp() override {
    exporter_ = std::make_unique<prometheus::Exporter>("127.0.0.1:0", "127.0.0.1:0");
    ASSERT_EQ(exporter_->ListeningPorts().size(), 1u);
    port_ = exporter_->ListeningPorts()[0];
  }

  std::unique_ptr<prometheus::Exporter> exporter_;
  int port_ = 0;
};

TEST_F(ExporterHttp, ServesARegisteredPageWithItsTypeAndLengthNeverCached) {
  auto page = std::make_shared<EchoPage>();
  metrics::Pages::Shared().Register("/exporter-test.json", page);
  const Response r = Get(port_, "/exporter-test.json?top=5");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.at("content-type"), "application/json");
  EXPECT_EQ(r.headers.at("cache-control"), "no-store");
  EXPECT_EQ(r.body, "{\"path\":\"/exporter-test.json\",\"query\":\"top=5\"}\n");
  EXPECT_EQ(r.headers.at("content-length"), std::to_string(r.body.size()));
}

TEST_F(ExporterHttp, APageWhoseSourceIsGoneAndAnUnknownPathAre404) {
  {
    auto page = std::make_shared<EchoPage>();
    metrics::Pages::Shared().Register("/exporter-test-gone", page);
    EXPECT_EQ(Get(port_, "/exporter-test-gone").status, 200);
  }
  const Response gone = Get(port_, "/exporter-test-gone");
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(gone.headers.at("content-length"), std::to_string(gone.body.size()));
  EXPECT_EQ(Get(port_, "/nothing-here").status, 404);
  EXPECT_EQ(Get(port_, "/").status, 404);
}

TEST_F(ExporterHttp, MetricsIsExposersTextWithItsHeadersAndSeries) {
  auto registry = std::make_shared<::prometheus::Registry>();
  ::prometheus::BuildCounter().Name("exporter_test_total").Help("a test counter").Register(*registry).Add({}).Increment(3);
  exporter_->Register(registry);
  const Response r = Get(port_, "/metrics");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.at("content-type"), "text/plain; charset=utf-8");
  EXPECT_EQ(r.headers.count("content-encoding"), 0u);
  EXPECT_EQ(r.headers.at("content-length"), std::to_string(r.body.size()));
  for (const char* line : {"# TYPE exposer_transferred_bytes_total counter", "# TYPE exposer_scrapes_total counter",
                           "# TYPE exposer_request_latencies summary", "# TYPE coredns_build_info gauge",
                           "exporter_test_total 3"}) {
    EXPECT_NE(r.body.find(line), std::string::npos) << line << "\n" << r.body;
  }
  // Exposer's own series come first (its endpoint registers them before any collectable).
  EXPECT_EQ(r.body.rfind("# HELP exposer_", 0), 0u) << r.body.substr(0, 200);
  EXPECT_NE(Get(port_, "/metrics").body.find("exposer_scrapes_total 1"), std::string::npos);
}

TEST_F(ExporterHttp, MetricsIsGzippedWhenTheClientAcceptsIt) {
  const Response r = Get(port_, "/metrics", "Accept-Encoding: deflate, gzip\r\n");
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers.at("content-type"), "text/plain; charset=utf-8");
  ASSERT_EQ(r.headers.count("content-encoding"), 1u);
  EXPECT_EQ(r.headers.at("content-encoding"), "gzip");
  EXPECT_EQ(r.headers.at("content-length"), std::to_string(r.body.size()));
  const std::string text = Gunzip(r.body);
  EXPECT_NE(text.find("# TYPE coredns_build_info gauge"), std::string::npos) << text;
}

TEST_F(ExporterHttp, APortInUseThrows) {
  const std::string bind = "127.0.0.1:" + std::to_string(port_);
  EXPECT_ANY_THROW(prometheus::Exporter("127.0.0.1:" + std::to_string(port_), bind));
}

}  // namespace
}  // namespace dnsd::plugins::prometheus
