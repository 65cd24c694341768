#include "slap/profile.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_map>
#include <utility>

#include "profile/condition.hpp"
#include "slap/strings.hpp"

namespace slap::profile {

ParsedSection* ParsedFile::find(std::string_view name) {
  return const_cast<ParsedSection*>(std::as_const(*this).find(name));
}

const ParsedSection* ParsedFile::find(std::string_view name) const {
  for (const auto& s : sections)
    if (s.name == name) return &s;
  return nullptr;
}

namespace {

// Characters allowed in a section name: [^\s#[\]:;{}]
bool section_name_char(char c) {
  return !str::is_space(c) && c != '#' && c != '[' && c != ']' && c != ':' && c != ';' &&
         c != '{' && c != '}';
}

// Characters allowed in an option name: [^\s{}[\]=:]
bool option_name_char(char c) {
  return !str::is_space(c) && c != '{' && c != '}' && c != '[' && c != ']' && c != '=' &&
         c != ':';
}

std::size_t skip_space(std::string_view s, std::size_t i) {
  while (i < s.size() && str::is_space(s[i])) ++i;
  return i;
}

struct Header {
  std::string name;
  std::string expression;  // empty: unconditional
};

// section_header regex: \[\s*NAME\s*(:EXPR)?\s*]\s*([#;].*)?$ with EXPR = [^#;]*
bool match_header(std::string_view line, Header& out) {
  if (line.empty() || line[0] != '[') return false;
  std::size_t i = skip_space(line, 1);
  std::size_t start = i;
  while (i < line.size() && section_name_char(line[i])) ++i;
  if (i == start) return false;
  out.name = std::string(line.substr(start, i - start));
  out.expression.clear();
  i = skip_space(line, i);
  std::string_view rest = line.substr(i);
  std::size_t comment = rest.find_first_of("#;");
  std::string_view body = str::rstrip(rest.substr(0, comment == std::string_view::npos ? rest.size() : comment));
  if (!body.empty() && body[0] == ':') {
    // The expression runs up to the last ']' before the comment.
    if (body.size() < 2 || body.back() != ']') return false;
    out.expression = std::string(str::strip(body.substr(1, body.size() - 2)));
    return true;
  }
  return body == "]";
}

// option_start regex: NAME\s*[-+]?=VALUE with NAME = [^\s{}[\]=:]+
bool match_option(std::string_view line, std::string& name, std::string_view& value) {
  std::size_t i = 0;
  while (i < line.size() && option_name_char(line[i])) ++i;
  if (i == 0) return false;
  std::size_t end = i;
  i = skip_space(line, i);
  if (i < line.size() && (line[i] == '+' || line[i] == '-')) ++i;
  if (i >= line.size() || line[i] != '=') return false;
  name = std::string(str::rstrip(line.substr(0, i)));
  (void)end;
  value = line.substr(i + 1);
  return true;
}

// Python's universal newlines: \r\n and lone \r become \n.
std::string normalise_newlines(std::string_view text) {
  if (text.find('\r') == std::string_view::npos) return std::string(text);
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\r') {
      out += '\n';
      if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
    } else {
      out += text[i];
    }
  }
  return out;
}

// zc.buildout post-processing of values that begin with whitespace (block values):
// rstrip, textwrap.dedent, then drop leading blank lines.
std::string finish_block_value(std::string_view value) {
  std::string d = str::dedent(str::rstrip(value));
  std::size_t cut = 0;
  for (std::size_t i = 0; i < d.size() && str::is_space(d[i]); ++i)
    if (d[i] == '\n') cut = i + 1;
  return d.substr(cut);
}

std::uint32_t first_bad_utf8_line(std::string_view text) {
  std::uint32_t line = 1;
  std::size_t start = 0;
  while (start <= text.size()) {
    std::size_t nl = text.find('\n', start);
    std::string_view l = text.substr(start, nl == std::string_view::npos ? std::string_view::npos : nl - start);
    if (!str::valid_utf8(l)) return line;
    if (nl == std::string_view::npos) break;
    start = nl + 1;
    ++line;
  }
  return line;
}

class FileParser {
 public:
  FileParser(const std::string& file, const std::function<Result<bool>(std::string_view, const Location&)>& python)
      : file_(file), python_(python) {}

  Result<ParsedFile> run(std::string_view raw_text) {
    if (!str::valid_utf8(raw_text))
      return fail(Error(ErrorKind::input, "file is not valid UTF-8 text",
                        {file_, static_cast<int>(first_bad_utf8_line(raw_text)), 1})
                      .with_class("UnicodeDecodeError"));
    if (auto nul = raw_text.find('\0'); nul != std::string_view::npos) {
      auto line = static_cast<int>(1 + std::count(raw_text.begin(), raw_text.begin() + static_cast<long>(nul), '\n'));
      return fail(Error(ErrorKind::input, "file contains NUL bytes: not a profile", {file_, line, 1})
                      .with_class("ParsingError"));
    }
    std::string text = normalise_newlines(raw_text);
    std::string_view rest = text;
    std::uint32_t lineno = 0;
    while (!rest.empty()) {
      std::size_t nl = rest.find('\n');
      std::string_view line = rest.substr(0, nl == std::string_view::npos ? rest.size() : nl + 1);
      rest.remove_prefix(line.size());
      ++lineno;
      SLAP_CHECK(line_(line, lineno));
    }
    if (!bad_lines_.empty()) return fail(parse_error());
    for (auto& section : parsed_.sections)
      for (auto& opt : section.options)
        if (!opt.value.empty() && str::is_space(opt.value[0])) opt.value = finish_block_value(opt.value);
    return std::move(parsed_);
  }

