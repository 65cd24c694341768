// Python's text conventions: repr() of strings and floats, str()/repr() of any value,
// string-literal escapes, and UTF-8 code point helpers (Python indexes strings by code
// point; slap keeps them as UTF-8).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "slap/template.hpp"

namespace slap::tmpl {

std::string string_repr(std::string_view s);
std::string float_repr(double d);
// Decodes the body of a Python string literal; on a bad escape sets `error`.
std::string unescape_python(std::string_view raw, std::string& error);

void append_str(std::string& out, const Value& v);
void append_repr(std::string& out, const Value& v);

// str.lower() / str.upper() for Latin, Greek and Cyrillic letters (ß uppercases to SS);
// other scripts are left unchanged.
std::string py_lower(std::string_view s);
std::string py_upper(std::string_view s);

bool is_ascii(std::string_view s) noexcept;
std::size_t code_point_count(std::string_view s) noexcept;
// Code point at byte offset i (advanced past it); invalid bytes decode as themselves.
std::uint32_t next_code_point(std::string_view s, std::size_t& i) noexcept;
void append_code_point(std::string& out, std::uint32_t cp);
// Byte offsets of each code point start, plus s.size() at the end.
std::vector<std::size_t> code_point_offsets(std::string_view s);

}  // namespace slap::tmpl
