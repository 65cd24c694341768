#include "release/profile_text.hpp"

#include <fmt/format.h>
#include <sys/stat.h>

#include <climits>
#include <cstdlib>
#include <memory>

#include "slap/fs.hpp"
#include "slap/strings.hpp"

namespace slap::release {

namespace {

std::vector<std::string> split_lines(std::string_view text) {
  std::vector<std::string> lines;
  std::size_t start = 0;
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '\n' && text[i] != '\r') continue;
    if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
    lines.emplace_back(text.substr(start, i + 1 - start));
    start = i + 1;
  }
  if (start < text.size()) lines.emplace_back(text.substr(start));
  return lines;
}

std::string_view content_of(std::string_view line) {
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.remove_suffix(1);
  return line;
}

bool is_comment(std::string_view line) { return !line.empty() && (line[0] == '#' || line[0] == ';'); }

// The parser appends a line starting with whitespace (blank ones included) to the open
// option.
bool is_continuation(std::string_view line) { return !line.empty() && str::is_space(line[0]); }

bool option_name_char(char c) {
  return !str::is_space(c) && c != '{' && c != '}' && c != '[' && c != ']' && c != '=' && c != ':';
}

// Position of the '=' of "NAME [+-]= value" when NAME is `option`, else npos.
std::size_t assignment_of(std::string_view line, std::string_view option) {
  std::size_t i = 0;
  while (i < line.size() && option_name_char(line[i])) ++i;
  if (line.substr(0, i) != option) return std::string_view::npos;
  while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
  if (i < line.size() && (line[i] == '+' || line[i] == '-')) ++i;
  return i < line.size() && line[i] == '=' ? i : std::string_view::npos;
}

bool is_word_boundary(std::string_view s, std::size_t pos) {
  return pos >= s.size() || str::is_space(s[pos]);
}

}  // namespace

ProfileText::ProfileText(std::string name, std::string_view text)
    : lines_(split_lines(text)), name_(std::move(name)) {
  original_ = lines_;
  eol_ = lines_.empty() ? "\n" : std::string(terminator(0));
  if (eol_.empty()) eol_ = "\n";
}

std::string ProfileText::text() const {
  std::string out;
  for (const auto& l : lines_) out += l;
  return out;
}

Error ProfileText::error(std::uint32_t line, std::string message) const {
  return Error(ErrorKind::input, std::move(message), {name_, static_cast<int>(line), 1});
}

std::string_view ProfileText::terminator(std::size_t index) const {
  std::string_view l = original_[index];
  return l.substr(content_of(l).size());
}

Status ProfileText::check_option(std::uint32_t line, std::string_view option) const {
  if (line == 0 || line > original_.size())
    return fail(error(line, fmt::format("no line {} (the file has {} lines)", line, original_.size())));
  if (assignment_of(original_[line - 1], option) == std::string_view::npos)
    return fail(error(line, fmt::format("expected option '{}' here, found '{}'", option,
                                        content_of(original_[line - 1]))));
  return {};
}

std::size_t ProfileText::option_end(std::size_t index) const {
  std::size_t last = index;
  for (std::size_t k = index + 1; k < original_.size(); ++k) {
    const std::string& l = original_[k];
    if (is_comment(l)) continue;
    if (!is_continuation(l)) break;
    if (!str::strip(l).empty()) last = k;
  }
  return last;
}

void ProfileText::append_line(std::size_t index, std::string_view option, std::string_view value) {
  std::string& target = lines_[index];
  std::string_view eol = terminator(index);
  if (eol.empty()) eol = eol_;
  if (!target.empty() && content_of(target).size() == target.size()) target += eol_;
  target += fmt::format("{} = {}{}", option, value, eol);
  changed_ = true;
}

Status ProfileText::set_value(std::uint32_t line, std::string_view option, std::string_view value) {
  SLAP_CHECK(check_option(line, option));
  std::size_t index = line - 1;
  std::string_view original = original_[index];
  std::string_view content = content_of(original);
  std::size_t eq = assignment_of(original, option);
  std::size_t value_start = eq + 1;
  while (value_start < content.size() && (content[value_start] == ' ' || content[value_start] == '\t'))
    ++value_start;
  std::string spacing(content.substr(eq + 1, value_start - eq - 1));
  if (spacing.empty() && !value.empty()) spacing = " ";
  std::string updated = fmt::format("{}{}{}{}", content.substr(0, eq + 1), spacing, value, terminator(index));
  std::size_t end = option_end(index);
  bool differs = updated != lines_[index] || end > index;
  lines_[index] = std::move(updated);
  for (std::size_t k = index + 1; k <= end; ++k)
    if (!is_comment(original_[k])) lines_[k].clear();
  changed_ = changed_ || differs;
  return {};
}

Status ProfileText::insert_after(std::uint32_t line, std::string_view existing, std::string_view option,
                                 std::string_view value) {
  SLAP_CHECK(check_option(line, existing));
  append_line(option_end(line - 1), option, value);
  return {};
}

Status ProfileText::insert_in_section(std::uint32_t header_line, std::string_view option, std::string_view value) {
  if (header_line == 0 || header_line > original_.size() || !original_[header_line - 1].starts_with('['))
    return fail(error(header_line, "expected a [section] header here"));
  std::size_t last = header_line - 1;
  for (std::size_t k = header_line; k < original_.size() && !original_[k].starts_with('['); ++k)
    if (!str::strip(original_[k]).empty()) last = k;
  append_line(last, option, value);
  return {};
}

Status ProfileText::replace_word(std::uint32_t line, std::string_view option, std::string_view word,
                                 std::string_view replacement) {
  SLAP_CHECK(check_option(line, option));
  std::size_t index = line - 1;
  std::size_t end = option_end(index);
  for (std::size_t k = index; k <= end; ++k) {
    if (k > index && is_comment(original_[k])) continue;
    std::string& text = lines_[k];
    std::size_t from = k == index ? assignment_of(text, option) + 1 : 0;
    for (std::size_t pos = text.find(word, from); pos != std::string::npos; pos = text.find(word, pos + 1)) {
      if ((pos > 0 && !str::is_space(text[pos - 1]) && pos != from) || !is_word_boundary(text, pos + word.size()))
        continue;
      text.replace(pos, word.size(), replacement);
      changed_ = true;
      return {};
    }
  }
  return fail(error(line, fmt::format("option '{}' has no entry '{}'", option, word)));
}

Status rewrite_file(const std::string& path, std::string_view text) {
  std::unique_ptr<char, decltype(&std::free)> real(::realpath(path.c_str(), nullptr), &std::free);
  std::string target = real ? real.get() : path;
  struct stat st {};
  unsigned mode = ::stat(target.c_str(), &st) == 0 ? (st.st_mode & 07777) : 0644;
  return fs::write_atomic(target, text, mode);
}

}  // namespace slap::release
