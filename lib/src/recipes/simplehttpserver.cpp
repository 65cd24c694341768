// slapos.cookbook:simplehttpserver: `wrapper`, a small web server serving `base-path`,
// listening on `host`:`port`, a unix socket (`socketpath`) or an abstract one (`abstract`),
// exactly one of them; TLS with `cert-file` (and `key-file`); requests logged to
// `log-file`; with `allow-write`, POST (form fields path, content, clear) writes files
// under base-path. Upstream's wrapper calls a module of slapos.cookbook; slap writes the
// server as a self-contained script for the interpreter of [buildout] executable.
#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {

constexpr std::string_view server_code = R"PY(
import email.parser, email.policy, http.server, logging, os, socket, socketserver, ssl, urllib.parse

logging.basicConfig(format="%(asctime)s %(levelname)s - %(message)s", filename=ARGS["log-file"],
                    level=logging.INFO)
base = os.path.abspath(ARGS["cwd"])
os.chdir(base)


class Handler(http.server.SimpleHTTPRequestHandler):
    def address_string(self):
        return self.client_address[0] if isinstance(self.client_address, tuple) else "<unnamedsocket>"

    def log_message(self, fmt, *args):
        logging.info("%s - - " + fmt, self.address_string(), *args)

    def log_error(self, fmt, *args):
        logging.error("%s - - " + fmt, self.address_string(), *args)

    def answer(self, code, text, kind="text/html"):
        self.send_response(code)
        self.send_header("Content-type", kind)
        self.end_headers()
        self.wfile.write(text)

    def do_POST(self):
        if not ARGS["allow-write"]:
            return self.answer(403, b"Forbidden")
        kind = self.headers.get("Content-Type", "")
        body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
        if kind.startswith("multipart/form-data"):
            message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(
                b"Content-Type: " + kind.encode() + b"\r\n\r\n" + body)
            form = {part.get_param("name", header="content-disposition"): part.get_payload(decode=True)
                    for part in message.iter_parts()}
        else:
            form = {k: v[0].encode("utf-8") for k, v in urllib.parse.parse_qs(body.decode("utf-8")).items()}
        if "path" not in form or "content" not in form:
            return self.answer(400, b"path and content are required")
        name, content = form["path"].decode("utf-8"), form["content"]
        clear = form.get("clear") == b"1"
        target = os.path.abspath(os.path.join(base, name))
        if os.path.relpath(target, base).startswith(os.pardir):
            return self.answer(403, b"Forbidden", "text/plain")
        os.makedirs(os.path.dirname(target), exist_ok=True)
        self.log_message("Writing received content to file %s", target)
        try:
            with open(target, "wb" if clear else "ab") as f:
                f.write(content)
        except OSError as e:
            self.log_error("Something happened while processing 'writeFile'. The message is %s", e)
        self.answer(200, b"Content written to " + name.encode("utf-8"), self.headers["Content-Type"])

    def do_PUT(self):
        self.answer(403, b"Forbidden")


address = ARGS["address"]
if isinstance(address, list):
    address = (address[0], address[1])
    family = socket.getaddrinfo(address[0], address[1])[0][0]
else:
    family = socket.AF_UNIX
    if not address.startswith("\0") and os.path.exists(address):
        probe = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            probe.connect(address)
        except OSError:
            os.unlink(address)
        finally:
            probe.close()


class Server(socketserver.TCPServer):
    allow_reuse_address = True
    address_family = family


httpd = Server(address, Handler)
if ARGS["cert-file"]:
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(ARGS["cert-file"], ARGS["key-file"] or None)
    httpd.socket = context.wrap_socket(httpd.socket, server_side=True)
logging.info("Starting simple http server at %s", address)
httpd.serve_forever()
)PY";

class Server final : public Recipe {
 public:
  std::string wrapper, script;
  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    log_line(ic, "write " + wrapper);
    SLAP_CHECK(fs::make_dirs(path::dirname(wrapper)));
    SLAP_CHECK(fs::write_atomic(wrapper, script, 0755, false));
    return std::vector<std::string>{wrapper};
  }
};

}  // namespace

Result<std::unique_ptr<Recipe>> make_simplehttpserver(profile::Resolver& resolver, profile::Options& options,
                                                      const Env&) {
  using json = nlohmann::json;
  std::string host = SLAP_TRY(optional(options, "host"));
  std::string port = SLAP_TRY(optional(options, "port"));
  std::string socket_path = SLAP_TRY(optional(options, "socketpath"));
  std::string abstract = SLAP_TRY(optional(options, "abstract"));
  int given = !host.empty() + !socket_path.empty() + !abstract.empty();
  if (given != 1 || host.empty() != port.empty())
    return fail(option_error(options, "host", "Specify one of (host, port) | socketpath | abstract").with_class("UserError"));
  json address;
  if (!host.empty()) {
    try {
      address = json::array({host, std::stoi(port)});
    } catch (const std::exception&) {
      return fail(option_error(options, "port", fmt::format("'{}' is not a port number", port)));
    }
  } else {
    address = socket_path.empty() ? std::string(1, '\0') + abstract : socket_path;
  }
  options.set("address", address.is_array() ? fmt::format("('{}', {})", host, port) : address.get<std::string>());
  json args = {{"address", address},
               {"cwd", SLAP_TRY(options.at("base-path"))},
               {"log-file", SLAP_TRY(options.at("log-file"))},
               {"cert-file", SLAP_TRY(optional(options, "cert-file"))},
               {"key-file", SLAP_TRY(optional(options, "key-file"))},
               {"allow-write", SLAP_TRY(flag(options, "allow-write", false))}};
  std::string python = SLAP_TRY(SLAP_TRY(resolver.section("buildout"))->at("executable"));
  auto r = std::make_unique<Server>();
  r->wrapper = std::string(str::strip(SLAP_TRY(options.at("wrapper"))));
  // The arguments travel as a JSON string literal, which Python reads as a string literal.
  r->script = fmt::format("#!{}\n# Written by slap for slapos.cookbook:simplehttpserver.\n"
                          "import json\nARGS = json.loads({})\n{}",
                          python, json(args.dump()).dump(), server_code);
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
