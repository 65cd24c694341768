#include "cache/s3.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <thread>

#include "slap/strings.hpp"

namespace slap::cache {

namespace {

std::string decode_entities(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  static constexpr std::pair<std::string_view, char> entities[] = {
      {"&amp;", '&'}, {"&lt;", '<'}, {"&gt;", '>'}, {"&quot;", '"'}, {"&apos;", '\''}};
  for (std::size_t i = 0; i < text.size();) {
    bool replaced = false;
    if (text[i] == '&')
      for (const auto& [name, c] : entities)
        if (text.substr(i, name.size()) == name) {
          out += c;
          i += name.size();
          replaced = true;
          break;
        }
    if (!replaced) out += text[i++];
  }
  return out;
}

// "Code: Message" of an S3 error document, or its first bytes.
std::string s3_error(const http::Response& rs) {
  auto code = xml_values(rs.body, "Code");
  auto message = xml_values(rs.body, "Message");
  if (!code.empty()) return fmt::format("{}{}{}", code[0], message.empty() ? "" : ": ", message.empty() ? "" : message[0]);
  return std::string(str::strip(rs.body.substr(0, 200)));
}

constexpr std::uint64_t small_object = 64 << 20;  // get(): entry lists, never blobs

}  // namespace

std::vector<std::string> xml_values(std::string_view xml, std::string_view tag) {
  std::vector<std::string> values;
  std::string open = fmt::format("<{}>", tag), close = fmt::format("</{}>", tag);
  for (std::size_t at = xml.find(open); at != std::string_view::npos; at = xml.find(open, at)) {
    at += open.size();
    std::size_t end = xml.find(close, at);
    if (end == std::string_view::npos) break;
    values.push_back(decode_entities(xml.substr(at, end - at)));
    at = end + close.size();
  }
  return values;
}

std::string aws_encode(std::string_view text, bool keep_slash) {
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~' || (keep_slash && c == '/')) out += static_cast<char>(c);
    else out += fmt::format("%{:02X}", c);
  }
  return out;
}

Status parse_s3_url(std::string_view url, S3Settings& settings) {
  std::string_view rest = url;
  if (!str::starts_with(rest, "s3://"))
    return fail(ErrorKind::usage, fmt::format("expected s3://BUCKET[/PREFIX], not '{}'", url));
  rest.remove_prefix(5);
  std::size_t slash = rest.find('/');
  std::string bucket(rest.substr(0, slash));
  std::string prefix(slash == std::string_view::npos ? "" : str::rstrip_chars(rest.substr(slash + 1), "/"));
  bool valid_bucket = bucket.size() >= 3 && bucket.size() <= 63 && std::all_of(bucket.begin(), bucket.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.';
  });
  if (!valid_bucket || str::starts_with(prefix, "/") || str::contains(prefix, "//"))
    return fail(ErrorKind::usage, fmt::format("expected s3://BUCKET[/PREFIX] with a bucket name of 3 to 63 lowercase "
                                              "letters, digits, '-' and '.', not '{}'", url));
  settings.bucket = std::move(bucket);
  settings.prefix = std::move(prefix);
  return {};
}

S3Client::S3Client(S3Settings settings) : settings_(std::move(settings)) {
  std::string endpoint = settings_.endpoint.empty() ? fmt::format("https://s3.{}.amazonaws.com", settings_.region)
                                                    : settings_.endpoint;
  scheme_host_ = std::string(str::rstrip_chars(endpoint, "/"));
  sigv4_ = fmt::format("aws:amz:{}:s3", settings_.region);
}

std::string S3Client::describe() const {
  return fmt::format("s3://{}{}{}", settings_.bucket, settings_.prefix.empty() ? "" : "/", settings_.prefix);
}

std::string S3Client::url(std::string_view name, std::string_view query) const {
  std::string key = settings_.prefix.empty() || name.empty() ? std::string(name)
                                                             : fmt::format("{}/{}", settings_.prefix, name);
  std::string path = aws_encode(key, true);
  std::string q = query.empty() ? "" : fmt::format("?{}", query);
  if (settings_.path_style) return fmt::format("{}/{}/{}{}", scheme_host_, settings_.bucket, path, q);
  std::size_t host = scheme_host_.find("://");
  host = host == std::string::npos ? 0 : host + 3;
  return fmt::format("{}{}.{}/{}{}", scheme_host_.substr(0, host), settings_.bucket, scheme_host_.substr(host), path, q);
}

http::Request S3Client::request(std::string method, std::string_view name, std::string_view query) const {
  http::Request rq;
  rq.method = std::move(method);
  rq.url = url(name, query);
  rq.aws_sigv4 = sigv4_;
  rq.user = settings_.access_key_id;
  rq.password = settings_.secret_access_key;
  rq.headers.emplace_back("x-amz-content-sha256", "UNSIGNED-PAYLOAD");
  if (!settings_.session_token.empty()) rq.headers.emplace_back("x-amz-security-token", settings_.session_token);
  rq.follow_redirects = false;
  rq.verify_tls = settings_.verify_tls;
  rq.ca_file = settings_.ca_file;
  rq.connect_timeout_seconds = 10;
  return rq;
}

