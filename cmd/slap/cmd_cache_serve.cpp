// slap cache-serve: a Shacache/Shadir server on a directory or an S3 bucket, until
// SIGINT/SIGTERM.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "app.hpp"
#include "s3_args.hpp"
#include "server_module.hpp"
#include "slap/cache.hpp"
#include "slap/paths.hpp"

namespace slap::cli {

namespace {

struct ServeOptions {
  std::string root;
  S3Options s3;
  std::string listen;
  std::string token_file;
  std::string access_log;
  std::string max_size;
};

// "HOST:PORT", with IPv6 hosts in brackets ("[::1]:8080").
Result<std::pair<std::string, int>> parse_listen(const std::string& text) {
  auto colon = text.rfind(':');
  std::string host = colon == std::string::npos ? "" : text.substr(0, colon);
  if (host.size() > 1 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  int port = -1;
  try {
    std::size_t used = 0;
    port = std::stoi(text.substr(colon + 1), &used);
    if (used != text.size() - colon - 1) port = -1;
  } catch (...) {
  }
  if (colon == std::string::npos || host.empty() || port < 0 || port > 65535)
    return fail(ErrorKind::usage, fmt::format("--listen: expected HOST:PORT (e.g. 127.0.0.1:8080), not '{}'", text));
  return std::pair{host, port};
}

Result<cache::ServerOptions> server_options(Env& env, const ServeOptions& o) {
  const Config& c = env.config;
  cache::ServerOptions s;
  s.root = path::abspath(o.root.empty() ? c.get("serve.root") : o.root, env.cwd);
  s.s3 = SLAP_TRY(s3_settings(env, o.s3));
  if (s.s3 && !o.root.empty()) return fail(ErrorKind::usage, "--root and --storage name two stores: give one");
  std::tie(s.host, s.port) = SLAP_TRY(parse_listen(o.listen.empty() ? c.get("serve.listen") : o.listen));
  std::string token_file = !o.token_file.empty() ? o.token_file : c.get("serve.upload-token-file");
  bool create = token_file.empty();
  if (create && s.s3)
    return fail(ErrorKind::usage, "with --storage s3://..., servers share one bucket and so one token: "
                                  "give --upload-token-file (or serve.upload-token-file)");
  if (create) token_file = path::join(s.root, "upload-token");
  s.upload_token = SLAP_TRY(cache::read_upload_token(path::abspath(token_file, env.cwd), create));
  std::string max_size = o.max_size.empty() ? c.get("serve.max-size") : o.max_size;
  try {
    std::size_t used = 0;
    s.max_upload = std::stoull(max_size, &used);
    if (used != max_size.size()) throw std::invalid_argument(max_size);
  } catch (...) {
    return fail(ErrorKind::usage, fmt::format("--max-size: expected a number of bytes, not '{}'", max_size));
  }
  s.access_log = o.access_log.empty() ? c.get("serve.access-log") : path::abspath(o.access_log, env.cwd);
  s.threads = static_cast<unsigned>(std::max(1L, c.get_int("serve.threads")));
  s.timeout_seconds = static_cast<int>(std::max(1L, c.get_int("serve.timeout")));
  return s;
}

Result<Outcome> run_cache_serve(Env& env, const ServeOptions& o) {
  auto options = SLAP_TRY(server_options(env, o));
  BindServer bind_server = SLAP_TRY(load_server_module());
  auto server = SLAP_TRY(bind_server(options, env.ctx));
  std::string host = options.host.find(':') == std::string::npos ? options.host : "[" + options.host + "]";
  std::string url = fmt::format("http://{}:{}", host, server->port());
  env.term.note(fmt::format("listening on {}", url));
  std::string store = options.s3 ? s3_describe(*options.s3) : options.root;
  env.term.note(fmt::format("shacache-url = {0}/shacache, shadir-url = {0}/shadir, store {1}", url, store));
  nlohmann::json result = {{"url", url}, {"port", server->port()}, {"root", store}};
  if (env.term.json()) {
    env.term.out(nlohmann::json({{"listening", url}, {"port", server->port()}}).dump() + "\n");
    std::fflush(stdout);  // a test reads the port from this line while we run
  }
  std::atomic<bool> done{false};
  std::thread watcher([&] {
    while (!done) {
      if (env.ctx.cancelled()) server->stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  });
  Status served = server->serve();
  done = true;
  watcher.join();
  if (!served) return fail(std::move(served.error()));
  env.term.note("stopped");
  Outcome out;
  out.result = std::move(result);
  return out;
}

}  // namespace

void add_cache_serve_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<ServeOptions>();
  auto* sub = app.add_subcommand("cache-serve", "serve a Shacache/Shadir cache from a directory or an S3 bucket");
  sub->add_option("--root", o->root, "store directory (default: serve.root)")->type_name("DIR");
  add_s3_options(*sub, o->s3);
  sub->add_option("--listen", o->listen, "address, HOST:PORT; port 0 picks a free one (default: serve.listen)")
      ->type_name("ADDR");
  sub->add_option("--upload-token-file", o->token_file, "file holding the upload token (default: ROOT/upload-token)")
      ->type_name("FILE");
  sub->add_option("--max-size", o->max_size, "largest blob accepted, in bytes (default: serve.max-size)")
      ->type_name("BYTES");
  sub->add_option("--access-log", o->access_log, "append one line per request to FILE (default: the log)")
      ->type_name("FILE");
  sub->callback([&action, o] { action = [o](Env& env) { return run_cache_serve(env, *o); }; });
}

}  // namespace slap::cli
