#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "slap/node.hpp"
#include "test_support.hpp"

using namespace slap;
using json = nlohmann::json;

namespace {

node::State open_state(const std::string& name, unsigned partitions, node::Layout* where = nullptr) {
  node::Layout layout{test::temp_dir(name)};
  if (where) *where = layout;
  REQUIRE(node::format(layout, partitions));
  auto state = node::State::open(layout);
  REQUIRE(state);
  return std::move(*state);
}

node::InstanceRequest req(std::string title, std::string url = "/sr/software.cfg") {
  node::InstanceRequest r;
  r.title = std::move(title);
  r.software_url = std::move(url);
  return r;
}

}  // namespace

TEST_CASE("a request allocates the first free partition and supplies its release") {
  node::Layout layout;
  auto state = open_state("node-state-alloc", 2, &layout);
  auto a = state.request(req("a"));
  REQUIRE(a);
  CHECK(a->partition == "slappart0");
  CHECK(a->status == "pending");
  CHECK(a->guid() == "SOFT-" + std::to_string(a->id));
  auto b = state.request(req("b"));
  REQUIRE(b);
  CHECK(b->partition == "slappart1");
  auto c = state.request(req("c"));
  REQUIRE(c);
  CHECK(c->partition.empty());
  CHECK(c->message == "no free partition: add some with `slap node format --partitions N`");
  auto software = state.software();
  REQUIRE(software);
  REQUIRE(software->size() == 1);
  CHECK((*software)[0].url == "/sr/software.cfg");
  CHECK((*software)[0].state == "available");
  // More partitions: the waiting instance gets one.
  REQUIRE(node::format(layout, 3));
  auto again = state.find("c");
  REQUIRE(again);
  REQUIRE(again->has_value());
  CHECK((*again)->partition == "slappart2");
}

TEST_CASE("the same request keeps the timestamp; a change moves it; serialised parameters are unwrapped") {
  auto state = open_state("node-state-timestamp", 1);
  auto r = req("a");
  r.parameters_json = R"({"x": "1"})";
  auto first = state.request(r);
  REQUIRE(first);
  auto same = state.request(r);
  REQUIRE(same);
  CHECK(same->timestamp == first->timestamp);
  r.parameters_json = R"({"_": "{\"x\": \"2\"}"})";
  auto changed = state.request(r);
  REQUIRE(changed);
  CHECK(changed->timestamp > first->timestamp);
  CHECK(changed->parameters_json == R"({"x":"2"})");
  r.parameters_json = "[1]";
  auto bad = state.request(r);
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "instance parameters must be a JSON object, not: [1]");
}

TEST_CASE("publishing makes the requester's partition reprocess; destroying the root destroys its tree") {
  auto state = open_state("node-state-tree", 3);
  auto root = state.request(req("root"));
  REQUIRE(root);
  auto c = req("child");
  c.requester = root->id;
  c.software_type = "child";
  auto child = state.request(c);
  REQUIRE(child);
  CHECK(child->partition == "slappart1");
  CHECK_FALSE(child->ready());
  REQUIRE(state.publish(child->id, R"({"url": "http://x"})"));
  auto root_after = state.instance(root->id);
  REQUIRE(root_after);
  CHECK(root_after->timestamp > root->timestamp);
  auto child_after = state.instance(child->id);
  REQUIRE(child_after);
  CHECK(child_after->ready());
  CHECK(json::parse(child_after->connection_json) == json{{"url", "http://x"}});
  auto rt = state.root_title(child->id);
  REQUIRE(rt);
  CHECK(*rt == "root");
  auto d = req("root");
  d.state = "destroyed";
  REQUIRE(state.request(d));
  auto gone = state.instance(child->id);
  REQUIRE(gone);
  CHECK(gone->state == "destroyed");
  CHECK(gone->partition == "slappart1");  // until the node has emptied it
  REQUIRE(state.free_partition("slappart1"));
  gone = state.instance(child->id);
  REQUIRE(gone);
  CHECK(gone->partition.empty());
  CHECK(gone->status == "destroyed");
  CHECK(gone->ready());
}

TEST_CASE("children no longer requested are destroyed") {
  auto state = open_state("node-state-gc", 3);
  auto root = state.request(req("root"));
  REQUIRE(root);
  for (const char* t : {"one", "two"}) {
    auto c = req(t);
    c.requester = root->id;
    REQUIRE(state.request(c));
  }
  auto destroyed = state.keep_only_children(root->id, {"one"});
  REQUIRE(destroyed);
  CHECK(*destroyed == std::vector<std::string>{"two"});
  auto two = state.find("two");
  REQUIRE(two);
  CHECK((*two)->state == "destroyed");
  auto one = state.find("one");
  REQUIRE(one);
  CHECK((*one)->state == "started");
}

TEST_CASE("a shared instance is hosted by an instance of its release and type, and shows in its list") {
  auto state = open_state("node-state-shared", 2);
  auto s = req("front");
  s.shared = true;
  auto shared = state.request(s);
  REQUIRE(shared);
  CHECK_FALSE(shared->host);
  CHECK(shared->partition.empty());
  CHECK(shared->message == "no instance of /sr/software.cfg (type default) to host this shared instance");
  auto host = state.request(req("host"));
  REQUIRE(host);
  auto hosted = state.hosted_by(host->id);
  REQUIRE(hosted);
  REQUIRE(hosted->size() == 1);
  CHECK((*hosted)[0].title == "front");
  auto before = state.instance(host->id);
  REQUIRE(before);
  s.parameters_json = R"({"path": "/a"})";
  REQUIRE(state.request(s));
  auto after = state.instance(host->id);
  REQUIRE(after);
  CHECK(after->timestamp > before->timestamp);
  auto wrong = req("front");
  auto refused = state.request(wrong);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message == "'front' is a shared instance: it cannot be requested as a partition's instance");
}