std::unique_ptr<http::Client> S3Client::borrow() {
  std::lock_guard lock(pool_mutex_);
  if (pool_.empty()) return std::make_unique<http::Client>();
  auto client = std::move(pool_.back());
  pool_.pop_back();
  return client;
}

void S3Client::give_back(std::unique_ptr<http::Client> client) {
  std::lock_guard lock(pool_mutex_);
  if (pool_.size() < 64) pool_.push_back(std::move(client));
}

Result<http::Response> S3Client::perform(const http::Request& rq, std::initializer_list<long> also_ok) {
  // Retried here rather than by http::perform_with_retries, which copies the request: a
  // part's 16 MiB body would be held twice. A consumer cannot take the same bytes twice.
  auto client = borrow();
  Result<http::Response> rs;
  for (int attempt = 1, attempts = rq.body_consumer ? 1 : 3; attempt <= attempts; ++attempt) {
    rs = client->perform(rq);
    bool transient = rs ? rs->status >= 500 || rs->status == 429 : rs.error().kind == ErrorKind::network;
    if (!transient || attempt == attempts) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100 << attempt));
  }
  give_back(std::move(client));
  if (!rs) return fail(std::move(rs.error()));
  if ((rs->status >= 200 && rs->status < 300) || std::find(also_ok.begin(), also_ok.end(), rs->status) != also_ok.end())
    return rs;
  return fail(ErrorKind::network, fmt::format("{} {}: HTTP {} {}", rq.method, rq.url, rs->status, s3_error(*rs)));
}

Result<std::optional<std::uint64_t>> S3Client::head(std::string_view name) {
  auto rs = SLAP_TRY(perform(request("HEAD", name), {404}));
  if (rs.status == 404) return std::optional<std::uint64_t>();
  std::string length = rs.header("content-length");
  try {
    return std::optional<std::uint64_t>(std::stoull(length));
  } catch (...) {
    return fail(ErrorKind::network, fmt::format("HEAD {}: no Content-Length in the answer", url(name)));
  }
}

Result<bool> S3Client::read(std::string_view name, std::uint64_t offset, std::uint64_t length, const BlobSink& sink) {
  if (length == 0) return true;
  http::Request rq = request("GET", name);
  rq.headers.emplace_back("Range", fmt::format("bytes={}-{}", offset, offset + length - 1));
  rq.body_consumer = sink;
  rq.max_body = length;
  auto rs = SLAP_TRY(perform(rq, {404}));
  if (rs.status == 404) return false;
  if (rs.bytes != length)
    return fail(ErrorKind::network, fmt::format("GET {}: {} bytes instead of {}", rq.url, rs.bytes, length));
  return true;
}

Result<std::optional<std::pair<std::uint64_t, std::string>>> S3Client::get_head(std::string_view name,
                                                                               std::uint64_t max) {
  using Head = std::optional<std::pair<std::uint64_t, std::string>>;
  http::Request rq = request("GET", name);
  rq.headers.emplace_back("Range", fmt::format("bytes=0-{}", std::max<std::uint64_t>(max, 1) - 1));
  rq.max_body = std::max<std::uint64_t>(max, 1);
  auto rs = SLAP_TRY(perform(rq, {404, 416}));
  if (rs.status == 404) return Head();
  if (rs.status == 200) return Head({rs.body.size(), std::move(rs.body)});  // the range was ignored
  std::string range = rs.header("content-range");  // "bytes 0-N/TOTAL"
  auto slash = range.rfind('/');
  std::uint64_t total = slash == std::string::npos ? 0 : std::strtoull(range.c_str() + slash + 1, nullptr, 10);
  if (rs.status == 416) {  // an empty object has no byte 0
    auto size = SLAP_TRY(head(name));
    if (!size) return Head();
    return Head({*size, std::string()});
  }
  if (slash == std::string::npos)
    return fail(ErrorKind::network, fmt::format("GET {}: a 206 answer without Content-Range", rq.url));
  return Head({total, std::move(rs.body)});
}

Result<std::optional<std::string>> S3Client::get(std::string_view name) {
  http::Request rq = request("GET", name);
  rq.max_body = small_object;
  auto rs = SLAP_TRY(perform(rq, {404}));
  if (rs.status == 404) return std::optional<std::string>();
  return std::optional<std::string>(std::move(rs.body));
}

Status S3Client::put(std::string_view name, std::string body) {
  http::Request rq = request("PUT", name);
  rq.body = std::move(body);
  SLAP_TRY(perform(rq));
  return {};
}

