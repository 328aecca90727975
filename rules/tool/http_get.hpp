// A plain HTTP/1.1 GET for dnsd-rules report: one connection (Boost.Asio), a timeout, the body
// (Content-Length, chunked or up to the close). No TLS: the prometheus listener serves plain HTTP.
#pragma once

#include <optional>
#include <string>
#include <variant>

namespace dnsd::rules_tool {

struct Url {
  std::string host;  // without brackets
  std::string port;
  std::string path;  // the URL's path without a trailing '/', "" for none
};

// http://HOST[:PORT][/PATH] or HOST[:PORT][/PATH], HOST may be [v6], PORT defaults to 9153 (the
// prometheus plugin's). nullopt with `why` when not.
std::optional<Url> ParseUrl(std::string text, std::string& why);
// http://HOST:PORT of `url` ([v6] bracketed), for messages.
std::string Origin(const Url& url);

struct HttpResponse {
  int status = 0;
  std::string reason;
  std::string body;
};

// GET `path` from url's host within 5 s; the error is one sentence ("Connection refused").
std::variant<HttpResponse, std::string> Get(const Url& url, const std::string& path);

}  // namespace dnsd::rules_tool
