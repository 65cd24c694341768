// Finding what is not frozen in a profile's parts, and where the fix would go.
#pragma once

#include <string>
#include <vector>

#include "slap/release.hpp"
#include "slap/resolver.hpp"

namespace slap::release {

// One unfrozen item and how to freeze it.
struct FreezeTarget {
  enum class Edit { insert_after, set_value, append_to_word };
  FreezeItem item;
  Edit edit = Edit::insert_after;
  std::string anchor;     // option at item.line the edit applies to
  std::string option;     // option written (md5sum, revision)
  std::string word;       // the patch entry as written in the file (append_to_word)
  std::string fetch_url;  // what to download (download, patch) or the repository (gitclone)
  std::string branch;     // gitclone
};

bool is_download_recipe(std::string_view recipe);

// Initialises [buildout] and every part with the sections they reference; returns the
// parts in install order. Fails when one cannot be resolved.
Result<std::vector<std::string>> resolve_parts(profile::Resolver& resolver);

// Resolves the profile's parts and lists their unfrozen items. Fails when a part cannot
// be resolved.
Result<std::vector<FreezeTarget>> scan_unfrozen(const profile::Profile& profile, const Context& ctx);

}  // namespace slap::release