Status S3Client::remove(std::string_view name) {
  SLAP_TRY(perform(request("DELETE", name), {404}));
  return {};
}

Status S3Client::copy(std::string_view from, std::string_view to) {
  http::Request rq = request("PUT", to);
  std::string source = settings_.prefix.empty() ? std::string(from) : fmt::format("{}/{}", settings_.prefix, from);
  rq.headers.emplace_back("x-amz-copy-source", fmt::format("/{}/{}", settings_.bucket, aws_encode(source, true)));
  auto rs = SLAP_TRY(perform(rq));
  // A copy can fail after its 200 has been sent: S3 then puts an <Error> in the body.
  if (str::contains(rs.body, "<Error>"))
    return fail(ErrorKind::network, fmt::format("copy {} to {}: {}", from, to, s3_error(rs)));
  return {};
}

Result<S3Client::Page> S3Client::list(std::string_view prefix, std::string_view start_after, const std::string& token,
                                      std::size_t max) {
  std::string full_prefix = settings_.prefix.empty() ? std::string(prefix) : fmt::format("{}/{}", settings_.prefix, prefix);
  // SigV4 wants the query sorted by name and encoded.
  std::vector<std::string> query;
  if (!token.empty()) query.push_back("continuation-token=" + aws_encode(token, false));
  query.push_back("list-type=2");
  query.push_back(fmt::format("max-keys={}", std::clamp<std::size_t>(max, 1, 1000)));
  query.push_back("prefix=" + aws_encode(full_prefix, false));
  if (token.empty() && !start_after.empty()) {
    std::string after = settings_.prefix.empty() ? std::string(start_after)
                                                 : fmt::format("{}/{}", settings_.prefix, start_after);
    query.push_back("start-after=" + aws_encode(after, false));
  }
  auto rs = SLAP_TRY(perform(request("GET", "", str::join(query, "&"))));
  Page page;
  std::size_t strip = settings_.prefix.empty() ? 0 : settings_.prefix.size() + 1;
  for (const auto& contents : xml_values(rs.body, "Contents")) {
    auto key = xml_values(contents, "Key");
    auto size = xml_values(contents, "Size");
    if (key.empty() || size.empty() || key[0].size() < strip) continue;
    page.objects.push_back({key[0].substr(strip), std::strtoull(size[0].c_str(), nullptr, 10)});
  }
  auto truncated = xml_values(rs.body, "IsTruncated");
  auto next = xml_values(rs.body, "NextContinuationToken");
  if (!truncated.empty() && truncated[0] == "true") {
    if (next.empty() || next[0].empty())
      return fail(ErrorKind::network, fmt::format("{}: a truncated listing without NextContinuationToken", describe()));
    page.next_token = next[0];
  }
  return page;
}

Result<std::string> S3Client::start_multipart(std::string_view name) {
  auto rs = SLAP_TRY(perform(request("POST", name, "uploads=")));
  auto id = xml_values(rs.body, "UploadId");
  if (id.empty() || id[0].empty())
    return fail(ErrorKind::network, fmt::format("POST {}?uploads: no UploadId in the answer", url(name)));
  return id[0];
}

Result<std::string> S3Client::upload_part(std::string_view name, const std::string& id, unsigned number,
                                          std::string& body) {
  http::Request rq = request("PUT", name, fmt::format("partNumber={}&uploadId={}", number, aws_encode(id, false)));
  std::swap(rq.body, body);
  auto performed = perform(rq);
  std::swap(rq.body, body);
  auto rs = SLAP_TRY(std::move(performed));
  std::string etag = rs.header("etag");
  if (etag.empty()) return fail(ErrorKind::network, fmt::format("PUT {}: no ETag in the answer", rq.url));
  return etag;
}

Status S3Client::complete_multipart(std::string_view name, const std::string& id, const std::vector<std::string>& etags) {
  std::string body = "<CompleteMultipartUpload>";
  for (std::size_t i = 0; i < etags.size(); ++i)
    body += fmt::format("<Part><PartNumber>{}</PartNumber><ETag>{}</ETag></Part>", i + 1, etags[i]);
  body += "</CompleteMultipartUpload>";
  http::Request rq = request("POST", name, "uploadId=" + aws_encode(id, false));
  rq.body = std::move(body);
  rq.headers.emplace_back("Content-Type", "application/xml");
  auto rs = SLAP_TRY(perform(rq));
  if (str::contains(rs.body, "<Error>"))
    return fail(ErrorKind::network, fmt::format("completing the upload of {}: {}", name, s3_error(rs)));
  return {};
}

void S3Client::abort_multipart(std::string_view name, const std::string& id) {
  (void)perform(request("DELETE", name, "uploadId=" + aws_encode(id, false)));
}

}  // namespace slap::cache
