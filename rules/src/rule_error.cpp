// RuleError's text form, the same shape as config::ConfigError so logs read alike.
#include <string>

#include "rules/ast.hpp"

namespace dnsd::rules {

std::string RuleError::ToString() const {
  if (pos.line <= 0) return pos.file.empty() ? message : pos.file + ": " + message;
  return pos.file + ":" + std::to_string(pos.line) + ":" + std::to_string(pos.column) + ": " +
         message;
}

}  // namespace dnsd::rules
