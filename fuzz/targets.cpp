#include "targets.hpp"

#include "cache/range.hpp"
#include "profile/condition.hpp"
#include "profile/parser.hpp"
#include "promise/pyliteral.hpp"
#include "recipes/egg/marker.hpp"
#include "recipes/egg/requirement.hpp"
#include "recipes/egg/version.hpp"
#include "slap/cache.hpp"
#include "slap/error.hpp"
#include "supervisor/xmlrpc.hpp"
#include "template/parser.hpp"

namespace slap::fuzz {

namespace {

void profile_file(std::string_view input) {
  auto parsed = profile::parse(input, "fuzz.cfg");
  if (!parsed) return;
  // Section headers with a condition are evaluated by the loader: do the same here.
  for (const auto& section : parsed->sections) {
    auto colon = section.name.find(':');
    if (colon != std::string::npos)
      (void)profile::eval_condition(std::string_view(section.name).substr(colon + 1), Location{"fuzz.cfg", 1, 1});
  }
}

void condition(std::string_view input) { (void)profile::eval_condition(input, Location{"fuzz.cfg", 1, 1}); }

void template_source(std::string_view input) {
  try {
    tmpl::Options options;
    (void)tmpl::parse_template(input, "fuzz.j2", options);
  } catch (const Error&) {
  }
}

void range_header(std::string_view input) {
  for (std::uint64_t size : {0ull, 1ull, 200ull, ~0ull}) (void)cache::satisfiable_ranges(input, size);
}

void shadir_entries(std::string_view input) { (void)cache::parse_entries(input); }

void python_literal(std::string_view input) {
  promise::LiteralParser parser(input, 0, "fuzz.py");
  (void)parser.value();
}

void xmlrpc_response(std::string_view input) { (void)supervisor::xmlrpc::parse_response(input); }

void egg_requirement(std::string_view input) {
  (void)recipes::egg::Requirement::parse(input);
  (void)recipes::egg::SpecifierSet::parse(input);
  (void)recipes::egg::Version::parse(input).normalized();
  (void)recipes::egg::evaluate_marker(input, {{"python_version", "3.11"}, {"extra", ""}});
}

constexpr Target all[] = {
    {"profile", profile_file},
    {"condition", condition},
    {"template", template_source},
    {"range", range_header},
    {"shadir", shadir_entries},
    {"pyliteral", python_literal},
    {"xmlrpc", xmlrpc_response},
    {"egg", egg_requirement},
};

}  // namespace

std::span<const Target> targets() { return all; }

}  // namespace slap::fuzz
