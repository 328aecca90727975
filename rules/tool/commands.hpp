// The dnsd-rules subcommands. Each returns the process exit code and writes to the given streams.
#pragma once

#include <iostream>
#include <ostream>
#include <string>

namespace dnsd::rules_tool {

// Validates every rule list of FILE: "ok: N rules" (0) or each error as file:line:column (1).
int Check(const std::string& file, std::ostream& out, std::ostream& err);
// Rewrites NAME [TYPE] offline: the question before and after, and every rule that applied.
int Test(const std::string& file, const std::string& name, const std::string& type, std::ostream& out,
         std::ostream& err);
// Lists the rules in match order with the index each was placed in.
int Explain(const std::string& file, std::ostream& out, std::ostream& err);

// Converts a Marathon /v2/apps JSON dump (FILE, or - for stdin) into the DC/OS preset's mapping
// table, written to OUTPUT (empty or -: stdout). A summary goes to `err`.
int ImportMarathon(const std::string& file, const std::string& output, std::ostream& out, std::ostream& err);

}  // namespace dnsd::rules_tool
