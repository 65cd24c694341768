// Where the cache is and how to sign/verify: from slapos.cfg's [networkcache] section (the
// options SlapOS nodes already have) or from slap.toml's [cache] table.
#include <fmt/format.h>

#include "slap/cache.hpp"
#include "slap/fs.hpp"
#include "slap/profile.hpp"
#include "slap/strings.hpp"

namespace slap::cache {

namespace {

Result<std::string> read_setting_file(const std::string& path, std::string_view what) {
  auto text = fs::read_file(path);
  if (!text) return fail(ErrorKind::input, fmt::format("cannot read {} {}: {}", what, path, text.error().message));
  return std::move(*text);
}

}  // namespace

Result<Settings> settings_from_slapos_cfg(const std::string& path) {
  std::string text = SLAP_TRY(read_setting_file(path, "SlapOS configuration"));
  auto parsed = SLAP_TRY(profile::parse(text, path));
  Settings s;
  const profile::ParsedSection* section = parsed.find("networkcache");
  if (!section) return s;
  std::string certificate_list;
  for (const auto& option : section->options) {
    std::string value(str::strip(option.value));
    const std::string& name = option.name;
    if (name == "download-cache-url") s.download_cache_url = value;
    else if (name == "download-dir-url") s.download_dir_url = value;
    else if (name == "upload-cache-url") s.upload_cache_url = value;
    else if (name == "upload-dir-url") s.upload_dir_url = value;
    else if (name == "signature-private-key-file") s.signature_private_key_file = value;
    else if (name == "signature-certificate-list") s.trusted_certificates = value;
  }
  return s;
}

Result<Settings> settings_from_config(const Config& config) {
  Settings s;
  if (const auto& cfg = config.get("cache.slapos-cfg"); !cfg.empty()) s = SLAP_TRY(settings_from_slapos_cfg(cfg));
  auto set = [&](const char* key, std::string& field) {
    if (const auto& v = config.get(key); !v.empty()) field = v;
  };
  set("cache.shacache-url", s.download_cache_url);
  set("cache.shacache-url", s.upload_cache_url);
  set("cache.shadir-url", s.download_dir_url);
  set("cache.shadir-url", s.upload_dir_url);
  set("cache.signature-private-key-file", s.signature_private_key_file);
  if (long max = config.get_int("serve.max-size"); max > 0) s.max_download = static_cast<std::uint64_t>(max);
  for (const char* key : {"cache.signature-certificate-file", "cache.trusted-certificates"}) {
    const auto& file = config.get(key);
    if (file.empty()) continue;
    std::string pem = SLAP_TRY(read_setting_file(file, "certificate file"));
    s.trusted_certificates += "\n" + pem;
  }
  if (const auto& file = config.get("cache.upload-token-file"); !file.empty())
    s.upload_token = std::string(str::strip(SLAP_TRY(read_setting_file(file, "upload token file"))));
  return s;
}

}  // namespace slap::cache
