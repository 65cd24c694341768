// Filters over markup and prose: xmlattr, striptags, wordwrap (Python's textwrap).
#include "filters.hpp"

#include <algorithm>

#include "errors.hpp"
#include "interp.hpp"
#include "markup.hpp"
#include "methods.hpp"
#include "text.hpp"
#include "unicode.hpp"

namespace slap::tmpl {

namespace {

Value f_xmlattr(Interp& in, const Value& v, const Args& args) {
  auto a = bind_args(args, "xmlattr", SLAP_PARAMS({"autospace", Value(true)}), 0);
  in.use(v);
  if (!v.is_dict()) type_error("'" + v.type_name() + "' object has no attribute 'items'");
  std::string out;
  for (const auto& e : v.as_dict()) {
    if (e.value.is_none() || e.value.is_undefined()) continue;
    std::string key = in.to_str(e.key);
    if (key.find_first_of(" \t\n\r\f\v/>=") != std::string::npos)
      value_error("Invalid character in attribute name: " + e.key.repr());
    if (!out.empty()) out += ' ';
    out += escape(in, e.key).as_string() + "=\"" + escape(in, e.value).as_string() + "\"";
  }
  if (in.truth(a[0]) && !out.empty()) out = " " + out;
  return in.rendered(std::move(out));
}

std::string strip_between(std::string_view s, std::string_view open, std::string_view close) {
  std::string out;
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t b = s.find(open, i);
    std::size_t e = b == std::string_view::npos ? b : s.find(close, b + open.size());
    if (e == std::string_view::npos) break;
    out += s.substr(i, b - i);
    i = e + close.size();
  }
  out += s.substr(i);
  return out;
}

// " ".join(text.split()): runs of Unicode whitespace become one space.
std::string collapse_whitespace(std::string_view text) {
  std::string joined;
  bool pending_space = false;
  for (std::size_t i = 0; i < text.size();) {
    std::size_t start = i;
    if (re_space(next_code_point(text, i))) {
      pending_space = !joined.empty();
      continue;
    }
    if (pending_space) joined += ' ';
    pending_space = false;
    joined.append(text.substr(start, i - start));
  }
  return joined;
}

Value f_striptags(Interp& in, const Value& v, const Args& args) {
  no_args(args, "striptags");
  return Value(html_unescape(collapse_whitespace(strip_between(strip_between(in.to_str(v), "<!--", "-->"), "<", ">"))));
}

// ----- textwrap.wrap(expand_tabs=False, replace_whitespace=False) -----

bool tw_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r'); }
bool letter(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c & 0x80); }
bool word_char(char c) { return letter(c) || (c >= '0' && c <= '9') || c == '_'; }
bool word_punct(char c) { return word_char(c) || c == '!' || c == '"' || c == '\'' || c == '&' || c == '.' || c == ',' || c == '?'; }

// TextWrapper.wordsep_re: whitespace runs, and words split after hyphens between letters.
std::vector<std::string> split_chunks(const std::string& s, bool on_hyphens) {
  std::vector<std::string> chunks;
  auto at = [&](std::size_t i) { return i < s.size() ? s[i] : '\0'; };
  auto dashes_then_word = [&](std::size_t i) {
    std::size_t j = i;
    while (at(j) == '-') ++j;
    return j - i >= 2 && word_char(at(j));
  };
  std::size_t i = 0;
  while (i < s.size()) {
    std::size_t b = i;
    if (tw_space(s[i])) {
      while (i < s.size() && tw_space(s[i])) ++i;
    } else if (!on_hyphens) {
      while (i < s.size() && !tw_space(s[i])) ++i;
    } else if (i > 0 && word_punct(s[i - 1]) && dashes_then_word(i)) {
      while (at(i) == '-') ++i;  // an em-dash between words
    } else {
      std::size_t j = i + 1;
      for (;; ++j) {
        if (j >= s.size() || tw_space(s[j])) break;
        if (s[j] == '-' && j >= 2 && ((letter(at(j - 2)) && letter(at(j - 1))) ||
                                       (j >= 3 && letter(at(j - 3)) && at(j - 2) == '-' && letter(at(j - 1)))) &&
            letter(at(j + 1)) && (letter(at(j + 2)) || (at(j + 2) == '-' && letter(at(j + 3))))) {
          ++j;
          break;
        }
        if (word_punct(s[j - 1]) && dashes_then_word(j)) break;
      }
      i = j;
    }
    chunks.push_back(s.substr(b, i - b));
  }
  return chunks;
}

