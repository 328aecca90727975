#include "report.hpp"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <boost/asio.hpp>
#include <charconv>
#include <chrono>
#include <cctype>
#include <cstdint>
#include <cstdio>
#include <functional>
#include <optional>
#include <stdexcept>
#include <variant>

namespace dnsd::rules_tool {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

constexpr const char* kDefaultUrl = "http://127.0.0.1:9153";
constexpr const char* kDefaultPort = "9153";  // the prometheus plugin's (CoreDNS's) default
constexpr std::size_t kDefaultTop = 20;
constexpr std::size_t kClientsPerName = 3;
constexpr std::chrono::seconds kTimeout{5};
constexpr std::size_t kMaxResponse = 64 << 20;  // the report is bounded (512 names); anything larger is not one

constexpr const char* kUsage =
    "usage: dnsd-rules report [URL] [--json] [--top N]\n"
    "URL is the daemon's prometheus listener (default http://127.0.0.1:9153); the report is URL/legacy.json.\n";

struct Options {
  std::string url = kDefaultUrl;
  bool json = false;
  std::size_t top = kDefaultTop;
};

struct Url {
  std::string host;  // without brackets
  std::string port;
  std::string path;  // the URL's path without a trailing '/', "" for none
};

// http://HOST[:PORT][/PATH] or HOST[:PORT][/PATH]; HOST may be [v6]. nullopt with `why` when not.
std::optional<Url> ParseUrl(std::string text, std::string& why) {
  if (text.starts_with("https://")) {
    why = "https is not supported (the prometheus listener serves plain HTTP)";
    return std::nullopt;
  }
  if (text.starts_with("http://")) text.erase(0, 7);
  if (text.find("://") != std::string::npos) {
    why = "want http://HOST:PORT";
    return std::nullopt;
  }
  Url url;
  const std::size_t slash = text.find('/');
  if (slash != std::string::npos) {
    url.path = text.substr(slash);
    text.erase(slash);
    while (!url.path.empty() && url.path.back() == '/') url.path.pop_back();
  }
  std::string port;
  if (text.starts_with("[")) {
    const std::size_t close = text.find(']');
    if (close == std::string::npos) {
      why = "unclosed '[' in the host";
      return std::nullopt;
    }
    url.host = text.substr(1, close - 1);
    const std::string rest = text.substr(close + 1);
    if (!rest.empty() && rest[0] != ':') {
      why = "want [HOST]:PORT";
      return std::nullopt;
    }
    if (!rest.empty()) port = rest.substr(1);
  } else {
    const std::size_t colon = text.rfind(':');
    url.host = text.substr(0, colon);
    if (colon != std::string::npos) port = text.substr(colon + 1);
    if (url.host.find(':') != std::string::npos) {
      why = "an IPv6 host goes in brackets: http://[::1]:9153";
      return std::nullopt;
    }
  }
  if (url.host.empty()) {
    why = "no host";
    return std::nullopt;
  }
  if (port.empty()) port = kDefaultPort;
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (ec != std::errc() || end != port.data() + port.size() || value == 0 || value > 65535) {
    why = "bad port \"" + port + "\"";
    return std::nullopt;
  }
  url.port = port;
  return url;
}

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::string body;
};

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// The value of header `name` (lower case) in `head`, "" if absent.
std::string Header(const std::string& head, const std::string& name) {
  const std::string lower = Lower(head);
  std::size_t at = 0;
  while ((at = lower.find("\r\n" + name + ":", at)) != std::string::npos) {
    const std::size_t start = at + 3 + name.size();
    const std::size_t end = lower.find("\r\n", start);
    std::string value = head.substr(start, end - start);
    value.erase(0, value.find_first_not_of(" \t"));
    value.erase(value.find_last_not_of(" \t") + 1);
    return value;
  }
  return "";
}

// Transfer-Encoding: chunked bodies; nullopt when malformed.
std::optional<std::string> Dechunk(const std::string& in) {
  std::string out;
  std::size_t at = 0;
  while (true) {
    const std::size_t eol = in.find("\r\n", at);
    if (eol == std::string::npos) return std::nullopt;
    std::size_t size = 0;
    const char* first = in.data() + at;
    auto [end, ec] = std::from_chars(first, in.data() + eol, size, 16);
    if (ec != std::errc() || end == first) return std::nullopt;
    if (size == 0) return out;
    if (eol + 2 + size > in.size()) return std::nullopt;
    out.append(in, eol + 2, size);
    at = eol + 2 + size + 2;
  }
}

