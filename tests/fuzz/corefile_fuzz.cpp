// Fuzzes the Corefile lexer and parser (dnsd/config): the input is a Corefile's text, parsed as
// "<sandbox>/Corefile", so relative `import`s can reach the sandbox's two small files and no
// other file (fuzz_support.hpp). Every server block key then goes through ParseServerAddress.
// Checks: an error points somewhere and says something; a parsed Corefile has positioned,
// named directives; a parsed address has a fully qualified, lower-case zone.
#include <cstdint>
#include <string>
#include <string_view>

#include "dnsd/config/corefile.hpp"
#include "fuzz_support.hpp"

namespace {

using namespace dnsd::config;

void CheckDirectives(const std::vector<Directive>& directives, int depth) {
  FUZZ_CHECK(depth < 1000);
  for (const Directive& d : directives) {
    FUZZ_CHECK(d.name.pos.line >= 1 && d.name.pos.column >= 1);
    FUZZ_CHECK(!d.name.pos.file.empty());
    FUZZ_CHECK(d.has_block || d.block.empty());
    CheckDirectives(d.block, depth + 1);
  }
}

void CheckAddress(const Token& key) {
  const Parsed<ServerAddress> address = ParseServerAddress(key, 1053);
  if (!address.ok()) {
    FUZZ_CHECK(!address.error.message.empty());
    return;
  }
  const std::string& zone = address.value->zone;
  FUZZ_CHECK(!zone.empty() && zone.back() == '.');
  for (char c : zone) FUZZ_CHECK(!(c >= 'A' && c <= 'Z'));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const std::string file = dnsd::fuzz::SandboxDir() + "/Corefile";
  const Parsed<Corefile> corefile = ParseCorefile(text, file);
  if (!corefile.ok()) {
    FUZZ_CHECK(!corefile.error.message.empty());
    FUZZ_CHECK(!corefile.error.ToString().empty());
    return 0;
  }
  for (const ServerBlock& block : corefile.value->blocks) {
    FUZZ_CHECK(!block.keys.empty());
    for (const Token& key : block.keys) CheckAddress(key);
    CheckDirectives(block.directives, 0);
  }
  return 0;
}
