// The Shacache/Shadir protocol client (spec/networkcache.md §2), over slap::http.
#include <fcntl.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <optional>
#include <unordered_set>

#include "cache/base64.hpp"
#include "slap/cache.hpp"
#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/http.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::cache {

namespace {

constexpr long upload_timeout_seconds = 3600;  // the server may digest a large upload slowly
constexpr std::uint64_t entries_limit = 64 << 20;

std::string excerpt(std::string_view body) {
  std::string text(str::strip(body.substr(0, 200)));
  return body.size() > 200 ? text + "..." : text;
}

// Removes a download's temporary file unless it was moved into place.
struct TempFile {
  std::string path;
  ~TempFile() {
    if (!path.empty()) ::unlink(path.c_str());
  }
};

}  // namespace

struct Client::Impl {
  Settings settings;
  const Context& ctx;
  std::optional<Signer> signer;
  TrustStore trust;
  http::Client http;

  Impl(Settings s, const Context& c) : settings(std::move(s)), ctx(c) {}

  Endpoint cache(Side side) const {
    return side == Side::upload ? endpoint(settings.upload_cache_url, settings.upload_token)
                                : endpoint(settings.download_cache_url, "");
  }
  Endpoint dir(Side side) const {
    return side == Side::upload ? endpoint(settings.upload_dir_url, settings.upload_token)
                                : endpoint(settings.download_dir_url, "");
  }

  http::Request request(std::string method, const Endpoint& where, std::string_view name) const {
    http::Request rq;
    rq.method = std::move(method);
    rq.url = join_url(where.url, name);
    if (!where.authorization.empty()) rq.headers.emplace_back("Authorization", where.authorization);
    return rq;
  }

  // A transfer worth showing has a `label`: its bytes are then a progress task.
  Result<http::Response> perform(const http::Request& rq, std::string_view label = {}) {
    std::optional<Progress> task;
    if (!label.empty()) task.emplace(ctx, label, 0, ProgressUnit::bytes);
    http::RetryPolicy policy;
    policy.on_retry = [this](std::string_view reason, long delay_ms) {
      ctx.info(fmt::format("{}; retrying in {} ms", reason, delay_ms));
    };
    auto progress = [this, &task](std::uint64_t done, std::uint64_t total) {
      if (task) task->advance(done, total);
      return !ctx.cancelled();
    };
    return http::perform_with_retries(http, rq, policy, ctx.cancel, progress);
  }

  Status require(bool configured, std::string_view what) const {
    if (configured) return {};
    return fail(ErrorKind::input, fmt::format("no {} configured: set cache.shacache-url and cache.shadir-url "
                                              "in slap.toml, or cache.slapos-cfg", what));
  }
};

