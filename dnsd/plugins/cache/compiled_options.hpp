// Options with their zones parsed into wire names once, for the per-query zone checks.
#pragma once

#include <vector>

#include "dnsd/plugins/cache/options.hpp"
#include "dnsd/wire/name.hpp"

namespace dnsd::plugins::cache {

struct CompiledOptions {
  Options options;
  std::vector<wire::Name> zones;
  bool all_zones = false;                    // "." is among the zones: skip the check
  std::vector<wire::Name> disabled[2];       // by Kind

  explicit CompiledOptions(Options from) : options(std::move(from)) {
    for (const std::string& zone : options.zones) {
      wire::Name name;
      if (wire::Name::FromString(zone, name) != wire::WireError::kOk) continue;
      if (name.IsRoot()) all_zones = true;
      zones.push_back(name);
    }
    const std::vector<std::string>* lists[2] = {&options.success.disabled_zones,
                                                &options.denial.disabled_zones};
    for (int kind = 0; kind < 2; ++kind) {
      for (const std::string& zone : *lists[kind]) {
        wire::Name name;
        if (wire::Name::FromString(zone, name) == wire::WireError::kOk) disabled[kind].push_back(name);
      }
    }
  }

  bool InZones(const wire::Name& qname) const {
    if (all_zones) return true;
    for (const wire::Name& zone : zones) {
      if (qname.IsSubdomainOf(zone)) return true;
    }
    return false;
  }
  bool Disabled(int kind, const wire::Name& qname) const {
    for (const wire::Name& zone : disabled[kind]) {
      if (qname.IsSubdomainOf(zone)) return true;
    }
    return false;
  }
};

}  // namespace dnsd::plugins::cache
