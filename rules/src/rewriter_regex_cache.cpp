#include "rewriter_regex_cache.hpp"

#include <re2/re2.h>

#include <cstddef>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>

namespace dnsd::rules::detail {
namespace {

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Rule sets are reloaded, so patterns come and go; a bound keeps a long-lived thread's cache from
// growing without limit (it is simply emptied when full: recompiling is cheap and rare).
constexpr std::size_t kMaxEntries = 4096;

}  // namespace

const re2::RE2* CachedRegex(std::string_view pattern) {
  thread_local std::unordered_map<std::string, std::unique_ptr<re2::RE2>, StringHash, std::equal_to<>>
      cache;
  if (auto it = cache.find(pattern); it != cache.end()) return it->second.get();
  if (cache.size() >= kMaxEntries) cache.clear();
  re2::RE2::Options options;
  options.set_log_errors(false);
  auto regex = std::make_unique<re2::RE2>(re2::StringPiece(pattern.data(), pattern.size()), options);
  if (!regex->ok()) regex.reset();
  const re2::RE2* result = regex.get();
  cache.emplace(std::string(pattern), std::move(regex));
  return result;
}

}  // namespace dnsd::rules::detail
