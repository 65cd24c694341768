// Symbolic links: slapos.cookbook:symbolic.link (each path of `link-binary` linked into
// `target-directory` under its own name) and cns.recipe.symlink (`symlink` lines
// "SOURCE = TARGET", or "SOURCE" alone into `symlink_target`; relative sources under
// `symlink_base`; `autocreate` makes the target's directory). An existing link is
// replaced; anything else in the way is an error. (Bulk links, without `symlink`, are
// not supported.)
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes {

namespace {

class Links final : public Recipe {
 public:
  std::vector<std::pair<std::string, std::string>> links;  // link -> what it points to
  bool autocreate = false;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    std::vector<std::string> out;
    for (const auto& [link, source] : links) {
      struct stat st {};
      if (::lstat(link.c_str(), &st) == 0) {
        if (!S_ISLNK(st.st_mode))
          return fail(Error(ErrorKind::recipe, fmt::format("Target '{}' already exists but is not a link", link))
                          .with_class("UserError"));
        ::unlink(link.c_str());
      }
      if (autocreate) SLAP_CHECK(fs::make_dirs(path::dirname(link)));
      if (::symlink(source.c_str(), link.c_str()) != 0)
        return fail(ErrorKind::io, fmt::format("cannot link {} to {}: {}", link, source, std::strerror(errno)));
      log_line(ic, fmt::format("link {} -> {}", link, source));
      out.push_back(link);
    }
    return out;
  }
  Result<std::vector<std::string>> update(const InstallContext& ic) override { return install(ic); }
};

}  // namespace

Result<std::unique_ptr<Recipe>> make_symbolic_link(profile::Resolver&, profile::Options& options, const Env&) {
  auto r = std::make_unique<Links>();
  std::string target = SLAP_TRY(options.at("target-directory"));
  for (const auto& source : str::split_ws(SLAP_TRY(options.at("link-binary"))))
    r->links.emplace_back(path::join(target, path::basename(source)), source);
  return std::unique_ptr<Recipe>(std::move(r));
}

Result<std::unique_ptr<Recipe>> make_cns_symlink(profile::Resolver&, profile::Options& options, const Env&) {
  auto r = std::make_unique<Links>();
  std::string base = SLAP_TRY(optional(options, "symlink_base"));
  std::string target_dir = SLAP_TRY(optional(options, "symlink_target"));
  r->autocreate = SLAP_TRY(flag(options, "autocreate", false));
  for (const auto& line : str::split(SLAP_TRY(optional(options, "symlink")), "\n")) {
    std::string_view l = str::strip(line);
    if (l.empty()) continue;
    std::string source(l), link;
    if (auto eq = l.find('='); eq != std::string_view::npos) {
      source = std::string(str::strip(l.substr(0, eq)));
      link = std::string(str::strip(l.substr(eq + 1)));
    }
    if (!base.empty()) source = path::join(base, source);
    if (link.empty()) {  // "SOURCE" or "SOURCE =": into symlink_target
      if (target_dir.empty())
        return fail(option_error(options, "symlink", fmt::format("'{}' names no target, and symlink_target is not set", l)));
      link = path::join(target_dir, path::basename(str::rstrip_chars(source, "/")));
    }
    r->links.emplace_back(link, source);
  }
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
