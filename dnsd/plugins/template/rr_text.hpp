// A resource record in presentation form ("owner [TTL] [CLASS] TYPE RDATA", as miekg/dns NewRR
// reads it: TTL defaults to 3600, CLASS to IN, names are absolute) written to an answer being
// built. Types: A, AAAA, CNAME, DNAME, NS, PTR, MX, SRV, TXT, SOA. Parsing never allocates.
#pragma once

#include <cstdint>
#include <string_view>

#include "dnsd/wire/answer_builder.hpp"

namespace dnsd::plugins::tmpl {

// The RR types WriteRecord can encode, by name ("A", "SRV"): their number, or 0.
std::uint16_t SupportedRrType(std::string_view name);

// Parses `text` and appends the record to `out` in `section`; false when the text is not a
// record dnsd can encode (nothing usable is left in `out` then: the caller answers SERVFAIL).
bool WriteRecord(std::string_view text, wire::Section section, wire::AnswerBuilder& out);

}  // namespace dnsd::plugins::tmpl
