// Shacache/Shadir, the SlapOS networkcache (spec/networkcache.md): settings, signed entries,
// the protocol client, and the server behind `slap cache-serve`.
//
// Shacache stores blobs under their lowercase hex SHA-512; Shadir maps a key to the list of
// [ENTRY_JSON, SIGNATURE] pairs published under it, where ENTRY_JSON names a blob by
// "sha512" and SIGNATURE is base64(RSA PKCS#1 v1.5 over SHA-1 of ENTRY_JSON's bytes).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "slap/config.hpp"
#include "slap/context.hpp"
#include "slap/error.hpp"

namespace slap::cache {

// ---- Settings -------------------------------------------------------------------------

struct Settings {
  std::string download_cache_url;          // Shacache, read side (GET, HEAD)
  std::string download_dir_url;            // Shadir, read side (GET)
  std::string upload_cache_url;            // Shacache, write side (POST)
  std::string upload_dir_url;              // Shadir, write side (PUT)
  std::string signature_private_key_file;  // PEM key that signs published entries
  std::string trusted_certificates;        // concatenated PEM certificates (the text)
  std::string upload_token;                // "Authorization: Bearer" on uploads, unless the
                                           // upload URL carries user:password@
  std::uint64_t max_download = 4ull << 30; // the largest blob accepted (serve.max-size)

  bool can_download() const { return !download_cache_url.empty() && !download_dir_url.empty(); }
  bool can_upload() const { return !upload_cache_url.empty() && !upload_dir_url.empty(); }
};

// The [networkcache] section of a slapos.cfg, with SlapOS's option names
// (download-cache-url, upload-dir-url, signature-certificate-list, ...).
Result<Settings> settings_from_slapos_cfg(const std::string& path);

// slap.toml: `cache.slapos-cfg` (when set) gives the base; every `cache.*` key that is set
// overrides it. shacache-url and shadir-url serve both downloads and uploads.
Result<Settings> settings_from_config(const Config& config);

// ---- Signatures -----------------------------------------------------------------------

bool is_sha512_hex(std::string_view text) noexcept;

class Signer {
 public:
  static Result<Signer> from_pem_file(const std::string& path);
  Signer(Signer&&) noexcept;
  Signer& operator=(Signer&&) noexcept;
  ~Signer();

  // Standard base64 (padded, no newlines) of the signature of `text`'s bytes.
  Result<std::string> sign(std::string_view text) const;

 private:
  friend class TrustStore;
  struct Key;
  explicit Signer(std::unique_ptr<Key> key);
  std::unique_ptr<Key> key_;
};

class TrustStore {
 public:
  // Splits `pem_list` on "-----BEGIN CERTIFICATE-----"; blocks that do not parse are
  // skipped with an info message (as SlapOS does).
  static TrustStore from_pem_list(std::string_view pem_list, const Context& ctx);
  TrustStore();
  TrustStore(TrustStore&&) noexcept;
  TrustStore& operator=(TrustStore&&) noexcept;
  ~TrustStore();

  // True when one of the certificates verifies `signature_base64` over `text`.
  bool verify(std::string_view text, std::string_view signature_base64) const;
  // True when the signer's public key is one of the certificates'.
  bool holds_key_of(const Signer& signer) const;
  std::size_t size() const;

 private:
  struct Keys;
  std::unique_ptr<Keys> keys_;
};

// ---- Shadir entries -------------------------------------------------------------------

struct Entry {
  std::string info;       // ENTRY_JSON, byte for byte as signed
  std::string signature;  // base64; empty = unsigned
  std::string sha512;     // the blob it names; empty when info has no valid "sha512"
  bool trusted = false;   // set by Client::entries
};

// The body of GET /shadir/KEY: a JSON array of [info, signature] string pairs.
Result<std::vector<Entry>> parse_entries(std::string_view body);
// The body of PUT /shadir/KEY.
std::string entry_body(std::string_view info, std::string_view signature);
// ENTRY_JSON naming `sha512`, with extra string fields (sorted keys, compact).
std::string make_entry_info(const std::string& sha512,
                            const std::vector<std::pair<std::string, std::string>>& fields);

// ---- URLs -----------------------------------------------------------------------------
// Where the upload token goes, and how names go into paths: the protocol client's and
// `slap sync`'s.

// A base URL without its user:password@ part, which becomes a Basic Authorization header;
// otherwise a non-empty token is sent as "Bearer TOKEN".
struct Endpoint {
  std::string url;
  std::string authorization;
};

Endpoint endpoint(const std::string& base, const std::string& token);

// `url` without its user:password@ part: what messages and reports may show.
inline std::string without_credentials(const std::string& url) { return endpoint(url, "").url; }

// `base`/`name`, the name escaped only where a URL cannot carry it raw (keys keep their ':').
std::string join_url(const std::string& base, std::string_view name);

// ---- Client ---------------------------------------------------------------------------

enum class Side { download, upload };

struct Pushed {
  std::string path;
  std::string sha512;
  std::uint64_t size = 0;
  bool uploaded = false;  // false: the cache already had it
};

class Client {
 public:
  // Loads the signing key and the trusted certificates. A key whose certificate is not
  // trusted is an input error when downloads are configured (its entries would never verify).
  static Result<Client> open(Settings settings, const Context& ctx);
  Client(Client&&) noexcept;
  Client& operator=(Client&&) noexcept;
  ~Client();

