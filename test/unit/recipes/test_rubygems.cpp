// rubygemsrecipe's decisions that need no Ruby; the expected values are what rubygemsrecipe
// 0.4.4's code gives for the same input (its regular expressions run under Python's re).
#include <doctest/doctest.h>

#include "recipes/rubygems/gems.hpp"

using namespace slap::recipes::gems;

namespace {

// `gem dependency -rv 1.8.1 ^fluentd$`, with lines of every kind the regex meets.
constexpr std::string_view dependency_output = R"(Gem fluentd-1.8.1
  cool.io (>= 1.4.5, < 2.0.0)
  dig_rb (~> 1.0.0)
  bundler (>= 0, development)
  http_parser.rb (>= 0.5.1, < 0.7.0)
  strptime (= 0.2.5)
  rake (> 12)
  prerelease (>= 1.0.0.beta1)
  excluded (!= 1.2.3, >= 1.0)

)";

std::string error_of(const slap::Status& s) { return s ? std::string() : s.error().message; }

}  // namespace

TEST_CASE("rubygems: gems are NAME or NAME==VERSION") {
  CHECK(parse_gem("bundler").name == "bundler");
  CHECK_FALSE(parse_gem("bundler").version);
  Gem pinned = parse_gem("tzinfo-data==1.2021.1");
  CHECK(pinned.name == "tzinfo-data");
  CHECK(pinned.version == "1.2021.1");
  CHECK(parse_gem("odd==1==2").version == "1==2");
}

TEST_CASE("rubygems: where rubygems comes from") {
  CHECK(rubygems_for_version("3.4.21").url == "https://rubygems.org/rubygems/rubygems-3.4.21.zip");
  auto from_url = rubygems_for_url("https://rubygems.org/rubygems/rubygems-2.4.8.zip");
  REQUIRE(from_url);
  CHECK(from_url->version == "2.4.8");
  CHECK(from_url->url == "https://rubygems.org/rubygems/rubygems-2.4.8.zip");
  CHECK_FALSE(rubygems_for_url("https://rubygems.org/rubygems/rubygems-2.4.8.tgz"));
  CHECK_FALSE(rubygems_for_url("https://example.com/rubygems.zip"));
  // The dot before "zip" is any character, as upstream's VERSION_ZIP_RE has it.
  CHECK(rubygems_for_url("/mirror/rubygems-3.0-zip")->version == "3.0");
  auto page = rubygems_from_download_page(
      R"(<a href="https://rubygems.org/rubygems/rubygems-3.5.22.tgz">tgz</a>)"
      R"( <a href="https://rubygems.org/rubygems/rubygems-3.5.22.zip">zip</a>)");
  REQUIRE(page);
  CHECK(page->url == "https://rubygems.org/rubygems/rubygems-3.5.22.zip");
  CHECK(page->version == "3.5.22");
  CHECK_FALSE(rubygems_from_download_page("<html>no link</html>"));
  CHECK(major_version("3.4.21") == 3);
  CHECK(major_version("10.0") == 10);
  CHECK_FALSE(major_version(".5"));
}

TEST_CASE("rubygems: the search pattern of gem dependency") {
  CHECK(dependency_pattern("http_parser.rb", 3) == "^http_parser\\.rb$");
  CHECK(dependency_pattern("http_parser.rb", 2) == "/^http_parser\\.rb$/");
}

TEST_CASE("rubygems: runtime dependencies with numeric constraints are found") {
  auto deps = parse_dependencies(dependency_output);
  REQUIRE(deps.size() == 4);
  CHECK(deps[0].name == "cool.io");
  REQUIRE(deps[0].constraints.size() == 2);
  CHECK(deps[0].constraints[0].symbol == ">=");
  CHECK(deps[0].constraints[0].version == "1.4.5");
  CHECK(deps[0].constraints[1].symbol == "<");
  CHECK(deps[0].constraints[1].version == "2.0.0");
  CHECK(deps[1].name == "dig_rb");
  REQUIRE(deps[1].constraints.size() == 1);
  CHECK(deps[1].constraints[0].symbol == "~>");
  CHECK(deps[2].name == "http_parser.rb");
  CHECK(deps[3].name == "excluded");
  CHECK(deps[3].constraints[0].symbol == "!=");
  CHECK(deps[3].constraints[1].version == "1.0");
}

TEST_CASE("rubygems: pinned versions against constraints") {
  CHECK(error_of(check_constraint({"<", "2.0.0"}, "cool.io", "1.7.1", "fluentd")).empty());
  CHECK(error_of(check_constraint({">=", "1.4.5"}, "cool.io", "1.10", "fluentd")).empty());
  CHECK(error_of(check_constraint({"!=", "1.2.3"}, "x", "1.2.3.0", "g")).empty());
  CHECK(error_of(check_constraint({"", ""}, "x", "anything", "g")).empty());
  CHECK(error_of(check_constraint({"<", "2.0.0"}, "cool.io", "2.0.0", "fluentd")) ==
        "Configuration error, version 2.0.0 for gem cool.io does not satisfy dependency constraint < 2.0.0 of gem "
        "fluentd");
  CHECK(error_of(check_constraint({"!=", "1.2.3"}, "x", "1.2.3", "g")) ==
        "Configuration error, version 1.2.3 for gem x does not satisfy dependency constraint != 1.2.3 of gem g");
  // "~> 1.0.0" is ">= 1.0.0" and "< 1.1"; the failing half is named.
  CHECK(error_of(check_constraint({"~>", "1.0.0"}, "dig_rb", "1.0.1", "fluentd")).empty());
  CHECK(error_of(check_constraint({"~>", "1.0.0"}, "dig_rb", "1.1", "fluentd")) ==
        "Configuration error, version 1.1 for gem dig_rb does not satisfy dependency constraint < 1.1 of gem fluentd");
  CHECK(error_of(check_constraint({"~>", "2.0"}, "tzinfo", "1.9", "fluentd")) ==
        "Configuration error, version 1.9 for gem tzinfo does not satisfy dependency constraint >= 2.0 of gem fluentd");
  CHECK(error_of(check_constraint({"~>", "2"}, "t", "2.9.9", "g")).empty());
  CHECK(error_of(check_constraint({"~>", "2"}, "t", "3", "g")) ==
        "Configuration error, version 3 for gem t does not satisfy dependency constraint < 3 of gem g");
  auto bad = check_constraint({"<", "2"}, "t", "1.0.beta", "g");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().cls == "UserError");
  CHECK(bad.error().message.find("version 1.0.beta for gem t cannot be compared") != std::string::npos);
}

