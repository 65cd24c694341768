// zc.buildout's Options: macro expansion, lazy substitution, part registration.
#include "slap/resolver.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <set>

#include "slap/paths.hpp"
#include "slap/profile.hpp"
#include "slap/strings.hpp"
#include "slap/typed.hpp"

namespace slap::profile {

namespace {

Error user_error(std::string cls, std::string message) {
  return Error(ErrorKind::input, std::move(message)).with_class(std::move(cls));
}

// Every character in [-a-zA-Z0-9 ._] (the empty string qualifies).
bool name_chars(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ' ' || c == '.' || c == '_';
  });
}

// [-a-zA-Z0-9 ._]+$ (Python's `$` also matches before one trailing newline).
bool simple_name(std::string_view s) {
  if (s.ends_with('\n')) s.remove_suffix(1);
  return !s.empty() && name_chars(s);
}

// How many substitutions may wait on one another (${a:x} whose value names ${b:y}...),
// or sections initialise one another.
constexpr std::size_t max_substitution_depth = 1000;
// How many macros (<=) may extend one another: each level copies the options of those
// below it, and real profiles nest two or three.
constexpr std::size_t max_macro_depth = 100;

std::string seen_chain(const Seen& seen, const OptionRef& again) {
  std::string out;
  for (const auto& r : seen) out += fmt::format("{}:{} -> ", r.section, r.option);
  return out + fmt::format("{}:{}", again.section, again.option);
}

}  // namespace

Options::Options(Resolver& resolver, std::string name, const Section* raw)
    : resolver_(resolver), name_(std::move(name)), raw_(raw) {}

const Key* Options::raw_key(const std::string& option) const {
  auto it = raw_->find(option);
  return it == raw_->end() ? nullptr : &it->second;
}

bool Options::has(const std::string& option) const {
  return !erased_.contains(option) && (raw_->contains(option) || data_.contains(option));
}

bool Options::erase(const std::string& option) {
  if (!has(option)) return false;
  erased_.insert(option);
  data_.erase(option);
  cooked_.erase(option);
  std::erase(set_order_, option);
  return true;
}

bool Options::accessed(const std::string& option) const {
  return data_.contains(option) || cooked_.contains(option);
}

std::vector<std::string> Options::keys() const {
  std::vector<std::string> out;
  out.reserve(raw_->size() + set_order_.size());
  for (const auto& kv : *raw_)
    if (!erased_.contains(kv.first)) out.push_back(kv.first);
  for (const auto& k : set_order_)
    if (!raw_->contains(k)) out.push_back(k);
  return out;
}

void Options::set(const std::string& option, std::string value) {
  if (!raw_->contains(option) && !data_.contains(option) &&
      std::find(set_order_.begin(), set_order_.end(), option) == set_order_.end())
    set_order_.push_back(option);
  erased_.erase(option);
  data_[option] = std::move(value);
}

Result<std::optional<std::string>> Options::get(const std::string& option, Seen* seen) {
  if (auto it = data_.find(option); it != data_.end()) return it->second;
  if (erased_.contains(option)) return std::nullopt;
  std::string value;
  if (auto it = cooked_.find(option); it != cooked_.end()) {
    value = it->second;
  } else if (const Key* key = raw_key(option)) {
    value = key->value();
  } else {
    return std::nullopt;
  }
  if (value.find("${") != std::string::npos) {
    OptionRef ref{name_, option};
    Seen local;
    if (!seen) {
      seen = &local;
    } else if (std::find(seen->begin(), seen->end(), ref) != seen->end()) {
      return fail(located(user_error("UserError", fmt::format("circular reference in substitutions: {}",
                                                              seen_chain(*seen, ref))),
                          option));
    } else if (seen->size() >= max_substitution_depth) {
      // zc.buildout's recursion gives out long before; here each level costs stack.
      return fail(located(user_error("UserError", fmt::format("substitutions nested more than {} deep: {}:{} -> ... -> {}:{}",
                                                              max_substitution_depth, seen->front().section,
                                                              seen->front().option, ref.section, ref.option)),
                          option));
    }
    seen->push_back(ref);
    value = SLAP_TRY(substitute(value, *seen));
    seen->pop_back();
  }
  data_[option] = value;
  return value;
}

Result<std::string> Options::at(const std::string& option) {
  auto value = SLAP_TRY(get(option));
  if (!value)
    return fail(user_error("MissingOption", fmt::format("Missing option: {}:{}", name_, option)).about(name_ + ":" + option));
  return std::move(*value);
}

Result<std::map<std::string, std::string>> Options::values() {
  std::map<std::string, std::string> out;
  for (const auto& k : keys()) out.emplace(k, SLAP_TRY(at(k)));
  return out;
}

