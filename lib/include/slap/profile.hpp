// The buildout profile language: reading a profile and everything it extends into one
// raw, annotated configuration, exactly as zc.buildout 2.13.2 does (plus the slapos.buildout
// `${:_profile_base_location_}` extension). See spec/profile-language.md.
//
// Resolution (macros, `${section:option}`, part order) lives in slap/resolver.hpp.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <utility>
#include <vector>

#include "slap/error.hpp"

namespace slap::profile {

// ---- One file as written ----------------------------------------------------------------
// zc.buildout's configparser.parse: sections and options of one buildout file before any
// merging. Tools that rewrite files in place (update-hash, freeze) and readers of other
// buildout-syntax files (slapos.cfg, .installed.cfg) use it directly.

struct ParsedOption {
  std::string name;   // as written, with a trailing " +" / "-" for += / -=
  std::string value;  // after continuation joining and dedent
  std::uint32_t line = 0;
};

struct ParsedSection {
  std::string name;
  std::uint32_t line = 0;
  std::vector<ParsedOption> options;  // first-seen order; a repeated option replaces
};

struct ParsedFile {
  std::vector<ParsedSection> sections;  // first-seen order; repeated headers merge

  ParsedSection* find(std::string_view name);
  const ParsedSection* find(std::string_view name) const;
};

// `display_name` is used in messages and locations. Section conditions that the built-in
// evaluator refuses go to `python` when it is set.
Result<ParsedFile> parse(std::string_view text, const std::string& display_name,
                         const std::function<Result<bool>(std::string_view, const Location&)>& python = {});

// ---- Profiles ---------------------------------------------------------------------------

// Index into Profile::sources(); the first entries are buildout's pseudo sources.
enum SourceId : std::uint32_t {
  source_default = 0,   // DEFAULT_VALUE
  source_computed = 1,  // COMPUTED_VALUE
  source_command_line = 2,  // COMMAND_LINE_VALUE
  source_implicit = 3,  // IMPLICIT_VALUE (the "" a `+=` starts from)
  first_file_source = 4,
};

struct Origin {
  std::uint32_t source = source_default;
  std::uint32_t line = 0;  // 1-based line of the option in that file; 0 = none
};

enum class Op : std::uint8_t { set, add, remove, override_value, directory };

struct HistoryEntry {
  Op op;
  Origin origin;
};

struct HistoryNode {
  HistoryEntry entry;
  const HistoryNode* previous;  // null for the first entry
};

// Storage for the text and history of the keys of one profile: merging thousands of
// sections copies keys all the time, and a key that only points into the arena is copied
// without allocating. Nothing is freed before the arena itself (it only grows while a
// profile is loaded and resolved). Addresses are stable.
class Arena {
 public:
  Arena() = default;
  Arena(const Arena&) = delete;
  Arena& operator=(const Arena&) = delete;

  std::string_view store(std::string_view text);
  const HistoryNode* record(HistoryEntry entry, const HistoryNode* previous);

 private:
  char* allocate(std::size_t size, std::size_t align);
  std::vector<std::unique_ptr<char[]>> blocks_;
  char* next_ = nullptr;
  std::size_t left_ = 0;
};

// One option with the history of how files set, extended and overrode it. The value and
// the history live in an Arena that outlives the key.
class Key {
 public:
  Key(Arena& arena, std::string_view value, Origin origin)
      : value_(arena.store(value)), last_(arena.record({Op::set, origin}, nullptr)) {}

  std::string_view value() const { return value_; }
  const Origin& origin() const { return last_->entry.origin; }
  Op last_op() const { return last_->entry.op; }
  // Oldest first.
  std::vector<HistoryEntry> history() const;

  void set_value(Arena& arena, std::string_view value) { value_ = arena.store(value); }
  // Takes the value of a key of the same arena.
  void share_value(const Key& other) { value_ = other.value_; }
  void record(Arena& arena, Op op, Origin origin) { last_ = arena.record({op, origin}, last_); }

 private:
  std::string_view value_;
  const HistoryNode* last_;
};

// A section's keys, sorted by name (the order zc.buildout iterates them in). A sorted
// vector rather than a tree: while profiles merge, sections are copied and walked far more
// often than keys are added, and a copy is then one allocation.
class Section {
 public:
  using value_type = std::pair<std::string, Key>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  Section() = default;
  // Keys in any order, names unique.
  explicit Section(std::vector<value_type> keys);

  iterator begin() { return items_.begin(); }
  iterator end() { return items_.end(); }
  const_iterator begin() const { return items_.begin(); }
  const_iterator end() const { return items_.end(); }
  std::size_t size() const { return items_.size(); }
  bool empty() const { return items_.empty(); }

