#include <doctest/doctest.h>

#include "slap/supervisor.hpp"
#include "supervisor/xmlrpc.hpp"

using namespace slap;
using namespace slap::supervisor;

TEST_CASE("xmlrpc: a call encodes its parameters, escaping text") {
  std::string body = xmlrpc::call("supervisor.startProcess", {"a<b&c", true, 3});
  CHECK(body ==
        "<?xml version=\"1.0\"?>\n<methodCall><methodName>supervisor.startProcess</methodName><params>"
        "<param><value><string>a&lt;b&amp;c</string></value></param>"
        "<param><value><boolean>1</boolean></value></param>"
        "<param><value><int>3</int></value></param></params></methodCall>\n");
}

TEST_CASE("xmlrpc: responses as Python's xmlrpc.client writes them, and faults") {
  auto r = xmlrpc::parse_response(R"(<?xml version='1.0'?>
<methodResponse>
<params>
<param>
<value><array><data>
<value><struct>
<member>
<name>name</name>
<value><string>hello-web</string></value>
</member>
<member>
<name>pid</name>
<value><int>4242</int></value>
</member>
<member>
<name>description</name>
<value><string>pid 4242, uptime 0:00:01 &amp; more</string></value>
</member>
<member>
<name>empty</name>
<value><string></string></value>
</member>
<member>
<name>untyped</name>
<value>plain</value>
</member>
<member>
<name>ok</name>
<value><boolean>1</boolean></value>
</member>
</struct></value>
</data></array></value>
</param>
</params>
</methodResponse>
)");
  REQUIRE(r);
  CHECK_FALSE(r->fault);
  CHECK(r->value.dump() ==
        R"([{"description":"pid 4242, uptime 0:00:01 & more","empty":"","name":"hello-web","ok":true,"pid":4242,"untyped":"plain"}])");
  auto f = xmlrpc::parse_response(
      "<?xml version='1.0'?>\n<methodResponse>\n<fault>\n<value><struct>\n<member>\n<name>faultCode</name>\n"
      "<value><int>10</int></value>\n</member>\n<member>\n<name>faultString</name>\n"
      "<value><string>BAD_NAME: slappart9</string></value>\n</member>\n</struct></value>\n</fault>\n</methodResponse>\n");
  REQUIRE(f);
  CHECK(f->fault);
  CHECK(f->value["faultCode"] == 10);
  CHECK(f->value["faultString"] == "BAD_NAME: slappart9");
  auto bad = xmlrpc::parse_response("<methodResponse><params><param><value><int>x</int></value>");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "supervisord answered malformed XML-RPC at byte 50: bad <int> value 'x'");
  std::string deep;
  for (int i = 0; i < 100000; ++i) deep += "<value><array><data>";
  auto nested = xmlrpc::parse_response("<methodResponse><params><param>" + deep);
  REQUIRE_FALSE(nested);
  CHECK(nested.error().message.ends_with("values nested more than 256 deep"));
}

TEST_CASE("a group's configuration: services restart, run-once programs do not, % is escaped") {
  Group g{"slappart0", "/srv/p%0", true,
          {{"web", "/srv/p%0/etc/service/web", false, "d1"}, {"init", "/srv/p%0/etc/run/init x", true, "d2"}}};
  std::string text = group_config(g);
  CHECK(text.find("[group:slappart0]\nprograms = slappart0_web,slappart0_init\n") != std::string::npos);
  CHECK(text.find("[program:slappart0_web]\nprocess_name = web\ncommand = /srv/p%%0/etc/service/web\n"
                  "directory = /srv/p%%0\nautostart = true\nautorestart = true\nstartsecs = 1\n") != std::string::npos);
  CHECK(text.find("command = '/srv/p%%0/etc/run/init x'\ndirectory = /srv/p%%0\nautostart = true\n"
                  "autorestart = false\nstartsecs = 0\n") != std::string::npos);
  CHECK(text.find("environment = HOME=\"/srv/p%%0\",SLAP_SERVICE_DIGEST=\"d1\"\n") != std::string::npos);
  g.started = false;
  CHECK(group_config(g).find("autostart = false") != std::string::npos);
}