// Parses a complete response (the server closed, or Content-Length bytes arrived). nullopt when
// `raw` is not HTTP.
std::optional<HttpResponse> ParseResponse(const std::string& raw) {
  const std::size_t head_end = raw.find("\r\n\r\n");
  if (!raw.starts_with("HTTP/1.") || head_end == std::string::npos || raw.size() < 12) return std::nullopt;
  HttpResponse response;
  auto [end, ec] = std::from_chars(raw.data() + 9, raw.data() + 12, response.status);
  if (ec != std::errc() || end != raw.data() + 12) return std::nullopt;
  const std::size_t line_end = raw.find("\r\n");
  if (line_end > 13) response.reason = raw.substr(13, line_end - 13);
  const std::string head = raw.substr(0, head_end + 2);
  response.body = raw.substr(head_end + 4);
  if (Lower(Header(head, "transfer-encoding")).find("chunked") != std::string::npos) {
    std::optional<std::string> body = Dechunk(response.body);
    if (!body) return std::nullopt;
    response.body = std::move(*body);
  } else if (const std::string length = Header(head, "content-length"); !length.empty()) {
    std::size_t size = 0;
    auto [end2, ec2] = std::from_chars(length.data(), length.data() + length.size(), size);
    if (ec2 != std::errc() || end2 != length.data() + length.size() || size > response.body.size()) return std::nullopt;
    response.body.resize(size);
  }
  return response;
}

// True once `raw` holds a whole response with a Content-Length (the server may keep the connection).
bool Complete(const std::string& raw) {
  const std::size_t head_end = raw.find("\r\n\r\n");
  if (head_end == std::string::npos) return false;
  const std::string length = Header(raw.substr(0, head_end + 2), "content-length");
  std::size_t size = 0;
  auto [end, ec] = std::from_chars(length.data(), length.data() + length.size(), size);
  return ec == std::errc() && !length.empty() && raw.size() - head_end - 4 >= size;
}

// GET `path` from url's host over one connection, within kTimeout. The error is one sentence.
std::variant<HttpResponse, std::string> Get(const Url& url, const std::string& path) {
  asio::io_context io;
  tcp::resolver resolver(io);
  tcp::socket socket(io);
  const std::string host_header = url.host.find(':') != std::string::npos ? "[" + url.host + "]:" + url.port
                                                                          : url.host + ":" + url.port;
  const std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host_header +
                              "\r\nAccept: application/json\r\nUser-Agent: dnsd-rules\r\nConnection: close\r\n\r\n";
  std::string raw, failure;
  std::array<char, 16384> buffer;
  bool done = false;
  std::function<void()> read = [&] {
    socket.async_read_some(asio::buffer(buffer), [&](const boost::system::error_code& ec, std::size_t n) {
      raw.append(buffer.data(), n);
      if (ec == asio::error::eof || (!ec && Complete(raw))) {
        done = true;
      } else if (ec) {
        failure = ec.message();
      } else if (raw.size() > kMaxResponse) {
        failure = "the response is larger than " + std::to_string(kMaxResponse >> 20) + " MiB";
      } else {
        read();
      }
    });
  };
  resolver.async_resolve(url.host, url.port, [&](const boost::system::error_code& ec, tcp::resolver::results_type results) {
    if (ec) {
      failure = "cannot resolve " + url.host + ": " + ec.message();
      return;
    }
    asio::async_connect(socket, results, [&](const boost::system::error_code& ec2, const tcp::endpoint&) {
      if (ec2) {
        failure = ec2.message();
        return;
      }
      asio::async_write(socket, asio::buffer(request), [&](const boost::system::error_code& ec3, std::size_t) {
        if (ec3) {
          failure = ec3.message();
          return;
        }
        read();
      });
    });
  });
  io.run_for(kTimeout);
  if (!failure.empty()) return failure;
  if (!done) return "no response within " + std::to_string(kTimeout.count()) + "s";
  std::optional<HttpResponse> response = ParseResponse(raw);
  if (!response) return std::string("the answer is not an HTTP response");
  return *response;
}

// ---- the report (docs/metrics.md, "Legacy-name report"), read with yaml-cpp: JSON is YAML.

struct Client {
  std::string subnet;
  std::uint64_t queries = 0;
};
struct NameRow {
  std::string name, family, rule;
  std::uint64_t queries = 0, error = 0;
  std::vector<Client> clients;
};
struct ShadowName {
  std::string name, rewritten, verdict;
  std::uint64_t queries = 0;
};
struct Shadow {
  bool enabled = false;
  std::string source;
  std::uint64_t evaluated = 0, rewritten = 0, probes = 0, probes_dropped = 0;
  std::vector<ShadowName> names;
};
struct LegacyReport {
  std::string since;
  std::uint64_t total = 0, capacity = 0, memory_bytes = 0;
  std::vector<std::pair<std::string, std::uint64_t>> families;
  std::vector<NameRow> names;
  Shadow shadow;
};

