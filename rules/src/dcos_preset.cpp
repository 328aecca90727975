// The DC/OS preset's expansion into ordinary rules (docs/migration.md "Every legacy name family").
// Every generated rule is one the engine already knows (name rules, LocalRule), so the compiler's
// indexes and checks apply: regexes are compiled and checked by RuleSet::Compile like user rules.
//
// Regex rules match lower-case names (the engine lower-cases the question) and are anchored. Task,
// group and framework labels are [a-z0-9-]+: what Mesos-DNS produces and what a Kubernetes name
// can hold; anything else under a legacy zone falls through to the zone's catch-all NXDOMAIN.
#include <re2/re2.h>

#include <algorithm>
#include <map>
#include <set>

#include "dnsd/wire/name.hpp"
#include "rules/dcos_preset.hpp"

namespace dnsd::rules {
namespace {

constexpr std::string_view kLabel = "([a-z0-9-]+)";  // one captured task/group/framework label
constexpr std::size_t kMaxGroupDepth = 3;             // dotted group labels the generic rules invert
constexpr std::string_view kProtos[] = {"tcp", "udp"};

std::string Escape(std::string_view text) { return RE2::QuoteMeta(re2::StringPiece(text.data(), text.size())); }

std::string Ref(std::size_t group) { return "{" + std::to_string(group) + "}"; }

// "{first}-{first+1}-..." for `count` captured group labels.
std::string JoinedRefs(std::size_t first, std::size_t count) {
  std::string out;
  for (std::size_t i = 0; i < count; ++i) out += (i ? "-" : "") + Ref(first + i);
  return out;
}

std::string Substitute(std::string_view pattern, std::string_view placeholder, std::string_view value) {
  std::string out(pattern);
  if (const std::size_t at = out.find(placeholder); at != std::string::npos) out.replace(at, placeholder.size(), value);
  return out;
}

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

std::string_view MatchWord(MatchKind kind) {
  switch (kind) {
    case MatchKind::kExact: return "exact";
    case MatchKind::kPrefix: return "prefix";
    case MatchKind::kSuffix: return "suffix";
    case MatchKind::kSubstring: return "substring";
    case MatchKind::kRegex: return "regex";
  }
  return "exact";
}

std::shared_ptr<const SoaParams> MakeSoa(std::string zone, std::string mname, std::string rname, std::uint32_t serial,
                                         std::uint32_t refresh, std::uint32_t retry, std::uint32_t expire,
                                         std::uint32_t minimum) {
  auto soa = std::make_shared<SoaParams>();
  soa->zone = std::move(zone);
  soa->mname = std::move(mname);
  soa->rname = std::move(rname);
  soa->serial = serial;
  soa->refresh = refresh;
  soa->retry = retry;
  soa->expire = expire;
  soa->minimum = minimum;
  soa->ttl = minimum;
  return soa;
}

// Answer options that map names of one Kubernetes shape back to a legacy name the preset maps
// forward to the same Kubernetes name: SRV targets (values) and their additional records (owners).
struct Inverse {
  std::string from;  // anchored regex over Kubernetes names
  std::string to;    // legacy template
};

class Expander {
 public:
  Expander(const DcosOptions& options, std::uint32_t serial)
      : o_(options), cd_(Escape(options.cluster_domain)) {
    // Mesos-DNS's defaults (SOA of mesos.), dcos-net's (ns.spartan.), CoreDNS kubernetes' (cluster domain).
    mesos_ = MakeSoa("mesos.", "ns1.mesos.", "root.ns1.mesos.", serial, 60, 600, 86400, o_.negative_ttl);
    directory_ = MakeSoa("thisdcos.directory.", "ns.spartan.", "support.mesosphere.com.", serial, 60, 180, 86400,
                         o_.negative_ttl);
    global_ = MakeSoa("thisdcos.global.", "ns.spartan.", "support.mesosphere.com.", serial, 60, 180, 86400,
                      o_.negative_ttl);
    auto cluster = std::make_shared<SoaParams>();
    cluster->zone = o_.cluster_domain;
    cluster->mname = "ns.dns." + o_.cluster_domain;
    cluster->rname = "hostmaster." + o_.cluster_domain;
    cluster->serial = serial;
    cluster->refresh = 7200;
    cluster->retry = 1800;
    cluster->expire = 86400;
    cluster->minimum = 5;
    cluster->ttl = 5;
    cluster_ = std::move(cluster);
  }

