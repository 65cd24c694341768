// Where distributions come from: buildout's `find-links` (local directories, files, and
// pages whose links name distribution files) and `index` (a PEP 503 "simple" index, one
// page per project). Remote pages and files go through slap's fetcher (cached, verified
// against the #sha256=/#md5= fragment of their link).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "recipes/egg/version.hpp"
#include "slap/context.hpp"
#include "slap/fetch.hpp"

namespace slap::recipes::egg {

enum class PackageKind { sdist, egg, wheel };

// A distribution file that may be installed.
struct Candidate {
  std::string project;  // as spelled in the file name
  std::string key;      // canonical
  Version version;
  PackageKind kind = PackageKind::sdist;
  std::string url;      // URL or absolute local path
  std::string filename;
  std::optional<fetch::Checksum> checksum;  // from the link's fragment
  std::vector<std::string> tags;            // wheels: every "py-abi-platform" tag it carries
  std::string py_version;                   // eggs: "3.11"
};

// Interprets one file name for the project `key` (sdists split NAME-VERSION at any dash,
// as setuptools does, and keep the split whose name is the project's).
std::optional<Candidate> parse_package_file(std::string_view filename, std::string_view key);

// The href targets of an HTML page, resolved against `base_url` (a URL or a directory).
std::vector<std::string> html_links(std::string_view html, std::string_view base_url);

// fnmatch() of a host against buildout's allow-hosts patterns ("*.python.org").
bool host_allowed(std::string_view url, const std::vector<std::string>& patterns);

class Finder {
 public:
  struct Options {
    std::vector<std::string> find_links;
    std::string index;                     // "" = no index
    std::vector<std::string> allow_hosts;  // empty = all
    std::string base_dir;                  // relative local paths are relative to it
  };
  Finder(Options options, fetch::Fetcher* fetcher, const Context* ctx);

  // Files for project `key` from the find-links and, when `use_index`, the index page.
  std::vector<Candidate> find(const std::string& key, bool use_index);
  // Pages that could not be read (reported with "not found" errors).
  const std::vector<std::string>& problems() const { return problems_; }

 private:
  std::vector<std::string> links_of(const std::string& location);
  void add_links(const std::vector<std::string>& links, const std::string& key, std::vector<Candidate>& out);

  Options options_;
  fetch::Fetcher* fetcher_;
  const Context* ctx_;
  std::vector<std::string> problems_;
};

}  // namespace slap::recipes::egg
