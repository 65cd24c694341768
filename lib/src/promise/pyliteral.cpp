#include "promise/pyliteral.hpp"

#include <fmt/format.h>

#include <charconv>
#include <cstdlib>

#include "slap/strings.hpp"

namespace slap::promise {

using nlohmann::json;

namespace {

bool is_prefix_letter(char c) { return std::string_view("rRuUbB").find(c) != std::string_view::npos; }
bool is_word_char(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == '-' || c == '+';
}

}  // namespace

Location locate(std::string_view text, std::size_t pos, const std::string& file) {
  int line = 1, column = 1;
  for (std::size_t i = 0; i < pos && i < text.size(); ++i) {
    if (text[i] == '\n') {
      ++line;
      column = 1;
    } else {
      ++column;
    }
  }
  return {file, line, column};
}

Error LiteralParser::error_here(std::string message) const {
  return Error(ErrorKind::input, std::move(message), locate(text_, pos_, file_));
}

void LiteralParser::skip_blank() {
  while (pos_ < text_.size()) {
    char c = text_[pos_];
    if (c == ' ' || c == '\t' || c == '\f') {
      ++pos_;
    } else if (c == '\\' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') {
      pos_ += 2;
    } else if (depth_ > 0 && (c == '\n' || c == '\r')) {
      ++pos_;
    } else if (depth_ > 0 && c == '#') {
      while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
    } else {
      break;
    }
  }
}

bool LiteralParser::at_line_end() {
  skip_blank();
  if (pos_ < text_.size() && text_[pos_] == '#')
    while (pos_ < text_.size() && text_[pos_] != '\n') ++pos_;
  return pos_ >= text_.size() || text_[pos_] == '\n' || text_[pos_] == '\r';
}

bool LiteralParser::consume(std::string_view token) {
  skip_blank();
  if (!text_.substr(pos_).starts_with(token)) return false;
  pos_ += token.size();
  return true;
}

bool LiteralParser::at_string() const {
  std::size_t p = pos_;
  for (int i = 0; i < 2 && p < text_.size() && is_prefix_letter(text_[p]); ++i) ++p;
  return p < text_.size() && (text_[p] == '\'' || text_[p] == '"');
}

Result<json> LiteralParser::value() {
  skip_blank();
  if (pos_ >= text_.size()) return fail(error_here("expected a value, found the end of the file"));
  if (at_string()) return json(SLAP_TRY(string()));
  char c = text_[pos_];
  if (c == '{' || c == '[' || c == '(') {
    ++pos_;
    return container(c == '{' ? '}' : c == '[' ? ']' : ')');
  }
  return word();
}

Result<json> LiteralParser::container(char close) {
  // Bounded, so that a hostile file cannot exhaust the stack (pprint output nests far less).
  if (depth_ >= 100) return fail(error_here("containers nested too deeply"));
  ++depth_;
  const bool is_dict = close == '}';
  json out = is_dict ? json::object() : json::array();
  std::size_t count = 0;
  bool comma = false;
  while (true) {
    skip_blank();
    if (pos_ >= text_.size()) return fail(error_here(fmt::format("expected '{}', found the end of the file", close)));
    if (text_[pos_] == close) break;
    if (count > 0 && !comma) return fail(error_here(fmt::format("expected ',' or '{}'", close)));
    if (is_dict) {
      json key = SLAP_TRY(value());
      if (!key.is_string()) return fail(error_here("dictionary keys must be strings"));
      if (!consume(":")) return fail(error_here("expected ':' after a dictionary key"));
      out[key.get<std::string>()] = SLAP_TRY(value());
    } else {
      out.push_back(SLAP_TRY(value()));
    }
    ++count;
    comma = consume(",");
  }
  --depth_;
  ++pos_;
  if (close == ')' && count == 1 && !comma) return out[0];  // (x) is x, (x,) a tuple
  return out;
}

Result<std::string> LiteralParser::string() {
  std::string out = SLAP_TRY(one_string());
  while (true) {
    skip_blank();
    if (!at_string()) return out;
    out += SLAP_TRY(one_string());
  }
}

Result<std::string> LiteralParser::one_string() {
  const std::size_t start = pos_;
  bool raw = false;
  for (; is_prefix_letter(text_[pos_]); ++pos_)
    if (text_[pos_] == 'r' || text_[pos_] == 'R') raw = true;
  const std::string quote(text_.substr(pos_, 1));
  const std::string triple = quote + quote + quote;
  const std::string& close = text_.substr(pos_, 3) == triple ? triple : quote;
  pos_ += close.size();
  const std::size_t body = pos_;
  while (pos_ >= text_.size() || !text_.substr(pos_).starts_with(close)) {
    if (pos_ >= text_.size() || (close.size() == 1 && text_[pos_] == '\n')) {
      pos_ = start;
      return fail(error_here("unterminated string"));
    }
    pos_ += text_[pos_] == '\\' ? 2 : 1;  // an escaped quote does not end it, even in r''
  }
  std::string_view literal = text_.substr(body, pos_ - body);
  pos_ += close.size();
  if (raw) return std::string(literal);
  std::string error;
  std::string out = str::unescape_python(literal, error);
  if (!error.empty()) {
    pos_ = start;
    return fail(error_here(error));
  }
  return out;
}

Result<json> LiteralParser::word() {
  const std::size_t start = pos_;
  while (pos_ < text_.size() && is_word_char(text_[pos_])) ++pos_;
  std::string w(text_.substr(start, pos_ - start));
  if (w == "None") return json(nullptr);
  if (w == "True") return json(true);
  if (w == "False") return json(false);
  long long i = 0;
  auto [end, ec] = std::from_chars(w.data(), w.data() + w.size(), i);
  if (!w.empty() && ec == std::errc() && end == w.data() + w.size()) return json(i);
  char* dend = nullptr;
  double d = w.empty() ? 0 : std::strtod(w.c_str(), &dend);
  if (!w.empty() && dend == w.c_str() + w.size()) return json(d);
  pos_ = start;
  std::string_view found = w.empty() ? text_.substr(start, 1) : std::string_view(w);
  return fail(error_here(fmt::format("expected a literal value, found '{}'", found)));
}

}  // namespace slap::promise
