// Recipe names as SlapOS profiles write them -> native implementations.
#include <algorithm>
#include <utility>

#include "recipes/factories.hpp"

namespace slap::recipes {

namespace {
const std::pair<std::string_view, Factory> registry[] = {
    {"slapos.recipe.build:default", make_python_script},
    {"slapos.recipe.build:download", make_download},
    {"slapos.recipe.build:download-unpacked", make_download_unpacked},
    {"slapos.recipe.build:gitclone", make_gitclone},
    {"slapos.recipe.build:mkdirectory", make_mkdirectory},
    {"slapos.recipe.cmmi:default", make_cmmi},
    {"slapos.recipe.template:default", make_template},
    {"collective.recipe.template:default", make_template},
    {"slapos.cookbook:mkdirectory", make_mkdirectory},
    {"slapos.cookbook:slapconfiguration", make_slapconfiguration},
    {"slapos.cookbook:slapconfiguration.serialised", make_slapconfiguration_serialised},
    {"slapos.cookbook:slapconfiguration.jsonschema", make_slapconfiguration_jsonschema},
    {"slapos.cookbook:publish", make_publish},
    {"slapos.cookbook:publish.serialised", make_publish_serialised},
    {"slapos.cookbook:generate.password", make_password},
    {"slapos.cookbook:promise.plugin", make_promise_plugin},
    {"slapos.recipe.template:jinja2", make_jinja2},
    {"slapos.cookbook:wrapper", make_wrapper},
    {"plone.recipe.command:default", make_command},
    {"zc.recipe.egg:default", make_egg_scripts},
    {"zc.recipe.egg:scripts", make_egg_scripts},
    {"zc.recipe.egg:script", make_egg_scripts},
    {"zc.recipe.egg:eggs", make_egg_eggs},
    {"zc.recipe.egg:custom", make_egg_custom},
    {"zc.recipe.egg:develop", make_egg_develop},
    {"zc.recipe.testrunner:default", make_testrunner},
    {"rubygemsrecipe:default", make_rubygems},
    {"slapos.cookbook:request", make_request},
    {"slapos.cookbook:request.serialised", make_request_serialised},
    {"slapos.cookbook:requestoptional", make_request_optional},
    {"slapos.cookbook:requestoptional.serialised", make_request_optional_serialised},
    {"slapos.cookbook:switch-softwaretype", make_switch_softwaretype},
    {"slapos.cookbook:switch-softwaretype.noop", make_switch_softwaretype_noop},
    {"slapos.cookbook:cron", make_cron},
    {"slapos.cookbook:cron.d", make_cron_d},
    {"slapos.cookbook:logrotate", make_logrotate},
    {"slapos.cookbook:logrotate.d", make_logrotate_d},
    {"slapos.cookbook:free_port", make_free_port},
    {"slapos.cookbook:userinfo", make_userinfo},
    {"slapos.cookbook:symbolic.link", make_symbolic_link},
    {"cns.recipe.symlink:default", make_cns_symlink},
    {"slapos.cookbook:simplelogger", make_simplelogger},
    {"slapos.cookbook:publish-early", make_publish_early},
    {"slapos.cookbook:certificate_authority", make_certificate_authority},
    {"slapos.cookbook:certificate_authority.request", make_certificate_authority_request},
    {"slapos.cookbook:check_port_listening", make_check_port_listening},
    {"slapos.cookbook:check_url_available", make_check_url_available},
    {"slapos.cookbook:check_parameter", make_check_parameter},
    {"slapos.cookbook:simplehttpserver", make_simplehttpserver},
};
}  // namespace

Factory find(std::string_view name) {
  std::string full(name);
  if (full.find(':') == std::string::npos) full += ":default";
  for (const auto& [n, f] : registry)
    if (n == full) return f;
  return nullptr;
}

std::vector<std::string> names() {
  std::vector<std::string> out;
  for (const auto& [n, f] : registry) {
    std::string s(n);
    if (s.ends_with(":default")) s.resize(s.size() - 8);
    out.push_back(s);
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace slap::recipes
