#include "lexer.hpp"

#include <cstring>
#include <limits>

#include "errors.hpp"
#include "slap/strings.hpp"
#include "text.hpp"

namespace slap::tmpl {

namespace {

// Jinja2 splits on \r\n, \r and \n and rejoins with \n, then drops one final newline
// unless keep_trailing_newline.
std::string normalize_newlines(std::string_view src, bool keep_trailing_newline) {
  std::string out;
  out.reserve(src.size());
  for (std::size_t i = 0; i < src.size(); ++i) {
    if (src[i] == '\r') {
      out += '\n';
      if (i + 1 < src.size() && src[i + 1] == '\n') ++i;
    } else {
      out += src[i];
    }
  }
  if (!keep_trailing_newline && !out.empty() && out.back() == '\n') out.pop_back();
  return out;
}

bool name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || (c & 0x80); }
bool name_char(char c) { return name_start(c) || (c >= '0' && c <= '9'); }
bool digit(char c) { return c >= '0' && c <= '9'; }
bool hspace(char c) { return c == ' ' || c == '\t' || c == '\v'; }

enum class Opener { none, variable, block, comment, line_statement, line_comment };

class Lexer {
 public:
  Lexer(std::string src, const Options& o, const std::string& name) : s_(std::move(src)), o_(o), name_(name) {
    for (const std::string* opener : {&o.variable_start, &o.block_start, &o.comment_start, &o.line_comment_prefix,
                                      &o.line_statement_prefix})
      if (!opener->empty() && opener_firsts_.find(opener->front()) == std::string::npos) opener_firsts_ += opener->front();
  }

  std::vector<Token> run() {
    out_.reserve(s_.size() / 8 + 16);  // SlapOS templates: a token per 3 to 60 bytes
    while (pos_ < s_.size()) lex_root();
    push(Tok::eof, "");
    return std::move(out_);
  }

