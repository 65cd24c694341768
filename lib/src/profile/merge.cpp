// Merging sections and configurations: zc.buildout's _update_section and _update.
#include <algorithm>
#include <cstdint>
#include <new>
#include <optional>

#include "slap/profile.hpp"
#include "slap/strings.hpp"

namespace slap::profile {

const Section* Config::find(std::string_view name) const {
  auto it = map_.find(name);
  return it == map_.end() ? nullptr : it->second.get();
}

std::shared_ptr<const Section> Config::shared(std::string_view name) const {
  auto it = map_.find(name);
  return it == map_.end() ? nullptr : it->second;
}

std::shared_ptr<const Section> Config::release(std::string_view name) {
  auto it = map_.find(name);
  return it == map_.end() ? nullptr : std::move(it->second);
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

std::string_view Arena::store(std::string_view text) {
  if (text.empty()) return {};
  char* at = allocate(text.size(), 1);
  std::copy(text.begin(), text.end(), at);
  return {at, text.size()};
}

const HistoryNode* Arena::record(HistoryEntry entry, const HistoryNode* previous) {
  char* at = allocate(sizeof(HistoryNode), alignof(HistoryNode));
  return new (at) HistoryNode{entry, previous};
}

char* Arena::allocate(std::size_t size, std::size_t align) {
  constexpr std::size_t block_size = 64 * 1024;
  std::size_t pad = (align - reinterpret_cast<std::uintptr_t>(next_) % align) % align;
  if (size + pad > left_) {
    // Large texts get a block of their own; the current block stays in use.
    if (size > block_size / 4) return blocks_.emplace_back(std::make_unique<char[]>(size)).get();
    blocks_.push_back(std::make_unique<char[]>(block_size));
    next_ = blocks_.back().get();
    left_ = block_size;
    pad = 0;
  }
  char* at = next_ + pad;
  next_ = at + size;
  left_ -= size + pad;
  return at;
}

std::vector<HistoryEntry> Key::history() const {
  std::vector<HistoryEntry> out;
  for (const HistoryNode* n = last_; n; n = n->previous) out.push_back(n->entry);
  std::reverse(out.begin(), out.end());
  return out;
}

namespace {

void add_to_value(Arena& arena, Key& key, const Key& added) {
  std::string value;
  value.reserve(key.value().size() + 1 + added.value().size());
  value.append(key.value()).append(1, '\n').append(added.value());
  key.set_value(arena, value);
  key.record(arena, Op::add, added.origin());
}

void remove_from_value(Arena& arena, Key& key, const Key& removed) {
  auto drop = str::split(removed.value(), "\n");
  std::vector<std::string> kept;
  for (auto& line : str::split(key.value(), "\n"))
    if (std::find(drop.begin(), drop.end(), line) == drop.end()) kept.push_back(std::move(line));
  key.set_value(arena, str::join(kept, "\n"));
  key.record(arena, Op::remove, removed.origin());
}

// zc.buildout's _update_verbose for one key (SectionKey.overrideValue).
void override_key(Arena& arena, Section& base, const std::string& name, const Key& key) {
  auto it = base.find(name);
  if (it == base.end()) {
    base.emplace(name, key);
    return;
  }
  it->second.set_value(arena, key.value());
  if (key.last_op() != Op::add && key.last_op() != Op::remove)
    it->second.record(arena, Op::override_value, key.origin());
}

}  // namespace

void update_section(Arena& arena, Section& base, const Section& section) {
  // Keys are processed sorted on (name without " +", last character): for one option,
  // `+=` comes before `-=`, each starting from this file's own `=` when there is one.
  std::vector<const std::pair<const std::string, Key>*> ops;
  for (const auto& kv : section)
    if (kv.first.ends_with('+') || kv.first.ends_with('-')) ops.push_back(&kv);
  if (ops.empty()) {
    for (const auto& [name, key] : section) override_key(arena, base, name, key);
    return;
  }
  std::stable_sort(ops.begin(), ops.end(), [](auto* a, auto* b) {
    auto ka = str::rstrip_chars(a->first, " +"), kb = str::rstrip_chars(b->first, " +");
    if (ka != kb) return ka < kb;
    return a->first.back() < b->first.back();
  });
  // The ops point into `section`: the copy they are applied to is a different map.
  Section own = section;
  // Keys of `base` that a `+=`/`-=` modified in place (upstream mutates base's key object).
  std::vector<std::string> in_place;
  for (auto* kv : ops) {
    const std::string& k = kv->first;
    bool add = k.ends_with('+');
    std::string name(str::rstrip_chars(k, add ? " +" : " -"));
    std::optional<Key> current;
    if (auto it = own.find(name); it != own.end()) {
      current = it->second;
    } else if (auto bt = base.find(name); bt != base.end()) {
      current = bt->second;
      in_place.push_back(name);
    } else {
      current = Key(arena, "", Origin{source_implicit, 0});
    }
    if (add) add_to_value(arena, *current, kv->second);
    else remove_from_value(arena, *current, kv->second);
    own.erase(k);
    own.insert_or_assign(name, *current);
  }
  for (const auto& [name, key] : own) {
    if (std::find(in_place.begin(), in_place.end(), name) != in_place.end()) base.insert_or_assign(name, key);
    else override_key(arena, base, name, key);
  }
}

void update_config(Arena& arena, Config& base, const Config& other) {
  for (const auto& name : other.names()) {
    if (base.contains(name)) update_section(arena, base.edit(name), *other.find(name));
    else base.put(name, other.shared(name));
    if (other.marked().contains(name)) base.mark(name);
  }
}

void update_config(Arena& arena, Config& base, Config&& other) {
  for (const auto& name : other.names()) {
    if (base.contains(name)) update_section(arena, base.edit(name), *other.find(name));
    else base.put(name, other.release(name));
    if (other.marked().contains(name)) base.mark(name);
  }
}

}  // namespace slap::profile
