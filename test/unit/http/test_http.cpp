#include <doctest/doctest.h>

#include "http/test_server.hpp"
#include "slap/fs.hpp"
#include "slap/http.hpp"
#include "slap/strings.hpp"
#include "test_support.hpp"

using namespace slap;

namespace {

const std::string alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";

http::Request get(const std::string& url) {
  http::Request rq;
  rq.url = url;
  return rq;
}

http::RetryPolicy no_wait(int attempts) {
  http::RetryPolicy policy;
  policy.attempts = attempts;
  policy.first_delay_ms = 0;
  policy.max_delay_ms = 0;
  return policy;
}

}  // namespace

TEST_CASE("http: GET into memory, headers lower-cased") {
  test::TestServer server;
  server.serve("/a.txt", alphabet);
  http::Client client;
  auto res = client.perform(get(server.url("/a.txt")));
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body == alphabet);
  CHECK(res->bytes == alphabet.size());
  CHECK(res->header("X-Test-Header") == "Served");
  CHECK(res->header("content-length") == std::to_string(alphabet.size()));
  CHECK(res->header("x-absent") == "");
  bool lower = true;
  for (const auto& [name, value] : res->headers) lower = lower && name == str::to_lower(name);
  CHECK(lower);

  auto missing = client.perform(get(server.url("/nothing")));
  REQUIRE(missing);
  CHECK(missing->status == 404);  // an HTTP status is not a transport error
}

TEST_CASE("http: HEAD, PUT, POST from a file, DELETE") {
  test::TestServer server;
  server.serve("/a.txt", alphabet);
  http::Client client;
  auto head = get(server.url("/a.txt"));
  head.method = "HEAD";
  auto res = client.perform(head);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body.empty());

  auto put = get(server.url("/up"));
  put.method = "PUT";
  put.body = "uploaded";
  res = client.perform(put);
  REQUIRE(res);
  CHECK(res->status == 201);
  CHECK(server.stored("/up") == "uploaded");

  std::string dir = test::temp_dir("http-post");
  test::write(dir + "/body", "from a file");
  auto post = get(server.url("/echo"));
  post.method = "POST";
  post.body_file = dir + "/body";
  res = client.perform(post);
  REQUIRE(res);
  CHECK(res->body == "11 bytes: from a file");

  auto del = get(server.url("/up"));
  del.method = "DELETE";
  res = client.perform(del);
  REQUIRE(res);
  CHECK(res->status == 204);
  CHECK(server.stored("/up") == "");

  auto bad = get(server.url("/a.txt"));
  bad.method = "PATCH";
  CHECK(client.perform(bad).error().message == "unsupported HTTP method PATCH");
}

TEST_CASE("http: output_file, resumed with Range or restarted on 200") {
  test::TestServer server;
  server.serve("/a.bin", alphabet);
  std::string file = test::temp_dir("http-out") + "/a.bin";
  http::Client client;
  auto rq = get(server.url("/a.bin"));
  rq.output_file = file;
  auto res = client.perform(rq);
  REQUIRE(res);
  CHECK(res->body.empty());
  CHECK(fs::read_file(file).value() == alphabet);

  test::write(file, alphabet.substr(0, 10));
  rq.resume_from = 10;
  std::uint64_t last_done = 0, last_total = 0;
  res = client.perform(rq, [&](std::uint64_t done, std::uint64_t total) {
    last_done = done;
    last_total = total;
    return true;
  });
  REQUIRE(res);
  CHECK(res->status == 206);
  CHECK(res->bytes == alphabet.size() - 10);
  CHECK(server.requests().back().range == "bytes=10-");
  CHECK(fs::read_file(file).value() == alphabet);
  CHECK(last_done == alphabet.size());  // progress counts the whole resource
  CHECK(last_total == alphabet.size());

  test::write(file, "XXXXXXXXXX");
  server.ignore_ranges = true;
  res = client.perform(rq);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(fs::read_file(file).value() == alphabet);  // started again from byte 0
}

TEST_CASE("http: error pages never reach output_file") {
  test::TestServer server;
  std::string file = test::temp_dir("http-404") + "/x";
  test::write(file, "partial");
  http::Client client;
  auto rq = get(server.url("/missing"));
  rq.output_file = file;
  rq.resume_from = 7;
  auto res = client.perform(rq);
  REQUIRE(res);
  CHECK(res->status == 404);
  CHECK(fs::read_file(file).value() == "partial");
}

