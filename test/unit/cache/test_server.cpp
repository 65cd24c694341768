// The cache server driven in-process over loopback, with cpp-httplib's client.
#include <doctest/doctest.h>
#include <httplib.h>

#include <thread>

#include "cache/base64.hpp"
#include "cache/handlers.hpp"
#include "slap/cache.hpp"
#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/strings.hpp"
#include "test_server.hpp"
#include "test_support.hpp"

using namespace slap;

namespace {

const httplib::Headers auth = {{"Authorization", "Bearer t0ken"}};

using test::sha512;

}  // namespace

TEST_CASE("blobs go up with POST and come back with GET, HEAD and ranges") {
  test::RunningServer s("server-blobs");
  httplib::Client http("127.0.0.1", s.port());
  for (std::string data : {std::string(), std::string("x"), std::string(300000, 'z')}) {
    auto up = http.Post("/shacache", auth, data, "application/octet-stream");
    REQUIRE(up);
    CHECK(up->status == 201);
    CHECK(up->body == sha512(data));  // exactly the digest: no newline, no JSON
    auto down = http.Get(("/shacache/" + sha512(data)).c_str());
    REQUIRE(down);
    CHECK(down->status == 200);
    CHECK(down->body == data);
    CHECK(down->get_header_value("Accept-Ranges") == "bytes");
    auto head = http.Head(("/shacache/" + sha512(data)).c_str());
    REQUIRE(head);
    CHECK(head->status == 200);
    CHECK(head->get_header_value("Content-Length") == std::to_string(data.size()));
  }
  std::string big(300000, 'z');
  big[299999] = 'y';
  REQUIRE(http.Post("/shacache", auth, big, "application/octet-stream")->status == 201);
  auto tail = http.Get(("/shacache/" + sha512(big)).c_str(), {{"Range", "bytes=299990-"}});
  REQUIRE(tail);
  CHECK(tail->status == 206);
  CHECK(tail->body == "zzzzzzzzzy");
  CHECK(http.Get(("/shacache/" + std::string(128, '0')).c_str())->status == 404);
  CHECK(http.Get("/shacache/not-a-digest")->status == 400);
}

TEST_CASE("uploads need the token: Bearer, Token or the Basic-auth password") {
  test::RunningServer s("server-auth");
  httplib::Client http("127.0.0.1", s.port());
  auto none = http.Post("/shacache", "data", "application/octet-stream");
  REQUIRE(none);
  CHECK(none->status == 401);
  CHECK(none->get_header_value("WWW-Authenticate") == "Basic realm=\"slap cache\"");
  CHECK(http.Post("/shacache", {{"Authorization", "Bearer wrong"}}, "data", "text/plain")->status == 403);
  CHECK(http.Put("/shadir/k", {{"Authorization", "Bearer wrong"}}, "[]", "application/json")->status == 403);
  CHECK(http.Post("/shacache", {{"Authorization", "Token t0ken"}}, "data", "text/plain")->status == 201);
  std::string basic = "Basic " + cache::base64_encode("anyone:t0ken");
  CHECK(http.Post("/shacache", {{"Authorization", basic}}, "data2", "text/plain")->status == 201);
  CHECK(http.Get(("/shacache/" + sha512("data2")).c_str())->status == 200);  // downloads are public
}

TEST_CASE("PUT /shacache/<sha512> keeps nothing when the content does not match") {
  test::RunningServer s("server-put");
  httplib::Client http("127.0.0.1", s.port());
  auto wrong = http.Put(("/shacache/" + sha512("one")).c_str(), auth, "two", "application/octet-stream");
  REQUIRE(wrong);
  CHECK(wrong->status == 400);
  CHECK(wrong->body == "content does not match its key: its sha512 is " + sha512("two") + "\n");
  CHECK(http.Get(("/shacache/" + sha512("one")).c_str())->status == 404);
  CHECK(http.Get(("/shacache/" + sha512("two")).c_str())->status == 404);
  auto right = http.Put(("/shacache/" + sha512("one")).c_str(), auth, "one", "application/octet-stream");
  CHECK(right->status == 201);
  CHECK(right->body == sha512("one"));
}