  // Python source from `from`: one expression, up to the end of its logical line (a
  // newline or `;` outside brackets) when `statement`, else to the end of the text.
  std::vector<Token> run_python(std::size_t from, bool statement, std::size_t& end) {
    python_ = true;
    pos_ = from;
    std::vector<char> balance;
    std::vector<std::size_t> opened;  // where each bracket in `balance` opened
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == '\\' && pos_ + 1 < s_.size() && (s_[pos_ + 1] == '\n' || s_[pos_ + 1] == '\r')) {
        pos_ += 2;
      } else if (c == '#') {
        while (pos_ < s_.size() && s_[pos_] != '\n') ++pos_;
      } else if ((c == '\n' || (statement && c == ';')) && balance.empty()) {
        break;
      } else if (c == '\n' || str::is_space(c)) {
        ++pos_;
      } else if (python_string_ahead()) {
        lex_python_string();
      } else if (digit(c) || (c == '.' && pos_ + 1 < s_.size() && digit(s_[pos_ + 1]))) {
        lex_number();
      } else if (name_start(c)) {
        lex_name();
      } else {
        std::size_t at = pos_, depth = balance.size();
        lex_operator(balance);
        if (balance.size() > 200) fail("too many nested parentheses", at);  // as CPython
        if (balance.size() > depth) opened.push_back(at);
        else if (balance.size() < depth) opened.pop_back();
      }
    }
    end = pos_;
    if (!statement) {
      // eval() accepts trailing blank lines and comments, nothing else.
      for (std::size_t i = pos_; i < s_.size(); ++i) {
        if (s_[i] == '#') {
          while (i < s_.size() && s_[i] != '\n') ++i;
        } else if (!str::is_space(s_[i])) {
          fail("invalid syntax", i);
        }
      }
      end = s_.size();
    }
    if (!balance.empty()) fail(std::string("'") + opening(balance.back()) + "' was never closed", opened.back());
    push(Tok::eof, "");
    return std::move(out_);
  }

 private:
  [[noreturn]] void fail(const std::string& msg, std::size_t at) {
    if (at < line_scan_) line_ = 1, line_start_ = 0, line_scan_ = 0;  // pos_of() only scans forward
    Pos p = pos_of(at);
    syntax_error(msg, name_, p.line, p.column);
  }

  // Line and column of byte offset `at` (columns count bytes, 1-based).
  Pos pos_of(std::size_t at) {
    while (line_scan_ < at) {
      if (s_[line_scan_] == '\n') {
        ++line_;
        line_start_ = line_scan_ + 1;
      }
      ++line_scan_;
    }
    return Pos{line_, static_cast<int>(at - line_start_) + 1};
  }

  void push(Tok t, std::string text, std::size_t at) {
    if (t == Tok::data && translate_newlines_) text = str::replace_all(text, "\n", o_.newline_sequence);
    Token tok{t, pos_of(at), std::move(text)};
    out_.push_back(std::move(tok));
  }
  void push(Tok t, std::string text) { push(t, std::move(text), pos_); }

  bool at_line_start(std::size_t i) const { return i == 0 || s_[i - 1] == '\n'; }
  bool matches_at(std::size_t i, const std::string& prefix) const {
    return !prefix.empty() && s_.compare(i, prefix.size(), prefix) == 0;
  }

  // Where the next character that can start an opener is, at or after `i` (npos: none).
  std::size_t next_opener_first(std::size_t i) const {
    if (opener_firsts_.size() == 1) return s_.find(opener_firsts_[0], i);  // "{": memchr
    for (; i < s_.size(); ++i)
      if (opener_firsts_.find(s_[i]) != std::string::npos) return i;
    return std::string::npos;
  }

  // The next tag opener at or after `from`: its kind and where the data before it ends.
  Opener find_opener(std::size_t from, std::size_t& start) const {
    for (std::size_t i = from; i < s_.size(); ++i) {
      i = next_opener_first(i);  // data runs to where an opener can start
      if (i == std::string::npos) break;
      // The longest opener wins where several match, as in Jinja2's sorted root rules.
      Opener best = Opener::none;
      std::size_t best_size = 0;
      for (auto [kind, opener] : {std::pair{Opener::variable, &o_.variable_start}, std::pair{Opener::block, &o_.block_start},
                                  std::pair{Opener::comment, &o_.comment_start}})
        if (opener->size() > best_size && matches_at(i, *opener)) {
          best = kind;
          best_size = opener->size();
        }
      if (best != Opener::none) {
        start = i;
        return best;
      }
      // Where both prefixes match ("#" and "##"), the longer wins, as in Jinja2.
      bool comment = matches_at(i, o_.line_comment_prefix);
      bool statement = matches_at(i, o_.line_statement_prefix);
      if (comment && statement) (o_.line_comment_prefix.size() >= o_.line_statement_prefix.size() ? statement : comment) = false;
      if (statement || comment) {
        std::size_t j = i;
        while (j > from && hspace(s_[j - 1])) --j;
        if (comment) {
          start = j;
          return Opener::line_comment;
        }
        if (at_line_start(j)) {
          start = j;
          return Opener::line_statement;
        }
      }
    }
    start = s_.size();
    return Opener::none;
  }

  // Data before a tag, with `-` (strip all whitespace) or lstrip_blocks applied.
  void emit_data(std::size_t begin, std::size_t end, char sign, bool lstrip_candidate) {
    std::string_view text(s_.data() + begin, end - begin);
    if (sign == '-') {
      text = str::rstrip(text);
    } else if (sign != '+' && o_.lstrip_blocks && lstrip_candidate) {
      std::size_t nl = text.rfind('\n');
      std::size_t l_pos = nl == std::string_view::npos ? 0 : nl + 1;
      bool line_starting = begin == 0 || s_[begin - 1] == '\n';
      if (l_pos > 0 || line_starting) {
        bool blank = true;
        for (std::size_t i = l_pos; i < text.size(); ++i) blank = blank && str::is_space(text[i]);
        if (blank) text = text.substr(0, l_pos);
      }
    }
    if (!text.empty()) push(Tok::data, std::string(text), begin);
  }

  void lex_root() {
    std::size_t start;
    Opener kind = find_opener(pos_, start);
    if (kind == Opener::none) {
      emit_data(pos_, s_.size(), 0, false);
      pos_ = s_.size();
      return;
    }
    if (kind == Opener::line_statement || kind == Opener::line_comment) {
      emit_data(pos_, start, 0, false);
      pos_ = start;
      while (hspace(s_[pos_])) ++pos_;
      if (kind == Opener::line_comment) {
        std::size_t nl = s_.find('\n', pos_);
        pos_ = nl == std::string::npos ? s_.size() : nl;
        return;
      }
      push(Tok::block_begin, o_.line_statement_prefix);
      pos_ += o_.line_statement_prefix.size();
      lex_tag(Tok::block_begin, true);
      return;
    }
    std::size_t after = start + opener_size(kind);
    char sign = after < s_.size() && (s_[after] == '-' || s_[after] == '+') ? s_[after] : 0;
    if (kind == Opener::block && try_raw(start, sign)) return;
    emit_data(pos_, start, sign, kind != Opener::variable);
    pos_ = after + (sign ? 1 : 0);
    if (kind == Opener::comment) {
      lex_comment(start);
      return;
    }
    Tok begin = kind == Opener::variable ? Tok::var_begin : Tok::block_begin;
    push(begin, s_.substr(start, pos_ - start), start);
    lex_tag(begin, false);
  }

  std::size_t opener_size(Opener kind) const {
    return (kind == Opener::variable ? o_.variable_start : kind == Opener::block ? o_.block_start : o_.comment_start).size();
  }

  void lex_comment(std::size_t start) {
    std::size_t end = s_.find(o_.comment_end, pos_);
    if (end == std::string::npos) fail("missing end of comment tag", start);
    char sign = end > pos_ && (s_[end - 1] == '-' || s_[end - 1] == '+') ? s_[end - 1] : 0;
    pos_ = end + o_.comment_end.size();
    after_tag_end(sign, true);
  }

  // After a block/comment end: `-` strips following whitespace, trim_blocks one newline.
  void after_tag_end(char sign, bool block_like) {
    if (sign == '-') {
      while (pos_ < s_.size() && str::is_space(s_[pos_])) ++pos_;
    } else if (sign != '+' && block_like && o_.trim_blocks && pos_ < s_.size() && s_[pos_] == '\n') {
      ++pos_;
    }
  }

  // Matches `{%[-+]? raw [-]?%}` at `start`; on success lexes the raw body.
  bool try_raw(std::size_t start, char sign) {
    std::size_t i = start + o_.block_start.size() + (sign ? 1 : 0);
    while (i < s_.size() && str::is_space(s_[i])) ++i;
    if (s_.compare(i, 3, "raw") != 0) return false;
    i += 3;
    std::size_t j = i;
    while (j < s_.size() && str::is_space(s_[j])) ++j;
    bool strip_after = false;
    const std::string& end = o_.block_end;
    if (s_[j] == '-' && s_.compare(j + 1, end.size(), end) == 0) {
      strip_after = true;
      j += 1 + end.size();
    } else if (s_.compare(j, end.size(), end) == 0) {
      j += end.size();
    } else {
      return false;
    }
    emit_data(pos_, start, sign, true);
    pos_ = j;
    if (strip_after)
      while (pos_ < s_.size() && str::is_space(s_[pos_])) ++pos_;
    lex_raw_body(start);
    return true;
  }

  void lex_raw_body(std::size_t start) {
    std::size_t search = pos_;
    while (true) {
      std::size_t open = s_.find(o_.block_start, search);
      if (open == std::string::npos) fail("missing end of raw directive", start);
      std::size_t i = open + o_.block_start.size();
      char sign = i < s_.size() && (s_[i] == '-' || s_[i] == '+') ? s_[i] : 0;
      if (sign) ++i;
      while (i < s_.size() && str::is_space(s_[i])) ++i;
      if (s_.compare(i, 6, "endraw") == 0) {
        i += 6;
        while (i < s_.size() && str::is_space(s_[i])) ++i;
        char end_sign = 0;
        const std::string& end = o_.block_end;
        if ((s_[i] == '+' || s_[i] == '-') && s_.compare(i + 1, end.size(), end) == 0) {
          end_sign = s_[i];
          i += 1 + end.size();
        } else if (s_.compare(i, end.size(), end) == 0) {
          i += end.size();
        } else {
          search = open + o_.block_start.size();
          continue;
        }
        emit_data(pos_, open, sign, true);
        pos_ = i;
        after_tag_end(end_sign, true);
        return;
      }
      search = open + o_.block_start.size();
    }
  }

  // Tokens of one {{ }} / {% %} / line statement up to its end marker.
  void lex_tag(Tok begin, bool line) {
    std::vector<char> balance;
    while (true) {
      if (pos_ >= s_.size()) {
        if (line) push(Tok::block_end, "");
        return;
      }
      if (balance.empty() && try_tag_end(begin, line)) return;
      char c = s_[pos_];
      if (str::is_space(c)) {
        ++pos_;
        continue;
      }
      if (c == '\'' || c == '"') {
        lex_string();
      } else if (digit(c)) {
        lex_number();
      } else if (name_start(c)) {
        lex_name();
      } else {
        lex_operator(balance);
      }
    }
  }

  bool try_tag_end(Tok begin, bool line) {
    if (line) {
      // Jinja2's `\s*(\n|$)`: the whitespace run up to its last newline, or to the end.
      std::size_t i = pos_, last_newline = std::string::npos;
      for (; i < s_.size() && str::is_space(s_[i]); ++i)
        if (s_[i] == '\n') last_newline = i;
      if (i < s_.size() && last_newline == std::string::npos) return false;
      push(Tok::block_end, "", pos_);
      pos_ = i < s_.size() ? last_newline + 1 : i;
      return true;
    }
    const std::string& end = begin == Tok::var_begin ? o_.variable_end : o_.block_end;
    Tok type = begin == Tok::var_begin ? Tok::var_end : Tok::block_end;
    char sign = 0;
    std::size_t at = pos_;
    if ((s_[pos_] == '-' || (s_[pos_] == '+' && begin == Tok::block_begin)) && s_.compare(pos_ + 1, end.size(), end) == 0) {
      sign = s_[pos_];
      pos_ += 1 + end.size();
    } else if (s_.compare(pos_, end.size(), end) == 0) {
      pos_ += end.size();
    } else {
      return false;
    }
    push(type, std::string(end), at);
    after_tag_end(sign, begin == Tok::block_begin);
    return true;
  }

  void lex_string() {
    std::size_t b = pos_;
    char q = s_[pos_++];
    std::size_t content = pos_;
    while (pos_ < s_.size() && s_[pos_] != q) pos_ += s_[pos_] == '\\' ? 2 : 1;
    if (pos_ >= s_.size()) fail("unterminated string literal", b);
    std::string raw = s_.substr(content, pos_ - content);
    if (o_.newline_sequence != "\n") raw = str::replace_all(raw, "\n", o_.newline_sequence);
    ++pos_;
    std::string err;
    std::string value = unescape_python(raw, err);
    if (!err.empty()) fail(err, b);
    push(Tok::string, std::move(value), b);
  }

  void lex_number();
  void lex_operator(std::vector<char>& balance);
  void lex_name() {
    std::size_t b = pos_;
    while (pos_ < s_.size() && name_char(s_[pos_])) ++pos_;
    push(Tok::name, s_.substr(b, pos_ - b), b);
  }
  static char opening(char closing) { return closing == ')' ? '(' : closing == ']' ? '[' : '{'; }

  // A Python string literal starts here: quotes after at most two prefix letters.
  bool python_string_ahead() const {
    std::size_t p = pos_;
    while (p < s_.size() && p - pos_ < 2 && std::strchr("rRbBuUfF", s_[p]) && s_[p]) ++p;
    return p < s_.size() && (s_[p] == '\'' || s_[p] == '"');
  }

  // Prefixes (r raw, b bytes, u), triple quotes and implicit line joins as Python reads
  // them. Bytes become str: the engine has no bytes type.
  void lex_python_string() {
    std::size_t b = pos_;
    bool raw = false;
    for (; s_[pos_] != '\'' && s_[pos_] != '"'; ++pos_) {
      char k = static_cast<char>(s_[pos_] | 0x20);
      if (k == 'f') fail("f-strings are not supported", b);
      if (k == 'r') raw = true;
    }
    const std::string quote(3, s_[pos_]);
    const std::size_t close = s_.compare(pos_, 3, quote) == 0 ? 3 : 1;
    pos_ += close;
    std::size_t content = pos_;
    while (true) {
      if (pos_ >= s_.size() || (close == 1 && s_[pos_] == '\n'))
        fail(close == 3 ? "unterminated triple-quoted string literal" : "unterminated string literal", b);
      if (s_.compare(pos_, close, quote, 0, close) == 0) break;
      pos_ += s_[pos_] == '\\' ? 2 : 1;  // an escaped quote does not end it, even in r''
    }
    std::string literal = s_.substr(content, pos_ - content);
    pos_ += close;
    std::string err;
    std::string value = raw ? literal : unescape_python(literal, err);
    if (!err.empty()) fail(err, b);
    push(Tok::string, std::move(value), b);
  }

  std::string s_;
  const Options& o_;
  const std::string& name_;
  std::string opener_firsts_;  // the first character of each tag opener and line prefix, once each
  bool translate_newlines_ = o_.newline_sequence != "\n";
  std::size_t pos_ = 0;
  std::vector<Token> out_;
  bool python_ = false;  // Python source, not a template
  int line_ = 1;
  std::size_t line_start_ = 0, line_scan_ = 0;

};

