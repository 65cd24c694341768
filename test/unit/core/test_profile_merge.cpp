// The merged representation: Arena, Key, Section, update_section, and the loader's
// handing over of merged results (a file extended twice must not see the first includer's
// changes).
#include <doctest/doctest.h>

#include <stdexcept>

#include "slap/profile.hpp"
#include "test_support.hpp"

using namespace slap;
using namespace slap::profile;

namespace {

std::vector<std::string> names(const Section& s) {
  std::vector<std::string> out;
  for (const auto& [name, key] : s) out.push_back(name);
  return out;
}

Origin line(std::uint32_t n) { return {first_file_source, n}; }

}  // namespace

TEST_CASE("Arena: stored text stays put while more is stored") {
  Arena arena;
  std::string_view first = arena.store("first value");
  std::string big(100'000, 'x');
  std::string_view large = arena.store(big);
  for (int i = 0; i < 10'000; ++i) arena.store("filler text that fills blocks");
  CHECK(first == "first value");
  CHECK(large == big);
  CHECK(arena.store("").empty());
}

TEST_CASE("Key: history is kept oldest first; copies share it") {
  Arena arena;
  Key key(arena, "a", line(1));
  Key copy = key;
  key.record(arena, Op::add, line(5));
  key.set_value(arena, "a\nb");
  REQUIRE(key.history().size() == 2);
  CHECK(key.history()[0].op == Op::set);
  CHECK(key.history()[1].op == Op::add);
  CHECK(key.origin().line == 5);
  CHECK(copy.value() == "a");
  CHECK(copy.history().size() == 1);
}

TEST_CASE("Section: sorted by name whatever the order keys come in") {
  Arena arena;
  Section s({{"zeta", Key(arena, "1", line(1))}, {"alpha", Key(arena, "2", line(2))}});
  CHECK(s.try_emplace("mu", Key(arena, "3", line(3))).second);
  CHECK_FALSE(s.try_emplace("alpha", Key(arena, "other", line(4))).second);
  CHECK(s.at("alpha").value() == "2");
  s.insert_or_assign("alpha", Key(arena, "4", line(5)));
  CHECK(s.at("alpha").value() == "4");
  s.add_sorted({{"beta", Key(arena, "5", line(6))}, {"omega", Key(arena, "6", line(7))}});
  CHECK(names(s) == std::vector<std::string>{"alpha", "beta", "mu", "omega", "zeta"});
  s.erase("mu");
  s.erase("absent");
  CHECK(names(s) == std::vector<std::string>{"alpha", "beta", "omega", "zeta"});
  CHECK_FALSE(s.contains("mu"));
  CHECK_THROWS_AS(s.at("mu"), std::out_of_range);
}

TEST_CASE("update_section: overrides, additions and += / -= with their history") {
  Arena arena;
  Section base({{"keep", Key(arena, "k", line(1))}, {"list", Key(arena, "a\nb", line(2))},
                {"over", Key(arena, "old", line(3))}});
  Section mine({{"over", Key(arena, "new", line(10))}, {"added", Key(arena, "x", line(11))},
                {"list +", Key(arena, "c", line(12))}, {"list -", Key(arena, "a", line(13))}});
  update_section(arena, base, mine);
  CHECK(names(base) == std::vector<std::string>{"added", "keep", "list", "over"});
  CHECK(base.at("over").value() == "new");
  CHECK(base.at("over").history().back().op == Op::override_value);
  CHECK(base.at("list").value() == "b\nc");
  auto history = base.at("list").history();
  REQUIRE(history.size() == 3);
  CHECK(history[1].op == Op::add);
  CHECK(history[2].op == Op::remove);
  CHECK(base.at("keep").value() == "k");
}

TEST_CASE("load: a file extended twice is not changed by its first includer") {
  std::string dir = test::temp_dir("handover");
  test::write(dir + "/leaf.cfg", "[a]\nx = 1\n[b]\np = ${:_profile_base_location_}\n");
  test::write(dir + "/one/left.cfg", "[buildout]\nextends = ../leaf.cfg\n[a]\nx += 2\n[b]\nq = left\n");
  test::write(dir + "/right.cfg", "[buildout]\nextends = leaf.cfg\n[a]\ny = r\n");
  test::write(dir + "/buildout.cfg", "[buildout]\nextends = one/left.cfg right.cfg\nparts =\n");
  LoadOptions o;
  o.profile = "buildout.cfg";
  o.cwd = dir;
  auto p = load(o);
  REQUIRE(p);
  const Section& a = *p->config().find("a");
  CHECK(a.at("x").value() == "1");  // right.cfg's leaf, not left.cfg's "1\n2"
  CHECK(a.at("y").value() == "r");
  const Section& b = *p->config().find("b");
  CHECK(b.at("p").value() == dir);  // as spelled through right.cfg, the later branch
  CHECK(b.at("q").value() == "left");
}

TEST_CASE("parse_override: buildout's command-line assignments") {
  auto o = parse_override(" a : x = v ");
  REQUIRE(o);
  CHECK(o->section == "a");
  CHECK(o->option == "x");
  CHECK(o->value == "v");
  auto plain = parse_override("offline=true");
  REQUIRE(plain);
  CHECK(plain->section == "buildout");
  CHECK(plain->option == "offline");
  auto url = parse_override("a:url=http://h/x?y=z");
  REQUIRE(url);
  CHECK(url->value == "http://h/x?y=z");
  auto three = parse_override("a:b:c=1");
  REQUIRE_FALSE(three);
  CHECK(three.error().kind == ErrorKind::usage);
  CHECK_FALSE(parse_override("a:=1"));
  CHECK_FALSE(parse_override("novalue"));
}

TEST_CASE("load: of two command-line values for one option, the one that sorts last wins") {
  std::string dir = test::temp_dir("overrides");
  test::write(dir + "/buildout.cfg", "[buildout]\nparts =\n[a]\nx = file\n");
  LoadOptions o;
  o.profile = "buildout.cfg";
  o.cwd = dir;
  o.overrides = {{"a", "x", "2"}, {"a", "x", "1"}};
  auto p = load(o);
  REQUIRE(p);
  CHECK(p->config().find("a")->at("x").value() == "2");
}
