// Reading a profile and its `extends` closure (zc.buildout's Buildout.__init__ and _open).
#include <fmt/format.h>

#include <algorithm>
#include <tuple>

#include <unordered_map>
#include <unordered_set>

#include "profile/base_location.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/profile.hpp"
#include "slap/strings.hpp"

namespace slap::profile {

namespace {

constexpr std::string_view base_location_ref = "${:_profile_base_location_}";

const std::pair<const char*, const char*> buildout_defaults[] = {
    {"allow-hosts", "*"},
    {"allow-picked-versions", "true"},
    {"allow-unknown-extras", "false"},
    {"bin-directory", "bin"},
    {"develop-eggs-directory", "develop-eggs"},
    {"eggs-directory", "eggs"},
    {"find-links", ""},
    {"install-from-cache", "false"},
    {"installed", ".installed.cfg"},
    {"log-format", ""},
    {"log-level", "INFO"},
    {"newest", "true"},
    {"offline", "false"},
    {"parts-directory", "parts"},
    {"prefer-final", "true"},
    {"python", "buildout"},
    {"show-picked-versions", "false"},
    {"socket-timeout", ""},
    {"update-versions-file", ""},
    {"use-dependency-links", "true"},
};

Error input_error(std::string cls, std::string message, Location where = {}) {
  return Error(ErrorKind::input, std::move(message), std::move(where)).with_class(std::move(cls));
}

// Command-line assignments in the order zc.buildout applies them: sorted, so that of two
// assignments to the same option the one whose value sorts last wins.
std::vector<OptionOverride> applied_order(std::vector<OptionOverride> overrides) {
  std::stable_sort(overrides.begin(), overrides.end(), [](const OptionOverride& a, const OptionOverride& b) {
    return std::tie(a.section, a.option, a.value) < std::tie(b.section, b.option, b.value);
  });
  return overrides;
}

// `buildout:offline=true` on the command line: remote extends are refused, as zc.buildout's
// downloader does in offline mode (it sees the command-line options while loading).
bool offline_override(const std::vector<OptionOverride>& overrides) {
  bool offline = false;
  for (const auto& o : applied_order(overrides))
    if (o.section == "buildout" && o.option == "offline") offline = o.value == "true";
  return offline;
}

}  // namespace

std::string Profile::source_name(std::uint32_t id) const {
  static const char* pseudo[] = {"DEFAULT_VALUE", "COMPUTED_VALUE", "COMMAND_LINE_VALUE",
                                 "IMPLICIT_VALUE"};
  if (id < first_file_source) return pseudo[id];
  return sources_.at(id - first_file_source);
}

std::string Profile::describe(const Origin& o) const {
  std::string name = source_name(o.source);
  if (o.source < first_file_source || o.line == 0) return name;
  return fmt::format("{}:{}", name, o.line);
}

class Loader {
 public:
  explicit Loader(const LoadOptions& opts) : opts_(opts), offline_(offline_override(opts.overrides)) {}

  Result<Profile> run() {
    std::string config_file = opts_.profile;
    bool url = path::is_url(config_file);
    if (!url) {
      config_file = path::abspath(config_file, opts_.cwd);
      if (!fs::exists(config_file))
        return fail(input_error("UserError", fmt::format("Couldn't open {}", config_file),
                                {config_file, 0, 0}));
    }
    profile_.root_ = config_file;
    Config data;
    Section& defaults = data.edit("buildout");
    for (auto [k, v] : buildout_defaults) defaults.try_emplace(k, Key(arena_, v, {source_default, 0}));
    defaults.try_emplace("executable", Key(arena_, opts_.executable, {source_default, 0}));
    defaults.try_emplace("directory", Key(arena_, url ? opts_.cwd : path::dirname(config_file), {source_computed, 0}));

    std::string base = url ? config_file.substr(0, config_file.rfind('/')) : path::dirname(config_file);
    count_uses(base, config_file);
    auto root = SLAP_TRY(open(base, config_file, {}));
    merge(data, std::move(root));
    resolve_markers(data, base);
    apply_command_line(data);
    SLAP_CHECK(add_default_versions(data));
    SLAP_CHECK(absolutize_caches(data));
    absolutize_directories(data);
    profile_.config_ = std::move(data);
    return std::move(profile_);
  }

 private:
  // Where `name`, extended from a file in `base`, is read from.
  struct Target {
    bool remote;
    std::string key;        // normalised path or URL: the file's identity
    std::string next_base;  // the base of the files it extends
  };
  static Target target(const std::string& base, const std::string& name) {
    bool remote = path::is_url(name) || (path::is_url(base) && !path::is_abs(name));
    std::string filename = path::is_url(name) ? name : remote ? base + "/" + name : path::join(base, name);
    std::string next_base = remote ? filename.substr(0, filename.rfind('/')) : path::dirname(filename);
    return {remote, remote ? filename : path::normpath(filename), std::move(next_base)};
  }