 private:
  Status line_(std::string_view line, std::uint32_t lineno) {
    if (line[0] == '#' || line[0] == ';') return {};
    std::string_view content = line.ends_with('\n') ? line.substr(0, line.size() - 1) : line;
    if (str::is_space(line[0]) && current_ && option_) {
      if (!condition_) return {};
      std::string_view piece = block_mode_ ? str::rstrip(content) : str::strip(content);
      if (!block_mode_ && piece.empty()) return {};
      option_->value += '\n';
      option_->value += piece;
      return {};
    }
    Header header;
    if (match_header(content, header)) return header_(header, lineno);
    if (!current_) {
      if (str::strip(content).empty()) return {};
      return fail(Error(ErrorKind::input,
                        fmt::format("line outside of any section (a profile starts with a "
                                    "[section] header): '{}'", content),
                        {file_, static_cast<int>(lineno), 1})
                      .with_class("MissingSectionHeaderError"));
    }
    std::string rewritten;
    if (content.starts_with("=>")) {
      rewritten = "<part-dependencies> = " + std::string(content.substr(2));
      content = rewritten;
    }
    std::string name;
    std::string_view value;
    if (match_option(content, name, value)) {
      if (!condition_) return {};
      set_option_(std::move(name), std::string(str::strip(value)), lineno);
      block_mode_ = option_->value.empty();
      return {};
    }
    if (!option_ && str::strip(content).empty()) return {};
    bad_lines_.emplace_back(lineno, std::string(content));
    return {};
  }

  Status header_(const Header& header, std::uint32_t lineno) {
    condition_ = true;
    if (!header.expression.empty()) {
      Location where{file_, static_cast<int>(lineno), 1};
      auto verdict = eval_condition(header.expression, where);
      // Python has the last word on what the built-in evaluator refuses, as zc.buildout
      // evaluates conditions with eval().
      if (!verdict && python_) {
        // Python's verdict replaces slap's error; where Python cannot be run, slap's stands.
        auto python_verdict = python_(condition_text(header.expression), where);
        if (python_verdict || python_verdict.error().kind == ErrorKind::input) verdict = std::move(python_verdict);
      }
      condition_ = SLAP_TRY(std::move(verdict));
      // A false section is skipped without closing the previous one (as upstream).
      if (!condition_) return {};
    }
    current_ = parsed_.find(header.name);
    if (!current_) {
      parsed_.sections.push_back({header.name, lineno, {}});
      current_ = &parsed_.sections.back();
      option_index_.emplace_back();
    }
    current_index_ = static_cast<std::size_t>(current_ - parsed_.sections.data());
    option_ = nullptr;
    return {};
  }

  void set_option_(std::string name, std::string value, std::uint32_t lineno) {
    auto& index = option_index_[current_index_];
    auto it = index.find(name);
    if (it != index.end()) {
      option_ = &current_->options[it->second];
      option_->value = std::move(value);
      option_->line = lineno;
      return;
    }
    index.emplace(name, current_->options.size());
    current_->options.push_back({std::move(name), std::move(value), lineno});
    option_ = &current_->options.back();
  }

  Error parse_error() const {
    const auto& [line, text] = bad_lines_.front();
    std::string msg = fmt::format("cannot parse line '{}': expected 'option = value', a "
                                  "[section] header, or an indented continuation line",
                                  text);
    for (std::size_t i = 1; i < bad_lines_.size(); ++i)
      msg += fmt::format("\n  also {}:{}: '{}'", file_, bad_lines_[i].first, bad_lines_[i].second);
    return Error(ErrorKind::input, std::move(msg), {file_, static_cast<int>(line), 1})
        .with_class("ParsingError");
  }

  const std::string& file_;
  const std::function<Result<bool>(std::string_view, const Location&)>& python_;
  ParsedFile parsed_;
  // Pointers into parsed_ stay valid: sections are only appended when current_ is reset,
  // and options only when option_ is reset.
  ParsedSection* current_ = nullptr;
  std::size_t current_index_ = 0;
  ParsedOption* option_ = nullptr;
  bool block_mode_ = false;
  bool condition_ = true;
  std::vector<std::unordered_map<std::string, std::size_t>> option_index_;
  std::vector<std::pair<std::uint32_t, std::string>> bad_lines_;
};

}  // namespace

Result<ParsedFile> parse(std::string_view text, const std::string& display_name,
                         const std::function<Result<bool>(std::string_view, const Location&)>& python) {
  return FileParser(display_name, python).run(text);
}

}  // namespace slap::profile