Client::Client(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Client::Client(Client&&) noexcept = default;
Client& Client::operator=(Client&&) noexcept = default;
Client::~Client() = default;

Result<Client> Client::open(Settings settings, const Context& ctx) {
  auto impl = std::make_unique<Impl>(std::move(settings), ctx);
  const Settings& s = impl->settings;
  impl->trust = TrustStore::from_pem_list(s.trusted_certificates, ctx);
  if (!s.signature_private_key_file.empty()) {
    impl->signer = SLAP_TRY(Signer::from_pem_file(s.signature_private_key_file));
    if (!s.download_dir_url.empty() && !impl->trust.holds_key_of(*impl->signer))
      return fail(ErrorKind::input, "Invalid configuration: no matching certificate for private key " +
                                        s.signature_private_key_file);
  }
  return Client(std::move(impl));
}

const Settings& Client::settings() const { return impl_->settings; }

Result<bool> Client::exists(const std::string& sha512, Side side) {
  SLAP_CHECK(impl_->require(side == Side::upload ? !settings().upload_cache_url.empty()
                                                 : !settings().download_cache_url.empty(), "cache"));
  auto rq = impl_->request("HEAD", impl_->cache(side), sha512);
  auto rs = SLAP_TRY(impl_->perform(rq));
  if (rs.status == 404) return false;
  if (rs.status >= 200 && rs.status < 300) return true;
  return fail(ErrorKind::network, fmt::format("HEAD {}: HTTP status {}", rq.url, rs.status));
}

Result<std::vector<std::string>> Client::missing(const std::vector<std::string>& sha512s, Side side) {
  if (sha512s.empty()) return std::vector<std::string>{};
  auto rq = impl_->request("POST", impl_->cache(side), "missing");
  rq.headers.emplace_back("Content-Type", "application/json");
  rq.body = nlohmann::json(sha512s).dump();
  auto rs = SLAP_TRY(impl_->perform(rq));
  std::unordered_set<std::string> asked(sha512s.begin(), sha512s.end());
  auto list = nlohmann::json::parse(rs.body, nullptr, false);
  bool valid = rs.status == 200 && list.is_array();
  for (std::size_t i = 0; valid && i < list.size(); ++i) valid = list[i].is_string() && asked.contains(list[i]);
  if (valid) return list.get<std::vector<std::string>>();
  impl_->ctx.debug(fmt::format("{}: no bulk query (HTTP {}); asking blob by blob", rq.url, rs.status));
  std::vector<std::string> out;
  for (const auto& hex : sha512s)
    if (!SLAP_TRY(exists(hex, side))) out.push_back(hex);
  return out;
}

Result<Pushed> Client::upload(const std::string& path) {
  Pushed pushed{path, SLAP_TRY(checksum::file_hex_digest(checksum::Algorithm::sha512, path)), 0, false};
  std::error_code ec;
  pushed.size = std::filesystem::file_size(path, ec);
  if (SLAP_TRY(exists(pushed.sha512, Side::upload))) return pushed;
  SLAP_CHECK(post_blob(path, pushed.sha512));
  pushed.uploaded = true;
  return pushed;
}

Status Client::post_blob(const std::string& path, const std::string& sha512) {
  SLAP_CHECK(impl_->require(settings().can_upload(), "upload cache"));
  auto rq = impl_->request("POST", impl_->cache(Side::upload), "");
  rq.headers.emplace_back("Content-Type", "application/octet-stream");
  rq.body_file = path;
  rq.low_speed_seconds = upload_timeout_seconds;
  auto rs = impl_->perform(rq, "uploading " + path::basename(path));
  if (!rs) return fail(std::move(rs.error()));
  if (rs->status != 201)
    return fail(ErrorKind::network, fmt::format("Failed to upload data to SHACACHE Server. Response code: {}. "
                                                "Response data: {}", rs->status, excerpt(rs->body)));
  if (str::strip(rs->body) != sha512)
    return fail(ErrorKind::checksum, fmt::format("{}: the server stored sha512 {}, expected {}", path,
                                                 excerpt(rs->body), sha512));
  return {};
}

Status Client::download(const std::string& sha512, const std::string& dest) {
  SLAP_CHECK(impl_->require(!settings().download_cache_url.empty(), "download cache"));
  if (!is_sha512_hex(sha512)) return fail(ErrorKind::input, fmt::format("not a sha512: '{}'", sha512));
  std::string dir = path::dirname(dest);
  TempFile temp{path::join(dir.empty() ? "." : dir, "." + path::basename(dest) + ".partXXXXXX")};
  int fd = ::mkostemp(temp.path.data(), O_CLOEXEC);
  if (fd < 0) return fail(ErrorKind::io, fmt::format("cannot create a temporary file for {}: {}", dest, std::strerror(errno)));
  ::close(fd);
  auto rq = impl_->request("GET", impl_->cache(Side::download), sha512);
  rq.output_file = temp.path;
  rq.max_body = settings().max_download;
  auto rs = impl_->perform(rq, "downloading " + path::basename(dest));
  if (!rs) return fail(std::move(rs.error()));
  if (rs->status == 404) return fail(ErrorKind::network, fmt::format("{}: no such blob", rq.url));
  if (rs->status != 200) return fail(ErrorKind::network, fmt::format("GET {}: HTTP status {}", rq.url, rs->status));
  // An empty body may leave no file behind: the client opens it at the first byte.
  if (!fs::exists(temp.path)) SLAP_CHECK(fs::write_atomic(temp.path, ""));
  std::string actual = SLAP_TRY(checksum::file_hex_digest(checksum::Algorithm::sha512, temp.path));
  if (actual != sha512)
    return fail(ErrorKind::checksum, fmt::format("Failed to download data to SHACACHE Server: invalid checksum. "
                                                 "{}: expected sha512 {}, got {}", rq.url, sha512, actual));
  if (::rename(temp.path.c_str(), dest.c_str()) != 0)
    return fail(ErrorKind::io, fmt::format("cannot rename into {}: {}", dest, std::strerror(errno)));
  temp.path.clear();
  return {};
}

// ---- Shadir

Status Client::publish(const std::string& key, const std::string& info) {
  SLAP_CHECK(impl_->require(settings().can_upload(), "upload cache"));
  if (!impl_->signer)
    return fail(ErrorKind::input, fmt::format("cannot publish under '{}': no signing key configured "
                                              "(cache.signature-private-key-file)", key));
  auto object = nlohmann::json::parse(info, nullptr, false);
  auto sha512 = object.is_object() ? object.value("sha512", std::string()) : std::string();
  if (!str::valid_utf8(info) || !is_sha512_hex(sha512))
    return fail(ErrorKind::input, fmt::format("invalid Shadir entry for '{}': expected a JSON object "
                                              "with a \"sha512\" of 128 lowercase hex digits", key));
  std::string signature = SLAP_TRY(impl_->signer->sign(info));
  auto rq = impl_->request("PUT", impl_->dir(Side::upload), key);
  rq.headers.emplace_back("Content-Type", "application/json");
  rq.body = entry_body(info, signature);
  auto rs = SLAP_TRY(impl_->perform(rq));
  if (rs.status != 201)
    return fail(ErrorKind::network, fmt::format("Failed to upload data to SHADIR Server. Response code: {}. "
                                                "Response data: {}", rs.status, excerpt(rs.body)));
  return {};
}

Result<std::vector<Entry>> Client::entries(const std::string& key) {
  SLAP_CHECK(impl_->require(!settings().download_dir_url.empty(), "download directory"));
  auto rq = impl_->request("GET", impl_->dir(Side::download), key);
  rq.max_body = entries_limit;
  auto rs = SLAP_TRY(impl_->perform(rq));
  if (rs.status == 404) return std::vector<Entry>{};
  if (rs.status != 200) return fail(ErrorKind::network, fmt::format("GET {}: HTTP status {}", rq.url, rs.status));
  auto list = parse_entries(rs.body);
  if (!list) return fail(std::move(list.error().add_context(fmt::format("reading {}", rq.url))));
  for (auto& e : *list) e.trusted = impl_->trust.verify(e.info, e.signature);
  return list;
}

Result<std::vector<Entry>> Client::trusted_entries(const std::string& key) {
  auto all = SLAP_TRY(entries(key));
  std::vector<Entry> kept;
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (!all[i].trusted)
      impl_->ctx.warn(fmt::format("Shadir entry {} under '{}' is not signed by a trusted certificate: ignored", i + 1, key));
    else if (all[i].sha512.empty())
      impl_->ctx.warn(fmt::format("Shadir entry {} under '{}' names no valid sha512: ignored", i + 1, key));
    else
      kept.push_back(std::move(all[i]));
  }
  return kept;
}

}  // namespace slap::cache
