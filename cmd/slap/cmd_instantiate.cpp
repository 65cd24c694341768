// slap instantiate: deploy a built software release into a partition (slap-instantiate(1)).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "profile_args.hpp"
#include "slap/instance.hpp"
#include "slap/paths.hpp"

namespace slap::cli {

namespace {

struct InstantiateArgs {
  std::string software_dir;
  std::string parameters_file;
  std::string type = "default";
  std::vector<std::string> params;
  std::string partition;
  std::string partition_id;
};

Result<Outcome> run_instantiate(Env& env, InstantiateArgs& a) {
  instance::Request r;
  r.software_dir = path::abspath(a.software_dir.empty() ? "." : a.software_dir, env.cwd);
  r.partition = path::abspath(a.partition, env.cwd);
  r.software_type = a.type;
  r.parameters_json = SLAP_TRY(instance::load_parameters(
      a.parameters_file.empty() ? "" : path::abspath(a.parameters_file, env.cwd), a.params));
  r.partition_id = a.partition_id.empty() ? path::basename(r.partition) : a.partition_id;
  r.build = SLAP_TRY(base_build_options(env));
  auto done = SLAP_TRY(instance::instantiate(r, env.ctx));
  Outcome out;
  out.result = nlohmann::json::object();
  for (const auto& [k, v] : done.connection) out.result[k] = v;
  if (!env.term.json()) {
    if (done.connection.empty()) env.term.note("slap instantiate: no connection parameters published");
    for (const auto& [k, v] : done.connection) env.term.out(fmt::format("{} = {}\n", k, v));
  }
  return out;
}

}  // namespace

void add_instantiate_command(CLI::App& app, Action& action) {
  auto a = std::make_shared<InstantiateArgs>();
  auto* sub = app.add_subcommand("instantiate", "deploy a built software release into a partition directory");
  sub->add_option("-s,--software", a->software_dir, "built software release directory (default: .)")->type_name("DIR");
  sub->add_option("-p,--parameters", a->parameters_file, "instance parameters: .json, .yaml/.yml or .toml")->type_name("FILE");
  sub->add_option("--type", a->type, "software type (default: default)");
  sub->add_option("--param", a->params, "a parameter: key=string or key:=json (repeatable)")->type_name("K=V")->allow_extra_args(false);
  sub->add_option("--partition-id", a->partition_id, "partition id (default: the directory's name)");
  sub->add_option("PARTITION_DIR", a->partition, "partition directory (created)")->required();
  sub->callback([&action, a] { action = [a](Env& env) { return run_instantiate(env, *a); }; });
}

}  // namespace slap::cli