TEST_CASE("rubygems: the environment of commands and wrappers") {
  auto vars = environment("/p", "/usr/bin:/bin", "", "").value();
  REQUIRE(vars.size() == 3);
  CHECK(vars[0] == std::pair<std::string, std::string>{"GEM_HOME", "/p/lib/ruby/gems"});
  CHECK(vars[1] == std::pair<std::string, std::string>{"RUBYLIB", "/p/lib:/p/lib/ruby:/p/lib/site_ruby"});
  CHECK(vars[2] == std::pair<std::string, std::string>{"PATH", "/usr/bin:/bin:/p/bin"});
  CHECK(environment("/p", "", "/r", "").value()[1].second == "/r:/p/lib:/p/lib/ruby:/p/lib/site_ruby");
  CHECK(environment("/p", "", "", "").value()[2].second == "/p/bin");

  // Overrides keep the place of the variable they replace; new ones follow, in order. Every
  // value sees the computed variables, not the ones replaced before it.
  vars = environment("/p", "/bin", "", "\n  GEM_HOME = /g\n  PATH = /ruby/bin:%(PATH)s\n  X=%(GEM_HOME)s=1\n").value();
  REQUIRE(vars.size() == 4);
  CHECK(vars[0].second == "/g");
  CHECK(vars[2].second == "/ruby/bin:/bin:/p/bin");
  CHECK(vars[3] == std::pair<std::string, std::string>{"X", "/p/lib/ruby/gems=1"});
  CHECK(environment("/p", "", "", "A = 1\nA = 2").value()[3].second == "2");

  auto no_sign = environment("/p", "", "", "JUSTAWORD");
  REQUIRE_FALSE(no_sign);
  CHECK(no_sign.error().message == "Configuration error, every environment line should contain a \"=\" sign");
  auto unknown = environment("/p", "", "", "A = %(HOME)s");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().message.find("HOME") != std::string::npos);
}

TEST_CASE("rubygems: the wrapper of an executable") {
  CHECK(wrapper({{"GEM_HOME", "/p/lib/ruby/gems"}, {"PATH", "/bin:/p/bin"}}, "/p/bin/bundle") ==
        "#!/bin/sh\nexport GEM_HOME='/p/lib/ruby/gems'\nexport PATH='/bin:/p/bin'\n/p/bin/bundle \"$@\"\n\n");
}