  std::optional<RuleError> Run(const DcosTable& table) {
    SearchPath();
    if (!Table(table)) return error_;
    MarathonSrv();
    MarathonA();
    Slave();
    LeaderMaster();
    Frameworks();
    DcosNet();
    Vips();
    ZoneApexes();
    return std::nullopt;
  }

  std::vector<Rule> TakeRules() {
    for (std::size_t i = 0; i < rules_.size(); ++i) rules_[i].index = static_cast<std::uint32_t>(i);
    return std::move(rules_);
  }

 private:
  // ---- rule builders ----------------------------------------------------------------------------

  Rule& Add(std::string family, std::shared_ptr<const SoaParams> soa, const SourcePosition* pos) {
    Rule& rule = rules_.emplace_back();
    rule.mode = Mode::kStop;
    rule.pos = pos ? *pos : o_.pos;
    rule.set_name = std::string(kDcosSetName);
    rule.family = std::move(family);
    rule.soa = std::move(soa);
    return rule;
  }

  // A name rule; `inverse` adds `answer name` and `answer value` with the same mapping.
  void Name(std::string family, MatchKind kind, std::string pattern, std::string to,
            std::shared_ptr<const SoaParams> soa, const std::optional<Inverse>& inverse = std::nullopt,
            const SourcePosition* pos = nullptr) {
    NameRule body;
    body.match = {kind, std::move(pattern)};
    body.to = std::move(to);
    body.answers.push_back(AnswerOption{});  // auto: the owner equal to the rewritten name -> the client's name
    std::string text = "rewrite name " + std::string(MatchWord(kind)) + " " + body.match.pattern + " " + body.to;
    if (kind != MatchKind::kExact) text += " answer auto";  // implied on exact rules
    if (inverse) {
      body.answers.push_back({AnswerOption::Kind::kName, inverse->from, inverse->to});
      body.answers.push_back({AnswerOption::Kind::kValue, inverse->from, inverse->to});
      text += " answer name " + inverse->from + " " + inverse->to + " answer value " + inverse->from + " " + inverse->to;
    }
    Rule& rule = Add(std::move(family), std::move(soa), pos);
    rule.text = std::move(text);
    rule.body = std::move(body);
  }

  void Local(std::string family, MatchKind kind, std::string pattern, std::uint16_t rcode,
             std::shared_ptr<const SoaParams> soa) {
    Rule& rule = Add(std::move(family), soa, nullptr);
    rule.text = std::string("local ") + (rcode == 0 ? "NOERROR " : "NXDOMAIN ") + std::string(MatchWord(kind)) + " " +
                pattern + " (soa " + soa->zone + ")";  // as dnsd-rules prints a LocalRule
    rule.body = LocalRule{{kind, std::move(pattern)}, rcode};
  }

  // A family without a Kubernetes equivalent: NXDOMAIN, or the `static` target when configured.
  void NoEquivalent(const std::string& family, MatchKind kind, std::string pattern,
                    const std::shared_ptr<const SoaParams>& soa) {
    if (const std::string* target = o_.StaticTarget(family)) {
      Name(family, kind, std::move(pattern), *target, soa);
    } else {
      Local(family, kind, std::move(pattern), 3, soa);
    }
  }

  std::string Svc(const std::string& service_and_ns) const { return service_and_ns + ".svc." + o_.cluster_domain; }
  std::string SvcRe() const { return "\\.svc\\." + cd_ + "$"; }

  // The namespace of a Marathon group of `depth` captured labels starting at group `first`.
  std::string GroupNs(std::size_t first, std::size_t depth) const {
    if (depth == 0) return o_.root_namespace;
    return Substitute(o_.namespace_pattern, "{group}", JoinedRefs(first, depth));
  }
  std::string FrameworkNs(std::size_t ref) const {
    return Substitute(o_.framework_namespace, "{framework}", Ref(ref));
  }

