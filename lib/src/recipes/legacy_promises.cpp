// The cookbook recipes that write legacy promises, executables at `path` (usually in
// etc/promise/) that exit 0 when all is well:
//   check_port_listening  `hostname`:`port` accepts a TCP connection (else exit 127,
//                         "HOST on PORT isn't listening")
//   check_url_available   `url` answers `http_code` (200) through `curl_path`, run by
//                         `dash_path`; check-secure = 1 also accepts 401; client
//                         certificates with ca-cert-file, cert-file, key-file; the timeout
//                         (20 s) read from `timeout-file-path` (etc/promise_timeout)
//   check_parameter       `value` equals `expected-value` and differs from
//                         `expected-not-value` (empty: not checked), or with
//                         expected-type ipv4/ipv6 is such an address
// Upstream writes Python scripts for the first and the last; slap writes shell scripts
// that run the interpreter of [buildout] executable where a socket call is needed.
#include <fmt/format.h>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"

namespace slap::recipes {

namespace {

std::string q(std::string_view s) { return process::shell_quote(s); }

class Script final : public Recipe {
 public:
  std::string path, text;
  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    log_line(ic, "write promise " + path);
    SLAP_CHECK(fs::make_dirs(path::dirname(path)));
    SLAP_CHECK(fs::write_atomic(path, text, 0755, false));
    return std::vector<std::string>{path};
  }
};

Result<std::string> python(profile::Resolver& resolver) {
  return SLAP_TRY(resolver.section("buildout"))->at("executable");
}

std::unique_ptr<Recipe> script(std::string path, std::string text) {
  auto r = std::make_unique<Script>();
  r->path = std::move(path);
  r->text = "#!/bin/sh\n# Written by slap: a promise, run by slap node / slap promise.\n" + text;
  return r;
}

}  // namespace

Result<std::unique_ptr<Recipe>> make_check_port_listening(profile::Resolver& resolver, profile::Options& options,
                                                          const Env&) {
  std::string host = SLAP_TRY(options.at("hostname"));
  std::string port = SLAP_TRY(options.at("port"));
  return script(SLAP_TRY(options.at("path")),
                fmt::format("exec {} -c 'import socket, sys\n"
                            "addr = sys.argv[1], int(sys.argv[2])\n"
                            "try:\n"
                            "  socket.create_connection(addr).close()\n"
                            "except (socket.error, socket.timeout):\n"
                            "  sys.stderr.write(\"%s on %s is not listening\\n\" % addr)\n"
                            "  sys.exit(127)\n' {} {}\n",
                            q(SLAP_TRY(python(resolver))), q(host), q(port)));
}

Result<std::unique_ptr<Recipe>> make_check_url_available(profile::Resolver& resolver, profile::Options& options,
                                                         const Env&) {
  std::string directory = SLAP_TRY(SLAP_TRY(resolver.section("buildout"))->at("directory"));
  auto get = [&](const char* name, std::string fallback) -> Result<std::string> {
    auto v = SLAP_TRY(options.get(name));
    return v ? *v : fallback;
  };
  std::string curl = SLAP_TRY(options.at("curl_path"));
  std::string text = fmt::format(
      "url={} timeout_file={} code_expected={} secure={} ca_cert={} cert={} key={}\n"
      "[ -n \"$url\" ] || {{ echo 'No URL specified.' >&2; exit 3; }}\n"
      "timeout=20\n"
      "if [ -s \"$timeout_file\" ]; then\n"
      "  t=$(cat \"$timeout_file\")\n"
      "  case $t in ''|*[!0-9]*) ;; *) timeout=$t ;; esac\n"
      "fi\n"
      "set -- -g -k -sL \"$url\" -w '%{{http_code}}' --max-time \"$timeout\" -o /dev/null\n"
      "if [ -n \"$ca_cert\" ] && [ -n \"$cert\" ] && [ -n \"$key\" ]; then\n"
      "  set -- \"$@\" --cacert \"$ca_cert\" --cert \"$cert\" --key \"$key\"\n"
      "fi\n"
      "code=$({} \"$@\")\n"
      "status=$?\n"
      "[ $status -ne 3 ] || {{ echo \"URL malformed: $url.\" >&2; exit 1; }}\n"
      "[ $status -ne 7 ] || {{ echo \"Failed to connect to host: $url.\" >&2; exit 1; }}\n"
      "case $code in ''|000) echo \"$url is not available (server not reachable).\" >&2; exit 1 ;; esac\n"
      "if [ \"$secure\" = 1 ] && [ \"$code\" = 401 ]; then echo \"$url is protected (returned $code).\" >&2; exit 0; fi\n"
      "if [ \"$code\" != \"$code_expected\" ]; then\n"
      "  echo \"$url is not available (returned $code, expected $code_expected).\" >&2; exit 2\n"
      "fi\n",
      q(SLAP_TRY(options.at("url"))), q(SLAP_TRY(get("timeout-file-path", path::join(directory, "etc/promise_timeout")))),
      q(SLAP_TRY(get("http_code", "200"))), q(SLAP_TRY(get("check-secure", "0"))), q(SLAP_TRY(get("ca-cert-file", ""))),
      q(SLAP_TRY(get("cert-file", ""))), q(SLAP_TRY(get("key-file", ""))), q(curl));
  auto r = script(SLAP_TRY(options.at("path")), text);
  auto* s = static_cast<Script*>(r.get());
  s->text = "#!" + SLAP_TRY(options.at("dash_path")) + s->text.substr(s->text.find('\n'));
  return r;
}

Result<std::unique_ptr<Recipe>> make_check_parameter(profile::Resolver& resolver, profile::Options& options, const Env&) {
  std::string value = SLAP_TRY(options.at("value"));
  auto expected_type = optional(options, "expected-type");
  if (!expected_type) return fail(std::move(expected_type.error()));
  const std::string& type = *expected_type;
  std::string text;
  if (type == "ipv4" || type == "ipv6") {
    text = fmt::format("{} -c 'import socket, sys; socket.inet_pton(socket.AF_INET{}, sys.argv[1])' {} 2>/dev/null "
                       "|| exit 127\n",
                       q(SLAP_TRY(python(resolver))), type == "ipv6" ? "6" : "", q(value));
  } else {
    text = fmt::format(
        "value={} expected={} not_expected={}\n"
        "if [ -n \"$expected\" ] && [ \"$value\" != \"$expected\" ]; then echo \"FAIL: $value != $expected\"; exit 127; fi\n"
        "if [ -n \"$not_expected\" ] && [ \"$value\" = \"$not_expected\" ]; then echo \"FAIL: $value == $not_expected\"; "
        "exit 127; fi\n",
        q(value), q(SLAP_TRY(optional(options, "expected-value"))), q(SLAP_TRY(optional(options, "expected-not-value"))));
  }
  return script(SLAP_TRY(options.at("path")), text);
}

}  // namespace slap::recipes
