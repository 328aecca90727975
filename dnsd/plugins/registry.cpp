#include "dnsd/plugins/registry.hpp"

#include <array>
#include <string>
#include <string_view>

#include "dnsd/plugins/bind/setup.hpp"
#include "dnsd/plugins/cache/setup.hpp"
#include "dnsd/plugins/errors/setup.hpp"
#include "dnsd/plugins/forward/setup.hpp"
#include "dnsd/plugins/health/setup.hpp"
#include "dnsd/plugins/loadbalance/setup.hpp"
#include "dnsd/plugins/hosts/setup.hpp"
#include "dnsd/plugins/ready/setup.hpp"
#include "dnsd/plugins/log/setup.hpp"
#include "dnsd/plugins/loop/setup.hpp"
#include "dnsd/plugins/prometheus/reload_metrics.hpp"
#include "dnsd/plugins/prometheus/setup.hpp"
#include "dnsd/plugins/reload/setup.hpp"
#include "dnsd/plugins/rewrite/setup.hpp"
#include "dnsd/plugins/template/setup.hpp"
#include "dnsd/plugins/whoami/setup.hpp"

namespace dnsd::plugins {
namespace {

using pipeline::Plugin;

// CoreDNS 1.11 plugin.cfg order. Plugins without a setup are recognised so that the error can say
// "not supported by dnsd" instead of "unknown plugin".
constexpr std::array kPlugins = {
    Plugin{"metadata", nullptr, true},   Plugin{"geoip", nullptr, true},
    Plugin{"cancel", nullptr, true},     Plugin{"tls", nullptr, true},
    Plugin{"timeouts", nullptr, true},   Plugin{"reload", &reload::Setup, true},
    Plugin{"nsid", nullptr, true},       Plugin{"bufsize", nullptr, true},
    Plugin{"root", nullptr, true},       Plugin{"bind", nullptr, false, &bind::SetupAll, &bind::BlockListenHosts},
    Plugin{"debug", nullptr, true},      Plugin{"trace", nullptr, true},
    Plugin{"ready", &ready::Setup, true}, Plugin{"health", &health::Setup, true},
    Plugin{"pprof", nullptr, true},      Plugin{"prometheus", &prometheus::Setup, true},
    Plugin{"errors", &errors::Setup, true},
    Plugin{"log", nullptr, false, &log::SetupAll},
    Plugin{"dnstap", nullptr, true},     Plugin{"local", nullptr, true},
    Plugin{"dns64", nullptr, true},      Plugin{"acl", nullptr, true},
    Plugin{"any", nullptr, true},        Plugin{"chaos", nullptr, true},
    Plugin{"loadbalance", &loadbalance::Setup, true}, Plugin{"tsig", nullptr, true},
    Plugin{"cache", &cache::Setup, true},      Plugin{"rewrite", nullptr, false, &rewrite::SetupAll},
    Plugin{"header", nullptr, false},    Plugin{"dnssec", nullptr, true},
    Plugin{"autopath", nullptr, true},   Plugin{"minimal", nullptr, true},
    Plugin{"template", &tmpl::Setup, false},  Plugin{"transfer", nullptr, true},
    Plugin{"hosts", &hosts::Setup, true},    Plugin{"route53", nullptr, true},
    Plugin{"azure", nullptr, true},      Plugin{"clouddns", nullptr, true},
    Plugin{"k8s_external", nullptr, true}, Plugin{"kubernetes", nullptr, true},
    Plugin{"file", nullptr, false},      Plugin{"auto", nullptr, true},
    Plugin{"secondary", nullptr, true},  Plugin{"etcd", nullptr, true},
    Plugin{"loop", &loop::Setup, true},  Plugin{"forward", &forward::Setup, false},
    Plugin{"grpc", nullptr, true},       Plugin{"erratic", nullptr, true},
    Plugin{"whoami", &whoami::Setup, true},     Plugin{"on", nullptr, false},
    Plugin{"sign", nullptr, true},       Plugin{"view", nullptr, true},
};

}  // namespace

const pipeline::PluginRegistry& Registry() {
  static const pipeline::PluginRegistry registry{
      kPlugins,
      {+[](std::string_view sha512) { prometheus::SetReloadVersion(std::string(sha512)); },
       &prometheus::CountReloadFailure}};
  return registry;
}

}  // namespace dnsd::plugins