struct BadReport : std::runtime_error {
  using std::runtime_error::runtime_error;
};

std::string At(const YAML::Node& node) {
  const YAML::Mark mark = node.Mark();
  return mark.is_null() ? "" : " at " + std::to_string(mark.line + 1) + ":" + std::to_string(mark.column + 1);
}

// One JSON object of the report and where it is ("names[3]"), for errors that say which field.
struct Object {
  YAML::Node map;
  std::string where;

  YAML::Node Field(const char* key) const {
    YAML::Node node = map[key];
    if (!node) throw BadReport("no \"" + std::string(key) + "\" in " + where + At(map));
    return node;
  }
  [[noreturn]] void Bad(const char* key, const char* what, const YAML::Node& node) const {
    throw BadReport("\"" + std::string(key) + "\" of " + where + " is not " + what + At(node));
  }
  std::uint64_t Count(const char* key) const {
    YAML::Node node = Field(key);
    try {
      if (node.IsScalar()) return node.as<std::uint64_t>();
    } catch (const YAML::Exception&) {
    }
    Bad(key, "a count", node);
  }
  std::string Text(const char* key) const {
    YAML::Node node = Field(key);
    if (!node.IsScalar()) Bad(key, "a string", node);
    return node.Scalar();
  }
  bool Flag(const char* key) const {
    YAML::Node node = Field(key);
    try {
      return node.as<bool>();
    } catch (const YAML::Exception&) {
      Bad(key, "true or false", node);
    }
  }
  // The objects of list `key`.
  std::vector<Object> List(const char* key) const {
    YAML::Node node = Field(key);
    if (!node.IsSequence()) Bad(key, "a list", node);
    std::vector<Object> items;
    for (std::size_t i = 0; i < node.size(); ++i) {
      const std::string item = (where == "the report" ? "" : where + ".") + key + "[" + std::to_string(i) + "]";
      if (!node[i].IsMap()) throw BadReport(item + " is not an object" + At(node[i]));
      items.push_back({node[i], item});
    }
    return items;
  }
};

LegacyReport ParseReport(const std::string& body) {
  YAML::Node root;
  try {
    root = YAML::Load(body);
  } catch (const YAML::Exception& e) {
    throw BadReport("not JSON: " + e.msg + " at " + std::to_string(e.mark.line + 1) + ":" +
                    std::to_string(e.mark.column + 1));
  }
  if (!root.IsMap()) throw BadReport("not a JSON object");
  const Object top{root, "the report"};
  const std::uint64_t version = top.Count("version");
  if (version != 1) {
    throw BadReport("report version " + std::to_string(version) + " (this dnsd-rules reads version 1)");
  }
  LegacyReport report{top.Text("since"), top.Count("total"), top.Count("capacity"), top.Count("memory_bytes"), {}, {}, {}};
  for (const Object& f : top.List("families")) report.families.emplace_back(f.Text("family"), f.Count("queries"));
  for (const Object& n : top.List("names")) {
    NameRow row{n.Text("name"), n.Text("family"), n.Text("rule"), n.Count("queries"), n.Count("error"), {}};
    for (const Object& c : n.List("clients")) row.clients.push_back({c.Text("subnet"), c.Count("queries")});
    report.names.push_back(std::move(row));
  }
  const YAML::Node shadow_node = root["shadow"];
  if (!shadow_node) return report;
  if (!shadow_node.IsMap()) throw BadReport("\"shadow\" of the report is not an object" + At(shadow_node));
  const Object shadow{shadow_node, "shadow"};
  Shadow& s = report.shadow;
  s.enabled = shadow.Flag("enabled");
  if (!s.enabled) return report;
  s.source = shadow.Text("source");
  s.evaluated = shadow.Count("evaluated");
  s.rewritten = shadow.Count("rewritten");
  s.probes = shadow.Count("probes");
  s.probes_dropped = shadow.Count("probes_dropped");
  for (const Object& n : shadow.List("names")) {
    s.names.push_back({n.Text("name"), n.Text("rewritten"), n.Text("verdict"), n.Count("queries")});
  }
  return report;
}

// ---- printing

// Display width of UTF-8 text ("±" is one column, two bytes).
std::size_t Width(const std::string& text) {
  return static_cast<std::size_t>(std::count_if(text.begin(), text.end(), [](char c) { return (c & 0xC0) != 0x80; }));
}

