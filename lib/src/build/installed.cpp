#include "build/installed.hpp"

#include <fmt/format.h>

#include "slap/fs.hpp"
#include "slap/profile.hpp"
#include "slap/strings.hpp"

namespace slap::build {

namespace {

constexpr std::string_view installed_key = "__buildout_installed__";

bool spacey(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v'; }

std::string quote_piece(std::string_view s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case ' ': out += "%(__buildout_space__)s"; break;
      case '\r': out += "%(__buildout_space_r__)s"; break;
      case '\f': out += "%(__buildout_space_f__)s"; break;
      case '\v': out += "%(__buildout_space_v__)s"; break;
      case '\n': out += "%(__buildout_space_n__)s"; break;
      default: out += c;
    }
  }
  return out;
}

// One match of buildout's _spacey_nl, rewritten by _quote_spacey_nl.
std::string quote_match(std::string_view m) {
  auto nl = m.find('\n');
  if (nl == std::string_view::npos) return quote_piece(m);
  return quote_piece(m.substr(0, nl)) + "\n\t" + quote_piece(m.substr(nl + 1));
}

}  // namespace

std::string encode_value(const std::string& value) {
  // _spacey_nl: [ \t\r\f\v]*\n[ \t\r\f\v\n]* | ^[ \t\r\f\v]+ | [ \t\r\f\v]+$
  std::string out;
  std::size_t i = 0, n = value.size();
  while (i < n) {
    std::size_t j = i;
    while (j < n && spacey(value[j])) ++j;
    bool at_start = i == 0, at_end = j == n;
    if (j < n && value[j] == '\n') {
      std::size_t k = j + 1;
      while (k < n && (spacey(value[k]) || value[k] == '\n')) ++k;
      out += quote_match(std::string_view(value).substr(i, k - i));
      i = k;
    } else if (j > i && (at_start || at_end)) {
      out += quote_match(std::string_view(value).substr(i, j - i));
      i = j;
    } else if (j > i) {
      out.append(value, i, j - i);
      i = j;
    } else {
      out += value[i++];
    }
  }
  if (out.starts_with("\n\t")) out = "%(__buildout_space_n__)s" + out.substr(2);
  if (out.ends_with("\n\t")) out = out.substr(0, out.size() - 2) + "%(__buildout_space_n__)s";
  return out;
}

std::string decode_value(const std::string& value) {
  if (value.find("%(") == std::string::npos) return value;
  std::string v = value;
  for (auto [from, to] : {std::pair{"%(__buildout_space__)s", " "}, {"%(__buildout_space_n__)s", "\n"},
                          {"%(__buildout_space_r__)s", "\r"}, {"%(__buildout_space_f__)s", "\f"},
                          {"%(__buildout_space_v__)s", "\v"}})
    v = str::replace_all(v, from, to);
  return v;
}

Result<InstalledState> read_installed(const std::string& file) {
  InstalledState state;
  if (!fs::exists(file)) return state;
  auto text = SLAP_TRY(fs::read_file(file));
  auto parsed = SLAP_TRY(profile::parse(text, file));
  std::map<std::string, std::map<std::string, std::string>> sections;
  for (const auto& s : parsed.sections)
    for (const auto& o : s.options) sections[s.name][o.name] = decode_value(o.value);
  state.order = str::split_ws(sections["buildout"]["parts"]);
  for (const auto& name : state.order) {
    InstalledPart part;
    part.options = sections[name];
    if (auto it = part.options.find(std::string(installed_key)); it != part.options.end()) {
      for (const auto& p : str::split(it->second, "\n"))
        if (!str::strip(p).empty()) part.paths.push_back(std::string(str::strip(p)));
      part.options.erase(it);
    }
    state.parts[name] = std::move(part);
  }
  return state;
}

std::string render_installed(const InstalledState& state) {
  std::string out = fmt::format("[buildout]\ninstalled_develop_eggs = \nparts = {}\n", str::join(state.order, " "));
  for (const auto& name : state.order) {
    const InstalledPart& part = state.parts.at(name);
    out += fmt::format("\n[{}]\n", name);
    auto options = part.options;
    options[std::string(installed_key)] = str::join(part.paths, "\n");
    for (const auto& [k, v] : options) out += fmt::format("{} = {}\n", k, encode_value(v));
  }
  return out;
}

Status write_installed(const std::string& file, const InstalledState& state, bool durable) {
  return fs::write_atomic(file, render_installed(state), 0644, durable);
}

}  // namespace slap::build
