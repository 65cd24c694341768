// slapos.cookbook:logrotate and logrotate.d: logrotate's configuration (compression
// through the given gzip, the entries directory included) with its wrapper, and one entry
// per log: daily, dated, kept 3650 times, compressed one rotation late, into `backup`.
#include <fmt/format.h>

#include "recipes/common.hpp"
#include "recipes/exec_script.hpp"
#include "recipes/factories.hpp"
#include "slap/fs.hpp"

namespace slap::recipes {

namespace {

class Files final : public Recipe {
 public:
  std::vector<std::pair<std::string, std::string>> files;  // path, content (mode 0600)
  std::string wrapper;
  std::vector<std::string> argv;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    std::vector<std::string> out;
    if (!wrapper.empty()) {
      log_line(ic, "write " + wrapper);
      SLAP_CHECK(write_exec_script(wrapper, argv));
      out.push_back(wrapper);
    }
    for (const auto& [file, content] : files) {
      log_line(ic, "write " + file);
      SLAP_CHECK(fs::write_atomic(file, content, 0600, false));
      out.push_back(file);
    }
    return out;
  }
};

}  // namespace

Result<std::unique_ptr<Recipe>> make_logrotate(profile::Resolver&, profile::Options& options, const Env&) {
  auto r = std::make_unique<Files>();
  std::string conf = SLAP_TRY(options.at("conf"));
  r->files.emplace_back(conf, fmt::format("compresscmd {}\ncompressoptions -9\nuncompresscmd {}\ninclude {}",
                                          SLAP_TRY(options.at("gzip-binary")), SLAP_TRY(options.at("gunzip-binary")),
                                          SLAP_TRY(options.at("logrotate-entries"))));
  r->wrapper = SLAP_TRY(options.at("wrapper"));
  r->argv = {SLAP_TRY(options.at("logrotate-binary")), "-s", SLAP_TRY(options.at("state-file")), conf};
  return std::unique_ptr<Recipe>(std::move(r));
}

Result<std::unique_ptr<Recipe>> make_logrotate_d(profile::Resolver&, profile::Options& options, const Env&) {
  auto r = std::make_unique<Files>();
  std::string entries = SLAP_TRY(options.at("logrotate-entries"));
  std::vector<std::string> conf = {"daily", "dateext", "rotate 3650", "compress", "delaycompress", "notifempty",
                                   "sharedscripts", "create", "olddir " + SLAP_TRY(options.at("backup"))};
  if (auto post = SLAP_TRY(options.get("post"))) conf.push_back(fmt::format("postrotate\n{}\nendscript", *post));
  if (auto pre = SLAP_TRY(options.get("pre"))) conf.push_back(fmt::format("prerotate\n{}\nendscript", *pre));
  std::string text = SLAP_TRY(options.at("log")) + " {\n";
  for (const auto& c : conf) text += c + "\n";
  r->files.emplace_back(entries + "/" + SLAP_TRY(options.at("name")), text + "}\n");
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
