// Unicode character names for Python's \N{NAME} escapes: the Unicode Character Database
// as Debian ships it (package unicode-data), read once when a template first uses one;
// CJK unified ideographs and Hangul syllables are named by rule, as in the standard.
#include <algorithm>
#include <array>
#include <charconv>
#include <fstream>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>

#include "slap/strings.hpp"

namespace slap::str {

namespace {

constexpr const char* ucd_dir = "/usr/share/unicode/";

std::optional<std::uint32_t> hex_code_point(std::string_view hex) {
  std::uint32_t cp = 0;
  auto [end, ec] = std::from_chars(hex.data(), hex.data() + hex.size(), cp, 16);
  if (ec != std::errc() || end != hex.data() + hex.size() || hex.empty()) return std::nullopt;
  return cp;
}

struct NameTable {
  bool loaded = false;
  std::unordered_map<std::string, std::uint32_t> names;
  std::vector<std::pair<std::uint32_t, std::uint32_t>> ideographs;  // CJK ideograph ranges
};

// UnicodeData.txt (code;name;...; ranges as "<X, First>" / "<X, Last>") and
// NameAliases.txt (code;alias;type).
NameTable load_table() {
  NameTable t;
  std::ifstream data(std::string(ucd_dir) + "UnicodeData.txt");
  if (!data) return t;
  t.loaded = true;
  std::string line;
  std::uint32_t first = 0;
  while (std::getline(data, line)) {
    auto fields = split(line, ";");
    if (fields.size() < 2) continue;
    auto cp = hex_code_point(fields[0]);
    if (!cp) continue;
    const std::string& name = fields[1];
    if (name.starts_with("<CJK Ideograph")) {
      if (name.ends_with("First>")) first = *cp;
      else t.ideographs.emplace_back(first, *cp);
    } else if (!name.starts_with("<")) {
      t.names.emplace(name, *cp);
    }
  }
  std::ifstream aliases(std::string(ucd_dir) + "NameAliases.txt");
  while (std::getline(aliases, line)) {
    if (line.empty() || line[0] == '#') continue;
    auto fields = split(line, ";");
    if (fields.size() < 2) continue;
    if (auto cp = hex_code_point(fields[0])) t.names.emplace(fields[1], *cp);
  }
  return t;
}

const NameTable& table() {
  static std::once_flag once;
  static NameTable t;
  std::call_once(once, [] { t = load_table(); });
  return t;
}

// "HANGUL SYLLABLE <L><V><T>": each part the longest jamo short name that matches.
std::optional<std::uint32_t> hangul_syllable(std::string_view rest) {
  static constexpr std::array<std::string_view, 19> leading = {"G", "GG", "N", "D", "DD", "R", "M", "B", "BB", "S",
                                                               "SS", "", "J", "JJ", "C", "K", "T", "P", "H"};
  static constexpr std::array<std::string_view, 21> vowels = {"A", "AE", "YA", "YAE", "EO", "E", "YEO",
                                                              "YE", "O", "WA", "WAE", "OE", "YO", "U",
                                                              "WEO", "WE", "WI", "YU", "EU", "YI", "I"};
  static constexpr std::array<std::string_view, 28> trailing = {"", "G", "GG", "GS", "N", "NJ", "NH", "D", "L", "LG",
                                                                "LM", "LB", "LS", "LT", "LP", "LH", "M", "B", "BS", "S",
                                                                "SS", "NG", "J", "C", "K", "T", "P", "H"};
  auto longest = [&rest](std::span<const std::string_view> parts) -> std::optional<std::size_t> {
    std::optional<std::size_t> best;
    for (std::size_t i = 0; i < parts.size(); ++i)
      if (rest.starts_with(parts[i]) && (!best || parts[i].size() > parts[*best].size())) best = i;
    if (best) rest.remove_prefix(parts[*best].size());
    return best;
  };
  auto l = longest(leading), v = longest(vowels), t = longest(trailing);
  if (!l || !v || !t || !rest.empty()) return std::nullopt;
  return static_cast<std::uint32_t>(0xAC00 + (*l * 21 + *v) * 28 + *t);
}

}  // namespace

std::expected<std::uint32_t, std::string> unicode_lookup(std::string_view name) {
  // The names made by rule are matched as written (upper case), the others in any case,
  // as Python's unicodedata does.
  if (name.starts_with("HANGUL SYLLABLE "))
    if (auto cp = hangul_syllable(name.substr(16))) return *cp;
  const NameTable& t = table();
  if (!t.loaded)
    return std::unexpected(std::string("\\N{...} escapes need the Unicode character names: ") + ucd_dir +
                           "UnicodeData.txt is missing (Debian package unicode-data)");
  if (name.starts_with("CJK UNIFIED IDEOGRAPH-")) {
    std::string_view hex = name.substr(22);
    bool upper_hex = std::all_of(hex.begin(), hex.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F'); });
    if (auto cp = hex_code_point(hex); cp && upper_hex && (hex.size() == 4 || hex.size() == 5))
      for (const auto& [first, last] : t.ideographs)
        if (*cp >= first && *cp <= last) return *cp;
  }
  auto it = t.names.find(py_upper(name));  // every name is ASCII
  if (it == t.names.end()) return std::unexpected(std::string("unknown Unicode character name"));
  return it->second;
}

}  // namespace slap::str
