// slapos.cookbook:userinfo: who runs the build (pw-name, pw-uid, pw-gid, pw-dir,
// pw-shell, gr-name, gr-gid), set while the section initialises.
#include <grp.h>
#include <pwd.h>
#include <unistd.h>

#include <fmt/format.h>

#include "recipes/common.hpp"
#include "recipes/factories.hpp"

namespace slap::recipes {

Result<std::unique_ptr<Recipe>> make_userinfo(profile::Resolver&, profile::Options& options, const Env&) {
  class Nothing final : public Recipe {
   public:
    Result<std::vector<std::string>> install(const InstallContext&) override { return std::vector<std::string>{}; }
  };
  const passwd* pw = ::getpwuid(::getuid());
  if (!pw) return fail(option_error(options, "recipe", fmt::format("no user with uid {} in the user database", ::getuid())));
  options.set("pw-name", pw->pw_name);
  options.set("pw-uid", std::to_string(pw->pw_uid));
  options.set("pw-gid", std::to_string(pw->pw_gid));
  options.set("pw-dir", pw->pw_dir);
  options.set("pw-shell", pw->pw_shell);
  const group* gr = ::getgrgid(::getgid());
  if (!gr) return fail(option_error(options, "recipe", fmt::format("no group with gid {} in the group database", ::getgid())));
  options.set("gr-name", gr->gr_name);
  options.set("gr-gid", std::to_string(gr->gr_gid));
  return std::unique_ptr<Recipe>(std::make_unique<Nothing>());
}

}  // namespace slap::recipes