TEST_CASE("the bulk query answers which digests are missing, in order") {
  test::RunningServer s("server-missing");
  httplib::Client http("127.0.0.1", s.port());
  REQUIRE(http.Post("/shacache", auth, "have", "text/plain")->status == 201);
  std::string a(128, 'a'), b(128, 'b');
  auto r = http.Post("/shacache/missing", "[\"" + b + "\",\"" + sha512("have") + "\",\"" + a + "\"]", "application/json");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(r->body == "[\"" + b + "\",\"" + a + "\"]");
  CHECK(http.Post("/shacache/missing", "[]", "application/json")->body == "[]");
  CHECK(http.Post("/shacache/missing", "{", "application/json")->status == 400);
  CHECK(http.Post("/shacache/missing", "[\"abc\"]", "application/json")->status == 400);
  CHECK(http.Post("/shacache/missing", "[1]", "application/json")->status == 400);
}

TEST_CASE("shadir entries are appended and listed byte for byte") {
  test::RunningServer s("server-shadir");
  httplib::Client http("127.0.0.1", s.port());
  CHECK(http.Get("/shadir/file-urlmd5:abc")->status == 404);
  std::string body = cache::entry_body(R"({"sha512": "x",   "url": "u"})", "c2ln");
  auto put = http.Put("/shadir/file-urlmd5:abc", auth, body, "application/json");
  REQUIRE(put);
  CHECK(put->status == 201);
  CHECK(http.Put("/shadir/file-urlmd5:abc", auth, cache::entry_body("{}", ""), "application/json")->status == 201);
  auto got = http.Get("/shadir/file-urlmd5:abc");
  REQUIRE(got);
  CHECK(got->status == 200);
  CHECK(got->body == "[" + body + ",[\"{}\",\"\"]]");
  CHECK(http.Put("/shadir/k", auth, "[\"{}\"]", "application/json")->status == 400);
  CHECK(http.Put("/shadir/k", auth, "[\"[1]\", \"\"]", "application/json")->status == 400);
  CHECK(http.Put("/shadir/k", auth, "not json", "application/json")->status == 400);
}

TEST_CASE("unknown paths 404, wrong methods 405, oversized bodies 413") {
  test::RunningServer s("server-refusals", 10);
  httplib::Client http("127.0.0.1", s.port());
  CHECK(http.Get("/")->status == 404);
  CHECK(http.Get("/etc/passwd")->status == 404);
  auto del = http.Delete(("/shacache/" + std::string(128, 'a')).c_str());
  REQUIRE(del);
  CHECK(del->status == 405);
  CHECK(del->get_header_value("Allow") == "GET, HEAD, PUT");
  CHECK(http.Get("/shacache")->status == 405);
  CHECK(http.Post("/shacache", auth, std::string(10, 'x'), "text/plain")->status == 201);
  // Refused from the headers alone: the connection closes without reading the body.
  CHECK(test::raw_request(s.port(), "POST /shacache HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\n\r\n")
            .starts_with("HTTP/1.1 413 Payload Too Large\r\n"));
  CHECK(test::raw_request(s.port(), "PUT /shadir/k HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n")
            .starts_with("HTTP/1.1 413 Payload Too Large\r\n"));
  // Bodies without a length are counted as they come.
  std::string chunked = "POST /shacache HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer t0ken\r\n"
                        "Transfer-Encoding: chunked\r\n\r\n6\r\nxxxxxx\r\n6\r\nxxxxxx\r\n0\r\n\r\n";
  CHECK(test::raw_request(s.port(), chunked).starts_with("HTTP/1.1 413 Payload Too Large\r\n"));
  CHECK(test::raw_request(s.port(), "BREW /shacache HTTP/1.1\r\nHost: x\r\n\r\n").starts_with("HTTP/1.1 400 "));
  CHECK(test::raw_request(s.port(), "GARBAGE\r\n\r\n").starts_with("HTTP/1.1 400 "));
  std::string many = "GET /shacache/x HTTP/1.1\r\n";
  for (int i = 0; i < 101; ++i) many += fmt::format("X-{}: y\r\n", i);
  CHECK(test::raw_request(s.port(), many + "\r\n").starts_with("HTTP/1.1 431 "));
}

