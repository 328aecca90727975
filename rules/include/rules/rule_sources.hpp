// Where a server block's rewrite rules come from, in order: CoreDNS `rewrite` lines, dnsd's
// `rewrite dnsd_rules PATH [{ reload DURATION }]` lines naming a YAML rule set, and the DC/OS preset
// `rewrite dnsd_dcos [{ OPTIONS }]`; the rules of each stand in the rule order where the line stands. Shared by the plugin (load and reload) and dnsd-rules.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "dnsd/config/corefile.hpp"
#include "rules/ast.hpp"
#include "rules/dcos_preset.hpp"
#include "rules/rule_set.hpp"

namespace dnsd::rules {

// The field word that marks dnsd's YAML rule-set line. CoreDNS rejects it as an unknown rule type,
// so a Corefile using it can never mean something else to CoreDNS.
inline constexpr std::string_view kRulesFileField = "dnsd_rules";
inline constexpr std::chrono::seconds kDefaultReload{5};

// What identifies one version of a file for the reload poll.
struct FileStamp {
  bool exists = false;
  std::int64_t mtime_ns = 0;
  std::uint64_t size = 0;
  std::uint64_t inode = 0;
  friend bool operator==(const FileStamp&, const FileStamp&) = default;
};
FileStamp StampOf(const std::string& path);

struct RulesFile {
  std::string path;                    // resolved (relative paths: against the Corefile's folder)
  config::Token token;                 // the PATH token, for errors
  std::chrono::nanoseconds reload = kDefaultReload;  // 0: never reloaded
};

// One piece of the rule list: inline rules from rewrite lines, one YAML file, or the DC/OS preset
// (`dcos` set; `file` then is its mapping table, polled like a YAML file, or empty).
struct RulePiece {
  std::vector<Rule> rules;
  std::optional<RulesFile> file;
  std::shared_ptr<const DcosOptions> dcos;
};

struct RuleSources {
  std::vector<RulePiece> pieces;
  bool HasFiles() const;
  std::chrono::nanoseconds ShortestReload() const;  // 0 when no file wants reloading
};

// Parses every rewrite directive of a block (inline rules are parsed once, here). Errors point at
// the offending token.
config::Parsed<RuleSources> ParseDirectives(std::span<const config::Directive* const> directives);

// Reads the YAML files, expands the presets (reading their mapping tables), joins all pieces in
// order (re-indexing rules 0..n-1) and compiles them. With `stamps`, receives each file's stamp as
// read (in piece order, files only).
RuleSet::Compiled Assemble(const RuleSources& sources, std::vector<FileStamp>* stamps = nullptr);

// Reads and parses one YAML rule set file (errors: file:line:column).
struct FileRules {
  std::vector<Rule> rules;
  std::optional<RuleError> error;
};
FileRules LoadRulesFile(const std::string& path);

// Parses one CoreDNS `rewrite` directive into rules (the block form included).
struct LineRules {
  std::vector<Rule> rules;
  std::optional<config::ConfigError> error;
};
LineRules ParseRewriteLine(const config::Directive& directive);

}  // namespace dnsd::rules
