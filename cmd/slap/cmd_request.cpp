// slap request TITLE SOFTWARE_URL: record what an instance should be (slap-request(1)) and
// print its connection parameters once its partition published them.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "app.hpp"
#include "node_view.hpp"
#include "slap/fs.hpp"
#include "slap/instance.hpp"
#include "slap/node.hpp"
#include "slap/paths.hpp"

namespace slap::cli {

namespace {

struct RequestArgs {
  std::string title;
  std::string url;
  std::string type = "default";
  std::vector<std::string> params;
  std::string params_file;
  bool shared = false;
  std::string state = "started";
  std::string root;
};

Result<Outcome> run_request(Env& env, const RequestArgs& a) {
  node::InstanceRequest r;
  r.title = a.title;
  r.software_url = a.url;
  if (!path::is_url(a.url)) {
    r.software_url = path::normpath(path::abspath(a.url, env.cwd));
    if (!fs::exists(r.software_url))
      return fail(ErrorKind::usage, fmt::format("SOFTWARE_URL {}: no such file (a software.cfg, or an http(s) URL)",
                                                r.software_url));
  }
  r.software_type = a.type;
  r.parameters_json = SLAP_TRY(instance::load_parameters(
      a.params_file.empty() ? "" : path::abspath(a.params_file, env.cwd), a.params));
  r.shared = a.shared;
  r.state = a.state;
  SLAP_CHECK(node::check_request(r));
  node::Layout layout{node_root(env, a.root)};
  if (!fs::exists(layout.database()))
    return fail(ErrorKind::usage, fmt::format("no node in {}: create it with `slap node format --partitions N`", layout.root));
  auto state = SLAP_TRY(node::State::open(layout));
  node::Instance i = SLAP_TRY(state.request(r));
  Outcome out;
  out.result = request_json(i);
  if (!i.ready()) out.exit_code = exit_no;
  if (!env.term.json()) print_request(env.term, i);
  return out;
}

}  // namespace

void add_request_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<RequestArgs>();
  auto* sub = app.add_subcommand("request", "ask the node for an instance and print its connection parameters");
  sub->add_option("TITLE", a->title, "the instance's title (the same title is the same instance)")->required();
  sub->add_option("SOFTWARE_URL", a->url, "its software release: a software.cfg path or an http(s) URL")->required();
  sub->add_option("--type", a->type, "software type (default: default)");
  sub->add_option("--param", a->params, "a parameter: key=string or key:=json (repeatable)")
      ->type_name("K=V")
      ->allow_extra_args(false);
  sub->add_option("--params", a->params_file, "parameters from a .json, .yaml/.yml or .toml file")->type_name("FILE");
  sub->add_flag("--shared", a->shared, "a shared instance, served by an instance of the same release and type");
  sub->add_option("--state", a->state, "started (default), stopped or destroyed")
      ->check(CLI::IsMember({"started", "stopped", "destroyed"}));
  sub->add_option("--root", a->root, "the node's directory (default: node.root)")->type_name("DIR");
  sub->callback([&action, a] { action = [a](Env& env) { return run_request(env, *a); }; });
}

}  // namespace slap::cli
