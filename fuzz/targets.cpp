#include "targets.hpp"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cache/handlers.hpp"
#include "cache/range.hpp"
#include "profile/condition.hpp"
#include "slap/profile.hpp"
#include "promise/plugin_file.hpp"
#include "recipes/egg/marker.hpp"
#include "recipes/egg/requirement.hpp"
#include "recipes/egg/version.hpp"
#include "slap/archive.hpp"
#include "slap/cache.hpp"
#include "slap/context.hpp"
#include "slap/error.hpp"
#include "supervisor/xmlrpc.hpp"
#include "slap/template.hpp"
#include "template/parser.hpp"
#include "../test/unit/cache/test_keys.hpp"  // a fixed certificate

namespace slap::fuzz {

namespace {

void profile_file(std::string_view input) {
  auto parsed = profile::parse(input, "fuzz.cfg");
  if (!parsed) return;
  // Section headers with a condition are evaluated by the loader: do the same here.
  for (const auto& section : parsed->sections) {
    auto colon = section.name.find(':');
    if (colon != std::string::npos)
      (void)profile::eval_condition(std::string_view(section.name).substr(colon + 1), Location{"fuzz.cfg", 1, 1});
  }
}

void condition(std::string_view input) { (void)profile::eval_condition(input, Location{"fuzz.cfg", 1, 1}); }

void template_source(std::string_view input) {
  try {
    tmpl::Options options;
    (void)tmpl::parse_template(input, "fuzz.j2", options);
  } catch (const Error&) {
  }
}

// Parses, then renders what parses: with an empty context, then with a few values of each
// type, so that filters and methods see something other than Undefined.
void template_render(std::string_view input) {
  static const tmpl::Environment env;
  auto parsed = env.parse(input, "fuzz.j2");
  if (!parsed) return;
  tmpl::Dict context;
  context.set("s", tmpl::Value(std::string("a,b c")));
  context.set("n", tmpl::Value(std::int64_t{3}));
  context.set("l", tmpl::Value::list({tmpl::Value(std::int64_t{2}), tmpl::Value(std::string("x"))}));
  try {
    (void)env.render(*parsed, tmpl::Dict{});
    (void)env.render(*parsed, context);
  } catch (const Error&) {
  }
}

// JSON read into template values (a render context, json.loads), then printed back as a
// repr and as JSON, hashed and compared: any depth, any size, no crash.
void json_values(std::string_view input) {
  auto v = tmpl::Value::from_json(input);
  if (!v) return;
  try {
    (void)v->repr();
    (void)v->to_json(true);
    (void)v->hash();
    (void)(*v == *v);
  } catch (const Error&) {
  }
}

// A scratch directory per fuzzing process, emptied before each input.
std::filesystem::path scratch() {
  static const std::filesystem::path dir = [] {
    auto base = std::filesystem::exists("/dev/shm") ? std::filesystem::path("/dev/shm") : std::filesystem::temp_directory_path();
    return base / ("slap-fuzz-archive-" + std::to_string(::getpid()));
  }();
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir / "outside");
  return dir;
}

// Extracts the input as an archive. Whatever it holds, nothing may land outside `dest`
// (the sibling `outside` stays empty) and no extracted symlink may resolve outside it.
void archive_extract(std::string_view input) {
  auto dir = scratch();
  auto file = dir / "input.bin";
  std::ofstream(file, std::ios::binary).write(input.data(), static_cast<std::streamsize>(input.size()));
  auto dest = dir / "dest";
  for (auto strip : {archive::Strip::never, archive::Strip::automatic}) {
    std::filesystem::remove_all(dest);
    (void)archive::extract(file.string(), dest.string(), {.strip = strip});
    if (!std::filesystem::is_empty(dir / "outside")) std::abort();
    for (const auto& name : std::filesystem::directory_iterator(dir))
      if (name.path() != file && name.path() != dest && name.path() != dir / "outside") std::abort();
    if (!std::filesystem::exists(dest)) continue;
    auto root = std::filesystem::weakly_canonical(dest).string() + "/";
    std::error_code ec;
    for (auto it = std::filesystem::recursive_directory_iterator(dest, ec); !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (!it->is_symlink()) continue;
      auto target = std::filesystem::weakly_canonical(it->path(), ec).string();
      if (!ec && target.rfind(root, 0) != 0 && target + "/" != root) std::abort();
    }
  }
}

// A Shadir entry list whose signatures are checked against a certificate that signed none
// of them (verification must refuse, never crash); the input also read as a PEM list.
void shadir_signatures(std::string_view input) {
  static const Context ctx;
  static const cache::TrustStore trust = cache::TrustStore::from_pem_list(test::trusted_cert, ctx);
  if (auto entries = cache::parse_entries(input))
    for (const auto& e : *entries) (void)trust.verify(e.info, e.signature);
  (void)trust.verify(input, input);
  (void)cache::TrustStore::from_pem_list(input, ctx).verify(input, input);
}

void range_header(std::string_view input) {
  for (std::uint64_t size : {0ull, 1ull, 200ull, ~0ull}) (void)cache::satisfiable_ranges(input, size);
}

void shadir_entries(std::string_view input) { (void)cache::parse_entries(input); }

// Statements' values as promise plugin files are read (the template engine's Python
// mode with no builtins, only the json module), one after another.
void python_literal(std::string_view input) {
  std::size_t pos = input.find('=');
  while (pos != std::string_view::npos) {
    if (!promise::assigned_value(input, pos, "fuzz.py")) break;
    pos = input.find('=', pos);
  }
}

void xmlrpc_response(std::string_view input) { (void)supervisor::xmlrpc::parse_response(input); }

void egg_requirement(std::string_view input) {
  (void)recipes::egg::Requirement::parse(input);
  (void)recipes::egg::SpecifierSet::parse(input);
  (void)recipes::egg::Version::parse(input).normalized();
  (void)recipes::egg::evaluate_marker(input, {{"python_version", "3.11"}, {"extra", ""}});
}

// Raw HTTP requests to `slap cache-serve` over a directory store (routes, handlers, token
// checks, Range, JSON bodies): every answer starts with a status line.
void serve_request(std::string_view input) {
  static const Context ctx;
  struct Root {  // removed when the process exits, after the server below
    std::string path;
    Root() {
      char dir[] = "/tmp/slap-fuzz-serve-XXXXXX";
      if (!::mkdtemp(dir)) std::abort();
      path = dir;
    }
    ~Root() { std::filesystem::remove_all(path); }
  };
  static const Root root;
  static const auto server = [] {
    cache::ServerOptions options{.root = root.path, .upload_token = "fuzz-token", .max_upload = 1 << 20,
                                 .access_log = "/dev/null"};
    auto opened = cache::InMemoryServer::open(std::move(options), ctx);
    if (!opened) std::abort();
    return std::move(*opened);
  }();
  std::string answer = server->answer(input);
  if (!answer.empty() && answer.rfind("HTTP/1.1 ", 0) != 0) std::abort();
}

constexpr Target all[] = {
    {"profile", profile_file},
    {"condition", condition},
    {"template", template_source},
    {"range", range_header},
    {"shadir", shadir_entries},
    {"pyliteral", python_literal},
    {"xmlrpc", xmlrpc_response},
    {"egg", egg_requirement},
    {"render", template_render},
    {"json", json_values},
    {"archive", archive_extract},
    {"signature", shadir_signatures},
    {"serve", serve_request},
};

}  // namespace

std::span<const Target> targets() { return all; }

}  // namespace slap::fuzz
