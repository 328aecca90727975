// The hosts file is read again when its modification time or size changes, off the query path;
// a file that goes away keeps what was read (as CoreDNS), and the metrics follow each read.
#include <gtest/gtest.h>

#include <chrono>
#include <optional>
#include <thread>

#include "dnsd/plugins/hosts/metrics.hpp"
#include "support.hpp"

namespace dnsd::plugins::hosts {
namespace {

using namespace std::chrono_literals;
using Strings = std::vector<std::string>;
using testing::Rig;

constexpr std::uint16_t kA = 1;

Strings AddressesOf(Rig& rig, const std::string& name) {
  Strings out;
  for (const std::string& record : rig.Ask(name, kA).records) out.push_back(record.substr(record.rfind('\t') + 1));
  return out;
}

bool BecomesWithin(Rig& rig, const std::string& name, const Strings& addresses, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < deadline) {
    if (AddressesOf(rig, name) == addresses) return true;
    std::this_thread::sleep_for(10ms);
  }
  return false;
}

std::optional<double> Gauge(const std::string& family, const std::string& hostsfile = "") {
  for (const auto& f : HostsMetrics::Get().Collect()) {
    if (f.name != family) continue;
    for (const auto& metric : f.metric) {
      if (hostsfile.empty() || (!metric.label.empty() && metric.label[0].value == hostsfile)) return metric.gauge.value;
    }
  }
  return std::nullopt;
}

class HostsReload : public ::testing::Test {
 protected:
  testing::ScratchDir dir_;
  std::string path_ = (dir_ / "hosts").string();
  Rig Make(const std::string& reload) {
    return Rig(". {\n  hosts " + path_ + " {\n    reload " + reload + "\n    10.9.9.9 inline.test\n  }\n}\n");
  }
};

TEST_F(HostsReload, AChangedFileIsPickedUpAtTheReloadInterval) {
  testing::WriteText(path_, "10.0.0.1 web.test\n");
  Rig rig = Make("50ms");
  rig.factory->Start(rig.io);
  EXPECT_EQ(AddressesOf(rig, "web.test."), Strings{"10.0.0.1"});
  testing::WriteText(path_, "10.0.0.2 web.test\n10.0.0.3 web.test\n");
  EXPECT_TRUE(BecomesWithin(rig, "web.test.", {"10.0.0.2", "10.0.0.3"}, 3s));
  EXPECT_EQ(AddressesOf(rig, "inline.test."), Strings{"10.9.9.9"}) << "inline entries survive a reload";
  rig.factory->Stop();
}

TEST_F(HostsReload, ADeletedFileKeepsItsEntriesUntilItComesBack) {
  testing::WriteText(path_, "10.0.0.1 web.test\n");
  Rig rig = Make("20ms");
  rig.factory->Start(rig.io);
  std::filesystem::remove(path_);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(AddressesOf(rig, "web.test."), Strings{"10.0.0.1"});
  testing::WriteText(path_, "10.0.0.4 web.test\n");
  EXPECT_TRUE(BecomesWithin(rig, "web.test.", {"10.0.0.4"}, 3s));
}

TEST_F(HostsReload, AFileMissingAtStartIsReadWhenItAppears) {
  Rig rig = Make("20ms");
  rig.factory->Start(rig.io);
  EXPECT_EQ(rig.Ask("web.test.", kA).rcode, 2);  // SERVFAIL: no such name yet
  testing::WriteText(path_, "10.0.0.5 web.test\n");
  EXPECT_TRUE(BecomesWithin(rig, "web.test.", {"10.0.0.5"}, 3s));
}

TEST_F(HostsReload, ReloadZeroReadsTheFileOnce) {
  testing::WriteText(path_, "10.0.0.1 web.test\n");
  Rig rig = Make("0");
  rig.factory->Start(rig.io);
  testing::WriteText(path_, "10.0.0.2 web.test\n");
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(AddressesOf(rig, "web.test."), Strings{"10.0.0.1"});
}

TEST_F(HostsReload, MetricsCountFileAndInlineEntriesAndTheFileTime) {
  testing::WriteText(path_, "10.0.0.1 web.test www.test\n::1 web.test\n");
  std::filesystem::last_write_time(path_, std::filesystem::file_time_type::clock::now());
  Rig rig = Make("0");
  // 3 addresses and 3 reverse names from the file, 1 and 1 inline.
  EXPECT_EQ(Gauge("coredns_hosts_entries", path_), 8.0);
  auto stamp = Gauge("coredns_hosts_reload_timestamp_seconds");
  ASSERT_TRUE(stamp.has_value());
  const double now = std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(*stamp, now, 60.0);
}

}  // namespace
}  // namespace dnsd::plugins::hosts
