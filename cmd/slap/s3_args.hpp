// The S3 store options shared by cache-serve, cache-push and sync: --storage, --endpoint,
// --region, with slap.toml's [s3] section and the standard AWS_* variables behind them.
#pragma once

#include <optional>
#include <string>

#include "app.hpp"
#include "slap/cache.hpp"

namespace slap::cli {

struct S3Options {
  std::string storage;   // s3://BUCKET[/PREFIX]
  std::string endpoint;
  std::string region;
};

void add_s3_options(CLI::App& sub, S3Options& o);

// The bucket --storage names, nullopt without --storage. Each setting comes from its option,
// else slap.toml (s3.*), else AWS_ENDPOINT_URL, AWS_DEFAULT_REGION (or AWS_REGION),
// AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN.
Result<std::optional<cache::S3Settings>> s3_settings(const Env& env, const S3Options& o);

std::string s3_describe(const cache::S3Settings& s);

}  // namespace slap::cli
