// jinja2.select_autoescape: the decision by template name, and the Python call that
// `slap render --option autoescape=select_autoescape(...)` spells it with.
#include "autoescape.hpp"

#include "text.hpp"

namespace slap::tmpl {

namespace {

// ".html" for "html", ".html" and ".HTML": upstream strips leading dots and lowercases.
std::vector<std::string> suffixes(const std::vector<std::string>& extensions) {
  std::vector<std::string> out;
  for (const auto& e : extensions) out.push_back("." + py_lower(e.substr(std::min(e.find_first_not_of('.'), e.size()))));
  return out;
}

bool ends_with_one_of(const std::string& name, const std::vector<std::string>& endings) {
  for (const auto& e : endings)
    if (name.ends_with(e)) return true;
  return false;
}

// The little Python a select_autoescape call is written in: names, string literals,
// integers, ( ) [ ] , =.
class CallReader {
 public:
  explicit CallReader(std::string_view text) : s_(text) {}

  Result<AutoescapeSelector> read() {
    AutoescapeSelector sel;
    std::string callee = name();
    if (callee != "select_autoescape") return bad("expected select_autoescape(...)");
    skip_space();
    if (at_end()) return sel;  // the bare name: upstream's defaults
    if (!eat('(')) return bad("expected '(' after select_autoescape");
    static constexpr std::string_view params[] = {"enabled_extensions", "disabled_extensions", "default_for_string",
                                                  "default"};
    std::size_t position = 0;
    bool keywords = false;
    while (!eat(')')) {
      std::string param;
      std::size_t mark = i_;
      std::string word = name();
      if (!word.empty() && eat('=')) {
        param = word;
        keywords = true;
      } else {
        i_ = mark;
        if (keywords) return bad("positional argument follows keyword argument");
        if (position >= std::size(params)) return bad("select_autoescape() takes at most 4 arguments");
        param = std::string(params[position++]);
      }
      if (param == "enabled_extensions" || param == "disabled_extensions") {
        auto items = SLAP_TRY(strings());
        (param == "enabled_extensions" ? sel.enabled_extensions : sel.disabled_extensions) = std::move(items);
      } else if (param == "default_for_string" || param == "default") {
        bool b = SLAP_TRY(truth());
        (param == "default" ? sel.default_value : sel.default_for_string) = b;
      } else {
        return bad("select_autoescape() got an unexpected keyword argument '" + param + "'");
      }
      if (!eat(',') && !peek(')')) return bad("expected ',' or ')'");
    }
    skip_space();
    if (!at_end()) return bad("unexpected text after ')'");
    return sel;
  }

 private:
  std::string_view s_;
  std::size_t i_ = 0;

  std::unexpected<Error> bad(const std::string& what) const {
    return fail(ErrorKind::usage, "autoescape=" + std::string(s_) + ": " + what);
  }
  void skip_space() {
    while (i_ < s_.size() && (s_[i_] == ' ' || s_[i_] == '\t' || s_[i_] == '\n')) ++i_;
  }
  bool at_end() const { return i_ >= s_.size(); }
  bool peek(char c) {
    skip_space();
    return i_ < s_.size() && s_[i_] == c;
  }
  bool eat(char c) {
    if (!peek(c)) return false;
    ++i_;
    return true;
  }
  std::string name() {
    skip_space();
    std::size_t b = i_;
    while (i_ < s_.size() && (std::isalnum(static_cast<unsigned char>(s_[i_])) || s_[i_] == '_' || s_[i_] == '-')) ++i_;
    return std::string(s_.substr(b, i_ - b));
  }
  Result<std::string> string_literal() {
    skip_space();
    char quote = s_[i_++];
    std::size_t end = s_.find(quote, i_);
    if (end == std::string_view::npos) return bad("unterminated string");
    std::string raw(s_.substr(i_, end - i_)), error;
    i_ = end + 1;
    std::string text = unescape_python(raw, error);
    if (!error.empty()) return bad(error);
    return text;
  }
  // A tuple or list of strings; a string is the collection of its characters, as iterating
  // it in Python gives.
  Result<std::vector<std::string>> strings() {
    std::vector<std::string> out;
    if (peek('\'') || peek('"')) {
      std::string text = SLAP_TRY(string_literal());
      for (std::size_t k = 0; k < text.size();) {
        std::size_t start = k;
        next_code_point(text, k);
        out.push_back(text.substr(start, k - start));
      }
      return out;
    }
    char close = eat('(') ? ')' : eat('[') ? ']' : '\0';
    if (!close) return bad("expected a tuple or a list of strings");
    while (!eat(close)) {
      if (!peek('\'') && !peek('"')) return bad("expected a string");
      out.push_back(SLAP_TRY(string_literal()));
      if (!eat(',') && !peek(close)) return bad("expected ',' or the end of the sequence");
    }
    return out;
  }
  Result<bool> truth() {
    std::string word = name();
    if (word == "True") return true;
    if (word == "False" || word == "None") return false;
    if (!word.empty() && word.find_first_not_of("0123456789") == std::string::npos)
      return word.find_first_not_of('0') != std::string::npos;
    return bad("expected True or False");
  }
};

}  // namespace

bool AutoescapeSelector::decide(std::optional<std::string_view> template_name) const {
  if (!template_name) return default_for_string;
  std::string name = py_lower(*template_name);
  if (ends_with_one_of(name, suffixes(enabled_extensions))) return true;
  if (ends_with_one_of(name, suffixes(disabled_extensions))) return false;
  return default_value;
}

Result<AutoescapeSelector> AutoescapeSelector::parse(std::string_view call) { return CallReader(call).read(); }

bool initial_autoescape(const Options& options, std::optional<std::string_view> template_name) {
  return options.select_autoescape ? options.select_autoescape->decide(template_name) : options.autoescape;
}

}  // namespace slap::tmpl
