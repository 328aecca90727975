#include "dnsd/server/reloader.hpp"

#include <openssl/evp.h>

#include <csignal>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>

#include "dnsd/log/log.hpp"
#include "dnsd/server/routes.hpp"
#include "dnsd/server/server.hpp"

namespace dnsd::server {
namespace {

// Length-prefixed, so that no token text can imitate the structure around it.
void AppendToken(std::string& out, const std::string& text) {
  out += std::to_string(text.size());
  out += ':';
  out += text;
}

void AppendDirective(std::string& out, const config::Directive& directive) {
  out += '(';
  AppendToken(out, directive.name.text);
  for (const config::Token& arg : directive.args) AppendToken(out, arg.text);
  if (directive.has_block) {
    out += '{';
    for (const config::Directive& inner : directive.block) AppendDirective(out, inner);
    out += '}';
  }
  out += ')';
}

std::string Sha512Hex(const std::string& data) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), digest, &length, EVP_sha512(), nullptr);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(length * 2);
  for (unsigned int i = 0; i < length; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 0xf];
  }
  return hex;
}

}  // namespace

std::string CorefileDigest(const config::Corefile& corefile) {
  std::string canonical;
  for (const config::ServerBlock& block : corefile.blocks) {
    canonical += '[';
    for (const config::Token& key : block.keys) AppendToken(canonical, key.text);
    canonical += '{';
    for (const config::Directive& directive : block.directives) AppendDirective(canonical, directive);
    canonical += "}]";
  }
  return Sha512Hex(canonical);
}

ConfigReloader::ConfigReloader(ConfigSource source, const config::Corefile& running,
                               const pipeline::PluginRegistry& registry)
    : source_(std::move(source)), registry_(registry), running_digest_(CorefileDigest(running)) {}

void ConfigReloader::ReportRunning(const std::string& digest) const {
  if (registry_.reload_sink.running_version) registry_.reload_sink.running_version(digest);
}

void ConfigReloader::Run(boost::asio::io_context& io, Server& server) {
  server_ = &server;
  signals_.emplace(io, SIGUSR1, SIGHUP);
  timer_.emplace(io);
  WaitSignal();
  if (server.routes()->reload) {
    dnsd::log::Info("plugin/reload: Running configuration SHA512 = " + running_digest_);
    ReportRunning(running_digest_);
  }
  ScheduleCheck();
}

void ConfigReloader::WaitSignal() {
  signals_->async_wait([this](const boost::system::error_code& ec, int number) {
    if (ec) return;
    ReloadNow(*server_, Trigger::kSignal, number == SIGHUP ? "SIGHUP" : "SIGUSR1");
    ScheduleCheck();  // the new config may have changed or dropped `reload`
    WaitSignal();
  });
}

void ConfigReloader::ScheduleCheck() {
  timer_->cancel();
  const auto& reload = server_->routes()->reload;
  if (!reload) return;
  const std::optional<std::chrono::nanoseconds> period = reload->NextCorefileCheck();
  if (!period) return;
  timer_->expires_after(*period);
  timer_->async_wait([this](const boost::system::error_code& ec) {
    if (ec) return;
    ReloadNow(*server_, Trigger::kTimer);
    ScheduleCheck();
  });
}

std::string ConfigReloader::ReloadNow(Server& server, Trigger trigger, const char* signal_name) {
  auto fail = [&](const std::string& message) {
    if (trigger == Trigger::kTimer) {
      dnsd::log::Error("plugin/reload: Corefile changed but reload failed: " + message);
    } else {
      dnsd::log::Error(std::string(signal_name) + ": " + message);
    }
    // CoreDNS counts only its timer's failures; a failed signal reload is as much worth an alert.
    if (registry_.reload_sink.failed) registry_.reload_sink.failed();
    return message;
  };

  std::string text;
  std::string file = source_.path;
  if (source_.path.empty()) {
    text = source_.builtin_text;
    file = source_.builtin_name;
  } else if (source_.path == "stdin") {
    if (trigger == Trigger::kTimer) return {};
    return fail("a configuration read from standard input cannot be read again");
  } else {
    std::ifstream in(source_.path, std::ios::binary);
    std::ostringstream content;
    content << in.rdbuf();
    if (!in) return fail("cannot read \"" + source_.path + "\": " + std::strerror(errno));
    text = content.str();
  }
  // The timer only looks further when the bytes changed, so a broken file is reported once.
  if (trigger == Trigger::kTimer && text == last_text_) return {};
  last_text_ = text;

  config::Parsed<config::Corefile> corefile = config::ParseCorefile(text, file);
  if (!corefile.ok()) return fail(corefile.error.ToString());
  std::string digest = CorefileDigest(*corefile.value);
  if (trigger == Trigger::kTimer && digest == running_digest_) return {};

  dnsd::log::Info(trigger == Trigger::kTimer ? std::string("Reloading")
                                             : std::string(signal_name) + ": Reloading");
  config::Parsed<Routes> routes = BuildRoutes(*corefile.value, source_.default_port, registry_);
  if (!routes.ok()) return fail(routes.error.ToString());
  auto shared = std::make_shared<const Routes>(std::move(*routes.value));
  if (std::string error = server.Reload(shared); !error.empty()) return fail(error);
  running_digest_ = digest;
  if (shared->reload) {
    dnsd::log::Info("plugin/reload: Running configuration SHA512 = " + digest);
    ReportRunning(digest);
  }
  dnsd::log::Info("Reloading complete");
  return {};
}

}  // namespace dnsd::server