// Columns of text, left-aligned; those flagged numeric right-aligned. Two spaces between columns,
// none after the last.
void PrintTable(std::ostream& out, const std::vector<std::string>& header, const std::vector<bool>& numeric,
                const std::vector<std::vector<std::string>>& rows) {
  std::vector<std::size_t> width(header.size());
  for (std::size_t c = 0; c < header.size(); ++c) width[c] = Width(header[c]);
  for (const auto& row : rows) {
    for (std::size_t c = 0; c < row.size(); ++c) width[c] = std::max(width[c], Width(row[c]));
  }
  auto line = [&](const std::vector<std::string>& cells) {
    std::string text = "  ";
    for (std::size_t c = 0; c < cells.size(); ++c) {
      const std::string pad(width[c] - Width(cells[c]), ' ');
      const bool last = c + 1 == cells.size();
      text += numeric[c] ? pad + cells[c] : cells[c] + (last ? "" : pad);
      if (!last) text += "  ";
    }
    out << text << "\n";
  };
  line(header);
  for (const auto& row : rows) line(row);
}

std::string Percent(std::uint64_t part, std::uint64_t whole) {
  if (whole == 0) return "-";
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%.1f%%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
  return buffer;
}

std::string Bytes(std::uint64_t bytes) {
  char buffer[32];
  if (bytes >= (1u << 20)) {
    std::snprintf(buffer, sizeof buffer, "%.1f MiB", static_cast<double>(bytes) / (1 << 20));
  } else if (bytes >= 1024) {
    std::snprintf(buffer, sizeof buffer, "%.1f KiB", static_cast<double>(bytes) / 1024);
  } else {
    return std::to_string(bytes) + " B";
  }
  return buffer;
}

void More(std::ostream& out, std::size_t shown, std::size_t all) {
  if (shown < all) out << "  ... " << all - shown << " more (--top N shows more)\n";
}

void PrintReport(const LegacyReport& report, const std::string& source, std::size_t top, std::ostream& out) {
  out << "legacy-name report of " << source << "\n"
      << "  since:   " << report.since << "\n"
      << "  queries: " << report.total << " for legacy names\n"
      << "  names:   " << report.names.size() << " tracked of " << report.capacity << "\n"
      << "  memory:  " << Bytes(report.memory_bytes) << " (" << report.memory_bytes << " bytes)\n";

  auto families = report.families;
  std::stable_sort(families.begin(), families.end(), [](const auto& a, const auto& b) { return a.second > b.second; });
  out << "\nfamilies:\n";
  if (families.empty()) {
    out << "  (no legacy query yet)\n";
  } else {
    std::vector<std::vector<std::string>> rows;
    for (const auto& [family, queries] : families) {
      rows.push_back({family, std::to_string(queries), Percent(queries, report.total)});
    }
    PrintTable(out, {"FAMILY", "QUERIES", "SHARE"}, {false, true, true}, rows);
  }

  auto names = report.names;
  std::stable_sort(names.begin(), names.end(), [](const NameRow& a, const NameRow& b) { return a.queries > b.queries; });
  const std::size_t shown = std::min(top, names.size());
  out << "\ntop names (" << shown << " of " << names.size() << "; counts are at most ERROR over):\n";
  if (names.empty()) {
    out << "  (none)\n";
  } else {
    std::vector<std::vector<std::string>> rows;
    for (std::size_t i = 0; i < shown; ++i) {
      const NameRow& n = names[i];
      auto clients = n.clients;
      std::stable_sort(clients.begin(), clients.end(), [](const Client& a, const Client& b) { return a.queries > b.queries; });
      std::string top_clients;
      for (std::size_t c = 0; c < std::min(kClientsPerName, clients.size()); ++c) {
        if (c > 0) top_clients += ", ";
        top_clients += clients[c].subnet + " (" + std::to_string(clients[c].queries) + ")";
      }
      if (clients.size() > kClientsPerName) top_clients += ", ...";
      rows.push_back({n.name, std::to_string(n.queries), "±" + std::to_string(n.error), n.family.empty() ? "-" : n.family,
                      n.rule.empty() ? "-" : n.rule, top_clients.empty() ? "-" : top_clients});
    }
    PrintTable(out, {"NAME", "QUERIES", "ERROR", "FAMILY", "RULE", "TOP CLIENTS"},
               {false, true, true, false, false, false}, rows);
    More(out, shown, names.size());
  }

  const Shadow& shadow = report.shadow;
  out << "\nshadow rules:";
  if (!shadow.enabled) {
    out << " not configured (rewrite dnsd_shadow)\n";
    return;
  }
  out << " " << shadow.source << "\n"
      << "  evaluated " << shadow.evaluated << ", would rewrite " << shadow.rewritten << ", probes " << shadow.probes
      << " (" << shadow.probes_dropped << " dropped)\n";
  // What the shadow rules would break comes first; names not probed yet next; those that resolve last.
  auto rank = [](const std::string& verdict) { return verdict == "resolves" ? 2 : verdict == "pending" ? 1 : 0; };
  auto rows_of = shadow.names;
  std::stable_sort(rows_of.begin(), rows_of.end(), [&](const ShadowName& a, const ShadowName& b) {
    if (rank(a.verdict) != rank(b.verdict)) return rank(a.verdict) < rank(b.verdict);
    return a.queries > b.queries;
  });
  const char* titles[] = {"would break", "not probed yet", "resolve"};
  std::size_t printed = 0;
  for (int group = 0; group < 3; ++group) {
    std::vector<std::vector<std::string>> rows;
    std::size_t in_group = 0;
    for (const ShadowName& n : rows_of) {
      if (rank(n.verdict) != group) continue;
      ++in_group;
      if (printed + rows.size() < top) rows.push_back({n.name, n.rewritten, std::to_string(n.queries), n.verdict});
    }
    if (in_group == 0) continue;
    out << "\n" << titles[group] << " (" << in_group << "):\n";
    if (!rows.empty()) {
      PrintTable(out, {"NAME", "REWRITTEN", "QUERIES", "VERDICT"}, {false, false, true, false}, rows);
    }
    More(out, rows.size(), in_group);
    printed += rows.size();
  }
  if (shadow.names.empty()) out << "  (no name rewritten yet)\n";
}