TEST_CASE("the access log has one line per request") {
  test::RunningServer s("server-log");
  {
    httplib::Client http("127.0.0.1", s.port());
    http.Get("/shacache/nope");
    http.Post("/shacache", auth, "abc", "text/plain");
  }
  s.stop();
  auto log = fs::read_file(s.access_log());
  REQUIRE(log);
  auto lines = str::split(str::rstrip(*log), "\n");
  REQUIRE(lines.size() == 2);
  CHECK(lines[0].starts_with("127.0.0.1 - - ["));
  CHECK(lines[0].ends_with("] \"GET /shacache/nope HTTP/1.1\" 400 48"));
  CHECK(lines[1].ends_with("] \"POST /shacache HTTP/1.1\" 201 128"));
}

TEST_CASE("stop() before serve() makes serve() return at once") {
  NullLog log;
  Context ctx{nullptr, &log, nullptr, nullptr};
  cache::ServerOptions o;
  o.root = test::temp_dir("server-early-stop");
  o.upload_token = "t";
  auto server = cache::Server::bind(o, ctx);
  REQUIRE(server);
  CHECK((*server)->port() > 0);
  (*server)->stop();
  CHECK((*server)->serve());
}

TEST_CASE("a server needs an upload token") {
  NullLog log;
  Context ctx{nullptr, &log, nullptr, nullptr};
  cache::ServerOptions o;
  o.root = test::temp_dir("server-no-token");
  auto server = cache::Server::bind(o, ctx);
  REQUIRE_FALSE(server);
  CHECK(server.error().message == "the cache server needs an upload token");
}

TEST_CASE("the in-memory server answers raw requests as the socket server does") {
  std::string dir = test::temp_dir("serve-memory");
  NullLog log;
  Context ctx{nullptr, &log, nullptr, nullptr};
  cache::ServerOptions o{.root = dir + "/root", .upload_token = "t0ken", .access_log = dir + "/access.log"};
  auto server = cache::InMemoryServer::open(o, ctx);
  REQUIRE(server);
  std::string sha = sha512("hello");
  auto put = [&](const std::string& authorization) {
    return (*server)->answer(fmt::format("PUT /shacache/{} HTTP/1.1\r\nHost: a\r\n{}Content-Length: 5\r\n\r\nhello", sha,
                                         authorization));
  };
  CHECK(put("").rfind("HTTP/1.1 401 ", 0) == 0);
  CHECK(put("Authorization: Bearer wrong\r\n").rfind("HTTP/1.1 403 ", 0) == 0);
  std::string created = put("Authorization: Bearer t0ken\r\n");
  CHECK(created.rfind("HTTP/1.1 201 ", 0) == 0);
  CHECK(created.ends_with(sha));
  std::string got = (*server)->answer(fmt::format("GET /shacache/{} HTTP/1.1\r\nHost: a\r\nRange: bytes=1-2\r\n\r\n", sha));
  CHECK(got.rfind("HTTP/1.1 206 ", 0) == 0);
  CHECK(got.ends_with("\r\n\r\nel"));
  CHECK((*server)->answer("GET /nowhere HTTP/1.1\r\nHost: a\r\n\r\n").rfind("HTTP/1.1 404 ", 0) == 0);
  CHECK((*server)->answer("garbage\r\n\r\n").rfind("HTTP/1.1 400 ", 0) == 0);
}