  // `<svc>.<ns>.svc.CD.` -> `<svc>.<legacy>` for names in namespaces of `pattern` (its placeholder
  // is the legacy label); none when the pattern has no placeholder (the namespace names no group).
  std::optional<Inverse> PatternInverse(const std::string& pattern, std::string_view placeholder,
                                        std::string_view legacy_zone) const {
    const std::size_t at = pattern.find(placeholder);
    if (at == std::string::npos) return std::nullopt;
    const std::string prefix = pattern.substr(0, at), suffix = pattern.substr(at + placeholder.size());
    return Inverse{"^" + std::string(kLabel) + "\\." + Escape(prefix) + std::string(kLabel) + Escape(suffix) + SvcRe(),
                   "{1}.{2}." + std::string(legacy_zone)};
  }
  Inverse RootInverse() const {
    return {"^" + std::string(kLabel) + "\\." + Escape(o_.root_namespace) + SvcRe(), "{1}.marathon.mesos."};
  }
  std::optional<Inverse> GroupInverse(std::size_t depth) const {
    return depth == 0 ? std::optional(RootInverse()) : PatternInverse(o_.namespace_pattern, "{group}", "marathon.mesos.");
  }

  // ---- the families, in evaluation order ---------------------------------------------------------

  // 1. The ndots:5 search list: x.marathon.mesos.<ns>.svc.CD, x.marathon.mesos.svc.CD,
  //    x.marathon.mesos.CD. Answered here: each is an upstream round trip otherwise.
  void SearchPath() {
    // The cluster domain sits in a group so that the regex prefilter keys on the legacy zone
    // (its longest top-level literal): Kubernetes names never run these regexes. Groups are
    // capturing throughout: the prefilter does not analyse (?:...).
    const std::string tail = "\\.(([^.]+\\.)?svc\\.)?(" + cd_ + ")$";
    Local("search-path", MatchKind::kRegex, "^([^.]+\\.)+[^.]+\\.mesos" + tail, 3, cluster_);
    Local("search-path", MatchKind::kRegex, "^([^.]+\\.)+thisdcos\\.directory" + tail, 3, cluster_);
    Local("search-path", MatchKind::kRegex, "^([^.]+\\.)+thisdcos\\.global" + tail, 3, cluster_);
  }

  // 2. The mapping table.
  bool Table(const DcosTable& table);

  // 3. _<task>._<proto>[.<group>...].marathon.mesos and _<port>._<task>._<proto>[.<group>...]...
  void MarathonSrv() {
    const std::string L(kLabel);
    for (std::size_t depth = 0; depth <= kMaxGroupDepth; ++depth) {
      std::string groups;
      for (std::size_t i = 0; i < depth; ++i) groups += L + "\\.";
      Name("srv", MatchKind::kRegex, "^_" + L + "\\._(tcp|udp)\\." + groups + "marathon\\.mesos\\.$",
           "_" + o_.srv_port_name + "._{2}.{1}." + Svc(GroupNs(3, depth)), mesos_, GroupInverse(depth));
    }
    for (std::size_t depth = 0; depth <= kMaxGroupDepth; ++depth) {
      std::string groups;
      for (std::size_t i = 0; i < depth; ++i) groups += L + "\\.";
      Name("srv", MatchKind::kRegex, "^_" + L + "\\._" + L + "\\._(tcp|udp)\\." + groups + "marathon\\.mesos\\.$",
           "_{1}._{3}.{2}." + Svc(GroupNs(4, depth)), mesos_, GroupInverse(depth));
    }
  }

  // 4. <task>[.<g1>[.<g2>[.<g3>]]].marathon.mesos -> <task>.NS(g1-g2-g3).svc.CD
  void MarathonA() {
    const std::string L(kLabel);
    for (std::size_t depth = 0; depth <= kMaxGroupDepth; ++depth) {
      std::string groups;
      for (std::size_t i = 0; i < depth; ++i) groups += "\\." + L;
      Name("marathon", MatchKind::kRegex, "^" + L + groups + "\\.marathon\\.mesos\\.$", "{1}." + Svc(GroupNs(2, depth)),
           mesos_);
    }
  }

