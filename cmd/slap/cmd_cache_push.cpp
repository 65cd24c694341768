// slap cache-push: upload files, or the whole download cache, to Shacache; with --key, also
// publish a signed Shadir entry for each file.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "profile_args.hpp"
#include "slap/cache.hpp"
#include "slap/fetch.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"

namespace slap::cli {

namespace {

struct PushOptions {
  std::vector<std::string> files;
  std::string key;
  std::string url;
  bool downloads = false;
  bool parts = false;
  ProfileArgs profile;
};

nlohmann::json pushed_json(const cache::Pushed& p, const std::string& key) {
  nlohmann::json j = {{"file", p.path}, {"sha512", p.sha512}, {"size", p.size},
                      {"status", p.uploaded ? "uploaded" : "present"}};
  if (!key.empty()) j["key"] = key;
  return j;
}

void print_pushed(Terminal& t, const cache::Pushed& p, const std::string& key) {
  std::string status = p.uploaded ? t.style(Style::good, "uploaded     ") : t.style(Style::dim, "already there");
  std::string line = fmt::format("{} {} {}", status, p.sha512.substr(0, 16), p.path);
  if (!key.empty()) line += fmt::format(" -> {}", key);
  t.out_line(line);
}

Result<std::vector<cache::Pushed>> push_files(Env& env, cache::Client& client, const PushOptions& o) {
  std::vector<cache::Pushed> pushed;
  for (const auto& file : o.files) {
    std::string path = path::abspath(file, env.cwd);
    if (!fs::exists(path) || fs::is_dir(path)) return fail(ErrorKind::usage, fmt::format("{}: no such file", file));
    auto p = client.upload(path);
    if (!p) return fail(std::move(p.error().add_context(fmt::format("pushing {}", file))));
    p->path = file;
    std::vector<std::pair<std::string, std::string>> fields{{"filename", path::basename(path)}};
    if (!o.url.empty()) fields.emplace_back("url", o.url);
    if (!o.key.empty()) SLAP_CHECK(client.publish(o.key, cache::make_entry_info(p->sha512, fields)));
    pushed.push_back(std::move(*p));
  }
  return pushed;
}

// --parts: the built shared parts of the profile, as archives with Shadir entries.
Result<Outcome> push_parts(Env& env, const PushOptions& o) {
  build::Options bo = SLAP_TRY(base_build_options(env));
  bo.profile = o.profile.profile.empty() ? default_profile(env.cwd) : o.profile.profile;
  auto pushed = SLAP_TRY(build::push_shared_parts(bo, env.ctx));
  Outcome out;
  out.result = pushed;
  if (!env.term.json())
    for (const auto& p : pushed) env.term.out_line(fmt::format("{} {}", env.term.style(Style::good, "pushed"), p));
  if (pushed.empty()) env.ctx.info("no built shared part to push");
  return out;
}

Result<Outcome> run_cache_push(Env& env, PushOptions& o) {
  if (o.parts) {
    if (o.downloads || !o.files.empty()) return fail(ErrorKind::usage, "--parts goes alone");
    return push_parts(env, o);
  }
  if (o.downloads == !o.files.empty())
    return fail(ErrorKind::usage, "give FILE..., --downloads or --parts (one of them)");
  if (o.downloads && !o.key.empty()) return fail(ErrorKind::usage, "--key applies to FILE..., not to --downloads");
  if (!o.url.empty()) {
    if (o.files.size() != 1 || !o.key.empty()) return fail(ErrorKind::usage, "--url goes with one FILE and no --key");
    o.key = fetch::network_cache_key(o.url);
  }
  auto settings = SLAP_TRY(cache::settings_from_config(env.config));
  if (!settings.can_upload())
    return fail(ErrorKind::input, "no upload cache configured: set cache.shacache-url and cache.shadir-url in "
                                  "slap.toml, or cache.slapos-cfg to a slapos.cfg with upload-cache-url and upload-dir-url");
  auto client = SLAP_TRY(cache::Client::open(std::move(settings), env.ctx));
  std::vector<cache::Pushed> pushed;
  if (o.downloads) {
    std::string dir = env.config.get("build.download-cache");
    if (fs::is_dir(dir)) pushed = SLAP_TRY(cache::push_tree(client, dir));
    else env.ctx.info(fmt::format("download cache {} does not exist: nothing to push", dir));
  } else {
    pushed = SLAP_TRY(push_files(env, client, o));
  }
  Outcome out;
  out.result = nlohmann::json::array();
  for (const auto& p : pushed) {
    out.result.push_back(pushed_json(p, o.key));
    if (!env.term.json()) print_pushed(env.term, p, o.key);
  }
  return out;
}

}  // namespace

void add_cache_push_command(CLI::App& app, Action& action) {
  auto o = std::make_shared<PushOptions>();
  auto* sub = app.add_subcommand("cache-push", "upload files or the download cache to Shacache");
  sub->add_option("FILE", o->files, "files to upload");
  sub->add_option("--key", o->key, "also publish a signed Shadir entry for each file under KEY")->type_name("KEY");
  sub->add_option("--url", o->url, "publish FILE as the networkcache's copy of URL (key file-urlmd5:MD5(URL))")
      ->type_name("URL");
  sub->add_flag("--downloads", o->downloads, "push the download cache (build.download-cache)");
  sub->add_flag("--parts", o->parts, "push the built shared parts of the profile (-c) to the binary cache");
  add_profile_option(*sub, o->profile);
  sub->callback([&action, o] { action = [o](Env& env) { return run_cache_push(env, *o); }; });
}

}  // namespace slap::cli
