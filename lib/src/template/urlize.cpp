// The urlize filter: Jinja2 3.1's filters.do_urlize and utils.urlize. Its regular
// expressions (_http_re, _email_re, _uri_scheme_re, with IGNORECASE and Unicode classes)
// are written out as matchers over code points: each follows every way the backtracking
// `re` engine could match, so they accept exactly what Python accepts.
#include "errors.hpp"
#include "filters.hpp"
#include "interp.hpp"
#include "markup.hpp"
#include "methods.hpp"
#include "text.hpp"
#include "unicode.hpp"

namespace slap::tmpl {

namespace {

using Text = std::u32string_view;

std::u32string to_code_points(std::string_view s) {
  std::u32string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size();) out += static_cast<char32_t>(next_code_point(s, i));
  return out;
}

std::string to_utf8(std::u32string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char32_t c : s) append_code_point(out, c);
  return out;
}

// A letter as re.IGNORECASE compares it with an ASCII one: KELVIN SIGN is k, LONG S is s,
// dotted and dotless I are i.
char32_t fold_letter(char32_t c) {
  if (c >= 'A' && c <= 'Z') return c | 0x20;
  if (c == 0x130 || c == 0x131) return 'i';
  if (c == 0x17f) return 's';
  if (c == 0x212a) return 'k';
  return c;
}

bool starts_with_folded(Text s, std::size_t at, std::string_view lowercase) {
  if (s.size() - std::min(at, s.size()) < lowercase.size()) return false;
  for (std::size_t k = 0; k < lowercase.size(); ++k)
    if (fold_letter(s[at + k]) != static_cast<char32_t>(lowercase[k])) return false;
  return true;
}

bool ascii_letter_ci(char32_t c) { c = fold_letter(c); return c >= 'a' && c <= 'z'; }
bool hex_ci(char32_t c) { return re_digit(c) || (fold_letter(c) >= 'a' && fold_letter(c) <= 'f'); }
bool host_char(char32_t c) { return re_word(c) || c == '%' || c == '-'; }  // [\w%-]
bool idna_char(char32_t c) { return re_word(c) || c == '%'; }              // [\w%]

template <class Pred>
std::size_t run_of(Text s, std::size_t at, Pred pred) {
  std::size_t end = at;
  while (end < s.size() && pred(s[end])) ++end;
  return end - at;
}

// `$`: the end, or just before a final newline.
bool at_end(Text s, std::size_t at) { return at == s.size() || (at + 1 == s.size() && s[at] == '\n'); }

// (?::[\d]{1,5})? (?:[/?#]\S*)? $ from `at`.
bool port_path_end(Text s, std::size_t at) {
  std::vector<std::size_t> starts{at};
  if (at < s.size() && s[at] == ':') {
    std::size_t digits = std::min<std::size_t>(run_of(s, at + 1, re_digit), 5);
    for (std::size_t k = 1; k <= digits; ++k) starts.push_back(at + 1 + k);
  }
  for (std::size_t p : starts) {
    if (at_end(s, p)) return true;
    if (p < s.size() && (s[p] == '/' || s[p] == '?' || s[p] == '#') &&
        at_end(s, p + 1 + run_of(s, p + 1, [](char32_t c) { return !re_space(c); })))
      return true;
  }
  return false;
}

// Where `(label\.)+` can end from `at`: a label is the whole run of [\w%-] before a dot
// (the dot is not in the class, so no shorter run can be followed by it), of `min`..`max`
// characters.
std::vector<std::size_t> dotted_labels(Text s, std::size_t at, std::size_t min, std::size_t max) {
  std::vector<std::size_t> ends;
  for (std::size_t p = at;;) {
    std::size_t len = run_of(s, p, host_char);
    if (len < min || len > max || p + len >= s.size() || s[p + len] != '.') return ends;
    p += len + 1;
    ends.push_back(p);
  }
}