  // 5. Agents: <task>.<fw>.slave.mesos, <x>.slave.mesos, slave.mesos.
  void Slave() { NoEquivalent("slave", MatchKind::kRegex, "^([^.]+\\.)*slave\\.mesos\\.$", mesos_); }

  // 6. Masters and Mesos-DNS itself.
  void LeaderMaster() {
    for (const char* name : {"leader.mesos.", "_leader._tcp.mesos.", "_leader._udp.mesos."}) {
      NoEquivalent("leader", MatchKind::kExact, name, mesos_);
    }
    NoEquivalent("master", MatchKind::kExact, "master.mesos.", mesos_);
    NoEquivalent("master", MatchKind::kRegex, "^master[0-9]+\\.mesos\\.$", mesos_);  // master0.mesos, ...
    NoEquivalent("mesos-dns", MatchKind::kExact, "ns1.mesos.", mesos_);
  }

  // 7. Other frameworks: <task>.<fw>.mesos, their SRV names, and <fw>.mesos (the scheduler).
  void Frameworks() {
    const std::string L(kLabel);
    const auto inverse = PatternInverse(o_.framework_namespace, "{framework}", "mesos.");
    Name("srv", MatchKind::kRegex, "^_" + L + "\\._(tcp|udp)\\." + L + "\\.mesos\\.$",
         "_" + o_.srv_port_name + "._{2}.{1}." + Svc(FrameworkNs(3)), mesos_, inverse);
    Name("srv", MatchKind::kRegex, "^_" + L + "\\._" + L + "\\._(tcp|udp)\\." + L + "\\.mesos\\.$",
         "_{1}._{3}.{2}." + Svc(FrameworkNs(4)), mesos_, inverse);
    Name("framework", MatchKind::kRegex, "^" + L + "\\." + L + "\\.mesos\\.$", "{1}." + Svc(FrameworkNs(2)), mesos_);
    Local("framework", MatchKind::kRegex, "^" + L + "\\.mesos\\.$", 3, mesos_);
  }

  // 8. dcos-net: autoip, containerip (headless Services), SDK pods (StatefulSet pods), agentip.
  void DcosNet() {
    const std::string L(kLabel);
    const std::string zone = "\\.dcos\\.thisdcos\\.directory\\.$";
    const std::string& suffix = o_.headless_suffix;
    Name("autoip", MatchKind::kRegex, "^" + L + "\\.marathon\\.autoip" + zone, "{1}." + Svc(o_.root_namespace),
         directory_);
    Name("containerip", MatchKind::kRegex, "^" + L + "\\.marathon\\.containerip" + zone,
         "{1}" + suffix + "." + Svc(o_.root_namespace), directory_);
    // <pod>-<i>-<task>.<svc>: the first "-<digits>-" splits the pod type from the task name.
    Name("sdk", MatchKind::kRegex, "^([a-z0-9-]+?)-([0-9]+)-" + L + "\\." + L + "\\.(autoip|containerip)" + zone,
         "{1}-{2}.{4}" + suffix + "." + Svc(FrameworkNs(4)), directory_);
    Name("autoip", MatchKind::kRegex, "^" + L + "\\." + L + "\\.autoip" + zone, "{1}." + Svc(FrameworkNs(2)),
         directory_);
    Name("containerip", MatchKind::kRegex, "^" + L + "\\." + L + "\\.containerip" + zone,
         "{1}" + suffix + "." + Svc(FrameworkNs(2)), directory_);
    NoEquivalent("agentip", MatchKind::kRegex, "^([^.]+\\.)+agentip" + zone, directory_);
  }

  // 9. VIPs the table does not name: the label is lossy, nothing to derive a Service from.
  void Vips() {
    Local("l4lb", MatchKind::kSuffix, ".l4lb.thisdcos.directory.", 3, directory_);
    Local("l4lb", MatchKind::kSuffix, ".dclb.thisdcos.directory.", 3, directory_);
    Local("l4lb", MatchKind::kSuffix, ".thisdcos.global.", 3, global_);
  }