Error Options::located(Error e, const std::string& option) const {
  if (!e.where.file.empty()) return e;
  if (const Key* key = raw_key(option); key && key->origin().source >= first_file_source) {
    e.where.file = resolver_.profile().source_name(key->origin().source);
    e.where.line = static_cast<int>(key->origin().line);
    e.where.column = 1;
  }
  return e;
}

// Splits on `$$` (kept as is) and substitutes each piece.
Result<std::string> Options::substitute(const std::string& value, Seen& seen) {
  if (value.find("$$") == std::string::npos) return substitute_piece(value, seen);
  std::string out;
  bool first = true;
  for (const auto& piece : str::split(value, "$$")) {
    if (!first) out += "$$";
    first = false;
    out += SLAP_TRY(substitute_piece(piece, seen));
  }
  return out;
}

Result<std::string> Options::substitute_piece(std::string_view text, Seen& seen) {
  std::string out;
  std::size_t pos = 0;
  while (true) {
    std::size_t open = text.find("${", pos);
    std::size_t close = open == std::string_view::npos ? open : text.find('}', open + 2);
    if (close == std::string_view::npos) {
      out.append(text.substr(pos));
      return out;
    }
    out.append(text.substr(pos, open - pos));
    std::string_view ref = text.substr(open, close - open + 1);
    std::string_view inner = ref.substr(2, ref.size() - 3);
    auto parts = str::split(inner, ":");
    const std::string& option = seen.back().option;
    if (parts.size() < 2)
      return fail(located(user_error("UserError", fmt::format("The substitution, {}, doesn't contain a colon.", ref)), option));
    if (parts.size() > 2)
      return fail(located(user_error("UserError", fmt::format("The substitution, {}, has too many colons.", ref)), option));
    bool valid = name_chars(parts[0]) && !parts[1].empty() && name_chars(parts[1]);
    if (!valid) {
      if (!simple_name(parts[0]))
        return fail(located(user_error("UserError", fmt::format("The section name in substitution, {}, has invalid characters.", ref)), option));
      if (!simple_name(parts[1]))
        return fail(located(user_error("UserError", fmt::format("The option name in substitution, {}, has invalid characters.", ref)), option));
    }
    std::string section = parts[0].empty() ? name_ : parts[0];
    if (section != name_) resolver_.references_[name_].insert(section);
    auto target = resolver_.section(section);
    if (!target) {
      Error e = std::move(target.error());
      if (e.cls == "MissingSection" && e.where.file.empty())
        e.message = fmt::format("{} references undefined section [{}] ({})", name_ + ":" + option, section, ref);
      return fail(located(std::move(e), option));
    }
    auto value = SLAP_TRY((*target)->get(parts[1], &seen));
    if (!value) {
      if (parts[1] != "_buildout_section_name_")
        return fail(located(user_error("MissingOption",
                                       fmt::format("Referenced option does not exist: {} {} (referenced as {} by {}:{})",
                                                   section, parts[1], ref, name_, option))
                                .about(section + ":" + parts[1]),
                            option));
      value = name_;
    }
    out += typed::is_typed(*value) ? typed::textual(*value) : *value;
    pos = close + 1;
  }
}

Result<std::string> Options::expand(const std::string& text) {
  Seen seen{{name_, "<text>"}};
  return substitute(text, seen);
}

Status Options::substitute_into_cooked(const std::string& option, const std::string& value) {
  Seen seen{{name_, option}};
  cooked_[option] = SLAP_TRY(substitute(value, seen));
  return {};
}

Result<Section> Options::expand_macros(const std::string& name, const Section& data,
                                       std::vector<std::string>& doing) {
  if (name == "buildout") return data;
  if (std::find(doing.begin(), doing.end(), name) != doing.end())
    return fail(located(user_error("UserError", fmt::format("Infinite extending loop '{}'", name)), "<"));
  auto macro = data.find("<");
  if (macro == data.end()) return data;
  if (doing.size() >= max_macro_depth)
    return fail(located(user_error("UserError", fmt::format("macros (<=) extending one another more than {} deep, from [{}] to [{}]",
                                                            max_macro_depth, doing.front(), name)),
                        "<"));
  doing.push_back(name);
  Section result;
  for (const auto& line : str::split(macro->second.value(), "\n")) {
    std::string source(str::strip(line));
    if (source.empty()) continue;
    const Section* raw = resolver_.raw_section(source);
    if (!raw)
      return fail(located(user_error("UserError", fmt::format("No section named '{}' (used as a macro by [{}])", source, name)), "<"));
    for (auto& [k, v] : SLAP_TRY(expand_macros(source, *raw, doing))) result.insert_or_assign(k, std::move(v));
  }
  update_section(resolver_.profile().arena(), result, data);
  result.erase("<");
  doing.pop_back();
  return result;
}