bool blank(const std::string& s) {
  for (char c : s)
    if (!tw_space(c)) return false;
  return true;
}

std::size_t width_of(const std::string& s) { return code_point_count(s); }

std::vector<std::string> wrap(const std::string& text, std::int64_t width, bool break_long, bool on_hyphens) {
  std::vector<std::string> chunks = split_chunks(text, on_hyphens);
  std::reverse(chunks.begin(), chunks.end());
  std::vector<std::string> lines;
  while (!chunks.empty()) {
    std::vector<std::string> line;
    std::int64_t len = 0;
    if (blank(chunks.back()) && !lines.empty()) chunks.pop_back();
    while (!chunks.empty()) {
      auto l = static_cast<std::int64_t>(width_of(chunks.back()));
      if (len + l > width) break;
      line.push_back(std::move(chunks.back()));
      chunks.pop_back();
      len += l;
    }
    if (!chunks.empty() && static_cast<std::int64_t>(width_of(chunks.back())) > width) {
      std::int64_t space_left = width < 1 ? 1 : width - len;
      std::string& chunk = chunks.back();
      if (break_long) {
        std::vector<std::size_t> offsets = code_point_offsets(chunk);
        auto end = static_cast<std::size_t>(space_left);
        if (on_hyphens && offsets.size() - 1 > end) {
          std::size_t hyphen = chunk.rfind('-', offsets[end] - 1);
          if (hyphen != std::string::npos && hyphen > 0 && hyphen < offsets[end] &&
              chunk.find_first_not_of('-') < hyphen)
            end = code_point_count(chunk.substr(0, hyphen)) + 1;
        }
        end = std::min(end, offsets.size() - 1);
        line.push_back(chunk.substr(0, offsets[end]));
        chunk = chunk.substr(offsets[end]);
      } else if (line.empty()) {
        line.push_back(std::move(chunk));
        chunks.pop_back();
      }
    }
    if (!line.empty() && blank(line.back())) line.pop_back();
    if (!line.empty()) {
      std::string joined;
      for (const auto& c : line) joined += c;
      lines.push_back(std::move(joined));
    }
  }
  return lines;
}

Value f_wordwrap(Interp& in, const Value& v, const Args& args) {
  auto a = bind_args(args, "wordwrap",
                     SLAP_PARAMS({"width", Value(79)}, {"break_long_words", Value(true)}, {"wrapstring", Value()},
                      {"break_on_hyphens", Value(true)}),
                     0);
  std::string sep = a[2].is_none() ? in.options.newline_sequence : in.to_str(a[2]);
  Args none;
  std::string out;
  bool first = true;
  Value lines = find_str_method("splitlines")(in, Value(in.to_str(v)), none);
  for (const auto& line : lines.items()) {
    if (!first) out += sep;
    first = false;
    bool first_piece = true;
    for (const auto& piece : wrap(line.as_string(), int_arg(a[0]), in.truth(a[1]), in.truth(a[3]))) {
      if (!first_piece) out += sep;
      first_piece = false;
      out += piece;
    }
  }
  return Value(std::move(out));
}

}  // namespace

const FilterFn text_filters[] = {
    {"xmlattr", f_xmlattr},
    {"striptags", f_striptags},
    {"wordwrap", f_wordwrap},
    {"urlize", f_urlize},
};
const std::size_t text_filter_count = std::size(text_filters);

}  // namespace slap::tmpl