// (https?://|www\.) (([\w%-]+\.)+)? ([a-z]{2,63} | xn--[\w%]{2,59})
bool named_host_url(Text s) {
  std::size_t p0 = starts_with_folded(s, 0, "https://") ? 8 : starts_with_folded(s, 0, "http://") ? 7
                 : starts_with_folded(s, 0, "www.")     ? 4 : 0;
  if (!p0) return false;
  std::vector<std::size_t> starts = dotted_labels(s, p0, 1, SIZE_MAX);
  starts.insert(starts.begin(), p0);
  for (std::size_t p : starts) {
    std::size_t letters = std::min<std::size_t>(run_of(s, p, ascii_letter_ci), 63);
    for (std::size_t k = 2; k <= letters; ++k)
      if (port_path_end(s, p + k)) return true;
    if (starts_with_folded(s, p, "xn--")) {
      std::size_t rest = std::min<std::size_t>(run_of(s, p + 4, idna_char), 59);
      for (std::size_t k = 2; k <= rest; ++k)
        if (port_path_end(s, p + 4 + k)) return true;
    }
  }
  return false;
}

// ([\w%-]{2,63}\.)+ (com|net|int|edu|gov|org|info|mil)
bool bare_domain_url(Text s) {
  static constexpr std::string_view tlds[] = {"com", "net", "int", "edu", "gov", "org", "info", "mil"};
  for (std::size_t p : dotted_labels(s, 0, 2, 63))
    for (auto tld : tlds)
      if (starts_with_folded(s, p, tld) && port_path_end(s, p + tld.size())) return true;
  return false;
}

// \[ ([\da-f]{0,4}:){2} ([\da-f]{0,4}:?){1,6} ]
bool ipv6_literal(Text s, std::size_t at) {
  if (at >= s.size() || s[at] != '[') return false;
  std::size_t p = at + 1;
  for (int i = 0; i < 2; ++i) {
    std::size_t len = run_of(s, p, hex_ci);
    if (len > 4 || p + len >= s.size() || s[p + len] != ':') return false;
    p += len + 1;
  }
  std::vector<bool> current(s.size() + 1), next(s.size() + 1);
  current[p] = true;
  for (int i = 0; i < 6; ++i) {
    std::fill(next.begin(), next.end(), false);
    for (std::size_t q = 0; q <= s.size(); ++q) {
      if (!current[q]) continue;
      std::size_t len = std::min<std::size_t>(run_of(s, q, hex_ci), 4);
      for (std::size_t k = 0; k <= len; ++k) {
        next[q + k] = true;
        if (q + k < s.size() && s[q + k] == ':') next[q + k + 1] = true;
      }
    }
    for (std::size_t q = 0; q < s.size(); ++q)
      if (next[q] && s[q] == ']' && port_path_end(s, q + 1)) return true;
    current.swap(next);
  }
  return false;
}

// (https?://) ((\d{1,3})(\.\d{1,3}){3} | IPv6)
bool address_url(Text s) {
  std::size_t p = starts_with_folded(s, 0, "https://") ? 8 : starts_with_folded(s, 0, "http://") ? 7 : 0;
  if (!p) return false;
  if (ipv6_literal(s, p)) return true;
  for (int i = 0; i < 3; ++i) {
    std::size_t len = run_of(s, p, re_digit);
    if (len < 1 || len > 3 || p + len >= s.size() || s[p + len] != '.') return false;
    p += len + 1;
  }
  std::size_t len = std::min<std::size_t>(run_of(s, p, re_digit), 3);
  for (std::size_t k = 1; k <= len; ++k)
    if (port_path_end(s, p + k)) return true;
  return false;
}

bool http_url(Text s) { return named_host_url(s) || bare_domain_url(s) || address_url(s); }