  static std::vector<std::string> extends_of(std::string_view extends, const std::string& next_base) {
    return str::split_ws(str::replace_all(extends, base_location_ref, next_base));
  }

  // Counts how many times open() will be asked for each file, so that the merged result
  // of a file is handed over (and then changed in place) by its last use instead of being
  // copied. Problems are left for open() to report: a file that cannot be read or parsed
  // here is simply not counted, and an uncounted result stays memoised and is copied.
  void count_uses(const std::string& base, const std::string& name) {
    Target t = target(base, name);
    if (uses_[t.key]++ > 0) return;
    auto text = read(t.key, t.remote, {});
    if (!text) return;
    auto parsed = parse_cached(t.key, **text);
    if (!parsed) return;
    const ParsedSection* bo = (*parsed)->find("buildout");
    if (!bo) return;
    for (const auto& opt : bo->options)
      if (opt.name == "extends")
        for (const auto& extended : extends_of(opt.value, t.next_base)) count_uses(t.next_base, extended);
  }

  // The memoised result of `key`; forgotten at its last counted use, so that the caller
  // holds the only reference.
  std::shared_ptr<Config> take(const std::string& key) {
    auto it = memo_.find(key);
    std::shared_ptr<Config> config = it->second;
    if (auto u = uses_.find(key); u != uses_.end() && u->second > 0 && --u->second == 0) memo_.erase(it);
    return config;
  }

  // A Config the caller may change: `config` itself when nothing else holds it.
  static std::shared_ptr<Config> own(std::shared_ptr<Config> config) {
    if (config.use_count() == 1) return config;
    return std::make_shared<Config>(*config);
  }

  // Merges `other` into `base`, taking its sections when nothing else holds it.
  void merge(Config& base, std::shared_ptr<Config> other) {
    if (other.use_count() == 1) update_config(arena_, base, std::move(*other));
    else update_config(arena_, base, *other);
  }

  // One `_open`: returns the file merged with everything it extends, with
  // base-location markers relative to its own directory. zc.buildout re-reads a file at
  // every spelling of its path (7,899 opens for helloworld); slap merges it once.
  // The result may be shared with the memo (use_count() > 1): it is then read-only.
  Result<std::shared_ptr<Config>> open(const std::string& base, const std::string& name,
                                       const Location& from) {
    auto [remote, key, next_base] = target(base, name);
    if (memo_.contains(key)) return take(key);

    auto text = SLAP_TRY(read(key, remote, from));
    for (const auto& seen : stack_)
      if (seen == key)
        return fail(input_error("UserError",
                                fmt::format("Recursive file include: {} extends itself ({})", key,
                                            include_chain(key)),
                                from));
    stack_.push_back(key);

    auto parsed = SLAP_TRY(parse_cached(key, *text));
    std::uint32_t source = add_source(key);
    std::string extends;
    std::uint32_t extends_line = 0;
    auto result = std::make_shared<Config>(annotate(*parsed, source, extends, extends_line));
    if (auto* bo = result->find("buildout"); bo && bo->contains("extended-by"))
      return fail(input_error("UserError",
                              fmt::format("No-longer supported \"extended-by\" option found in {}.", key),
                              {key, static_cast<int>(bo->at("extended-by").origin().line), 1}));
    auto names = extends_of(extends, next_base);
    if (!names.empty()) {
      Location here{key, static_cast<int>(extends_line), 1};
      std::shared_ptr<Config> merged;
      for (const auto& extended : names) {
        auto next = SLAP_TRY(open(next_base, extended, here));
        auto anchored = anchor(std::move(next), extended, remote);
        if (!merged) merged = own(std::move(anchored));
        else merge(*merged, std::move(anchored));
      }
      update_config(arena_, *merged, std::move(*result));
      result = std::move(merged);
    }
    stack_.pop_back();
    memo_.emplace(key, result);
    return take(key);
  }

  // Re-expresses the markers of an extended file's result relative to the includer.
  std::shared_ptr<Config> anchor(std::shared_ptr<Config> child, const std::string& extended,
                                 bool includer_remote) {
    if (child->marked().empty()) return child;
    bool absolute = path::is_url(extended) || path::is_abs(extended);
    std::string where;
    if (path::is_url(extended)) where = extended.substr(0, extended.rfind('/'));
    else if (absolute) where = path::dirname(extended);
    else if (includer_remote) where = extended.rfind('/') == std::string::npos ? "" : extended.substr(0, extended.rfind('/'));
    else where = path::dirname(extended);
    if (!absolute && where.empty()) return child;
    auto out = own(std::move(child));
    std::uint32_t place = bases_.place(absolute, where);
    for (const auto& name : out->marked()) {
      for (auto& [k, key] : out->edit(name)) {
        if (!BaseLocations::has_marker(key.value())) continue;
        key.set_value(arena_, bases_.reanchor(key.value(), place));
      }
    }
    return out;
  }

