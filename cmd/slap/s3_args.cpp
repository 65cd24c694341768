#include "s3_args.hpp"

#include <CLI/CLI.hpp>
#include <fmt/format.h>

namespace slap::cli {

namespace {

std::string first_of(const Env& env, const std::string& option, const std::string& key,
                     std::initializer_list<const char*> variables) {
  if (!option.empty()) return option;
  if (!key.empty())
    if (std::string value = env.config.get(key); !value.empty()) return value;
  for (const char* name : variables)
    if (auto it = env.environ.find(name); it != env.environ.end() && !it->second.empty()) return it->second;
  return {};
}

}  // namespace

void add_s3_options(CLI::App& sub, S3Options& o) {
  sub.add_option("--storage", o.storage, "keep the store in an S3-compatible bucket instead (docs/s3-cache.md)")
      ->type_name("s3://BUCKET[/PREFIX]");
  sub.add_option("--endpoint", o.endpoint, "S3 service URL, e.g. http://minio:9000 (default: s3.endpoint, else AWS)")
      ->type_name("URL");
  sub.add_option("--region", o.region, "S3 region (default: s3.region, AWS_DEFAULT_REGION, us-east-1)")
      ->type_name("REGION");
}

Result<std::optional<cache::S3Settings>> s3_settings(const Env& env, const S3Options& o) {
  if (o.storage.empty()) {
    if (!o.endpoint.empty() || !o.region.empty())
      return fail(ErrorKind::usage, "--endpoint and --region go with --storage s3://BUCKET[/PREFIX]");
    return std::optional<cache::S3Settings>();
  }
  const Config& c = env.config;
  cache::S3Settings s;
  SLAP_CHECK(cache::parse_s3_url(o.storage, s));
  s.endpoint = first_of(env, o.endpoint, "s3.endpoint", {"AWS_ENDPOINT_URL_S3", "AWS_ENDPOINT_URL"});
  if (!s.endpoint.empty() && !s.endpoint.starts_with("http://") && !s.endpoint.starts_with("https://"))
    return fail(ErrorKind::usage, fmt::format("--endpoint: expected an http:// or https:// URL, not '{}'", s.endpoint));
  s.region = first_of(env, o.region, "s3.region", {"AWS_DEFAULT_REGION", "AWS_REGION"});
  if (s.region.empty()) s.region = "us-east-1";
  std::string style = c.get("s3.url-style");
  s.path_style = style == "path" || (style == "auto" && !s.endpoint.empty());
  s.access_key_id = first_of(env, "", "s3.access-key-id", {"AWS_ACCESS_KEY_ID"});
  s.secret_access_key = first_of(env, "", "s3.secret-access-key", {"AWS_SECRET_ACCESS_KEY"});
  // A session token belongs to the variables' key pair, not to one from slap.toml.
  if (c.get("s3.access-key-id").empty()) s.session_token = first_of(env, "", "", {"AWS_SESSION_TOKEN"});
  long part = c.get_int("s3.part-size");
  s.part_size = part > 0 ? static_cast<std::uint64_t>(part) : 0;
  return std::optional<cache::S3Settings>(std::move(s));
}

std::string s3_describe(const cache::S3Settings& s) {
  return fmt::format("s3://{}{}{}", s.bucket, s.prefix.empty() ? "" : "/", s.prefix);
}

}  // namespace slap::cli
