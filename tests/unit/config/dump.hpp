// Renders a parsed Corefile as indented text so tests can compare whole structures at a glance.
// Quoted tokens are shown in «», positions with @line:column when asked.
#pragma once

#include <string>

#include "dnsd/config/corefile.hpp"

namespace dnsd::config::testing {

inline std::string DumpToken(const Token& t, bool positions) {
  std::string s = t.quoted ? "«" + t.text + "»" : t.text;
  if (positions) s += "@" + std::to_string(t.pos.line) + ":" + std::to_string(t.pos.column);
  return s;
}

inline void DumpDirectives(const std::vector<Directive>& ds, int indent, bool positions,
                           std::string& out) {
  for (const Directive& d : ds) {
    out += std::string(static_cast<std::size_t>(indent), ' ') + DumpToken(d.name, positions);
    for (const Token& a : d.args) out += " " + DumpToken(a, positions);
    if (d.has_block) {
      out += " {\n";
      DumpDirectives(d.block, indent + 2, positions, out);
      out += std::string(static_cast<std::size_t>(indent), ' ') + "}";
    }
    out += "\n";
  }
}

inline std::string Dump(const Corefile& c, bool positions = false) {
  std::string out;
  for (const ServerBlock& b : c.blocks) {
    out += "[";
    for (std::size_t i = 0; i < b.keys.size(); ++i) {
      out += (i ? " " : "") + DumpToken(b.keys[i], positions);
    }
    out += "]\n";
    DumpDirectives(b.directives, 2, positions, out);
  }
  return out;
}

}  // namespace dnsd::config::testing