  const Settings& settings() const;

  Result<bool> exists(const std::string& sha512, Side side = Side::download);
  // The subset of `sha512s` the cache lacks, in one request when the server has the bulk
  // endpoint (POST {cache-url}/missing), else one HEAD each.
  Result<std::vector<std::string>> missing(const std::vector<std::string>& sha512s, Side side);

  // Uploads `path` unless the cache has it already.
  Result<Pushed> upload(const std::string& path);
  // POSTs `path`, whose digest is `sha512`; the server must answer 201 with that digest.
  Status post_blob(const std::string& path, const std::string& sha512);
  // Downloads blob `sha512` to `dest`, verified; on a mismatch nothing is kept.
  Status download(const std::string& sha512, const std::string& dest);

  // Signs `info` (must name a "sha512") with the configured key and appends it under `key`.
  Status publish(const std::string& key, const std::string& info);
  // Every entry under `key` (none when the key is unknown), with `trusted` set.
  Result<std::vector<Entry>> entries(const std::string& key);
  // Only the entries whose signature verifies and that name a blob; the others are
  // reported through ctx.warn and dropped.
  Result<std::vector<Entry>> trusted_entries(const std::string& key);

 private:
  struct Impl;
  explicit Client(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Uploads what the cache lacks among the regular files under `dir` (names starting with '.'
// are temporary files and skipped); files with the same content are sent once, under the
// first path in sorted order. One bulk query decides what is missing.
Result<std::vector<Pushed>> push_tree(Client& client, const std::string& dir);

// ---- Server ---------------------------------------------------------------------------

// An S3-compatible bucket holding a store (AWS S3, MinIO, Ceph RGW, Garage, s3rver): the
// same layout as a directory store, under PREFIX/ (docs/s3-cache.md).
struct S3Settings {
  std::string bucket;
  std::string prefix;                 // "" or a path without leading or trailing '/'
  std::string endpoint;               // http(s)://HOST[:PORT]; "" = https://s3.REGION.amazonaws.com
  std::string region = "us-east-1";
  bool path_style = true;             // ENDPOINT/BUCKET/KEY; false: BUCKET.HOST/KEY (virtual host)
  std::string access_key_id;
  std::string secret_access_key;
  std::string session_token;          // temporary credentials (x-amz-security-token)
  std::uint64_t part_size = 16 << 20;  // multipart upload part; also the most held in memory
  bool verify_tls = true;
  std::string ca_file;
};

// Fills settings.bucket and settings.prefix from "s3://BUCKET[/PREFIX]"; ErrorKind::usage
// for anything else.
Status parse_s3_url(std::string_view url, S3Settings& settings);

struct ServerOptions {
  std::string root;                   // directory store (created when missing)
  std::optional<S3Settings> s3;       // or this bucket: no state on the server's disk
  std::string host = "127.0.0.1";
  int port = 0;                       // 0: any free port (see Server::port)
  std::string upload_token;           // required for POST/PUT; must not be empty
  std::uint64_t max_upload = 4ull << 30;  // bytes of one blob; larger uploads get 413
  int timeout_seconds = 60;           // per read or write on a connection
  unsigned threads = 64;              // connections served at once
  std::string access_log;             // file to append one line per request; "" = ctx.info
};

// The upload token stored in `path` (surrounding whitespace ignored). When the file does not
// exist and `create` is set, a new random token is written there first (mode 0600).
Result<std::string> read_upload_token(const std::string& path, bool create);

// The server behind `slap cache-serve`: an interface, because it lives apart from
// libslapcore, in the module that command loads (cmd/slap/server_module.hpp), and the
// executable reaches it only through bind()'s address and the vtable.
class Server {
 public:
  // Prepares the store and binds the socket; serve() then answers requests.
  static Result<std::unique_ptr<Server>> bind(ServerOptions options, const Context& ctx);
  virtual ~Server() = default;

  virtual int port() const = 0;
  // Blocks until stop(); requests in flight are finished first.
  virtual Status serve() = 0;
  // Thread-safe; the only call allowed while serve() runs on another thread.
  virtual void stop() = 0;
};

}  // namespace slap::cache
