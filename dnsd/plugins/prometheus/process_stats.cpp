#include "dnsd/plugins/prometheus/process_stats.hpp"

#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "dnsd/metrics/families.hpp"
#include "dnsd/metrics/process_metrics.hpp"

namespace dnsd::plugins::prometheus {

using metrics::AddCounter;
using metrics::AddGauge;
using metrics::NewFamily;
using metrics::ProcessCollector;
namespace {

using ::prometheus::MetricType;

// The fields of /proc/self/stat Go's procfs reads (proc(5): utime 14, stime 15, starttime 22,
// vsize 23, rss 24), counted after the ")" that ends the command name.
struct Stat {
  double utime_ticks = 0, stime_ticks = 0, start_ticks = 0, vsize = 0, rss_pages = 0;
  bool ok = false;
};

Stat ReadStat() {
  Stat stat;
  std::ifstream file("/proc/self/stat");
  std::string line;
  if (!std::getline(file, line)) return stat;
  const std::size_t close = line.rfind(')');
  if (close == std::string::npos) return stat;
  std::istringstream fields(line.substr(close + 2));
  std::string field;
  for (int index = 3; fields >> field; ++index) {  // field 3 is the state
    switch (index) {
      case 14: stat.utime_ticks = std::stod(field); break;
      case 15: stat.stime_ticks = std::stod(field); break;
      case 22: stat.start_ticks = std::stod(field); break;
      case 23: stat.vsize = std::stod(field); break;
      case 24: stat.rss_pages = std::stod(field); stat.ok = true; break;
      default: break;
    }
    if (stat.ok) break;
  }
  return stat;
}

double BootTimeSeconds() {
  std::ifstream file("/proc/stat");
  std::string key;
  double value = 0;
  while (file >> key) {
    if (key == "btime" && file >> value) return value;
    file.ignore(1 << 20, '\n');
  }
  return 0;
}

double OpenFds() {
  std::error_code ec;
  double count = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++count;
  return count > 0 ? count - 1 : 0;  // not the descriptor reading the directory
}

class ProcessStats final : public ::prometheus::Collectable {
 public:
  std::vector<::prometheus::MetricFamily> Collect() const override {
    std::vector<::prometheus::MetricFamily> families;
    const Stat stat = ReadStat();
    if (stat.ok) {
      const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
      const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
      Add(families, "process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
          MetricType::Counter, (stat.utime_ticks + stat.stime_ticks) / ticks);
      Add(families, "process_resident_memory_bytes", "Resident memory size in bytes.", MetricType::Gauge,
          stat.rss_pages * page);
      Add(families, "process_virtual_memory_bytes", "Virtual memory size in bytes.", MetricType::Gauge, stat.vsize);
      Add(families, "process_start_time_seconds", "Start time of the process since unix epoch in seconds.",
          MetricType::Gauge, boot_time_ + stat.start_ticks / ticks);
    }
    Add(families, "process_open_fds", "Number of open file descriptors.", MetricType::Gauge, OpenFds());
    rlimit files{};
    if (getrlimit(RLIMIT_NOFILE, &files) == 0) {
      Add(families, "process_max_fds", "Maximum number of open file descriptors.", MetricType::Gauge,
          static_cast<double>(files.rlim_cur));
    }
    rlimit address_space{};
    if (getrlimit(RLIMIT_AS, &address_space) == 0) {
      // Go reports RLIM_INFINITY as -1 (its uint64 max does not fit the gauge it means).
      const double max = address_space.rlim_cur == RLIM_INFINITY ? -1 : static_cast<double>(address_space.rlim_cur);
      Add(families, "process_virtual_memory_max_bytes", "Maximum amount of virtual memory available in bytes.",
          MetricType::Gauge, max);
    }
    return families;
  }

 private:
  static void Add(std::vector<::prometheus::MetricFamily>& families, const char* name, const char* help,
                  MetricType type, double value) {
    auto family = NewFamily(name, help, type);
    if (type == MetricType::Counter) AddCounter(family, {}, value);
    else AddGauge(family, {}, value);
    families.push_back(std::move(family));
  }

  double boot_time_ = BootTimeSeconds();
};

}  // namespace

void RegisterProcessStats() { ProcessCollector<ProcessStats>(); }

}  // namespace dnsd::plugins::prometheus