Status Options::initialize() {
  if (raw_->contains("<")) {
    std::vector<std::string> doing;
    expanded_ = std::make_unique<Section>(SLAP_TRY(expand_macros(name_, *raw_, doing)));
    raw_ = expanded_.get();
  }
  // Every option is substituted up front, sorted by name (std::map order).
  for (const auto& [k, key] : *raw_)
    if (key.value().find("${") != std::string::npos) SLAP_CHECK(substitute_into_cooked(k, std::string(key.value())));
  if (name_ == "buildout") return {};
  auto deps = SLAP_TRY(get("<part-dependencies>"));
  if (deps)
    for (const auto& d : str::split_ws(*deps)) {
      resolver_.references_[name_].insert(d);
      SLAP_TRY(resolver_.section(d));
    }
  auto recipe = SLAP_TRY(get("recipe"));
  if (recipe && !recipe->empty()) {
    if (resolver_.hook_) SLAP_CHECK(resolver_.hook_->init(resolver_, *this));
    resolver_.parts_.push_back(name_);
  }
  return {};
}

Resolver::Resolver(const Profile& profile, RecipeHook* hook) : profile_(profile), hook_(hook) {}

Result<Options*> Resolver::section(const std::string& name) {
  if (auto it = sections_.find(name); it != sections_.end()) return it->second.get();
  const Section* raw = raw_section(name);
  if (!raw)
    return fail(user_error("MissingSection", fmt::format("The referenced section, '{}', was not defined.", name)).about(name));
  // Registered before initialising: references back into it read options lazily.
  if (initializing_ >= static_cast<int>(max_substitution_depth))
    return fail(user_error("UserError", fmt::format("sections referencing one another more than {} deep, down to [{}]",
                                                    max_substitution_depth, name))
                    .about(name));
  auto it = sections_.emplace(name, std::make_unique<Options>(*this, name, raw)).first;
  Options* options = it->second.get();
  ++initializing_;
  auto ok = options->initialize();
  --initializing_;
  if (!ok) {
    // As in zc.buildout, the half-initialised section stays registered (later references
    // read its options lazily); its first error is kept for reporting.
    init_errors_.try_emplace(name, ok.error());
    return fail(std::move(ok.error()));
  }
  return options;
}

std::vector<std::string> Resolver::part_dependencies(const std::string& part) const {
  std::vector<std::string> out;
  std::set<std::string> seen{part};
  std::vector<std::string> todo{part};
  while (!todo.empty()) {
    std::string from = todo.back();
    todo.pop_back();
    auto it = references_.find(from);
    if (it == references_.end()) continue;
    for (const auto& to : it->second) {
      if (!seen.insert(to).second) continue;
      if (std::find(parts_.begin(), parts_.end(), to) != parts_.end()) out.push_back(to);
      else todo.push_back(to);  // plain data sections pass references through
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

const Section* Resolver::raw_section(std::string_view name) const {
  if (const Section* raw = profile_.config().find(name)) return raw;
  for (const auto& [n, section] : added_)
    if (n == name) return section.get();
  return nullptr;
}

void Resolver::add_reference(const std::string& from, const std::string& to) {
  if (from != to) references_[from].insert(to);
}

Status Resolver::add_sections(std::string_view text) {
  auto parsed = SLAP_TRY(parse(str::dedent(text), "<buildout.parse>"));
  for (const auto& ps : parsed.sections)
    if (raw_section(ps.name))
      return fail(user_error("UserError", fmt::format("Section already exists: {}", ps.name)).about(ps.name));
  for (const auto& ps : parsed.sections) {
    std::vector<Section::value_type> keys;
    for (const auto& opt : ps.options)
      keys.emplace_back(opt.name, Key(profile_.arena(), opt.value, {source_computed, opt.line}));
    // `+=` / `-=` apply to nothing, as in a file that is not extended.
    auto section = std::make_unique<Section>();
    update_section(profile_.arena(), *section, Section(std::move(keys)));
    added_.emplace_back(ps.name, std::move(section));
  }
  return {};
}

std::vector<std::string> Resolver::section_names() const {
  std::vector<std::string> out = profile_.config().names();
  for (const auto& [name, section] : added_) out.push_back(name);
  return out;
}

const Error* Resolver::init_error(const std::string& name) const {
  auto it = init_errors_.find(name);
  return it == init_errors_.end() ? nullptr : &it->second;
}

std::string error_label(const Error& e) {
  return e.cls.empty() ? e.message : e.cls + ": " + e.message;
}

Status LocationDefaultHook::init(Resolver& resolver, Options& section) {
  auto location = section.at("location");
  if (location) return {};
  if (location.error().cls != "MissingOption" && location.error().cls != "MissingSection")
    return fail(std::move(location.error()));
  auto buildout = SLAP_TRY(resolver.section("buildout"));
  section.set("location", path::join(SLAP_TRY(buildout->at("parts-directory")), section.name()));
  return {};
}

}  // namespace slap::profile