// ^\S+@\w[\w.-]*\.\w+$ : the domain holds no '@', so the last '@' splits it; its last dot
// is the one before the final \w+.
bool email_address(Text s) {
  std::size_t end = s.size();
  if (end && s.back() == '\n') --end;  // `$` before a final newline; \w+ cannot take it anyway
  for (std::size_t e : {s.size(), end}) {
    Text t = s.substr(0, e);
    std::size_t at = t.rfind(U'@');
    if (at == Text::npos || at == 0 || run_of(t, 0, [](char32_t c) { return !re_space(c); }) < at) continue;
    Text domain = t.substr(at + 1);
    std::size_t dot = domain.rfind(U'.');
    if (domain.empty() || !re_word(domain[0]) || dot == Text::npos || dot == 0 || dot + 1 == domain.size()) continue;
    if (run_of(domain, 0, [](char32_t c) { return re_word(c) || c == '.' || c == '-'; }) != domain.size()) continue;
    if (run_of(domain, dot + 1, re_word) == domain.size() - dot - 1) return true;
  }
  return false;
}

// _uri_scheme_re: ^([\w.+-]{2,}:(/){0,2})$
bool uri_scheme_prefix(Text s) {
  std::size_t len = run_of(s, 0, [](char32_t c) { return re_word(c) || c == '.' || c == '+' || c == '-'; });
  if (len < 2 || len >= s.size() || s[len] != ':') return false;
  std::size_t slashes = run_of(s, len + 1, [](char32_t c) { return c == '/'; });
  return slashes <= 2 && len + 1 + slashes == s.size();
}

std::size_t count_of(Text s, Text part) {
  std::size_t n = 0;
  for (std::size_t p = s.find(part); p != Text::npos; p = s.find(part, p + part.size())) ++n;
  return n;
}

bool ends_with_any(Text s, std::initializer_list<Text> ends) {
  for (Text e : ends)
    if (s.ends_with(e)) return true;
  return false;
}

struct Linking {
  std::optional<std::int64_t> trim_url_limit;
  std::u32string rel_attr, target_attr;
  std::vector<std::u32string> extra_schemes;

  std::u32string trim_url(const std::u32string& x) const {
    if (!trim_url_limit) return x;
    auto limit = *trim_url_limit;
    auto size = static_cast<std::int64_t>(x.size());
    if (size <= limit) return x;
    std::int64_t keep = limit >= 0 ? limit : std::max<std::int64_t>(size + limit, 0);
    return x.substr(0, static_cast<std::size_t>(keep)) + U"...";
  }

  std::u32string link(std::u32string middle) const {
    std::u32string attrs = rel_attr + target_attr;
    if (http_url(middle)) {
      std::u32string href = middle.starts_with(U"https://") || middle.starts_with(U"http://") ? middle : U"https://" + middle;
      return U"<a href=\"" + href + U"\"" + attrs + U">" + trim_url(middle) + U"</a>";
    }
    if (middle.starts_with(U"mailto:") && email_address(Text(middle).substr(7)))
      return U"<a href=\"" + middle + U"\">" + middle.substr(7) + U"</a>";
    if (middle.find(U'@') != std::u32string::npos && !middle.starts_with(U"www.") &&
        middle.find(U':') == std::u32string::npos && email_address(middle))
      return U"<a href=\"mailto:" + middle + U"\">" + middle + U"</a>";
    for (const auto& scheme : extra_schemes)
      if (middle != scheme && middle.starts_with(scheme)) return U"<a href=\"" + middle + U"\"" + attrs + U">" + middle + U"</a>";
    return middle;
  }

  // One whitespace-free word of the escaped text: leading ( < &lt; and trailing ) > . ,
  // &gt; stay outside the link unless they balance brackets inside it.
  std::u32string word(Text w) const {
    std::size_t head = 0;
    for (;;) {
      if (head < w.size() && (w[head] == '(' || w[head] == '<')) ++head;
      else if (w.substr(head).starts_with(U"&lt;")) head += 4;
      else break;
    }
    std::u32string middle(w.substr(head)), tail;
    if (ends_with_any(middle, {U")", U">", U".", U",", U"\n", U"&gt;"})) {
      std::size_t end = middle.size();
      for (;;) {
        Text m = Text(middle).substr(0, end);
        if (m.ends_with(U"&gt;")) end -= 4;
        else if (!m.empty() && Text(U")>.,\n").find(m.back()) != Text::npos) --end;
        else break;
      }
      tail = middle.substr(end);
      middle.resize(end);
    }
    static constexpr std::pair<Text, Text> brackets[] = {{U"(", U")"}, {U"<", U">"}, {U"&lt;", U"&gt;"}};
    for (auto [open, close] : brackets) {
      std::size_t opens = count_of(middle, open);
      if (opens <= count_of(middle, close)) continue;
      for (std::size_t k = std::min(opens, count_of(tail, close)); k > 0; --k) {
        std::size_t end = tail.find(close) + close.size();
        middle += tail.substr(0, end);
        tail.erase(0, end);
      }
    }
    return std::u32string(w.substr(0, head)) + link(std::move(middle)) + tail;
  }

