// What Python code reaches through buildout[...] and options: the profile being resolved.
#include <fmt/format.h>

#include "slap/archive.hpp"
#include "slap/fetch.hpp"
#include "slap/python.hpp"
#include "slap/resolver.hpp"

namespace slap::python {

std::unique_lock<std::mutex> ProfileHost::lock() {
  return mutex_ ? std::unique_lock<std::mutex>(*mutex_) : std::unique_lock<std::mutex>();
}

Status ProfileHost::section(const std::string& name) {
  auto guard = lock();
  resolver_.add_reference(section_, name);
  SLAP_TRY(resolver_.section(name));
  return {};
}

std::vector<std::string> ProfileHost::sections() {
  auto guard = lock();
  return resolver_.section_names();
}

Result<std::optional<std::string>> ProfileHost::get(const std::string& section, const std::string& option) {
  auto guard = lock();
  auto* options = SLAP_TRY(resolver_.section(section));
  return options->get(option);
}

Status ProfileHost::set(const std::string& section, const std::string& option, const std::string& value) {
  auto guard = lock();
  auto* options = SLAP_TRY(resolver_.section(section));
  options->set(option, value);
  return {};
}

Result<bool> ProfileHost::erase(const std::string& section, const std::string& option) {
  auto guard = lock();
  auto* options = SLAP_TRY(resolver_.section(section));
  return options->erase(option);
}

Result<std::vector<std::string>> ProfileHost::keys(const std::string& section) {
  auto guard = lock();
  auto* options = SLAP_TRY(resolver_.section(section));
  return options->keys();
}

Status ProfileHost::parse(const std::string& text) {
  auto guard = lock();
  return resolver_.add_sections(text);
}

Result<std::string> ProfileHost::download(const std::string& url, const std::string& md5sum) {
  if (!fetcher_) return fail(ErrorKind::internal, "no downloader for Python code");
  std::optional<fetch::Checksum> sum;
  if (!md5sum.empty()) sum = SLAP_TRY(fetch::parse_checksum(md5sum));
  return fetcher_->fetch(url, sum, base_dir_);
}

Status ProfileHost::extract(const std::string& archive, const std::string& dest) {
  return archive::extract(archive, dest, {archive::Strip::never, {}});
}

}  // namespace slap::python
