// slapos.cookbook:certificate_authority and certificate_authority.request: a small CA run
// as a service, and certificates asked of it.
//
// The CA writes CA-DIR/openssl.cnf (its subject from country-code, state, city, company,
// email), its serial, crlnumber and index.txt, and `wrapper`: a service that creates the
// CA's key and certificate (CA-PRIVATE/cakey.pem, CA-DIR/cacert.pem) when missing, then
// every 60 s signs each request file of REQUESTS-DIRECTORY whose key or certificate is
// missing. Upstream's service is a Python script of slapos.cookbook; slap writes the same
// loop as a shell script around `openssl-binary`.
//
// A request writes REQUESTS-DIRECTORY/<sha512(name)> ([certificate] name, key_file,
// certificate_file, the files being CA-PRIVATE/<sha512>.key and CA-CERTS/<sha512>.crt),
// makes `key-file` and `cert-file` links to them, and writes `wrapper`, which waits for
// both before it execs `executable`. With key-content and cert-content (a matching pair),
// those are written instead and nothing is asked of the CA.
#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <fmt/format.h>

#include "recipes/common.hpp"
#include "recipes/exec_script.hpp"
#include "recipes/factories.hpp"
#include "slap/checksum.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"

namespace slap::recipes {

namespace {

std::string openssl_config(const std::map<std::string, std::string>& v) {
  return fmt::format(R"(# Written by slap for slapos.cookbook:certificate_authority.
HOME = .

[ ca ]
default_ca = CA_default

[ CA_default ]
dir = {dir}
certs = $dir/certs
crl_dir = $dir/crl
database = $dir/index.txt
unique_subject = no
new_certs_dir = $dir/newcerts
certificate = $dir/cacert.pem
serial = $dir/serial
crlnumber = $dir/crlnumber
crl = $dir/crl.pem
private_key = $dir/private/cakey.pem
x509_extensions = usr_cert
name_opt = ca_default
cert_opt = ca_default
default_days = 3650
default_crl_days = 30
default_md = default
preserve = no
policy = policy_match

[ policy_match ]
countryName = match
stateOrProvinceName = match
organizationName = match
organizationalUnitName = optional
commonName = supplied
emailAddress = optional

[ req ]
default_bits = 2048
default_md = sha256
distinguished_name = req_distinguished_name
x509_extensions = v3_ca
string_mask = utf8only

[ req_distinguished_name ]
countryName = Country Name (2 letter code)
countryName_value = {country}
countryName_min = 2
countryName_max = 2
stateOrProvinceName = State or Province Name (full name)
stateOrProvinceName_value = {state}
localityName = Locality Name (eg, city)
localityName_value = {city}
0.organizationName = Organization Name (eg, company)
0.organizationName_value = {company}
commonName = Common Name (eg, your name or your server's hostname)
commonName_max = 64
emailAddress = Email Address
emailAddress_value = {email}
emailAddress_max = 64

[ usr_cert ]
basicConstraints = CA:FALSE
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid,issuer

[ v3_ca ]
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always,issuer
basicConstraints = CA:true
)",
                     fmt::arg("dir", v.at("dir")), fmt::arg("country", v.at("country")), fmt::arg("state", v.at("state")),
                     fmt::arg("city", v.at("city")), fmt::arg("company", v.at("company")),
                     fmt::arg("email", v.at("email")));
}

std::string ca_service(const std::string& key, const std::string& cert, const std::string& openssl,
                       const std::string& conf, const std::string& requests) {
  auto q = [](const std::string& s) { return process::shell_quote(s); };
  return fmt::format(R"SH(#!/bin/sh
# The certificate authority of slapos.cookbook:certificate_authority (written by slap).
key={} cert={} openssl={} conf={} requests={}
# Keys and certificates are written under temporary names and renamed into place, the key
# first: a reader never sees half a file, and one killed midway is made again next round.
authority() {{
  [ -e "$key" ] && [ -e "$cert" ] && return 0
  rm -f "$key" "$cert"
  echo "Certificate Authority $(cat /proc/sys/kernel/random/uuid)" |
    "$openssl" req -utf8 -nodes -config "$conf" -new -sha256 -x509 -extensions v3_ca \
      -keyout "$key.tmp" -out "$cert.tmp" -days 10950 &&
    mv -f "$key.tmp" "$key" && mv -f "$cert.tmp" "$cert" ||
    {{ rm -f "$key" "$cert" "$key.tmp" "$cert.tmp"; return 1; }}
}}
value() {{ sed -n "s/^$1 *= *//p" "$2" | head -n 1; }}
sign() {{
  name=$(value name "$1") k=$(value key_file "$1") c=$(value certificate_file "$1")
  [ -e "$k" ] && [ -e "$c" ] && return 0
  rm -f "$k" "$c"
  if printf '%s\n' "$name" | "$openssl" req -config "$conf" -nodes -new -sha256 -keyout "$k.tmp" -out "$c.csr" -days 3650 &&
     "$openssl" ca -batch -config "$conf" -out "$c.tmp" -infiles "$c.csr" &&
     mv -f "$k.tmp" "$k" && mv -f "$c.tmp" "$c"; then
    echo "Created certificate '$name'"
  else
    rm -f "$k" "$c" "$k.tmp" "$c.tmp"
  fi
  rm -f "$c.csr"
}}
while :; do
  authority
  for request in "$requests"/*; do [ -f "$request" ] && sign "$request"; done
  sleep 60
done
)SH",
                     q(key), q(cert), q(openssl), q(conf), q(requests));
}

class Authority final : public Recipe {
 public:
  std::string dir, conf_text, wrapper, service;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    for (const char* f : {"crlnumber", "serial"})
      if (!fs::exists(path::join(dir, f))) SLAP_CHECK(fs::write_atomic(path::join(dir, f), "01", 0644));
    if (!fs::exists(path::join(dir, "index.txt"))) SLAP_CHECK(fs::write_atomic(path::join(dir, "index.txt"), "", 0644));
    std::string conf = path::join(dir, "openssl.cnf");
    log_line(ic, "write " + conf + " and " + wrapper);
    SLAP_CHECK(fs::write_atomic(conf, conf_text, 0600, false));
    SLAP_CHECK(fs::make_dirs(path::dirname(wrapper)));
    SLAP_CHECK(fs::write_atomic(wrapper, service, 0755, false));
    return std::vector<std::string>{wrapper};
  }
};

// Upstream's _checkCertificateKeyConsistency, with libcrypto instead of `openssl`.
Status check_pair(const std::string& key_pem, const std::string& cert_pem) {
  auto read = [](const std::string& pem) {
    return std::unique_ptr<BIO, decltype(&BIO_free)>(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
  };
  auto cert_bio = read(cert_pem);
  std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(cert_bio.get(), nullptr, nullptr, nullptr), X509_free);
  auto key_bio = read(key_pem);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      PEM_read_bio_PrivateKey(key_bio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
  bool ok = cert && key && X509_check_private_key(cert.get(), key.get()) == 1;
  ERR_clear_error();
  if (!cert) return fail(ErrorKind::recipe, "cert-content is not a PEM certificate");
  if (!key) return fail(ErrorKind::recipe, "key-content is not a PEM private key");
  if (!ok)
    return fail(ErrorKind::recipe, "The key and certificate provided don't patch each other. Please check your parameters");
  return {};
}

class Request final : public Recipe {
 public:
  std::string name, key, certificate, key_file, cert_file, request_file, wrapper, executable;
  std::string key_content, cert_content;

  Result<std::vector<std::string>> install(const InstallContext& ic) override {
    bool request_needed = key_content.empty() || cert_content.empty();
    if (!request_needed) {
      SLAP_CHECK(check_pair(key_content, cert_content));
      SLAP_CHECK(fs::write_atomic(key, key_content, 0600));
      SLAP_CHECK(fs::write_atomic(certificate, cert_content, 0644));
    } else {
      log_line(ic, "request " + request_file);
      SLAP_CHECK(fs::write_atomic(request_file, fmt::format("[certificate]\nname = {}\nkey_file = {}\ncertificate_file = {}\n\n",
                                                            name, key, certificate), 0644));
    }
    for (const auto& link : {key_file, cert_file}) {
      struct stat st {};
      if (::lstat(link.c_str(), &st) == 0) {
        if (!S_ISLNK(st.st_mode)) return fail(ErrorKind::recipe, fmt::format("'{}' file should be a symbolic link.", link));
        ::unlink(link.c_str());
      }
    }
    for (const auto& [link, target] : {std::pair{key_file, key}, std::pair{cert_file, certificate}})
      if (::symlink(target.c_str(), link.c_str()) != 0)
        return fail(ErrorKind::io, fmt::format("cannot link {} to {}: {}", link, target, std::strerror(errno)));
    std::vector<std::string> out{key_file, cert_file};
    if (request_needed) {
      SLAP_CHECK(write_exec_script(wrapper, {executable}, {certificate, key}));
      out.push_back(wrapper);
    }
    return out;
  }
};

}  // namespace

Result<std::unique_ptr<Recipe>> make_certificate_authority(profile::Resolver&, profile::Options& options, const Env&) {
  auto r = std::make_unique<Authority>();
  r->dir = SLAP_TRY(options.at("ca-dir"));
  std::map<std::string, std::string> v{{"dir", r->dir}};
  const std::tuple<const char*, const char*, const char*> fields[] = {
      {"country", "country-code", "XX"}, {"email", "email", "xx@example.com"},
      {"state", "state", "('State',)"},  // upstream's long-standing default, kept for existing CAs
      {"city", "city", "City"},          {"company", "company", "Company"}};
  for (const auto& [key, option, fallback] : fields) {
    auto value = SLAP_TRY(options.get(option));
    v[key] = value ? *value : fallback;
  }
  r->conf_text = openssl_config(v);
  std::string requests = SLAP_TRY(options.at("requests-directory"));
  SLAP_TRY(options.at("ca-certs"));
  SLAP_TRY(options.at("ca-newcerts"));
  r->wrapper = SLAP_TRY(options.at("wrapper"));
  r->service = ca_service(path::join(SLAP_TRY(options.at("ca-private")), "cakey.pem"), path::join(r->dir, "cacert.pem"),
                          SLAP_TRY(options.at("openssl-binary")), path::join(r->dir, "openssl.cnf"), requests);
  return std::unique_ptr<Recipe>(std::move(r));
}

Result<std::unique_ptr<Recipe>> make_certificate_authority_request(profile::Resolver&, profile::Options& options,
                                                                   const Env&) {
  auto r = std::make_unique<Request>();
  if (!options.has("name")) options.set("name", options.name());
  r->name = SLAP_TRY(options.at("name"));
  std::string hash = checksum::hex_digest(checksum::Algorithm::sha512, r->name);
  r->key = path::join(SLAP_TRY(options.at("ca-private")), hash + ".key");
  r->certificate = path::join(SLAP_TRY(options.at("ca-certs")), hash + ".crt");
  r->request_file = path::join(SLAP_TRY(options.at("requests-directory")), hash);
  r->key_file = SLAP_TRY(options.at("key-file"));
  r->cert_file = SLAP_TRY(options.at("cert-file"));
  r->key_content = SLAP_TRY(optional(options, "key-content"));
  r->cert_content = SLAP_TRY(optional(options, "cert-content"));
  if (r->key_content.empty() || r->cert_content.empty()) {
    r->wrapper = SLAP_TRY(options.at("wrapper"));
    r->executable = SLAP_TRY(options.at("executable"));
  }
  return std::unique_ptr<Recipe>(std::move(r));
}

}  // namespace slap::recipes
