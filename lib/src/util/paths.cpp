#include "slap/paths.hpp"

#include <vector>

#include "slap/strings.hpp"

namespace slap::path {

bool is_abs(std::string_view p) noexcept { return !p.empty() && p[0] == '/'; }

std::string join(std::string_view a, std::string_view b) {
  if (is_abs(b)) return std::string(b);
  std::string out(a);
  if (out.empty() || out.back() == '/') out += b;
  else {
    out += '/';
    out += b;
  }
  return out;
}

std::string dirname(std::string_view p) {
  std::size_t i = p.rfind('/');
  std::string_view head = i == std::string_view::npos ? std::string_view{} : p.substr(0, i + 1);
  // Strip trailing slashes unless head is all slashes.
  std::string_view stripped = str::rstrip_chars(head, "/");
  if (!head.empty() && stripped.empty()) return std::string(head);
  return std::string(stripped);
}

std::string basename(std::string_view p) {
  std::size_t i = p.rfind('/');
  return std::string(i == std::string_view::npos ? p : p.substr(i + 1));
}

std::string normpath(std::string_view p) {
  if (p.empty()) return ".";
  int initial = 0;
  if (p.starts_with("/")) initial = (p.starts_with("//") && !p.starts_with("///")) ? 2 : 1;
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= p.size()) {
    std::size_t slash = p.find('/', start);
    if (slash == std::string_view::npos) slash = p.size();
    std::string_view comp = p.substr(start, slash - start);
    start = slash + 1;
    if (comp.empty() || comp == ".") continue;
    if (comp != ".." || (initial == 0 && parts.empty()) || (!parts.empty() && parts.back() == ".."))
      parts.push_back(comp);
    else if (!parts.empty())
      parts.pop_back();
  }
  std::string out(static_cast<std::size_t>(initial), '/');
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i) out += '/';
    out += parts[i];
  }
  return out.empty() ? "." : out;
}

std::string abspath(std::string_view p, std::string_view cwd) {
  return normpath(is_abs(p) ? std::string(p) : join(cwd, p));
}

std::string relpath(std::string_view p, std::string_view start) {
  auto comps = [](std::string_view s) {
    std::vector<std::string> v;
    for (auto& c : str::split(normpath(s), "/"))
      if (!c.empty()) v.push_back(c);
    return v;
  };
  auto a = comps(p), b = comps(start);
  std::size_t i = 0;
  while (i < a.size() && i < b.size() && a[i] == b[i]) ++i;
  std::string out;
  for (std::size_t k = i; k < b.size(); ++k) out += out.empty() ? ".." : "/..";
  for (std::size_t k = i; k < a.size(); ++k) {
    if (!out.empty()) out += '/';
    out += a[k];
  }
  return out.empty() ? "." : out;
}

bool is_url(std::string_view s) noexcept {
  std::size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '+' || c == '.' || c == '-';
    if (!ok) break;
    ++i;
  }
  return i > 0 && s.substr(i).starts_with("://");
}

}  // namespace slap::path