// The arguments, or a usage error in `why`.
std::optional<Options> ParseOptions(const std::vector<std::string>& args, std::string& why) {
  Options options;
  bool url_seen = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--json") {
      options.json = true;
    } else if (args[i] == "--top") {
      if (i + 1 == args.size()) {
        why = "--top wants a number";
        return std::nullopt;
      }
      const std::string& n = args[++i];
      auto [end, ec] = std::from_chars(n.data(), n.data() + n.size(), options.top);
      if (ec != std::errc() || end != n.data() + n.size() || options.top == 0) {
        why = "--top wants a positive number, not \"" + n + "\"";
        return std::nullopt;
      }
    } else if (args[i].starts_with("-")) {
      why = "unknown option \"" + args[i] + "\"";
      return std::nullopt;
    } else if (url_seen) {
      why = "unexpected argument \"" + args[i] + "\" (one URL only)";
      return std::nullopt;
    } else {
      options.url = args[i];
      url_seen = true;
    }
  }
  return options;
}

}  // namespace

int Report(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
  std::string why;
  const std::optional<Options> options = ParseOptions(args, why);
  if (!options) {
    err << "dnsd-rules report: " << why << "\n" << kUsage;
    return 2;
  }
  const std::optional<Url> url = ParseUrl(options->url, why);
  if (!url) {
    err << "dnsd-rules report: bad URL \"" << options->url << "\": " << why << "\n" << kUsage;
    return 2;
  }
  const std::string path = url->path + "/legacy.json";
  const std::string where = "http://" + (url->host.find(':') != std::string::npos ? "[" + url->host + "]" : url->host) +
                            ":" + url->port + path;
  auto got = Get(*url, path);
  if (const std::string* failure = std::get_if<std::string>(&got)) {
    err << "dnsd-rules report: cannot reach the daemon at " << where << ": " << *failure
        << " (is dnsd running with its prometheus plugin listening there?)\n";
    return 1;
  }
  const HttpResponse& response = std::get<HttpResponse>(got);
  if (response.status == 404) {
    err << "dnsd-rules report: " << where
        << ": 404: the daemon has no legacy-name report: is the DC/OS preset or dnsd_shadow configured?\n";
    return 1;
  }
  if (response.status != 200) {
    err << "dnsd-rules report: " << where << ": HTTP " << response.status
        << (response.reason.empty() ? "" : " " + response.reason) << "\n";
    return 1;
  }
  try {
    const LegacyReport report = ParseReport(response.body);
    if (options->json) {
      out << response.body;
      if (!response.body.ends_with("\n")) out << "\n";
    } else {
      PrintReport(report, where, options->top, out);
    }
  } catch (const BadReport& e) {
    err << "dnsd-rules report: " << where << " is not a legacy-name report: " << e.what() << "\n";
    return 1;
  }
  return 0;
}

}  // namespace dnsd::rules_tool