  iterator find(std::string_view name);
  const_iterator find(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != end(); }
  // The key named `name`; std::out_of_range when there is none.
  Key& at(std::string_view name);
  const Key& at(std::string_view name) const;

  // Adds the key unless the name is taken; the bool says whether it was added.
  std::pair<iterator, bool> try_emplace(std::string_view name, const Key& key);
  void insert_or_assign(std::string_view name, const Key& key);
  void erase(std::string_view name);
  // Adds keys whose names are not in the section yet, sorted by name.
  void add_sorted(std::vector<value_type> keys);

 private:
  iterator lower_bound(std::string_view name);
  std::vector<value_type> items_;
};

// Sections in first-seen order (zc.buildout iterates a dict), shared copy-on-write: a
// profile extended by a hundred others is merged without copying its sections each time.
class Config {
 public:
  const Section* find(std::string_view name) const;
  bool contains(std::string_view name) const { return find(name) != nullptr; }
  // Mutable access; copies the section first if it is shared.
  Section& edit(const std::string& name);
  void put(const std::string& name, std::shared_ptr<const Section> section);
  std::shared_ptr<const Section> shared(std::string_view name) const;
  // Gives up this Config's reference to the section, leaving a null entry: only for a
  // Config about to be dropped.
  std::shared_ptr<const Section> release(std::string_view name);
  const std::vector<std::string>& names() const { return order_; }
  std::size_t size() const { return order_.size(); }

  // Sections whose values still hold `${:_profile_base_location_}` markers while files
  // are being merged (see lib/src/profile/base_location.hpp).
  void mark(const std::string& name) { marked_.insert(name); }
  const std::unordered_set<std::string>& marked() const { return marked_; }

 private:
  struct NameHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::vector<std::string> order_;
  std::unordered_map<std::string, std::shared_ptr<const Section>, NameHash, std::equal_to<>> map_;
  std::unordered_set<std::string> marked_;
};

// Base `section` on `base`, applying `+=` / `-=` keys of `section` (zc.buildout's
// _update_section). `base` is modified.
void update_section(Arena& arena, Section& base, const Section& section);
// Merge `other` into `base` section by section (zc.buildout's _update). The rvalue form
// takes `other`'s sections instead of sharing them.
void update_config(Arena& arena, Config& base, const Config& other);
void update_config(Arena& arena, Config& base, Config&& other);

struct OptionOverride {
  std::string section;
  std::string option;
  std::string value;
};

// Reads a remote profile (http/https). Returns the text or an error; a later issue backs
// this with libcurl, tests with a map.
using UrlReader = std::function<Result<std::string>(const std::string& url)>;
// Evaluates a section condition `[name:EXPR]` in Python (python::eval_section_condition).
using ConditionEvaluator = std::function<Result<bool>(std::string_view expression, const Location& where)>;

struct LoadOptions {
  std::string profile;  // path (relative to cwd) or URL
  std::string cwd;      // current directory, absolute
  std::string home;     // for `~` in cache directories; empty = no expansion
  std::vector<OptionOverride> overrides;  // `section:option=value` arguments
  // [buildout] executable default: the Python interpreter egg-style recipes run with.
  std::string executable;
  UrlReader read_url;   // null: remote extends are an error
  // Asked for the section conditions the built-in evaluator refuses (zc.buildout evaluates
  // every one with Python's eval); null: those are errors.
  ConditionEvaluator python_conditions;
};

class Profile {
 public:
  // The merged raw configuration (zc.buildout's Buildout._raw), with the history of every
  // key. bin-, parts-, eggs- and develop-eggs-directory are already absolute.
  const Config& config() const { return config_; }
  const std::vector<std::string>& sources() const { return sources_; }
  std::string source_name(std::uint32_t id) const;
  // "file:line" (or the pseudo source name) for humans.
  std::string describe(const Origin& o) const;
  const std::string& root() const { return root_; }
  std::size_t files_read() const { return files_read_; }
  // Where the keys of config() live; keys derived from them (macros) go there too.
  Arena& arena() const { return *arena_; }

 private:
  friend class Loader;
  std::unique_ptr<Arena> arena_ = std::make_unique<Arena>();
  Config config_;
  std::vector<std::string> sources_;
  std::string root_;
  std::size_t files_read_ = 0;
};

// Reads `opts.profile` and its extends closure (each file parsed once), merges it onto
// buildout's defaults and the command-line overrides.
// Errors are ErrorKind::input with cls set to the buildout error class
// (ParsingError, MissingSectionHeaderError, UserError, FileNotFoundError, ...).
Result<Profile> load(const LoadOptions& opts);

// Parses `section:option=value` / `option=value` (= buildout:option). Returns nullopt-like
// error when there is no '='.
Result<OptionOverride> parse_override(std::string_view arg);

}  // namespace slap::profile