  // Turns the root result's markers into text.
  void resolve_markers(Config& data, const std::string& root_base) {
    for (const auto& name : data.marked())
      for (auto& [k, key] : data.edit(name))
        if (BaseLocations::has_marker(key.value())) key.set_value(arena_, bases_.resolve(key.value(), root_base));
  }

  std::string include_chain(const std::string& filename) const {
    std::string chain;
    for (const auto& seen : stack_) chain += seen + " -> ";
    return chain + filename;
  }

  Result<std::shared_ptr<const std::string>> read(const std::string& filename, bool remote,
                                                  const Location& from) {
    if (auto it = texts_.find(filename); it != texts_.end()) return it->second;
    if (auto it = failed_.find(filename); it != failed_.end()) return fail(it->second);  // no second retry sequence
    std::shared_ptr<const std::string> text;
    if (remote) {
      if (offline_)  // as zc.buildout's Download, without touching the network
        return fail(Error(ErrorKind::network, fmt::format("Couldn't download '{}' in offline mode.", filename), from)
                        .with_class("UserError"));
      if (!opts_.read_url)
        return fail(Error(ErrorKind::network,
                          fmt::format("cannot read remote profile {}: no downloader available", filename),
                          from).with_class("UserError"));
      auto body = opts_.read_url(filename);
      if (!body) {
        Error e = body.error();
        e.where = from;
        e.message = fmt::format("Error downloading extends for URL {}: {}", filename, e.message);
        e.cls = "UserError";
        failed_.emplace(filename, e);
        return fail(std::move(e));
      }
      text = std::make_shared<const std::string>(std::move(*body));
    } else {
      auto body = fs::read_file(filename);
      if (!body) {
        Error e = body.error();
        e.kind = ErrorKind::input;
        e.where = from;
        e.cls = fs::is_dir(filename) ? "IsADirectoryError" : "FileNotFoundError";
        e.message = fmt::format("cannot open extended profile {}: {}", filename,
                                e.message.substr(e.message.rfind(": ") + 2));
        return fail(std::move(e));
      }
      text = std::make_shared<const std::string>(std::move(*body));
    }
    texts_.emplace(filename, text);
    ++profile_.files_read_;
    return text;
  }

  Result<std::shared_ptr<const ParsedFile>> parse_cached(const std::string& key, const std::string& text) {
    if (auto it = parsed_.find(key); it != parsed_.end()) return it->second;
    auto parsed = SLAP_TRY(parse(text, key, opts_.python_conditions));
    auto shared = std::make_shared<const ParsedFile>(std::move(parsed));
    parsed_.emplace(key, shared);
    return shared;
  }

  std::uint32_t add_source(const std::string& filename) {
    auto [it, inserted] = source_ids_.try_emplace(filename, 0);
    if (inserted) {
      it->second = static_cast<std::uint32_t>(first_file_source + profile_.sources_.size());
      profile_.sources_.push_back(filename);
    }
    return it->second;
  }

  // zc.buildout's _annotate, with `${:_profile_base_location_}` replaced by a marker for
  // the directory of the file (slapos.buildout), and `[buildout] extends` taken out.
  Config annotate(const ParsedFile& parsed, std::uint32_t source, std::string& extends,
                  std::uint32_t& extends_line) {
    Config out;
    for (const auto& ps : parsed.sections) {
      std::vector<Section::value_type> keys;  // the parser has made names unique
      keys.reserve(ps.options.size());
      bool marked = false;
      for (const auto& opt : ps.options) {
        if (ps.name == "buildout" && opt.name == "extends") {
          extends = opt.value;
          extends_line = opt.line;
          continue;
        }
        Origin origin{source, opt.line};
        if (opt.value.find(base_location_ref) != std::string::npos) {
          keys.emplace_back(opt.name, Key(arena_, str::replace_all(opt.value, base_location_ref, bases_.own_marker()), origin));
          marked = true;
        } else {
          keys.emplace_back(opt.name, Key(arena_, opt.value, origin));
        }
      }
      out.put(ps.name, std::make_shared<Section>(std::move(keys)));
      if (marked) out.mark(ps.name);
    }
    return out;
  }

  void apply_command_line(Config& data) {
    Config cl;
    for (const auto& o : applied_order(opts_.overrides))
      cl.edit(o.section).insert_or_assign(o.option, Key(arena_, o.value, {source_command_line, 0}));
    update_config(arena_, data, std::move(cl));
  }

