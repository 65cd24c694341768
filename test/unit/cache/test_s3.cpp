#include <doctest/doctest.h>

#include "cache/s3.hpp"
#include "cache/s3_store.hpp"

using namespace slap;
using namespace slap::cache;

TEST_CASE("parse_s3_url: bucket and prefix, or the exact usage error") {
  S3Settings s;
  REQUIRE(parse_s3_url("s3://slap-cache/team/cache/", s));
  CHECK(s.bucket == "slap-cache");
  CHECK(s.prefix == "team/cache");
  REQUIRE(parse_s3_url("s3://bkt", s));
  CHECK(s.bucket == "bkt");
  CHECK(s.prefix == "");
  auto wrong = parse_s3_url("http://bkt/x", s);
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().kind == ErrorKind::usage);
  CHECK(wrong.error().message == "expected s3://BUCKET[/PREFIX], not 'http://bkt/x'");
  CHECK_FALSE(parse_s3_url("s3://Upper/x", s));
  CHECK_FALSE(parse_s3_url("s3://ab", s));
  CHECK_FALSE(parse_s3_url("s3://bkt//x", s));
}

TEST_CASE("S3Client::url: path style with an endpoint, virtual host on AWS, keys encoded") {
  S3Settings s;
  s.bucket = "bkt";
  s.prefix = "p q";
  s.endpoint = "http://127.0.0.1:9000/";
  CHECK(S3Client(s).url("shacache/ab/cd/x") == "http://127.0.0.1:9000/bkt/p%20q/shacache/ab/cd/x");
  CHECK(S3Client(s).url("", "list-type=2") == "http://127.0.0.1:9000/bkt/?list-type=2");
  s.endpoint.clear();
  s.region = "eu-west-3";
  s.path_style = false;
  s.prefix.clear();
  CHECK(S3Client(s).url("k") == "https://bkt.s3.eu-west-3.amazonaws.com/k");
  CHECK(S3Client(s).describe() == "s3://bkt");
}

TEST_CASE("aws_encode and xml_values") {
  CHECK(aws_encode("a/b c+=~", true) == "a/b%20c%2B%3D~");
  CHECK(aws_encode("a/b", false) == "a%2Fb");
  std::string xml = "<R><Contents><Key>a&amp;b</Key><Size>3</Size></Contents><Contents><Key>c</Key>"
                    "<Size>4</Size></Contents><IsTruncated>false</IsTruncated></R>";
  auto contents = xml_values(xml, "Contents");
  REQUIRE(contents.size() == 2);
  CHECK(xml_values(contents[0], "Key") == std::vector<std::string>{"a&b"});
  CHECK(xml_values(xml, "Key") == std::vector<std::string>{"a&b", "c"});
  CHECK(xml_values(xml, "NextContinuationToken").empty());
}

TEST_CASE("S3Store names: blobs as in a directory store, one prefix per key") {
  std::string sha(128, 'a');
  sha.replace(0, 4, "0123");
  CHECK(S3Store::blob_name(sha) == "shacache/01/23/" + sha);
  CHECK(S3Store::key_dir("k") == "shadir/8254c329a92850f6d539dd376f4816ee2764517da5e0235514af433164480d7a/");
}
