#include "recipes/egg/version.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <regex>

#include "slap/strings.hpp"

namespace slap::recipes::egg {

namespace {

// packaging's VERSION_PATTERN, case-insensitive, anchored.
const std::regex& version_pattern() {
  static const std::regex re(
      R"(^v?(?:([0-9]+)!)?([0-9]+(?:\.[0-9]+)*))"
      R"((?:[-_.]?(alpha|a|beta|b|preview|pre|c|rc)[-_.]?([0-9]+)?)?)"
      R"((?:(?:-([0-9]+))|(?:[-_.]?(post|rev|r)[-_.]?([0-9]+)?))?)"
      R"((?:[-_.]?(dev)[-_.]?([0-9]+)?)?)"
      R"((?:\+([a-z0-9]+(?:[-_.][a-z0-9]+)*))?$)",
      std::regex::icase | std::regex::optimize);
  return re;
}

long number(const std::ssub_match& m) { return m.matched ? std::stol(m.str()) : 0; }

bool all_digits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// A run of more digits than a long holds: such a version is compared as legacy text
// rather than read into numbers (packaging's are unbounded).
bool has_huge_number(std::string_view s) {
  std::size_t run = 0;
  for (char c : s) {
    run = (c >= '0' && c <= '9') ? run + 1 : 0;
    if (run > 18) return true;
  }
  return false;
}

// -1: "negative infinity" slot, +1: "positive infinity", 0: a real value follows.
struct Slot {
  int inf = 0;
  long value = 0;
  auto operator<=>(const Slot&) const = default;
};

std::strong_ordering compare_local(const std::vector<std::string>& a, const std::vector<std::string>& b) {
  for (std::size_t i = 0; i < a.size() && i < b.size(); ++i) {
    bool na = all_digits(a[i]), nb = all_digits(b[i]);
    if (na != nb) return na ? std::strong_ordering::greater : std::strong_ordering::less;
    if (na) {
      long x = std::stol(a[i]), y = std::stol(b[i]);
      if (x != y) return x <=> y;
    } else if (auto c = a[i].compare(b[i]); c != 0) {
      return c <=> 0;
    }
  }
  return a.size() <=> b.size();
}

}  // namespace

Version Version::parse(std::string_view text) {
  Version v;
  v.text_ = std::string(str::strip(text));
  std::smatch m;
  if (has_huge_number(v.text_) || !std::regex_match(v.text_, m, version_pattern())) {
    v.legacy_ = true;
    return v;
  }
  v.epoch_ = number(m[1]);
  for (const auto& part : str::split(m[2].str(), ".")) v.release_.push_back(std::stol(part));
  if (m[3].matched) {
    std::string l = str::to_lower(m[3].str());
    v.pre_letter_ = (l == "alpha" || l == "a") ? 'a' : (l == "beta" || l == "b") ? 'b' : 'c';
    v.pre_number_ = number(m[4]);
  }
  if (m[5].matched) v.post_ = number(m[5]);
  else if (m[6].matched) v.post_ = number(m[7]);
  if (m[8].matched) v.dev_ = number(m[9]);
  if (m[10].matched)
    for (auto& seg : str::split(str::replace_all(str::replace_all(str::to_lower(m[10].str()), "-", "."), "_", "."), "."))
      v.local_.push_back(all_digits(seg) ? std::to_string(std::stol(seg)) : seg);
  return v;
}

std::string Version::normalized() const {
  if (legacy_) return text_;
  std::string out;
  if (epoch_) out += fmt::format("{}!", epoch_);
  for (std::size_t i = 0; i < release_.size(); ++i) out += (i ? "." : "") + std::to_string(release_[i]);
  if (pre_letter_) out += fmt::format("{}{}", pre_letter_ == 'c' ? "rc" : std::string(1, pre_letter_), pre_number_);
  if (post_) out += fmt::format(".post{}", *post_);
  if (dev_) out += fmt::format(".dev{}", *dev_);
  if (!local_.empty()) out += "+" + str::join(local_, ".");
  return out;
}

Version Version::public_version() const {
  Version v = *this;
  v.local_.clear();
  if (!legacy_) v.text_ = v.normalized();
  return v;
}

Version Version::base_version() const {
  if (legacy_) return *this;
  Version v;
  v.epoch_ = epoch_;
  v.release_ = release_;
  v.text_ = v.normalized();
  return v;
}

std::strong_ordering Version::operator<=>(const Version& o) const {
  if (legacy_ || o.legacy_) {
    if (legacy_ != o.legacy_) return legacy_ ? std::strong_ordering::less : std::strong_ordering::greater;
    return text_.compare(o.text_) <=> 0;
  }
  if (auto c = epoch_ <=> o.epoch_; c != 0) return c;
  auto trimmed = [](std::vector<long> r) {
    while (!r.empty() && r.back() == 0) r.pop_back();
    return r;
  };
  if (auto c = trimmed(release_) <=> trimmed(o.release_); c != 0) return c;
  auto pre_key = [](const Version& v) {
    if (!v.pre_letter_ && !v.post_ && v.dev_) return std::pair<Slot, long>{{-1, 0}, 0};
    if (!v.pre_letter_) return std::pair<Slot, long>{{1, 0}, 0};
    return std::pair<Slot, long>{{0, v.pre_letter_}, v.pre_number_};
  };
  if (auto c = pre_key(*this) <=> pre_key(o); c != 0) return c;
  auto post_key = [](const Version& v) { return v.post_ ? Slot{0, *v.post_} : Slot{-1, 0}; };
  if (auto c = post_key(*this) <=> post_key(o); c != 0) return c;
  auto dev_key = [](const Version& v) { return v.dev_ ? Slot{0, *v.dev_} : Slot{1, 0}; };
  if (auto c = dev_key(*this) <=> dev_key(o); c != 0) return c;
  if (local_.empty() != o.local_.empty()) return local_.empty() ? std::strong_ordering::less : std::strong_ordering::greater;
  return compare_local(local_, o.local_);
}

Result<Specifier> Specifier::parse(std::string_view text) {
  std::string_view t = str::strip(text);
  static const char* ops[] = {"===", "~=", "==", "!=", "<=", ">=", "<", ">"};
  for (const char* op : ops) {
    if (!t.starts_with(op)) continue;
    std::string version(str::strip(t.substr(std::string_view(op).size())));
    if (version.empty()) break;
    return Specifier{op, version};
  }
  return fail(ErrorKind::input, fmt::format("invalid version specifier '{}'", t));
}

namespace {

// `==V.*`: the candidate's public version starts with V's release segments (zero-padded).
bool prefix_match(const Version& candidate, std::string_view prefix_text) {
  Version prefix = Version::parse(prefix_text);
  Version pub = candidate.public_version();
  if (prefix.legacy() || pub.legacy()) return str::starts_with(pub.text(), prefix_text);
  if (prefix != prefix.base_version()) return str::starts_with(pub.normalized(), prefix.normalized());
  if (pub.epoch() != prefix.epoch()) return false;
  std::vector<long> release = pub.release();
  release.resize(std::max(release.size(), prefix.release().size()), 0);
  return std::equal(prefix.release().begin(), prefix.release().end(), release.begin());
}

}  // namespace

bool Specifier::contains(const Version& candidate) const {
  if (op == "===") return str::to_lower(candidate.text()) == str::to_lower(version);
  if (op == "==" || op == "!=") {
    bool equal;
    if (version.ends_with(".*")) {
      equal = prefix_match(candidate, std::string_view(version).substr(0, version.size() - 2));
    } else {
      Version spec = Version::parse(version);
      equal = spec.has_local() ? candidate == spec : candidate.public_version() == spec;
      if (candidate.legacy() || spec.legacy()) equal = candidate.text() == spec.text();
    }
    return op == "==" ? equal : !equal;
  }
  Version spec = Version::parse(version);
  if (candidate.legacy() || spec.legacy()) return false;
  Version pub = candidate.public_version();
  if (op == "<=") return pub <= spec;
  if (op == ">=") return pub >= spec;
  if (op == "<") {
    if (!(candidate < spec)) return false;
    return spec.is_prerelease() || !candidate.is_prerelease() || candidate.base_version() != spec.base_version();
  }
  if (op == ">") {
    if (!(candidate > spec)) return false;
    if (!spec.is_postrelease() && candidate.is_postrelease() && candidate.base_version() == spec.base_version())
      return false;
    return !(candidate.has_local() && candidate.base_version() == spec.base_version());
  }
  // ~=V: >=V and ==P.* where P is V's release without its last segment.
  if (spec.release().size() < 2) return false;
  std::vector<std::string> prefix;
  for (std::size_t i = 0; i + 1 < spec.release().size(); ++i) prefix.push_back(std::to_string(spec.release()[i]));
  std::string p = str::join(prefix, ".");
  if (spec.epoch()) p = std::to_string(spec.epoch()) + "!" + p;
  return pub >= spec && prefix_match(candidate, p);
}

Result<SpecifierSet> SpecifierSet::parse(std::string_view text) {
  SpecifierSet set;
  for (const auto& part : str::split(text, ",")) {
    if (str::strip(part).empty()) continue;
    set.clauses.push_back(SLAP_TRY(Specifier::parse(part)));
  }
  return set;
}

bool SpecifierSet::contains(const Version& candidate) const {
  return std::all_of(clauses.begin(), clauses.end(), [&](const Specifier& s) { return s.contains(candidate); });
}

std::string SpecifierSet::str() const {
  std::vector<std::string> parts;
  for (const auto& c : clauses) parts.push_back(c.str());
  return str::join(parts, ",");
}

std::optional<std::string> SpecifierSet::pinned() const {
  if (clauses.size() != 1 || clauses[0].op != "==" || clauses[0].version.ends_with(".*")) return std::nullopt;
  return clauses[0].version;
}

}  // namespace slap::recipes::egg