  Status add_default_versions(Config& data) {
    Section& bo = data.edit("buildout");
    if (!bo.contains("versions")) {
      bo.try_emplace("versions", Key(arena_, "versions", {source_default, 0}));
      if (!data.contains("versions")) data.edit("versions");
    }
    std::string name(data.find("buildout")->at("versions").value());
    if (name.empty()) return {};
    if (!data.contains(name))
      return fail(input_error("MissingSection",
                              fmt::format("The versions section '{}' named by [buildout] versions "
                                          "is not defined.", name)));
    Section& versions = data.edit(name);
    versions.try_emplace("zc.buildout", Key(arena_, ">=2.13.2", {source_default, 0}));
    versions.try_emplace("zc.recipe.egg", Key(arena_, ">=2.0.6", {source_default, 0}));
    return {};
  }

  // download-cache, eggs-directory and extends-cache are relative to the file that set them.
  Status absolutize_caches(Config& data) {
    Section& bo = data.edit("buildout");
    for (const char* name : {"download-cache", "eggs-directory", "extends-cache"}) {
      auto it = bo.find(name);
      if (it == bo.end()) continue;
      Key& key = it->second;
      if (key.value().find("${") != std::string::npos || path::is_abs(key.value())) continue;
      std::uint32_t src = key.origin().source;
      std::string basedir;
      if (src < first_file_source) {
        basedir = bo.at("directory").value();
      } else {
        const std::string& file = profile_.sources_[src - first_file_source];
        if (path::is_url(file))
          return fail(input_error(
              "UserError",
              fmt::format("Setting \"{}\" to a non absolute location (\"{}\") within a remote "
                          "configuration file (\"{}\") is ambiguous.", name, key.value(), file)));
        basedir = path::dirname(file);
      }
      std::string dir(key.value());
      if (dir.starts_with("~")) dir = expand_home(dir);
      key.set_value(arena_, path::abspath(path::is_abs(dir) ? dir : path::join(basedir, dir), opts_.cwd));
      key.record(arena_, Op::directory, key.origin());
    }
    return {};
  }

  std::string expand_home(const std::string& dir) const {
    if (dir != "~" && !dir.starts_with("~/")) return dir;
    return opts_.home.empty() ? dir : opts_.home + dir.substr(1);
  }

  void absolutize_directories(Config& data) {
    Section& bo = data.edit("buildout");
    const std::string directory(bo.at("directory").value());
    for (const char* name : {"bin-directory", "parts-directory", "eggs-directory", "develop-eggs-directory"}) {
      Key& key = bo.at(name);
      if (key.value().find("${") == std::string::npos) key.set_value(arena_, path::join(directory, key.value()));
    }
  }

  const LoadOptions& opts_;
  Profile profile_;
  Arena& arena_ = profile_.arena();
  std::vector<std::string> stack_;  // files being read, outermost first
  BaseLocations bases_;
  std::unordered_map<std::string, std::shared_ptr<Config>> memo_;
  std::unordered_map<std::string, std::uint32_t> uses_;  // open() calls still to come
  std::unordered_map<std::string, std::shared_ptr<const std::string>> texts_;
  std::unordered_map<std::string, Error> failed_;  // remote profiles that could not be read
  bool offline_;
  std::unordered_map<std::string, std::shared_ptr<const ParsedFile>> parsed_;
  std::unordered_map<std::string, std::uint32_t> source_ids_;
};

Result<Profile> load(const LoadOptions& opts) { return Loader(opts).run(); }

// As zc.buildout's main(): split at the first '=', then at ':' (one at most), each piece
// stripped; no section means [buildout].
Result<OptionOverride> parse_override(std::string_view arg) {
  std::size_t eq = arg.find('=');
  if (eq == std::string_view::npos)
    return fail(ErrorKind::usage, fmt::format("'{}' is not a section:option=value assignment", arg));
  std::string_view lhs = arg.substr(0, eq);
  OptionOverride o;
  o.value = std::string(str::strip(arg.substr(eq + 1)));
  std::size_t colon = lhs.find(':');
  if (colon != std::string_view::npos && lhs.find(':', colon + 1) != std::string_view::npos)
    return fail(ErrorKind::usage, fmt::format("Invalid option: '{}' (one ':' between section and option)", lhs));
  o.section = colon == std::string_view::npos ? "buildout" : std::string(str::strip(lhs.substr(0, colon)));
  o.option = std::string(str::strip(colon == std::string_view::npos ? lhs : lhs.substr(colon + 1)));
  if (o.section.empty() || o.option.empty())
    return fail(ErrorKind::usage, fmt::format("'{}' is not a section:option=value assignment", arg));
  return o;
}

}  // namespace slap::profile