// Jinja2's integer and float rules: 0b/0o/0x prefixes, `_` separators, floats need digits
// on both sides of the dot or an exponent.
void Lexer::lex_number() {
  std::size_t b = pos_;
  auto digits = [&](auto ok) {
    std::size_t start = pos_;
    while (pos_ < s_.size() && (ok(s_[pos_]) || (s_[pos_] == '_' && pos_ > start && pos_ + 1 < s_.size() && ok(s_[pos_ + 1]))))
      ++pos_;
    return pos_ > start;
  };
  auto is_dec = [](char c) { return digit(c); };
  auto clean = [&](std::size_t from) {
    std::string t;
    for (std::size_t i = from; i < pos_; ++i)
      if (s_[i] != '_') t += s_[i];
    return t;
  };
  if (s_[pos_] == '0' && pos_ + 1 < s_.size() && std::strchr("bBoOxX", s_[pos_ + 1]) && s_[pos_ + 1]) {
    char k = static_cast<char>(s_[pos_ + 1] | 0x20);
    int base = k == 'b' ? 2 : k == 'o' ? 8 : 16;
    pos_ += 2;
    std::size_t from = pos_;
    auto ok = [base](char c) {
      if (base == 2) return c == '0' || c == '1';
      if (base == 8) return c >= '0' && c <= '7';
      return digit(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f');
    };
    if (pos_ < s_.size() && s_[pos_] == '_') ++pos_;
    if (!digits(ok)) fail("invalid integer literal", b);
    Token t{Tok::integer, pos_of(b), s_.substr(b, pos_ - b)};
    std::string text = clean(from);
    errno = 0;
    unsigned long long value = std::strtoull(text.c_str(), nullptr, base);
    t.big_integer = errno == ERANGE || value > static_cast<unsigned long long>(std::numeric_limits<std::int64_t>::max());
    t.integer = static_cast<std::int64_t>(value);
    out_.push_back(std::move(t));
    return;
  }
  // After a dot (foo.0.1) a number is an item index, never a float: Jinja2's (?<!\.).
  // Python has no such rule, and there a number may start with its dot (.5).
  bool after_dot = !python_ && b > 0 && s_[b - 1] == '.';
  digits(is_dec);
  bool is_float = false;
  if (!after_dot && pos_ + 1 < s_.size() && s_[pos_] == '.' && digit(s_[pos_ + 1])) {
    ++pos_;
    digits(is_dec);
    is_float = true;
  }
  if (!after_dot && pos_ < s_.size() && (s_[pos_] | 0x20) == 'e') {
    std::size_t save = pos_++;
    if (pos_ < s_.size() && (s_[pos_] == '+' || s_[pos_] == '-')) ++pos_;
    if (pos_ < s_.size() && digit(s_[pos_])) {
      digits(is_dec);
      is_float = true;
    } else {
      pos_ = save;
    }
  }
  if (pos_ == b) fail("invalid decimal literal", b);  // nothing read: never loop on it
  std::string text = clean(b);
  Token t{is_float ? Tok::floating : Tok::integer, pos_of(b), s_.substr(b, pos_ - b)};
  if (is_float) {
    t.floating = std::strtod(text.c_str(), nullptr);
  } else {
    errno = 0;
    t.integer = std::strtoll(text.c_str(), nullptr, 10);
    t.big_integer = errno == ERANGE;
  }
  out_.push_back(std::move(t));
}

void Lexer::lex_operator(std::vector<char>& balance) {
  static const char* const two[] = {"//", "**", "==", "!=", ">=", "<=", "<<", ">>"};
  std::size_t b = pos_;
  for (const char* op : two) {
    bool shift = op[0] == op[1] && (op[0] == '<' || op[0] == '>');
    if ((python_ || !shift) && s_.compare(pos_, 2, op) == 0) {
      pos_ += 2;
      push(Tok::op, op, b);
      return;
    }
  }
  char c = s_[pos_];
  if (!std::strchr(python_ ? "+-/*%~[](){}><=.:|,;&^" : "+-/*%~[](){}><=.:|,;", c) || c == 0) {
    fail("unexpected char " + string_repr(std::string(1, c)), b);
  }
  if (c == '{' || c == '(' || c == '[') balance.push_back(c == '{' ? '}' : c == '(' ? ')' : ']');
  if (c == '}' || c == ')' || c == ']') {
    if (balance.empty()) fail(std::string("unexpected '") + c + "'", b);
    char expected = balance.back();
    balance.pop_back();
    if (expected != c) fail(std::string("unexpected '") + c + "', expected '" + expected + "'", b);
  }
  ++pos_;
  push(Tok::op, std::string(1, c), b);
}

}  // namespace

std::vector<Token> tokenize(std::string_view source, const Options& options, const std::string& name) {
  Lexer lx(normalize_newlines(source, options.keep_trailing_newline), options, name);
  return lx.run();
}

std::vector<Token> tokenize_python(std::string_view text, std::size_t from, bool statement, const std::string& name,
                                   std::size_t& end) {
  static const Options plain;
  Lexer lx(std::string(text), plain, name);
  return lx.run_python(from, statement, end);
}

std::string describe(const Token& t) {
  switch (t.type) {
    case Tok::eof: return "end of template";
    case Tok::data: return "template data";
    case Tok::var_end: return "'}}'";
    case Tok::block_end: return t.text.empty() ? "end of line" : "'%}'";
    case Tok::string: return "string " + string_repr(t.text);
    default: return "'" + t.text + "'";
  }
}

}  // namespace slap::tmpl
