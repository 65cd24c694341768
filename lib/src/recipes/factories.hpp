// Constructors of the native recipes (one per recipe file), registered in registry.cpp.
#pragma once

#include "slap/recipe.hpp"

namespace slap::recipes {

#define SLAP_RECIPE_FACTORY(name) \
  Result<std::unique_ptr<Recipe>> name(profile::Resolver& resolver, profile::Options& options, const Env& env)

SLAP_RECIPE_FACTORY(make_download);
SLAP_RECIPE_FACTORY(make_download_unpacked);
SLAP_RECIPE_FACTORY(make_cmmi);
SLAP_RECIPE_FACTORY(make_template);
SLAP_RECIPE_FACTORY(make_mkdirectory);
SLAP_RECIPE_FACTORY(make_wrapper);
SLAP_RECIPE_FACTORY(make_command);
SLAP_RECIPE_FACTORY(make_gitclone);
SLAP_RECIPE_FACTORY(make_slapconfiguration);
SLAP_RECIPE_FACTORY(make_slapconfiguration_serialised);
SLAP_RECIPE_FACTORY(make_slapconfiguration_jsonschema);
SLAP_RECIPE_FACTORY(make_publish);
SLAP_RECIPE_FACTORY(make_publish_serialised);
SLAP_RECIPE_FACTORY(make_password);
SLAP_RECIPE_FACTORY(make_promise_plugin);
SLAP_RECIPE_FACTORY(make_jinja2);
SLAP_RECIPE_FACTORY(make_python_script);
SLAP_RECIPE_FACTORY(make_egg_scripts);
SLAP_RECIPE_FACTORY(make_egg_eggs);
SLAP_RECIPE_FACTORY(make_egg_custom);
SLAP_RECIPE_FACTORY(make_egg_develop);
SLAP_RECIPE_FACTORY(make_testrunner);
SLAP_RECIPE_FACTORY(make_rubygems);
SLAP_RECIPE_FACTORY(make_request);
SLAP_RECIPE_FACTORY(make_request_serialised);
SLAP_RECIPE_FACTORY(make_request_optional);
SLAP_RECIPE_FACTORY(make_request_optional_serialised);
SLAP_RECIPE_FACTORY(make_switch_softwaretype);
SLAP_RECIPE_FACTORY(make_switch_softwaretype_noop);
SLAP_RECIPE_FACTORY(make_cron);
SLAP_RECIPE_FACTORY(make_cron_d);
SLAP_RECIPE_FACTORY(make_logrotate);
SLAP_RECIPE_FACTORY(make_logrotate_d);
SLAP_RECIPE_FACTORY(make_free_port);
SLAP_RECIPE_FACTORY(make_userinfo);
SLAP_RECIPE_FACTORY(make_symbolic_link);
SLAP_RECIPE_FACTORY(make_cns_symlink);
SLAP_RECIPE_FACTORY(make_simplelogger);
SLAP_RECIPE_FACTORY(make_publish_early);
SLAP_RECIPE_FACTORY(make_certificate_authority);
SLAP_RECIPE_FACTORY(make_certificate_authority_request);
SLAP_RECIPE_FACTORY(make_check_port_listening);
SLAP_RECIPE_FACTORY(make_check_url_available);
SLAP_RECIPE_FACTORY(make_check_parameter);
SLAP_RECIPE_FACTORY(make_simplehttpserver);

#undef SLAP_RECIPE_FACTORY

}  // namespace slap::recipes
