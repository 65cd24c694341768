// slapos.cookbook:publish-early: values published before anything else is requested, and
// kept from one run to the next. Each `-init` line "KEY SECTION:OPTION" (KEY not set in
// the section itself) takes the value the partition published before under KEY, else
// SECTION:OPTION (a generated password, a chosen port...); the values are published at
// once (serialised, in a file read before the other publications, which replace it when
// they run), and `-publish` lists the section's keys for a publish section that
// `-extends` it.
//
// Upstream overrides OPTION in SECTION before that section initialises; slap does not
// initialise SECTION at all when a published value exists. Upstream also keeps the values
// out of the installed-state file; slap records them there like any option.
#include <fmt/format.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {

using json = nlohmann::json;

class Early final : public Recipe {
 public:
  std::string file;
  json published;
  bool changed = false;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    log_line(ic, "publish early to " + file);
    SLAP_CHECK(fs::make_dirs(path::dirname(file)));
    SLAP_CHECK(fs::write_atomic(file, json{{"_", published.dump()}}.dump(1) + "\n", 0644, false));
    return std::vector<std::string>{file};
  }
  Result<std::vector<std::string>> update(const InstallContext& ic) override {
    if (changed || !fs::exists(file)) return install(ic);
    return std::vector<std::string>{};
  }
};

// What the partition published at its last run, serialised values unwrapped.
std::map<std::string, std::string> previously_published(const std::string& directory) {
  std::vector<std::string> files;
  std::error_code ec;
  for (const auto& e : std::filesystem::directory_iterator(path::join(directory, ".slap/connection"), ec))
    if (e.path().extension() == ".json") files.push_back(e.path().string());
  std::sort(files.begin(), files.end());
  std::map<std::string, std::string> out;
  for (const auto& f : files) {
    json doc = json::parse(fs::read_file(f).value_or(""), nullptr, false);
    if (!doc.is_object()) continue;
    if (doc.contains("_") && doc["_"].is_string()) {
      json inner = json::parse(doc["_"].get<std::string>(), nullptr, false);
      if (inner.is_object()) doc.update(inner);
    }
    for (const auto& [k, v] : doc.items())
      if (k != "_") out[k] = v.is_string() ? v.get<std::string>() : v.dump();
  }
  return out;
}

}  // namespace

Result<std::unique_ptr<Recipe>> make_publish_early(profile::Resolver& resolver, profile::Options& options, const Env&) {
  auto r = std::make_unique<Early>();
  std::string directory = SLAP_TRY(SLAP_TRY(resolver.section("buildout"))->at("directory"));
  r->file = path::join(directory, ".slap/connection/.early-" + options.name() + ".json");
  auto before = previously_published(directory);
  r->published = json::object();
  std::vector<std::string> keys;
  for (const auto& line : str::split(SLAP_TRY(options.at("-init")), "\n")) {
    auto words = str::split_ws(line);
    if (words.empty()) continue;
    if (words.size() != 2 || words[1].find(':') == std::string::npos)
      return fail(option_error(options, "-init", fmt::format("'{}': expected KEY SECTION:OPTION", str::strip(line))));
    const std::string& key = words[0];
    if (options.has(key)) continue;
    auto colon = words[1].find(':');
    std::string value;
    if (auto it = before.find(key); it != before.end()) {
      value = it->second;
    } else {
      std::string section = words[1].substr(0, colon);
      auto* init = SLAP_TRY(resolver.section(section));
      resolver.add_reference(options.name(), section);
      auto v = SLAP_TRY(init->get(words[1].substr(colon + 1)));
      if (!v) continue;  // upstream skips what the init section does not set
      value = *v;
      r->changed = true;
    }
    options.set(key, value);
    r->published[key] = value;
    keys.push_back(key);
  }
  std::vector<std::string> publish;
  for (const auto& k : options.keys())
    if (k != "recipe" && !k.starts_with("-") && std::find(keys.begin(), keys.end(), k) == keys.end()) publish.push_back(k);
  publish.insert(publish.end(), keys.begin(), keys.end());
  options.set("-publish", str::join(publish, " "));
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