TEST_CASE("http: body limit, abort from progress, transport errors") {
  test::TestServer server;
  server.serve("/a.txt", alphabet);
  http::Client client;
  auto rq = get(server.url("/a.txt"));
  rq.max_body = 10;
  auto res = client.perform(rq);
  REQUIRE_FALSE(res);
  CHECK(res.error().kind == ErrorKind::input);
  CHECK(res.error().message == server.url("/a.txt") + ": response larger than 10 bytes");

  res = client.perform(get(server.url("/a.txt")), [](std::uint64_t, std::uint64_t) { return false; });
  REQUIRE_FALSE(res);
  CHECK(res.error().kind == ErrorKind::interrupted);
  CHECK(res.error().message == "transfer of " + server.url("/a.txt") + " interrupted");

  res = client.perform(get("http://127.0.0.1:1/x"));
  REQUIRE_FALSE(res);
  CHECK(res.error().kind == ErrorKind::network);
  CHECK(str::starts_with(res.error().message, "http://127.0.0.1:1/x: Failed to connect to 127.0.0.1 port 1"));
}

TEST_CASE("http: file:// URLs") {
  std::string dir = test::temp_dir("http-file");
  test::write(dir + "/f", alphabet);
  http::Client client;
  auto res = client.perform(get("file://" + dir + "/f"));
  REQUIRE(res);
  CHECK(res->status == 0);
  CHECK(res->body == alphabet);
}

TEST_CASE("http: retries 503 with backoff, then gives the last answer") {
  test::TestServer server;
  server.serve("/a.txt", alphabet);
  http::Client client;
  server.fail_next = 2;
  std::vector<std::string> reasons;
  auto policy = no_wait(4);
  policy.on_retry = [&](std::string_view reason, long) { reasons.emplace_back(reason); };
  auto res = http::perform_with_retries(client, get(server.url("/a.txt")), policy, nullptr);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(res->body == alphabet);
  CHECK(server.requests().size() == 3);
  CHECK(reasons == std::vector<std::string>(2, server.url("/a.txt") + ": HTTP 503"));

  server.fail_next = 5;
  res = http::perform_with_retries(client, get(server.url("/a.txt")), no_wait(2), nullptr);
  REQUIRE(res);
  CHECK(res->status == 503);
  CHECK(server.requests().size() == 5);

  auto refused = http::perform_with_retries(client, get("http://127.0.0.1:1/x"), no_wait(3), nullptr);
  CHECK(refused.error().kind == ErrorKind::network);
}

TEST_CASE("http: a cut download is resumed by the retry") {
  test::TestServer server;
  server.serve("/a.bin", alphabet);
  server.cut_next_at = 20;
  std::string file = test::temp_dir("http-cut") + "/a.bin";
  test::write(file, "stale content from an older download");
  http::Client client;
  auto rq = get(server.url("/a.bin"));
  rq.output_file = file;
  auto res = http::perform_with_retries(client, rq, no_wait(3), nullptr);
  REQUIRE(res);
  CHECK(res->status == 206);
  CHECK(fs::read_file(file).value() == alphabet);
  auto seen = server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].range == "");
  CHECK(seen[1].range == "bytes=20-");

  // A server without ranges answers the retry with 200: the file starts over.
  server.ignore_ranges = true;
  server.cut_next_at = 20;
  res = http::perform_with_retries(client, rq, no_wait(3), nullptr);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(fs::read_file(file).value() == alphabet);
  CHECK(server.requests().back().range == "bytes=20-");
}

TEST_CASE("http: a resume the server cannot satisfy (416) starts over") {
  test::TestServer server;
  server.serve("/a.bin", alphabet);
  std::string file = test::temp_dir("http-416") + "/a.bin";
  test::write(file, std::string(alphabet.size(), 'x'));
  http::Client client;
  auto rq = get(server.url("/a.bin"));
  rq.output_file = file;
  rq.resume_from = alphabet.size();
  auto res = http::perform_with_retries(client, rq, no_wait(2), nullptr);
  REQUIRE(res);
  CHECK(res->status == 200);
  CHECK(fs::read_file(file).value() == alphabet);
  auto seen = server.requests();
  REQUIRE(seen.size() == 2);
  CHECK(seen[0].range == "bytes=" + std::to_string(alphabet.size()) + "-");
  CHECK(seen[1].range == "");
}

TEST_CASE("http: a cancel request stops the retries") {
  test::TestServer server;
  server.serve("/a.txt", alphabet);
  http::Client client;
  CancelToken cancel;
  cancel.request();
  auto res = http::perform_with_retries(client, get(server.url("/a.txt")), no_wait(3), &cancel);
  REQUIRE_FALSE(res);
  CHECK(res.error().kind == ErrorKind::interrupted);
  CHECK(server.requests().empty());
}
