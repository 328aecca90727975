#include "dnsd/plugins/log/format.hpp"

#include <array>
#include <utility>

namespace dnsd::plugins::log {
namespace {

}  // namespace

std::string ExpandFormatAliases(std::string_view format) {
  std::string out;
  while (!format.empty()) {
    if (format.starts_with("{common}")) {
      out += kCommonLogFormat;
      format.remove_prefix(8);
    } else if (format.starts_with("{combined}")) {
      out += kCombinedLogFormat;
      format.remove_prefix(10);
    } else {
      out += format.front();
      format.remove_prefix(1);
    }
  }
  return out;
}

LogFormat::LogFormat(std::string_view format) : text_(format) {
  static constexpr std::array<std::pair<std::string_view, Kind>, 17> kLabels = {{
      {"{type}", Kind::kType}, {"{name}", Kind::kName}, {"{class}", Kind::kClass},
      {"{proto}", Kind::kProto}, {"{size}", Kind::kSize}, {"{remote}", Kind::kRemote},
      {"{port}", Kind::kPort}, {"{local}", Kind::kLocal}, {"{>id}", Kind::kId},
      {"{>opcode}", Kind::kOpcode}, {"{>do}", Kind::kDo}, {"{>bufsize}", Kind::kBufsize},
      {"{rcode}", Kind::kRcode}, {"{rsize}", Kind::kRsize}, {"{duration}", Kind::kDuration},
      {"{>rflags}", Kind::kRflags}, {"{/", Kind::kMetadata},
  }};
  auto literal = [this](std::string_view text) {
    if (text.empty()) return;
    if (!pieces_.empty() && pieces_.back().kind == Kind::kLiteral) pieces_.back().literal += text;
    else pieces_.push_back(Piece{Kind::kLiteral, std::string(text)});
  };
  while (!format.empty()) {
    const std::size_t open = format.find('{');
    if (open == std::string_view::npos) {
      literal(format);
      break;
    }
    literal(format.substr(0, open));
    format.remove_prefix(open);
    const std::size_t close = format.find('}');
    if (close == std::string_view::npos) {
      literal(format);
      break;
    }
    const std::string_view label = format.substr(0, close + 1);
    Kind kind = Kind::kLiteral;
    for (const auto& [text, k] : kLabels) {
      if (label == text || (k == Kind::kMetadata && label.starts_with(text))) kind = k;
    }
    if (kind == Kind::kLiteral) literal(label);
    else pieces_.push_back(Piece{kind, {}});
    format.remove_prefix(close + 1);
  }
}

void LogFormat::Write(const LogEntry& entry, LineWriter& out) const {
  for (const Piece& piece : pieces_) WritePiece(piece, entry, out);
}

void LogFormat::WritePiece(const Piece& piece, const LogEntry& e, LineWriter& out) const {
  const wire::MessageView& q = *e.query;
  switch (piece.kind) {
    case Kind::kLiteral: return out.Append(piece.literal);
    case Kind::kType: return AppendType(out, q.qtype);
    case Kind::kName: return out.Name(q.qname.Wire());
    case Kind::kClass: return AppendClass(out, q.qclass);
    case Kind::kProto: return out.Append(e.tcp ? "tcp" : "udp");
    case Kind::kRemote: return out.Address(*e.remote);
    case Kind::kPort: return out.Number(e.remote_port);
    case Kind::kLocal: return out.Address(*e.local);
    case Kind::kSize: return out.Number(e.query_size);
    case Kind::kId: return out.Number(q.header.id);
    case Kind::kOpcode: return AppendOpcode(out, static_cast<unsigned>(q.header.opcode()));
    case Kind::kDo: return out.Append(q.edns && q.edns->dnssec_ok ? "true" : "false");
    case Kind::kBufsize: return out.Number(e.bufsize);
    case Kind::kMetadata: return out.Append(kEmptyValue);  // dnsd has no metadata plugin
    default: break;
  }
  if (!e.responded) return out.Append(kEmptyValue);
  switch (piece.kind) {
    case Kind::kRcode: return AppendRcode(out, e.rcode);
    case Kind::kRsize: return out.Number(e.response_size);
    case Kind::kDuration: return out.Seconds(e.duration_nanos);
    case Kind::kRflags: return AppendFlags(out, e.response_flags);
    default: return;
  }
}

}  // namespace dnsd::plugins::log
