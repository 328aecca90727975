// One entry of the corpus of real Corefiles, run through the real daemon against a real knot.
//
// A corpus file is kept as published. Its `# dnsd-corpus:` comment lines tell this test how to run
// it on one machine without sending traffic anywhere but loopback:
//   map FROM=TO ...         text replaced in every file of the entry: an address of the cluster
//                           becomes a loopback address, `upstream` the knot under test, `@DIR@` the
//                           entry's copy (for absolute paths such as /etc/coredns/NodeHosts);
//                           /etc/resolv.conf is always the knot under test
//   ask NAME TYPE [@ADDR[:PORT]] => EXPECT
//                           a query through dnsd (ADDR and PORT as written in the Corefile, mapped
//                           like the file; default the first server's port on 127.0.0.1); EXPECT is
//                           an address in the answer, an rcode, or `whoami`
// Listening ports (53, 1053, 5353, 8053, 8080, 8181, 9153, 9253, 18080, 18181) are mapped to free ones. The
// README's example (examples/dcos) runs the same way.
//
// A file that needs the `kubernetes` plugin must be refused, with only its kubernetes lines as
// errors, each saying that dnsd forwards cluster names to CoreDNS; the test then runs the file as a
// platform team runs dnsd in front of CoreDNS: every kubernetes directive replaced by `forward ZONE
// <CoreDNS>` lines (knot standing in for CoreDNS), everything else unchanged.
#pragma once

#include <filesystem>
#include <functional>

namespace dnsd::it {

// Copies the entry in `source` (a Corefile and the files it loads) to a temp dir with its `map`
// substitutions, checks it with `dnsd -check`, starts dnsd on it, asks its `ask` questions and stops
// it with SIGTERM (exit 0). `check_more`, if given, runs on the substituted Corefile after the check.
void RunCorpusEntry(const std::filesystem::path& source,
                    const std::function<void(const std::filesystem::path& corefile)>& check_more = {});

}  // namespace dnsd::it
