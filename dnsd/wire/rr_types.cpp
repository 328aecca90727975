#include "dnsd/wire/rr_types.hpp"

#include <array>

#include "dnsd/wire/name_walk.hpp"

namespace dnsd::wire {
namespace {

// Layouts, named by where the names sit.
constexpr RdataNames kOneName{0, 0, 1, 0, true};
constexpr RdataNames kTwoNames{0, 0, 2, 0, true};
constexpr RdataNames kSoa{0, 0, 2, 20, true};
constexpr RdataNames kPreferenceName{2, 0, 1, 0, true};  // MX
// Types after RFC 1035: their names are never compressed on our output (RFC 3597 4), but
// encoders compress some of them in practice, so readers still follow pointers.
constexpr RdataNames kLaterOneName{0, 0, 1, 0, false};       // DNAME
constexpr RdataNames kLaterTwoNames{0, 0, 2, 0, false};      // RP
constexpr RdataNames kLaterPreferenceName{2, 0, 1, 0, false};  // AFSDB RT KX
constexpr RdataNames kPx{2, 0, 2, 0, false};
constexpr RdataNames kSrv{6, 0, 1, 0, false};
constexpr RdataNames kNaptr{4, 3, 1, 0, false};

constexpr auto kTypes = std::to_array<RrType>({
    {1, "A", {}},           {2, "NS", kOneName},     {3, "MD", kOneName},       {4, "MF", kOneName},
    {5, "CNAME", kOneName}, {6, "SOA", kSoa},        {7, "MB", kOneName},       {8, "MG", kOneName},
    {9, "MR", kOneName},    {10, "NULL", {}},        {12, "PTR", kOneName},     {13, "HINFO", {}},
    {14, "MINFO", kTwoNames}, {15, "MX", kPreferenceName}, {16, "TXT", {}},
    {17, "RP", kLaterTwoNames}, {18, "AFSDB", kLaterPreferenceName}, {19, "X25", {}},
    {20, "ISDN", {}},       {21, "RT", kLaterPreferenceName}, {23, "NSAPPTR", {}}, {24, "SIG", {}},
    {25, "KEY", {}},        {26, "PX", kPx},         {27, "GPOS", {}},          {28, "AAAA", {}},
    {29, "LOC", {}},        {30, "NXT", {}},         {31, "EID", {}},           {32, "NIMLOC", {}},
    {33, "SRV", kSrv},      {34, "ATMA", {}},        {35, "NAPTR", kNaptr},
    {36, "KX", kLaterPreferenceName}, {37, "CERT", {}}, {39, "DNAME", kLaterOneName},
    {41, "OPT", {}},        {42, "APL", {}},         {43, "DS", {}},            {44, "SSHFP", {}},
    {45, "IPSECKEY", {}},   {46, "RRSIG", {}},       {47, "NSEC", {}},          {48, "DNSKEY", {}},
    {49, "DHCID", {}},      {50, "NSEC3", {}},       {51, "NSEC3PARAM", {}},    {52, "TLSA", {}},
    {53, "SMIMEA", {}},     {55, "HIP", {}},         {56, "NINFO", {}},         {57, "RKEY", {}},
    {58, "TALINK", {}},     {59, "CDS", {}},         {60, "CDNSKEY", {}},       {61, "OPENPGPKEY", {}},
    {62, "CSYNC", {}},      {63, "ZONEMD", {}},      {64, "SVCB", {}},          {65, "HTTPS", {}},
    {99, "SPF", {}},        {100, "UINFO", {}},      {101, "UID", {}},          {102, "GID", {}},
    {103, "UNSPEC", {}},    {104, "NID", {}},        {105, "L32", {}},          {106, "L64", {}},
    {107, "LP", {}},        {108, "EUI48", {}},      {109, "EUI64", {}},        {249, "TKEY", {}},
    {250, "TSIG", {}},      {251, "IXFR", {}},       {252, "AXFR", {}},         {253, "MAILB", {}},
    {254, "MAILA", {}},     {255, "ANY", {}},        {256, "URI", {}},          {257, "CAA", {}},
    {258, "AVC", {}},       {260, "AMTRELAY", {}},   {32768, "TA", {}},         {32769, "DLV", {}},
});

constexpr bool Ascending() {
  for (std::size_t i = 1; i < kTypes.size(); ++i) {
    if (kTypes[i - 1].code >= kTypes[i].code) return false;
  }
  return true;
}
static_assert(Ascending(), "kTypes is searched by code");

// Every type with names has a code below this: the per-record lookup is one index.
constexpr std::size_t kNamedCodes = 64;
constexpr auto kNamesByCode = [] {
  std::array<RdataNames, kNamedCodes> by_code{};
  for (const RrType& type : kTypes) {
    if (type.code < kNamedCodes) by_code[type.code] = type.names;
  }
  return by_code;
}();
constexpr bool NamesOnlyBelowIndexLimit() {
  for (const RrType& type : kTypes) {
    if (type.code >= kNamedCodes && type.names.count != 0) return false;
  }
  return true;
}
static_assert(NamesOnlyBelowIndexLimit(), "RdataNamesOf indexes kNamesByCode");

constexpr RdataNames kNoNames{};

}  // namespace

std::span<const RrType> RrTypes() { return kTypes; }

std::string_view TypeMnemonic(std::uint16_t code) {
  std::size_t low = 0, high = kTypes.size();
  while (low < high) {
    const std::size_t mid = (low + high) / 2;
    if (kTypes[mid].code < code) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return low < kTypes.size() && kTypes[low].code == code ? kTypes[low].mnemonic : std::string_view{};
}

std::uint16_t TypeFromMnemonic(std::string_view mnemonic) {
  for (const RrType& type : kTypes) {
    if (type.mnemonic == mnemonic) return type.code;
  }
  return 0;
}

const RdataNames& RdataNamesOf(std::uint16_t code) {
  return code < kNamedCodes ? kNamesByCode[code] : kNoNames;
}

WireError SkipRdataPrefix(std::span<const std::uint8_t> message, std::size_t rdata,
                          std::size_t rdata_end, const RdataNames& layout, std::size_t* names_begin) {
  if (rdata_end > message.size() || rdata > rdata_end) return WireError::kTruncated;
  std::size_t pos = rdata + layout.prefix;
  if (pos > rdata_end) return WireError::kTruncated;
  for (int i = 0; i < layout.strings; ++i) {
    if (pos >= rdata_end) return WireError::kTruncated;
    pos += 1u + message[pos];
    if (pos > rdata_end) return WireError::kTruncated;
  }
  *names_begin = pos;
  return WireError::kOk;
}

WireError FindRdataNames(std::span<const std::uint8_t> message, std::size_t rdata,
                         std::size_t rdata_end, const RdataNames& layout, RdataNameOffsets& out) {
  out = {};
  if (auto error = SkipRdataPrefix(message, rdata, rdata_end, layout, &out.names_begin);
      error != WireError::kOk) {
    return error;
  }
  std::size_t pos = out.names_begin;
  for (std::uint8_t i = 0; i < layout.count && i < kMaxRdataNames; ++i) {
    out.name[i] = pos;
    // Bounded by the RDATA: a name running past it is this record's error, not a read of the next.
    if (auto error = detail::WalkName<false>(message.first(rdata_end), pos, nullptr, nullptr, &pos);
        error != WireError::kOk) {
      return error;
    }
    out.count = static_cast<std::uint8_t>(i + 1);
  }
  out.names_end = pos;
  return WireError::kOk;
}

}  // namespace dnsd::wire
