#include "recipes/egg/python.hpp"

#include <fmt/format.h>

#include <map>
#include <mutex>
#include <nlohmann/json.hpp>

namespace slap::recipes::egg {

namespace {

// Prints one JSON object; `packaging.tags` comes with pip (vendored) on any interpreter
// able to install eggs.
constexpr const char* probe = R"(import json, os, platform, sys, sysconfig
def fmt(v):
    s = '%d.%d.%d' % (v.major, v.minor, v.micro)
    return s if v.releaselevel == 'final' else s + v.releaselevel[0] + str(v.serial)
markers = dict(
    implementation_name=sys.implementation.name,
    implementation_version=fmt(sys.implementation.version),
    os_name=os.name, platform_machine=platform.machine(), platform_release=platform.release(),
    platform_system=platform.system(), platform_version=platform.version(),
    python_full_version=platform.python_version(),
    platform_python_implementation=platform.python_implementation(),
    python_version='.'.join(platform.python_version_tuple()[:2]), sys_platform=sys.platform)
tags = []
for module in ('pip._vendor.packaging.tags', 'packaging.tags'):
    try:
        tags = [str(t) for t in __import__(module, fromlist=['sys_tags']).sys_tags()]
        break
    except Exception:
        pass
print(json.dumps(dict(version='%d.%d' % sys.version_info[:2], platform=sysconfig.get_platform(),
                      markers=markers, tags=tags)))
)";

std::mutex cache_mutex;
std::map<std::string, PythonInfo>& cache() {
  static std::map<std::string, PythonInfo> infos;
  return infos;
}

}  // namespace

Result<PythonInfo> python_info(const std::string& executable, const process::Environment& env) {
  {
    std::lock_guard lock(cache_mutex);
    if (auto it = cache().find(executable); it != cache().end()) return it->second;
  }
  auto outcome = process::run({.argv = {executable, "-c", probe}, .env = env});
  if (!outcome) return fail(ErrorKind::recipe, fmt::format("python '{}': {}", executable, outcome.error().message));
  if (!outcome->ok())
    return fail(ErrorKind::recipe, fmt::format("python '{}' {}: {}", executable, outcome->describe(), outcome->err));
  PythonInfo info;
  info.executable = executable;
  try {
    auto j = nlohmann::json::parse(outcome->out);
    info.version = j.at("version").get<std::string>();
    info.platform = j.at("platform").get<std::string>();
    for (const auto& [k, v] : j.at("markers").items()) info.markers[k] = v.get<std::string>();
    info.tags = j.at("tags").get<std::vector<std::string>>();
  } catch (const nlohmann::json::exception& e) {
    return fail(ErrorKind::recipe, fmt::format("python '{}' gave an unexpected answer: {}", executable, e.what()));
  }
  if (info.tags.empty()) {
    std::string v = info.version;
    v.erase(std::remove(v.begin(), v.end(), '.'), v.end());
    std::string plat = info.platform;
    std::replace(plat.begin(), plat.end(), '-', '_');
    info.tags = {fmt::format("cp{0}-cp{0}-{1}", v, plat), fmt::format("cp{}-abi3-{}", v, plat),
                 fmt::format("py{}-none-any", v), "py3-none-any"};
  }
  std::lock_guard lock(cache_mutex);
  cache()[executable] = info;
  return info;
}

}  // namespace slap::recipes::egg
