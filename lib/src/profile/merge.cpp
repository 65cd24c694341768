// Merging sections and configurations: zc.buildout's _update_section and _update.
#include <algorithm>

#include "slap/profile.hpp"
#include "slap/strings.hpp"

namespace slap::profile {

const Section* Config::find(std::string_view name) const {
  auto it = map_.find(std::string(name));
  return it == map_.end() ? nullptr : it->second.get();
}

std::shared_ptr<const Section> Config::shared(std::string_view name) const {
  auto it = map_.find(std::string(name));
  return it == map_.end() ? nullptr : it->second;
}

Section& Config::edit(const std::string& name) {
  auto it = map_.find(name);
  if (it == map_.end()) {
    order_.push_back(name);
    it = map_.emplace(name, std::make_shared<Section>()).first;
  } else if (it->second.use_count() > 1) {
    it->second = std::make_shared<Section>(*it->second);
  }
  // Sections held here are only shared through other Configs, never mutated elsewhere.
  return const_cast<Section&>(*it->second);
}

void Config::put(const std::string& name, std::shared_ptr<const Section> section) {
  auto [it, inserted] = map_.try_emplace(name, section);
  if (inserted) order_.push_back(name);
  else it->second = std::move(section);
}

namespace {

void add_to_value(Key& key, const Key& added) {
  key.value += '\n';
  key.value += added.value;
  key.history.push_back({Op::add, added.origin()});
}

void remove_from_value(Key& key, const Key& removed) {
  auto drop = str::split(removed.value, "\n");
  std::vector<std::string> kept;
  for (auto& line : str::split(key.value, "\n"))
    if (std::find(drop.begin(), drop.end(), line) == drop.end()) kept.push_back(std::move(line));
  key.value = str::join(kept, "\n");
  key.history.push_back({Op::remove, removed.origin()});
}

// zc.buildout's _update_verbose for one key (SectionKey.overrideValue).
void override_key(Section& base, const std::string& name, const Key& key) {
  auto it = base.find(name);
  if (it == base.end()) {
    base.emplace(name, key);
    return;
  }
  it->second.value = key.value;
  Op last = key.history.back().op;
  if (last != Op::add && last != Op::remove)
    it->second.history.push_back({Op::override_value, key.origin()});
}

}  // namespace

void update_section(Section& base, const Section& section) {
  // Keys are processed sorted on (name without " +", last character): for one option,
  // `+=` comes before `-=`, each starting from this file's own `=` when there is one.
  std::vector<const std::pair<const std::string, Key>*> ops;
  for (const auto& kv : section)
    if (kv.first.ends_with('+') || kv.first.ends_with('-')) ops.push_back(&kv);
  if (ops.empty()) {
    for (const auto& [name, key] : section) override_key(base, name, key);
    return;
  }
  std::stable_sort(ops.begin(), ops.end(), [](auto* a, auto* b) {
    auto ka = str::rstrip_chars(a->first, " +"), kb = str::rstrip_chars(b->first, " +");
    if (ka != kb) return ka < kb;
    return a->first.back() < b->first.back();
  });
  Section own = section;
  // Keys of `base` that a `+=`/`-=` modified in place (upstream mutates base's key object).
  std::vector<std::string> in_place;
  for (auto* kv : ops) {
    const std::string& k = kv->first;
    bool add = k.ends_with('+');
    std::string name(str::rstrip_chars(k, add ? " +" : " -"));
    Key current;
    if (auto it = own.find(name); it != own.end()) {
      current = it->second;
    } else if (auto bt = base.find(name); bt != base.end()) {
      current = bt->second;
      in_place.push_back(name);
    } else {
      current = Key("", Origin{source_implicit, 0});
    }
    if (add) add_to_value(current, kv->second);
    else remove_from_value(current, kv->second);
    own.erase(k);
    own.insert_or_assign(name, std::move(current));
  }
  for (auto& [name, key] : own) {
    if (std::find(in_place.begin(), in_place.end(), name) != in_place.end()) base[name] = key;
    else override_key(base, name, key);
  }
}

void update_config(Config& base, const Config& other) {
  for (const auto& name : other.names()) {
    if (base.contains(name)) update_section(base.edit(name), *other.find(name));
    else base.put(name, other.shared(name));
    if (other.marked().contains(name)) base.mark(name);
  }
}

}  // namespace slap::profile