  std::string apply(std::string_view escaped) const {
    std::u32string text = to_code_points(escaped), out;
    for (std::size_t i = 0; i < text.size();) {
      std::size_t spaces = run_of(text, i, re_space);
      out.append(text, i, spaces);
      i += spaces;
      std::size_t len = run_of(text, i, [](char32_t c) { return !re_space(c); });
      if (len) out += word(Text(text).substr(i, len));
      i += len;
    }
    return to_utf8(out);
  }
};

std::u32string html_attribute(Interp& in, std::string_view name, const Value& v) {
  return to_code_points(" " + std::string(name) + "=\"" + escape(in, v).as_string() + "\"");
}

// rel: the words of `rel`, "nofollow" when asked, and the policy's, sorted and unique.
std::u32string rel_attribute(Interp& in, const Value& rel, bool nofollow) {
  std::vector<std::string> words;
  auto add_words = [&](const Value& text) {
    if (!in.truth(text)) return;
    if (!text.is_string()) raise("AttributeError", "'" + text.type_name() + "' object has no attribute 'split'");
    for (std::size_t i = 0; i < text.as_string().size();) {
      std::string_view s = text.as_string();
      std::size_t start = i;
      while (i < s.size()) {
        std::size_t next = i;
        if (re_space(next_code_point(s, next))) break;
        i = next;
      }
      if (i > start) words.emplace_back(s.substr(start, i - start));
      if (i < s.size()) next_code_point(s, i);
    }
  };
  add_words(rel);
  if (nofollow) words.emplace_back("nofollow");
  add_words(Value(in.options.urlize_rel));
  std::sort(words.begin(), words.end());
  words.erase(std::unique(words.begin(), words.end()), words.end());
  if (words.empty()) return {};
  std::string joined;
  for (const auto& w : words) joined += (joined.empty() ? "" : " ") + w;
  return html_attribute(in, "rel", Value(joined));
}

}  // namespace

Value f_urlize(Interp& in, const Value& v, const Args& args) {
  auto a = bind_args(args, "urlize",
                     SLAP_PARAMS({"trim_url_limit", Value()}, {"nofollow", Value(false)}, {"target", Value()}, {"rel", Value()},
                      {"extra_schemes", Value()}),
                     0);
  Linking linking;
  if (!a[0].is_none()) linking.trim_url_limit = int_arg(a[0]);
  linking.rel_attr = rel_attribute(in, a[3], in.truth(a[1]));
  Value target = a[2].is_none() ? (in.options.urlize_target.empty() ? Value() : Value(in.options.urlize_target)) : a[2];
  if (in.truth(target)) linking.target_attr = html_attribute(in, "target", target);
  std::vector<Value> schemes;
  if (!a[4].is_none()) schemes = in.iterate(a[4]);
  else
    for (const auto& s : in.options.urlize_extra_schemes) schemes.emplace_back(s);
  for (const auto& scheme : schemes) {
    if (!scheme.is_string()) type_error("expected string or bytes-like object, got '" + scheme.type_name() + "'");
    linking.extra_schemes.push_back(to_code_points(scheme.as_string()));
    if (!uri_scheme_prefix(linking.extra_schemes.back()))
      raise("FilterArgumentError", scheme.repr() + " is not a valid URI scheme prefix.");
  }
  return in.rendered(linking.apply(escape(in, v).as_string()));
}

}  // namespace slap::tmpl
