#include "rules/rule_sources.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <chrono>

#include "rule_options.hpp"

namespace dnsd::rules {
namespace {

using config::ErrorAt;
using config::Token;
using detail::ResolvePath;

std::string Quote(std::string_view text) { return "\"" + std::string(text) + "\""; }

bool IsMode(std::string_view word) { return word == "continue" || word == "stop"; }

std::optional<config::ConfigError> ParseFileOptions(const config::Directive& directive, RulesFile& file,
                                                    std::string_view field = kRulesFileField) {
  const std::string what = "rewrite: " + std::string(field) + ": ";
  for (const config::Directive& line : directive.block) {
    if (line.name.text != "reload") {
      return ErrorAt(line.name, what + "unknown option " + Quote(line.name.text) + " (want reload DURATION)");
    }
    if (auto error = detail::ParseReload(line, "rewrite: " + std::string(field), file.reload)) return error;
  }
  return std::nullopt;
}

// `rewrite dnsd_rules PATH [{ reload DURATION }]`; `args` start at the field word.
std::optional<config::ConfigError> ParseFileLine(const config::Directive& directive, RulePiece& piece) {
  const auto& args = directive.args;
  std::size_t count = args.size();
  if (count > 0 && args[count - 1].text == "{") --count;  // tolerate a lexer that keeps the brace
  if (count < 2) return ErrorAt(args[0], "rewrite: dnsd_rules: missing PATH of a YAML rule set");
  if (count > 2) {
    return ErrorAt(args[2], "rewrite: dnsd_rules: unexpected argument " + Quote(args[2].text) +
                                " (want dnsd_rules PATH [{ reload DURATION }])");
  }
  RulesFile file;
  file.token = args[1];
  file.path = ResolvePath(args[1]);
  if (auto error = ParseFileOptions(directive, file)) return error;
  piece.file = std::move(file);
  return std::nullopt;
}

bool IsFileLine(const config::Directive& directive) {
  const auto& args = directive.args;
  if (args.empty()) return false;
  if (args[0].text == kRulesFileField) return true;
  return args.size() > 1 && IsMode(args[0].text) && args[1].text == kRulesFileField;
}

// `rewrite dnsd_shadow PATH [{ reload DURATION }]` or `rewrite dnsd_shadow { LINES }`; `args`
// start at the field word.
std::optional<config::ConfigError> ParseShadowLine(const config::Directive& directive, ShadowSource& shadow) {
  const auto& args = directive.args;
  std::size_t count = args.size();
  if (count > 0 && args[count - 1].text == "{") --count;
  shadow.token = args[0];
  if (count > 2) {
    return ErrorAt(args[2], "rewrite: dnsd_shadow: unexpected argument " + Quote(args[2].text) +
                                " (want dnsd_shadow PATH [{ reload DURATION }] or dnsd_shadow { RULE LINES })");
  }
  if (count == 2) {
    RulesFile file;
    file.token = args[1];
    file.path = ResolvePath(args[1]);
    if (auto error = ParseFileOptions(directive, file, kShadowField)) return error;
    shadow.file = std::move(file);
    return std::nullopt;
  }
  if (directive.block.empty()) {
    return ErrorAt(args[0], "rewrite: dnsd_shadow: missing PATH of a YAML rule set or a { } block of rule lines");
  }
  // Each line is a rewrite directive without the word `rewrite`: `name exact a. b.`, `stop name ...`.
  for (const config::Directive& line : directive.block) {
    config::Directive rewrite;
    rewrite.name = line.name;
    rewrite.name.text = "rewrite";
    rewrite.args.push_back(line.name);
    rewrite.args.insert(rewrite.args.end(), line.args.begin(), line.args.end());
    rewrite.block = line.block;
    rewrite.has_block = line.has_block;
    if (!rewrite.args.empty() && (rewrite.args[0].text == kRulesFileField || rewrite.args[0].text == kShadowField)) {
      return ErrorAt(line.name, "rewrite: dnsd_shadow: " + Quote(line.name.text) +
                                    " cannot stand inside the shadow block (want rewrite rule lines)");
    }
    LineRules parsed = ParseRewriteLine(rewrite);
    if (parsed.error) return parsed.error;
    for (Rule& rule : parsed.rules) shadow.rules.push_back(std::move(rule));
  }
  return std::nullopt;
}

}  // namespace

std::string ShadowSource::Name() const {
  if (file) return file->path;
  return token.pos.file + ":" + std::to_string(token.pos.line);
}

FileStamp StampOf(const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return {};
  FileStamp stamp;
  stamp.exists = true;
  stamp.mtime_ns = static_cast<std::int64_t>(st.st_mtim.tv_sec) * 1'000'000'000 + st.st_mtim.tv_nsec;
  stamp.size = static_cast<std::uint64_t>(st.st_size);
  stamp.inode = static_cast<std::uint64_t>(st.st_ino);
  return stamp;
}

bool RuleSources::HasFiles() const {
  return std::any_of(pieces.begin(), pieces.end(), [](const RulePiece& p) { return p.file.has_value(); });
}

std::chrono::nanoseconds RuleSources::ShortestReload() const {
  std::chrono::nanoseconds shortest{0};
  auto consider = [&](const std::optional<RulesFile>& file) {
    if (!file || file->reload.count() == 0) return;
    if (shortest.count() == 0 || file->reload < shortest) shortest = file->reload;
  };
  for (const RulePiece& piece : pieces) consider(piece.file);
  if (shadow) consider(shadow->file);
  return shortest;
}

config::Parsed<RuleSources> ParseDirectives(std::span<const config::Directive* const> directives) {
  config::Parsed<RuleSources> result;
  RuleSources sources;
  for (const config::Directive* directive : directives) {
    if (!directive->args.empty() && directive->args[0].text == kShadowField) {
      if (sources.shadow) {
        result.error = ErrorAt(directive->args[0], "rewrite: dnsd_shadow given twice (one shadow rule set per block)");
        return result;
      }
      ShadowSource shadow;
      if (auto error = ParseShadowLine(*directive, shadow)) {
        result.error = *error;
        return result;
      }
      sources.shadow = std::move(shadow);
      continue;
    }
    if (IsDcosLine(*directive)) {
      auto options = ParseDcosDirective(*directive);
      if (!options.ok()) {
        result.error = options.error;
        return result;
      }
      RulePiece piece;
      if (!options.value->mappings.empty()) {
        piece.file = RulesFile{options.value->mappings, options.value->mappings_token, options.value->reload};
      }
      piece.dcos = std::make_shared<const DcosOptions>(std::move(*options.value));
      sources.pieces.push_back(std::move(piece));
      continue;
    }
    if (IsFileLine(*directive)) {
      RulePiece piece;
      const auto& args = directive->args;
      if (args[0].text != kRulesFileField) {
        result.error = ErrorAt(args[0], "rewrite: dnsd_rules takes no " + Quote(args[0].text) +
                                            ": each rule of the file carries its own mode");
        return result;
      }
      if (auto error = ParseFileLine(*directive, piece)) {
        result.error = *error;
        return result;
      }
      sources.pieces.push_back(std::move(piece));
      continue;
    }
    LineRules line = ParseRewriteLine(*directive);
    if (line.error) {
      result.error = *line.error;
      return result;
    }
    if (sources.pieces.empty() || sources.pieces.back().file || sources.pieces.back().dcos) {
      sources.pieces.emplace_back();
    }
    auto& target = sources.pieces.back().rules;
    for (Rule& rule : line.rules) target.push_back(std::move(rule));
  }
  result.value = std::move(sources);
  return result;
}

RuleSet::Compiled Assemble(const RuleSources& sources, std::vector<FileStamp>* stamps) {
  std::vector<Rule> all;
  if (stamps) stamps->clear();
  // One serial for every preset of this load: seconds since the epoch (the SOA changes with the table).
  const auto serial = static_cast<std::uint32_t>(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
  for (const RulePiece& piece : sources.pieces) {
    if (piece.dcos) {
      if (stamps && piece.file) stamps->push_back(StampOf(piece.file->path));
      DcosExpansion expanded = ExpandDcos(*piece.dcos, serial);
      if (expanded.error) {
        RuleSet::Compiled failed;
        failed.error = *expanded.error;
        return failed;
      }
      for (Rule& rule : expanded.rules) all.push_back(std::move(rule));
      continue;
    }
    if (!piece.file) {
      all.insert(all.end(), piece.rules.begin(), piece.rules.end());
      continue;
    }
    // Stamp before reading: a change during the read is seen again at the next poll.
    if (stamps) stamps->push_back(StampOf(piece.file->path));
    FileRules loaded = LoadRulesFile(piece.file->path);
    if (loaded.error) {
      RuleSet::Compiled failed;
      failed.error = *loaded.error;
      // A file that cannot be read at all is reported where the Corefile names it.
      if (failed.error.pos.line <= 0) {
        failed.error.pos = {piece.file->token.pos.file, piece.file->token.pos.line,
                            piece.file->token.pos.column};
        failed.error.message = "rewrite: dnsd_rules: " + piece.file->path + ": " + loaded.error->message;
      }
      return failed;
    }
    for (Rule& rule : loaded.rules) all.push_back(std::move(rule));
  }
  for (std::size_t i = 0; i < all.size(); ++i) all[i].index = static_cast<std::uint32_t>(i);
  return RuleSet::Compile(std::move(all));
}

RuleSet::Compiled AssembleShadow(const ShadowSource& shadow, FileStamp* stamp) {
  RuleSources alone;
  RulePiece piece;
  piece.rules = shadow.rules;
  piece.file = shadow.file;
  alone.pieces.push_back(std::move(piece));
  if (shadow.file) alone.pieces.front().rules.clear();
  std::vector<FileStamp> stamps;
  RuleSet::Compiled compiled = Assemble(alone, &stamps);
  if (!compiled.ok() && compiled.error.message.starts_with("rewrite: dnsd_rules: ")) {
    compiled.error.message.replace(0, 21, "rewrite: dnsd_shadow: ");
  }
  if (stamp && !stamps.empty()) *stamp = stamps.front();
  return compiled;
}

}  // namespace dnsd::rules
