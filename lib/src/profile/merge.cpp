// Merging sections and configurations: zc.buildout's _update_section and _update.
#include <algorithm>
#include <cstdint>
#include <new>
#include <optional>
#include <stdexcept>

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

namespace {
bool name_less(const Section::value_type& item, std::string_view name) { return item.first < name; }
bool by_name(const Section::value_type& a, const Section::value_type& b) { return a.first < b.first; }
}  // namespace

Section::Section(std::vector<value_type> keys) : items_(std::move(keys)) {
  std::sort(items_.begin(), items_.end(), by_name);
}

Section::iterator Section::lower_bound(std::string_view name) {
  return std::lower_bound(items_.begin(), items_.end(), name, name_less);
}

Section::iterator Section::find(std::string_view name) {
  auto it = lower_bound(name);
  return it != items_.end() && it->first == name ? it : items_.end();
}

Section::const_iterator Section::find(std::string_view name) const {
  return const_cast<Section&>(*this).find(name);
}

Key& Section::at(std::string_view name) {
  auto it = find(name);
  if (it == items_.end()) throw std::out_of_range("no option " + std::string(name));
  return it->second;
}

const Key& Section::at(std::string_view name) const { return const_cast<Section&>(*this).at(name); }

std::pair<Section::iterator, bool> Section::try_emplace(std::string_view name, const Key& key) {
  auto it = lower_bound(name);
  if (it != items_.end() && it->first == name) return {it, false};
  return {items_.emplace(it, std::string(name), key), true};
}

void Section::insert_or_assign(std::string_view name, const Key& key) {
  auto [it, added] = try_emplace(name, key);
  if (!added) it->second = key;
}

void Section::erase(std::string_view name) {
  if (auto it = find(name); it != items_.end()) items_.erase(it);
}

void Section::add_sorted(std::vector<value_type> keys) {
  if (keys.empty()) return;
  auto middle = static_cast<std::ptrdiff_t>(items_.size());
  items_.insert(items_.end(), std::make_move_iterator(keys.begin()), std::make_move_iterator(keys.end()));
  std::inplace_merge(items_.begin(), items_.begin() + middle, items_.end(), by_name);
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
    if (size > block_size / 4) return blocks_.emplace_back(std::make_unique_for_overwrite<char[]>(size)).get();
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(block_size));
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

// zc.buildout's _update_verbose for a key `base` has (SectionKey.overrideValue).
void override_key(Arena& arena, Key& existing, const Key& key) {
  existing.share_value(key);
  if (key.last_op() != Op::add && key.last_op() != Op::remove)
    existing.record(arena, Op::override_value, key.origin());
}

void override_key(Arena& arena, Section& base, const std::string& name, const Key& key) {
  if (auto [it, added] = base.try_emplace(name, key); !added) override_key(arena, it->second, key);
}

// Overrides or adds every key of `section` (no `+=`/`-=` among them), walking both sorted
// sections together.
void override_all(Arena& arena, Section& base, const Section& section) {
  std::vector<Section::value_type> added;
  auto at = base.begin();
  for (const auto& item : section) {
    at = std::lower_bound(at, base.end(), item.first, name_less);
    if (at != base.end() && at->first == item.first) override_key(arena, at->second, item.second);
    else added.push_back(item);
  }
  base.add_sorted(std::move(added));
}

}  // namespace

void update_section(Arena& arena, Section& base, const Section& section) {
  // Keys are processed sorted on (name without " +", last character): for one option,
  // `+=` comes before `-=`, each starting from this file's own `=` when there is one.
  std::vector<const Section::value_type*> ops;
  for (const auto& kv : section)
    if (kv.first.ends_with('+') || kv.first.ends_with('-')) ops.push_back(&kv);
  if (ops.empty()) return override_all(arena, base, section);
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
