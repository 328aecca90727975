#include "dnsd/plugins/prometheus/exporter.hpp"

#include <zlib.h>

#include <CivetServer.h>
#include <prometheus/counter.h>
#include <prometheus/registry.h>
#include <prometheus/summary.h>
#include <prometheus/text_serializer.h>

#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstring>
#include <map>
#include <mutex>

#include "dnsd/metrics/pages.hpp"
#include "dnsd/metrics/process_metrics.hpp"
#include "dnsd/plugins/prometheus/process_stats.hpp"
#include "dnsd/plugins/prometheus/reload_metrics.hpp"

namespace dnsd::plugins::prometheus {

using metrics::ProcessMetrics;
namespace {

std::mutex& RegistryMutex() {
  static std::mutex mutex;
  return mutex;
}

std::map<std::string, std::weak_ptr<Exporter>>& Registry() {
  static std::map<std::string, std::weak_ptr<Exporter>> registry;
  return registry;
}

// prometheus-cpp 1.0.1's GZipCompress (pull/src/handler.cc): gzip framing, level 6, memLevel 9;
// empty on failure (the caller then sends the text uncompressed).
std::string GZip(const std::string& input) {
  z_stream zs{};
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 9, Z_DEFAULT_STRATEGY) != Z_OK) return {};
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(input.data()));
  zs.avail_in = static_cast<uInt>(input.size());
  std::string output;
  int ret;
  do {
    constexpr std::size_t kRound = 32768;
    output.resize(zs.total_out + kRound);
    zs.avail_out = kRound;
    zs.next_out = reinterpret_cast<Bytef*>(output.data() + zs.total_out);
    ret = deflate(&zs, Z_FINISH);
    output.resize(zs.total_out);
  } while (ret == Z_OK);
  deflateEnd(&zs);
  return ret == Z_STREAM_END ? output : std::string();
}

bool AcceptsGzip(mg_connection* conn) {
  const char* accept = mg_get_header(conn, "Accept-Encoding");
  return accept != nullptr && std::strstr(accept, "gzip") != nullptr;  // as prometheus-cpp: a substring
}

void Write(mg_connection* conn, const std::string& head, const std::string& body) {
  mg_write(conn, head.data(), head.size());
  mg_write(conn, body.data(), body.size());
}

}  // namespace

// prometheus::Exposer's /metrics handler (prometheus-cpp 1.0.1, pull/src/handler.cc and endpoint.cc),
// rewritten because Exposer cannot serve other paths: the same exposer_* series of its own registry
// (collected first, as the Endpoint registers it first), every collectable's families in
// registration order through TextSerializer, the same headers, gzip when Accept-Encoding names it.
class Exporter::MetricsHandler : public CivetHandler {
 public:
  MetricsHandler()
      : registry_(std::make_shared<::prometheus::Registry>()),
        bytes_(::prometheus::BuildCounter()
                   .Name("exposer_transferred_bytes_total")
                   .Help("Transferred bytes to metrics services")
                   .Register(*registry_)
                   .Add({})),
        scrapes_(::prometheus::BuildCounter()
                     .Name("exposer_scrapes_total")
                     .Help("Number of times metrics were scraped")
                     .Register(*registry_)
                     .Add({})),
        latencies_(::prometheus::BuildSummary()
                       .Name("exposer_request_latencies")
                       .Help("Latencies of serving scrape requests, in microseconds")
                       .Register(*registry_)
                       .Add({}, ::prometheus::Summary::Quantiles{{0.5, 0.05}, {0.9, 0.01}, {0.99, 0.001}})) {
    Register(registry_);
  }

  void Register(const std::weak_ptr<::prometheus::Collectable>& collectable) {
    std::lock_guard lock(mutex_);
    std::erase_if(collectables_, [](const auto& c) { return c.expired(); });
    collectables_.push_back(collectable);
  }

  using CivetHandler::handleGet;  // the status-code overload stays civetweb's default
  bool handleGet(CivetServer*, mg_connection* conn) override {
    const auto start = std::chrono::steady_clock::now();
    std::vector<::prometheus::MetricFamily> families;
    {
      std::lock_guard lock(mutex_);
      for (const auto& weak : collectables_) {
        if (auto collectable = weak.lock()) {
          auto collected = collectable->Collect();
          families.insert(families.end(), std::make_move_iterator(collected.begin()),
                          std::make_move_iterator(collected.end()));
        }
      }
    }
    std::string body = ::prometheus::TextSerializer().Serialize(families);
    std::string head = "HTTP/1.1 200 OK\r\nContent-Type: text/plain; charset=utf-8\r\n";
    if (AcceptsGzip(conn)) {
      if (std::string compressed = GZip(body); !compressed.empty()) {
        body = std::move(compressed);
        head += "Content-Encoding: gzip\r\n";
      }
    }
    head += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n";
    Write(conn, head, body);
    latencies_.Observe(static_cast<double>(
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count()));
    bytes_.Increment(static_cast<double>(body.size()));
    scrapes_.Increment();
    return true;
  }