  // 10. Each legacy zone: its apex answers (SOA, NODATA otherwise), every other name NXDOMAIN.
  void ZoneApexes() {
    Local("zone", MatchKind::kExact, "mesos.", 0, mesos_);
    Local("zone", MatchKind::kSuffix, ".mesos.", 3, mesos_);
    Local("zone", MatchKind::kExact, "thisdcos.directory.", 0, directory_);
    Local("zone", MatchKind::kSuffix, ".thisdcos.directory.", 3, directory_);
    Local("zone", MatchKind::kExact, "thisdcos.global.", 0, global_);  // its names: the VIP rule above
  }

  std::shared_ptr<const SoaParams> ZoneOf(std::string_view name) const {
    if (name == "mesos." || EndsWith(name, ".mesos.")) return mesos_;
    if (name == "thisdcos.directory." || EndsWith(name, ".thisdcos.directory.")) return directory_;
    if (name == "thisdcos.global." || EndsWith(name, ".thisdcos.global.")) return global_;
    return nullptr;
  }

  bool Fail(const SourcePosition& pos, std::string message) {
    if (!error_) error_ = RuleError{pos, "dnsd_dcos mappings: " + std::move(message)};
    return false;
  }

  const DcosOptions& o_;
  const std::string cd_;  // the cluster domain as a regex, "cluster\.local\."
  std::shared_ptr<const SoaParams> mesos_, directory_, global_, cluster_;
  std::vector<Rule> rules_;
  std::optional<RuleError> error_;
};

// One legacy name -> Kubernetes name of the table, with the entry it came from.
struct TableName {
  std::string legacy, target;
  std::optional<Inverse> inverse;
  const SourcePosition* pos;
  std::string owner;  // "app /prod/pay/api" or "names entry", for collision errors
  bool explicit_name;
};

bool Expander::Table(const DcosTable& table) {
  std::vector<TableName> names;
  for (const DcosName& name : table.names) {
    names.push_back({name.legacy, name.target, std::nullopt, &name.pos, "a names entry", true});
  }
  for (const DcosApp& app : table.apps) {
    // /prod/pay/api: task api.pay.prod (group path reversed), Mesos-DNS label api-pay-prod.
    const std::string task_name = MarathonTaskName(app.id);
    if (task_name.empty()) return Fail(app.pos, "app " + app.id + ": a segment gives an empty DNS label");
    std::vector<std::string> segments;  // task first, then the groups innermost first
    for (std::size_t start = 0; start < task_name.size();) {
      const std::size_t dot = std::min(task_name.find('.', start), task_name.size());
      segments.push_back(task_name.substr(start, dot - start));
      start = dot + 1;
    }
    const std::string hyphen = MesosDnsLabel(task_name);
    std::string groups_dotted, groups_joined;
    for (std::size_t i = 1; i < segments.size(); ++i) {
      groups_dotted += segments[i] + ".";
      groups_joined += (i > 1 ? "-" : "") + segments[i];
    }
    const std::string& task = segments.front();
    const std::string service = app.service.empty() ? task : app.service;
    const std::string ns = !app.ns.empty()         ? app.ns
                           : groups_joined.empty() ? o_.root_namespace
                                                   : Substitute(o_.namespace_pattern, "{group}", groups_joined);
    const std::string target = Svc(service + "." + ns);
    const std::string headless = Svc(service + o_.headless_suffix + "." + ns);
    const std::string legacy = hyphen + ".marathon.mesos.";
    const Inverse inverse{"^" + Escape(target) + "$", legacy};
    const std::vector<std::string> ports = app.ports.empty() ? std::vector{o_.srv_port_name} : app.ports;
    const std::string owner = "app " + app.id;
    std::set<std::string> seen;  // one app's own names coincide for apps without a group
    // `mangled`: the name carries the Mesos-DNS label (left out with mesos_dns_names: false).
    const auto add = [&](std::string from, std::string to, bool srv, bool mangled) {
      if (mangled && !app.mesos_dns_names) return;
      if (seen.insert(from).second) {
        names.push_back({std::move(from), std::move(to), srv ? std::optional(inverse) : std::nullopt, &app.pos, owner, false});
      }
    };
    add(legacy, target, false, true);
    add(task_name + ".marathon.mesos.", target, false, false);
    for (std::string_view proto : kProtos) {
      const std::string p(proto);
      const std::string first_port = "_" + ports.front() + "._" + p + "." + target;
      add("_" + hyphen + "._" + p + ".marathon.mesos.", first_port, true, true);
      add("_" + task + "._" + p + "." + groups_dotted + "marathon.mesos.", first_port, true, false);
      for (const std::string& port : ports) {
        const std::string to = "_" + port + "._" + p + "." + target;
        add("_" + port + "._" + hyphen + "._" + p + ".marathon.mesos.", to, true, true);
        add("_" + port + "._" + task + "._" + p + "." + groups_dotted + "marathon.mesos.", to, true, false);
      }
    }
    add(hyphen + ".marathon.autoip.dcos.thisdcos.directory.", target, false, true);
    add(hyphen + ".marathon.containerip.dcos.thisdcos.directory.", headless, false, true);
    for (const std::string& vip : app.vips) {
      const std::string name = VipName(vip);
      add(name + ".marathon.l4lb.thisdcos.directory.", target, false, false);
      add(name + ".marathon.dclb.thisdcos.directory.", target, false, false);
      add(name + ".marathon.l4lb.thisdcos.global.", target, false, false);
    }
  }

  // A legacy name given twice: a `names` entry overrides what an app derives (that is how a
  // Mesos-DNS name shared by two apps is settled); anything else is an error naming both.
  std::map<std::string, const TableName*> first;
  for (const TableName& name : names) {
    wire::Name check;
    for (const std::string* text : {&name.legacy, &name.target}) {
      if (wire::Name::FromString(*text, check) != wire::WireError::kOk) {
        return Fail(*name.pos, name.owner + ": " + *text + " is not a domain name (a label over 63 or the name over 255 octets)");
      }
    }
    const auto [it, inserted] = first.emplace(name.legacy, &name);
    if (inserted) continue;
    const TableName& earlier = *it->second;
    if (earlier.explicit_name && !name.explicit_name) continue;
    return Fail(*name.pos, name.owner + ": legacy name " + name.legacy + " is also given by " + earlier.owner +
                               " at line " + std::to_string(earlier.pos->line) +
                               (name.explicit_name ? ""
                                                   : " (set mesos_dns_names: false on one app, or add a names: entry)"));
  }
  for (const TableName& name : names) {
    if (first.at(name.legacy) != &name) continue;
    Name("table", MatchKind::kExact, name.legacy, name.target, ZoneOf(name.legacy), name.inverse, name.pos);
  }
  return true;
}

}  // namespace

DcosExpansion ExpandDcos(const DcosOptions& options, const DcosTable& table, std::uint32_t serial) {
  DcosExpansion result;
  Expander expander(options, serial);
  if (auto error = expander.Run(table)) {
    result.error = std::move(error);
    return result;
  }
  result.rules = expander.TakeRules();
  return result;
}

DcosExpansion ExpandDcos(const DcosOptions& options, std::uint32_t serial) {
  DcosTable table;
  if (!options.mappings.empty()) {
    ParsedDcosTable parsed = LoadDcosTable(options.mappings);
    if (parsed.error) {
      DcosExpansion failed;
      failed.error = std::move(parsed.error);
      if (failed.error->pos.line <= 0) {  // the file as a whole: reported where the Corefile names it
        const config::Position& at = options.mappings_token.pos;
        failed.error->pos = {at.file, at.line, at.column};
        failed.error->message = "rewrite: dnsd_dcos: mappings " + options.mappings + ": " + failed.error->message;
      }
      return failed;
    }
    table = std::move(parsed.table);
  }
  return ExpandDcos(options, table, serial);
}

}  // namespace dnsd::rules
