// Python distribution versions (PEP 440) and version specifiers, with the semantics of
// the `packaging` library that pkg_resources and pip use: ordering, normalisation,
// pre-releases, local versions, `==1.*`, `~=`, exclusive `<`/`>`.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "slap/error.hpp"

namespace slap::recipes::egg {

class Version {
 public:
  // A PEP 440 version; text that is not one becomes a "legacy" version that sorts before
  // every PEP 440 version and compares by its text (as old setuptools did).
  static Version parse(std::string_view text);

  bool legacy() const { return legacy_; }
  // pre-release or development release (1.0a1, 1.0.dev0)
  bool is_prerelease() const { return pre_letter_ != 0 || dev_.has_value(); }
  bool is_postrelease() const { return post_.has_value(); }
  bool has_local() const { return !local_.empty(); }
  long epoch() const { return epoch_; }
  const std::vector<long>& release() const { return release_; }
  // The canonical spelling: "1.0rc1", "2.0.post1", "1.0+ubuntu.1" (str(Version) in packaging).
  std::string normalized() const;
  // Without the local label (1.0+abc -> 1.0).
  Version public_version() const;
  // Epoch and release only (1.0rc1.post2 -> 1.0).
  Version base_version() const;
  const std::string& text() const { return text_; }

  std::strong_ordering operator<=>(const Version& other) const;
  bool operator==(const Version& other) const { return (*this <=> other) == 0; }

 private:
  std::string text_;
  bool legacy_ = false;
  long epoch_ = 0;
  std::vector<long> release_;
  char pre_letter_ = 0;  // 'a', 'b' or 'c' (rc); 0: none
  long pre_number_ = 0;
  std::optional<long> post_, dev_;
  std::vector<std::string> local_;  // lower-case segments
};

// One clause: `>=1.0`, `==2.*`, `~=1.4.2`, `!=1.3`, `===foo`.
struct Specifier {
  std::string op;       // "==", "!=", "<=", ">=", "<", ">", "~=", "==="
  std::string version;  // as written (with ".*" for prefix matches)

  static Result<Specifier> parse(std::string_view text);
  bool contains(const Version& candidate) const;
  std::string str() const { return op + version; }
};

// A comma-separated set of clauses; empty contains everything. Pre-releases are allowed
// (pkg_resources' `dist in requirement`); preferring final releases is the caller's job.
struct SpecifierSet {
  std::vector<Specifier> clauses;

  static Result<SpecifierSet> parse(std::string_view text);
  bool contains(const Version& candidate) const;
  bool empty() const { return clauses.empty(); }
  // "==1.0,>=0.9" (clauses in their written order).
  std::string str() const;
  // The version when the set is exactly one `==V` clause without wildcard.
  std::optional<std::string> pinned() const;
};

}  // namespace slap::recipes::egg
