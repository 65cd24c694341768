// slapos.cookbook:free_port: a TCP port free on `ip`, the smallest from `minimum` (1024)
// to `maximum` (49151), so that the same parameters give the same port; once the part is
// installed, the port it recorded is kept (its service is the one holding it). An address
// that is neither IPv4 nor IPv6 gives port 0, as upstream.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fmt/format.h>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/fd.hpp"

namespace slap::recipes {

namespace {

bool can_bind(int family, const std::string& ip, int port) {
  UniqueFd fd(::socket(family, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (!fd.open()) return false;
  if (family == AF_INET) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    ::inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
    return ::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  }
  sockaddr_in6 a{};
  a.sin6_family = AF_INET6;
  a.sin6_port = htons(static_cast<uint16_t>(port));
  ::inet_pton(AF_INET6, ip.c_str(), &a.sin6_addr);
  return ::bind(fd.get(), reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
}

Result<int> number(profile::Options& options, const char* name, int fallback) {
  std::string text = SLAP_TRY(optional(options, name));
  if (text.empty()) return fallback;
  try {
    return std::stoi(text);
  } catch (const std::exception&) {
    return fail(option_error(options, name, fmt::format("'{}' is not a port number", text)));
  }
}

class Nothing final : public Recipe {
 public:
  Result<std::vector<std::string>> install(const InstallContext&) override { return std::vector<std::string>{}; }
};

}  // namespace

Result<std::unique_ptr<Recipe>> make_free_port(profile::Resolver& resolver, profile::Options& options, const Env& env) {
  std::string installed = SLAP_TRY(SLAP_TRY(resolver.section("buildout"))->at("installed"));
  if (auto recorded = env.installed_options ? env.installed_options(installed, options.name()) : std::nullopt)
    if (auto port = recorded->find("port"); port != recorded->end() && port->second != "0") {
      options.set("port", port->second);
      return std::unique_ptr<Recipe>(std::make_unique<Nothing>());
    }
  int minimum = SLAP_TRY(number(options, "minimum", 1024));
  int maximum = SLAP_TRY(number(options, "maximum", 49151));
  if (minimum == maximum) {
    options.set("port", std::to_string(minimum));
    return std::unique_ptr<Recipe>(std::make_unique<Nothing>());
  }
  std::string ip = SLAP_TRY(optional(options, "ip"));
  unsigned char buf[16];
  int family = ::inet_pton(AF_INET, ip.c_str(), buf) == 1 ? AF_INET : ::inet_pton(AF_INET6, ip.c_str(), buf) == 1 ? AF_INET6 : 0;
  int port = 0;
  if (family)
    for (int p = minimum; p < maximum; ++p)
      if (can_bind(family, ip, p)) {
        port = p;
        break;
      }
  options.set("port", std::to_string(port));
  return std::unique_ptr<Recipe>(std::make_unique<Nothing>());
}

}  // namespace slap::recipes
