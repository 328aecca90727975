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

std::optional<config::ConfigError> ParseFileOptions(const config::Directive& directive, RulesFile& file) {
  for (const config::Directive& line : directive.block) {
    if (line.name.text != "reload") {
      return ErrorAt(line.name, "rewrite: dnsd_rules: unknown option " + Quote(line.name.text) +
                                    " (want reload DURATION)");
    }
    if (auto error = detail::ParseReload(line, "rewrite: dnsd_rules", file.reload)) return error;
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

}  // namespace

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
  for (const RulePiece& piece : pieces) {
    if (!piece.file || piece.file->reload.count() == 0) continue;
    if (shortest.count() == 0 || piece.file->reload < shortest) shortest = piece.file->reload;
  }
  return shortest;
}

config::Parsed<RuleSources> ParseDirectives(std::span<const config::Directive* const> directives) {
  config::Parsed<RuleSources> result;
  RuleSources sources;
  for (const config::Directive* directive : directives) {
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

}  // namespace dnsd::rules
