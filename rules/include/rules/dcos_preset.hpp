// The DC/OS preset: `rewrite dnsd_dcos [{ OPTIONS }]` expands into rules for every DC/OS legacy
// name family (Mesos-DNS `*.mesos`, dcos-net `*.thisdcos.directory`, `*.thisdcos.global`): rewrites
// to Kubernetes Service names, local NXDOMAIN answers with a synthesized legacy SOA for families
// that have no Kubernetes equivalent, and the exact rules of an optional mapping table (YAML) for
// the names that cannot be inverted (Mesos-DNS's hyphen names, VIP labels). Syntax and the table of
// families: docs/migration.md. Building the rules happens at config load and reload, never per query.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "rules/ast.hpp"

namespace dnsd::rules {

// The field word of the preset's line. CoreDNS rejects it as an unknown rule type, so a Corefile
// using it can never mean something else to CoreDNS.
inline constexpr std::string_view kDcosPresetField = "dnsd_dcos";
inline constexpr std::string_view kDcosSetName = "dnsd_dcos";  // Rule::set_name of every preset rule

struct DcosOptions {
  std::string namespace_pattern = "{group}-default";        // {group}: group labels joined by '-'
  std::string root_namespace = "default";                   // apps without a group
  std::string framework_namespace = "{framework}-default";  // other frameworks, SDK services
  std::string cluster_domain = "cluster.local.";            // lower case, fully qualified
  std::string srv_port_name = "http";                       // SRV names that carry no port name
  std::string headless_suffix = "-headless";                // containerip -> <svc><suffix>
  std::uint32_t negative_ttl = 60;                          // seconds
  // `static FAMILY TARGET`: a family without a Kubernetes equivalent is rewritten to TARGET (fully
  // qualified, lower case) instead of answered NXDOMAIN. Families: kDcosStaticFamilies.
  std::vector<std::pair<std::string, std::string>> statics;
  std::string mappings;         // resolved path of the mapping table; empty: none
  config::Token mappings_token; // the PATH token, for errors about the file as a whole
  std::chrono::nanoseconds reload{std::chrono::seconds(5)};  // table poll, as dnsd_rules; 0: never
  SourcePosition pos;           // the line's `rewrite` word: Rule::pos of the generated rules

  const std::string* StaticTarget(std::string_view family) const;
};

inline constexpr std::string_view kDcosStaticFamilies[] = {"leader", "master", "slave", "agentip",
                                                           "mesos-dns"};

// True when `directive` is a `rewrite [continue|stop] dnsd_dcos ...` line.
bool IsDcosLine(const config::Directive& directive);

// Parses the options of `rewrite dnsd_dcos [{ ... }]`. Unknown option, bad value or duplicate:
// an error at the token, naming it and what was wanted.
config::Parsed<DcosOptions> ParseDcosDirective(const config::Directive& directive);

// ---- the mapping table (docs/migration.md "The mapping table") ----------------------------------

struct DcosApp {
  std::string id;                  // Marathon app id, "/prod/pay/api"
  std::string service;             // empty: the last segment of id (Mesos-DNS mangled)
  std::string ns;                  // empty: the namespace pattern applied to the group
  std::vector<std::string> ports;  // port names; the first answers `_<task>._<proto>` SRV
  std::vector<std::string> vips;   // VIP labels, "/pay/api:80"
  bool mesos_dns_names = true;     // false: no names from the Mesos-DNS label (another app has it)
  SourcePosition pos;              // the entry (its `id` value)
};

struct DcosName {
  std::string legacy;  // lower case, fully qualified
  std::string target;  // lower case, fully qualified
  SourcePosition pos;
};

struct DcosTable {
  std::vector<DcosApp> apps;
  std::vector<DcosName> names;
};

struct ParsedDcosTable {
  DcosTable table;
  std::optional<RuleError> error;  // file:line:column from yaml-cpp's marks
};
ParsedDcosTable ParseDcosTable(std::string_view text, const std::string& file);
ParsedDcosTable LoadDcosTable(const std::string& path);  // unreadable: an error at line 0

// Mesos-DNS's label mangling (RFC 1123): lower case, '.' and '_' become '-', other characters
// dropped, at most 63 octets, no leading or trailing '-'.
std::string MesosDnsLabel(std::string_view text);
// Marathon's task name of an app id, each segment a Mesos-DNS label: "/prod/pay/api" ->
// "api.pay.prod" (group path reversed); empty when a segment gives an empty label.
std::string MarathonTaskName(std::string_view app_id);
// dcos-net's name of a VIP label ("/pay/api:80" -> "payapi"); empty when the label names an IP.
std::string VipName(std::string_view label);

// ---- expansion ----------------------------------------------------------------------------------

struct DcosExpansion {
  std::vector<Rule> rules;  // in evaluation order, index 0..n-1
  std::optional<RuleError> error;
};

// The rules of the preset, in the order of docs/migration.md: search-path, table, marathon SRV,
// marathon A, slave, leader/master, other frameworks, dcos-net, VIPs, zone apex and catch-all.
// Reads the mapping table when `options.mappings` is set. `serial` is the SOA serial (seconds since
// the epoch at load).
DcosExpansion ExpandDcos(const DcosOptions& options, std::uint32_t serial);
// The same with an already parsed table (tests, tools).
DcosExpansion ExpandDcos(const DcosOptions& options, const DcosTable& table, std::uint32_t serial);

// ---- `dnsd-rules import-marathon` ---------------------------------------------------------------

struct MarathonImport {
  std::string yaml;                // the mapping table
  std::size_t apps = 0, vips = 0;  // what was converted
  std::optional<RuleError> error;
};
// Converts a Marathon `/v2/apps` JSON dump ({"apps": [...]}, or a bare list of apps, or one `app`)
// into a mapping table: one entry per app with its port names (portDefinitions, else
// container.portMappings, else container.docker.portMappings) and VIP labels (VIP_n labels of
// those ports). Errors name file:line:column.
MarathonImport ImportMarathonApps(std::string_view json, const std::string& file);

}  // namespace dnsd::rules