 private:
  std::shared_ptr<::prometheus::Registry> registry_;
  ::prometheus::Counter& bytes_;
  ::prometheus::Counter& scrapes_;
  ::prometheus::Summary& latencies_;
  std::mutex mutex_;
  std::vector<std::weak_ptr<::prometheus::Collectable>> collectables_;
};

// Every path but /metrics: a page of metrics::Pages::Shared(), looked up per request (pages come
// and go with reloads), else 404. Pages are live state: never cached.
class Exporter::PagesHandler : public CivetHandler {
 public:
  using CivetHandler::handleGet;  // the status-code overload stays civetweb's default
  bool handleGet(CivetServer*, mg_connection* conn) override {
    const mg_request_info* request = mg_get_request_info(conn);
    const std::string_view path = request->local_uri != nullptr ? request->local_uri : "";
    const std::string_view query = request->query_string != nullptr ? request->query_string : "";
    metrics::Page page;
    if (!metrics::Pages::Shared().Render(path, query, page)) {
      Write(conn,
            "HTTP/1.1 404 Not Found\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: 19\r\n"
            "Cache-Control: no-store\r\n\r\n",
            "404 page not found\n");
      return true;
    }
    Write(conn,
          "HTTP/1.1 200 OK\r\nContent-Type: " + page.content_type + "\r\nContent-Length: " +
              std::to_string(page.body.size()) + "\r\nCache-Control: no-store\r\n\r\n",
          page.body);
    return true;
  }
};

Exporter::Exporter(const std::string& address, const std::string& bind)
    : address_(address),
      dns_(std::make_shared<DnsCollector>()),
      metrics_(std::make_unique<MetricsHandler>()),
      pages_(std::make_unique<PagesHandler>()),
      // Exposer's options: one worker thread. CivetServer throws CivetException when it cannot listen.
      server_(std::make_unique<CivetServer>(std::vector<std::string>{"listening_ports", bind, "num_threads", "1"})) {
  // civetweb tries an exact match, then "URI/...", then patterns: /metrics (and /metrics/..., as
  // Exposer) goes to the metrics handler, every other path to the pages ("**" matches them all).
  server_->addHandler("/metrics", metrics_.get());
  server_->addHandler("**", pages_.get());
  metrics_->Register(dns_);
  RegisterReloadMetrics();
  RegisterProcessStats();
  metrics_->Register(ProcessMetrics::Shared());
}

Exporter::~Exporter() = default;

void Exporter::Register(const std::weak_ptr<::prometheus::Collectable>& collectable) { metrics_->Register(collectable); }

std::vector<int> Exporter::ListeningPorts() { return server_->getListeningPorts(); }

std::string BindSpec(const std::string& address) {
  // Go's net.SplitHostPort: HOST:PORT or [HOST]:PORT; HOST may be empty.
  const std::size_t colon = address.rfind(':');
  if (colon == std::string::npos) return "";
  std::string host = address.substr(0, colon);
  const std::string port = address.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) return "";
  const bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
  if (!bracketed && host.find(':') != std::string::npos) return "";
  if (host.empty()) return port;  // every IPv4 address
  if (host == "localhost") host = "127.0.0.1";
  return host + ":" + port;
}

std::variant<std::shared_ptr<Exporter>, std::string> AcquireExporter(const std::string& address) {
  const std::string bind = BindSpec(address);
  if (bind.empty()) return "invalid address \"" + address + "\" (want HOST:PORT, e.g. :9153)";
  std::lock_guard lock(RegistryMutex());
  auto& slot = Registry()[address];
  if (auto existing = slot.lock()) return existing;
  try {
    auto exporter = std::make_shared<Exporter>(address, bind);
    slot = exporter;
    return exporter;
  } catch (const std::exception& e) {
    return "cannot listen on \"" + address + "\": " + e.what();
  }
}

}  // namespace dnsd::plugins::prometheus
