#include "recipes/egg/marker.hpp"

#include <fmt/format.h>

#include <cctype>
#include <optional>
#include <vector>

#include "recipes/egg/requirement.hpp"
#include "recipes/egg/version.hpp"
#include "slap/strings.hpp"

namespace slap::recipes::egg {

namespace {

// Old spellings pkg_resources still accepts.
std::string variable_name(std::string_view word) {
  if (word == "os.name") return "os_name";
  if (word == "sys.platform") return "sys_platform";
  if (word == "platform.version") return "platform_version";
  if (word == "platform.machine") return "platform_machine";
  if (word == "platform.python_implementation" || word == "python_implementation")
    return "platform_python_implementation";
  return std::string(word);
}

struct Token {
  enum Kind { string, variable, op, open, close, and_, or_, end } kind = end;
  std::string text;
};

// Recursive descent over the token list; evaluates while parsing.
class Evaluator {
 public:
  Evaluator(std::string_view text, const MarkerEnvironment& env) : text_(text), env_(env) {}

  Result<bool> run() {
    SLAP_CHECK(tokenize());
    bool value = SLAP_TRY(parse_or());
    if (tokens_[pos_].kind != Token::end) return fail(error("unexpected '" + tokens_[pos_].text + "'"));
    return value;
  }

 private:
  Error error(std::string_view why) const {
    return Error(ErrorKind::input, fmt::format("invalid environment marker '{}': {}", text_, why));
  }

  Status tokenize() {
    std::size_t i = 0;
    while (true) {
      while (i < text_.size() && str::is_space(text_[i])) ++i;
      if (i >= text_.size()) break;
      char c = text_[i];
      if (c == '\'' || c == '"') {
        auto close = text_.find(c, i + 1);
        if (close == std::string_view::npos) return fail(error("unterminated string"));
        tokens_.push_back({Token::string, std::string(text_.substr(i + 1, close - i - 1))});
        i = close + 1;
      } else if (c == '(' || c == ')') {
        tokens_.push_back({c == '(' ? Token::open : Token::close, std::string(1, c)});
        ++i;
      } else if (std::string_view("<>=!~").find(c) != std::string_view::npos) {
        std::size_t j = i;
        while (j < text_.size() && std::string_view("<>=!~").find(text_[j]) != std::string_view::npos) ++j;
        tokens_.push_back({Token::op, std::string(text_.substr(i, j - i))});
        i = j;
      } else if (std::isalnum(static_cast<unsigned char>(c)) || c == '_') {
        std::size_t j = i;
        while (j < text_.size() && (std::isalnum(static_cast<unsigned char>(text_[j])) || text_[j] == '_' || text_[j] == '.')) ++j;
        std::string word(text_.substr(i, j - i));
        i = j;
        if (word == "and") tokens_.push_back({Token::and_, word});
        else if (word == "or") tokens_.push_back({Token::or_, word});
        else if (word == "in") tokens_.push_back({Token::op, word});
        else if (word == "not") tokens_.push_back({Token::op, "not"});
        else tokens_.push_back({Token::variable, variable_name(word)});
      } else {
        return fail(error(fmt::format("unexpected character '{}'", c)));
      }
    }
    // "not in" is one operator.
    std::vector<Token> merged;
    for (std::size_t k = 0; k < tokens_.size(); ++k) {
      if (tokens_[k].kind == Token::op && tokens_[k].text == "not") {
        if (k + 1 >= tokens_.size() || tokens_[k + 1].text != "in") return fail(error("'not' without 'in'"));
        merged.push_back({Token::op, "not in"});
        ++k;
      } else {
        merged.push_back(tokens_[k]);
      }
    }
    tokens_ = std::move(merged);
    tokens_.push_back({Token::end, "end of marker"});
    return {};
  }

  Result<bool> parse_or() {
    bool value = SLAP_TRY(parse_and());
    while (tokens_[pos_].kind == Token::or_) {
      ++pos_;
      bool rhs = SLAP_TRY(parse_and());
      value = value || rhs;
    }
    return value;
  }

  Result<bool> parse_and() {
    bool value = SLAP_TRY(parse_atom());
    while (tokens_[pos_].kind == Token::and_) {
      ++pos_;
      bool rhs = SLAP_TRY(parse_atom());
      value = value && rhs;
    }
    return value;
  }

  Result<bool> parse_atom() {
    if (tokens_[pos_].kind == Token::open) {
      // Bounded, so that a hostile marker cannot exhaust the stack (found by fuzzing).
      if (++depth_ > 100) return fail(error("parentheses nested too deeply"));
      ++pos_;
      bool value = SLAP_TRY(parse_or());
      --depth_;
      if (tokens_[pos_].kind != Token::close) return fail(error("missing ')'"));
      ++pos_;
      return value;
    }
    auto lhs = SLAP_TRY(operand());
    if (tokens_[pos_].kind != Token::op) return fail(error("expected a comparison operator"));
    std::string op = tokens_[pos_++].text;
    auto rhs = SLAP_TRY(operand());
    return compare(lhs, op, rhs);
  }

  // (value, is the variable `extra`)
  Result<std::pair<std::string, bool>> operand() {
    const Token& t = tokens_[pos_];
    if (t.kind == Token::string) {
      ++pos_;
      return std::pair<std::string, bool>{t.text, false};
    }
    if (t.kind == Token::variable) {
      ++pos_;
      auto it = env_.find(t.text);
      if (it == env_.end()) return fail(error(fmt::format("unknown variable '{}'", t.text)));
      return std::pair<std::string, bool>{it->second, t.text == "extra"};
    }
    return fail(error("expected a variable or a quoted string"));
  }

  Result<bool> compare(std::pair<std::string, bool> lhs, const std::string& op, std::pair<std::string, bool> rhs) {
    // Extra names compare normalised (packaging >= 22).
    if (lhs.second || rhs.second) {
      lhs.first = canonical_name(lhs.first);
      rhs.first = canonical_name(rhs.first);
    }
    if (op == "in") return rhs.first.find(lhs.first) != std::string::npos;
    if (op == "not in") return rhs.first.find(lhs.first) == std::string::npos;
    if (op != "===" && op != "~=" && op != "==" && op != "!=" && op != "<" && op != "<=" && op != ">" && op != ">=")
      return fail(error(fmt::format("unknown operator '{}'", op)));
    Version left = Version::parse(lhs.first), right = Version::parse(rhs.first);
    if (op == "===" || (!left.legacy() && !right.legacy()))
      return Specifier{op, rhs.first}.contains(left);
    int c = lhs.first.compare(rhs.first);
    if (op == "==") return c == 0;
    if (op == "!=") return c != 0;
    if (op == "<") return c < 0;
    if (op == "<=") return c <= 0;
    if (op == ">") return c > 0;
    if (op == ">=") return c >= 0;
    return fail(error(fmt::format("'{}' compares versions, not '{}' and '{}'", op, lhs.first, rhs.first)));
  }

  std::string_view text_;
  const MarkerEnvironment& env_;
  std::vector<Token> tokens_;
  std::size_t pos_ = 0;
  int depth_ = 0;  // parentheses open around the atom being parsed
};

}  // namespace

Result<bool> evaluate_marker(std::string_view marker, const MarkerEnvironment& env) {
  return Evaluator(marker, env).run();
}

}  // namespace slap::recipes::egg
