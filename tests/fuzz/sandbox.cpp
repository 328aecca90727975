// The import sandbox of fuzz_support.hpp. The Corefile parser only reads files that glob(3)
// returned, so the targets that parse Corefiles link with -Wl,--wrap=glob and every glob goes
// through __wrap_glob below: patterns outside SandboxDir() or with ".." match nothing.
#include <glob.h>
#include <stdlib.h>
#include <unistd.h>

#include <fstream>
#include <string>

#include "fuzz_support.hpp"

extern "C" int __real_glob(const char* pattern, int flags, int (*errfunc)(const char*, int), glob_t* g);

namespace dnsd::fuzz {
namespace {

// Made on first use, removed at exit (libFuzzer exits through exit(), which runs the destructor).
class Sandbox {
 public:
  Sandbox() {
    char templ[] = "/tmp/dnsd-fuzz-XXXXXX";
    if (::mkdtemp(templ) == nullptr) std::abort();
    dir_ = templ;
    std::ofstream(dir_ + "/snippet.conf") << "cache 30\nlog\n";
    std::ofstream(dir_ + "/zone.conf") << "example.org {\n  import snippet.conf\n  forward . 127.0.0.1\n}\n";
  }
  ~Sandbox() {
    ::unlink((dir_ + "/snippet.conf").c_str());
    ::unlink((dir_ + "/zone.conf").c_str());
    ::rmdir(dir_.c_str());
  }
  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
};

}  // namespace

const std::string& SandboxDir() {
  static const Sandbox sandbox;
  return sandbox.dir();
}

}  // namespace dnsd::fuzz

extern "C" int __wrap_glob(const char* pattern, int flags, int (*errfunc)(const char*, int), glob_t* g) {
  const std::string& dir = dnsd::fuzz::SandboxDir();
  const std::string text(pattern);
  if (text.compare(0, dir.size() + 1, dir + "/") != 0 || text.find("..") != std::string::npos) {
    g->gl_pathc = 0;
    g->gl_pathv = nullptr;
    g->gl_offs = 0;
    return GLOB_NOMATCH;
  }
  return __real_glob(pattern, flags, errfunc, g);
}
