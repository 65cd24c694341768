#include "recipes/egg/finder.hpp"

#include <fmt/format.h>
#include <fnmatch.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <mutex>

#include "recipes/egg/requirement.hpp"
#include "slap/fs.hpp"
#include "slap/paths.hpp"
#include "slap/strings.hpp"

namespace slap::recipes::egg {

namespace {

const std::pair<std::string_view, PackageKind> extensions[] = {
    {".tar.gz", PackageKind::sdist}, {".tgz", PackageKind::sdist},  {".tar.bz2", PackageKind::sdist},
    {".tbz", PackageKind::sdist},    {".tar.xz", PackageKind::sdist}, {".txz", PackageKind::sdist},
    {".tar", PackageKind::sdist},    {".zip", PackageKind::sdist},  {".whl", PackageKind::wheel},
    {".egg", PackageKind::egg},
};

std::vector<std::string> expand_tags(std::string_view py, std::string_view abi, std::string_view plat) {
  std::vector<std::string> out;
  for (const auto& p : str::split(py, "."))
    for (const auto& a : str::split(abi, "."))
      for (const auto& l : str::split(plat, ".")) out.push_back(p + "-" + a + "-" + l);
  return out;
}

std::string unescape_html(std::string_view s) {
  std::string out(s);
  for (auto [from, to] : {std::pair{"&amp;", "&"}, {"&#38;", "&"}, {"&quot;", "\""}, {"&#x27;", "'"}, {"&#39;", "'"}})
    out = str::replace_all(out, from, to);
  return out;
}

std::string url_path_basename(std::string_view url) {
  std::string_view u = url.substr(0, std::min(url.find('#'), url.find('?')));
  return path::basename(u);
}

// Pages read once per process: several parts look up the same index pages.
std::mutex page_mutex;
std::map<std::string, std::vector<std::string>>& page_cache() {
  static std::map<std::string, std::vector<std::string>> cache;
  return cache;
}

bool is_file_url(std::string_view s) { return str::starts_with(str::to_lower(s.substr(0, 7)), "file://"); }

// Removes "." and ".." path segments (RFC 3986 5.2.4) after the scheme and host.
std::string remove_dot_segments(const std::string& url) {
  auto scheme = url.find("://");
  std::size_t start = scheme == std::string::npos ? 0 : url.find('/', scheme + 3);
  if (start == std::string::npos) return url;
  std::size_t end = std::min(url.find('?', start), url.find('#', start));
  std::string path = url.substr(start, end == std::string::npos ? std::string::npos : end - start);
  std::vector<std::string> out;
  auto segments = str::split(path.substr(1), "/");
  for (std::size_t i = 0; i < segments.size(); ++i) {
    bool last = i + 1 == segments.size();
    if (segments[i] == ".") {
      if (last) out.emplace_back();
    } else if (segments[i] == "..") {
      if (!out.empty()) out.pop_back();
      if (last) out.emplace_back();
    } else {
      out.push_back(segments[i]);
    }
  }
  return url.substr(0, start) + "/" + str::join(out, "/") + (end == std::string::npos ? "" : url.substr(end));
}

}  // namespace

std::optional<Candidate> parse_package_file(std::string_view filename, std::string_view key) {
  Candidate c;
  std::string lower = str::to_lower(filename);
  std::string_view base;
  bool known = false;
  for (const auto& [ext, kind] : extensions) {
    if (!lower.ends_with(ext)) continue;
    base = filename.substr(0, filename.size() - ext.size());
    c.kind = kind;
    known = true;
    break;
  }
  if (!known) return std::nullopt;
  c.filename = std::string(filename);
  auto parts = str::split(base, "-");
  if (c.kind == PackageKind::wheel) {
    if (parts.size() != 5 && parts.size() != 6) return std::nullopt;
    c.project = parts[0];
    c.version = Version::parse(parts[1]);
    std::size_t n = parts.size();
    c.tags = expand_tags(parts[n - 3], parts[n - 2], parts[n - 1]);
  } else if (c.kind == PackageKind::egg) {
    if (parts.size() < 2) return std::nullopt;
    c.project = parts[0];
    c.version = Version::parse(str::replace_all(parts[1], "_", "-"));
    if (parts.size() >= 3 && parts[2].starts_with("py")) c.py_version = parts[2].substr(2);
  } else {
    bool found = false;
    for (std::size_t p = base.find('-'); p != std::string_view::npos; p = base.find('-', p + 1)) {
      std::string_view name = base.substr(0, p), version = base.substr(p + 1);
      if (version.empty() || canonical_name(name) != key) continue;
      c.project = std::string(name);
      c.version = Version::parse(version);
      found = true;
      break;
    }
    if (!found) return std::nullopt;
  }
  c.key = canonical_name(c.project);
  if (c.key != key) return std::nullopt;
  return c;
}

std::vector<std::string> html_links(std::string_view html, std::string_view base_url) {
  std::vector<std::string> out;
  std::string lower = str::to_lower(html);
  std::string base(base_url);
  std::string dir = base.ends_with('/') ? base : base.substr(0, base.rfind('/') + 1);
  std::string origin;
  if (auto scheme = base.find("://"); scheme != std::string::npos)
    origin = base.substr(0, base.find('/', scheme + 3) == std::string::npos ? base.size() : base.find('/', scheme + 3));
  for (std::size_t pos = lower.find("href"); pos != std::string::npos; pos = lower.find("href", pos + 4)) {
    std::size_t i = pos + 4;
    while (i < lower.size() && str::is_space(lower[i])) ++i;
    if (i >= lower.size() || lower[i] != '=') continue;
    ++i;
    while (i < lower.size() && str::is_space(lower[i])) ++i;
    if (i >= lower.size()) break;
    std::size_t end;
    if (lower[i] == '"' || lower[i] == '\'') {
      end = lower.find(lower[i], i + 1);
      ++i;
    } else {
      end = lower.find_first_of(" \t\r\n>", i);
    }
    if (end == std::string::npos) break;
    std::string href = unescape_html(html.substr(i, end - i));
    if (href.empty() || href.starts_with('#')) continue;
    if (path::is_url(href)) out.push_back(href);
    else if (href.starts_with('/') && !origin.empty()) out.push_back(remove_dot_segments(origin + href));
    else if (href.starts_with('/')) out.push_back(href);
    else out.push_back(remove_dot_segments(dir + href));
  }
  return out;
}

bool host_allowed(std::string_view url, const std::vector<std::string>& patterns) {
  if (patterns.empty() || !path::is_url(url) || is_file_url(url)) return true;
  auto start = url.find("://") + 3;
  std::string host(url.substr(start, url.find_first_of("/:?#", start) - start));
  for (const auto& p : patterns)
    if (::fnmatch(p.c_str(), host.c_str(), FNM_CASEFOLD) == 0) return true;
  return false;
}

Finder::Finder(Options options, fetch::Fetcher* fetcher, const Context* ctx)
    : options_(std::move(options)), fetcher_(fetcher), ctx_(ctx) {}

std::vector<std::string> Finder::links_of(const std::string& location) {
  std::string local = is_file_url(location) ? location.substr(7) : location;
  if (!path::is_url(local)) {
    std::string dir = path::is_abs(local) ? local : path::join(options_.base_dir, local);
    std::vector<std::string> files;
    // As setuptools reads a local directory: its index.html when there is one.
    if (auto html = fs::read_file(path::join(dir, "index.html")); html && fs::is_dir(dir))
      return html_links(*html, path::join(dir, ""));
    if (fs::is_dir(dir)) {
      std::error_code ec;
      for (const auto& e : std::filesystem::directory_iterator(dir, ec)) files.push_back(e.path().string());
      std::sort(files.begin(), files.end());
    } else if (fs::exists(dir)) {
      files.push_back(dir);
    }
    return files;
  }
  {
    std::lock_guard lock(page_mutex);
    if (auto it = page_cache().find(location); it != page_cache().end()) return it->second;
  }
  if (!fetcher_) return {};
  auto text = fetcher_->read_text(location);
  if (!text) {
    problems_.push_back(fmt::format("{}: {}", location, text.error().message));
    if (ctx_) ctx_->debug(fmt::format("cannot read {}: {}", location, text.error().message));
    return {};
  }
  auto links = html_links(*text, location);
  std::lock_guard lock(page_mutex);
  page_cache()[location] = links;
  return links;
}

void Finder::add_links(const std::vector<std::string>& links, const std::string& key, std::vector<Candidate>& out) {
  for (const auto& link : links) {
    if (!host_allowed(link, options_.allow_hosts)) continue;
    auto c = parse_package_file(url_path_basename(link), key);
    if (!c) continue;
    std::string url = link;
    if (auto hash = url.find('#'); hash != std::string::npos) {
      std::string fragment = url.substr(hash + 1);
      url.resize(hash);
      for (const char* algo : {"sha256=", "sha512=", "md5="}) {
        if (!fragment.starts_with(algo)) continue;
        std::string hex = fragment.substr(std::string_view(algo).size());
        std::string spelled = std::string_view(algo) == "md5=" ? hex : std::string(algo, std::string_view(algo).size() - 1) + ":" + hex;
        if (auto sum = fetch::parse_checksum(spelled)) c->checksum = *sum;
      }
    }
    c->url = is_file_url(url) ? url.substr(7) : url;
    out.push_back(std::move(*c));
  }
}

std::vector<Candidate> Finder::find(const std::string& key, bool use_index) {
  std::vector<Candidate> out;
  for (const auto& fl : options_.find_links) {
    std::string base = url_path_basename(fl);
    if (path::is_url(fl) && !is_file_url(fl) && parse_package_file(base, key)) {
      add_links({fl}, key, out);
      continue;
    }
    add_links(links_of(fl), key, out);
  }
  if (use_index && !options_.index.empty()) {
    std::string page = std::string(str::rstrip_chars(options_.index, "/")) + "/" + key + "/";
    add_links(links_of(page), key, out);
  }
  return out;
}

}  // namespace slap::recipes::egg
