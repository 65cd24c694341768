// POSIX path string operations with Python os.path semantics. Profiles depend on them
// byte for byte: buildout joins without normalising, so `a/b/../c` must stay as written.
#pragma once

#include <string>
#include <string_view>

namespace slap::path {

bool is_abs(std::string_view p) noexcept;
std::string join(std::string_view a, std::string_view b);  // os.path.join(a, b)
std::string dirname(std::string_view p);                   // os.path.dirname
std::string basename(std::string_view p);                  // os.path.basename
std::string normpath(std::string_view p);                  // os.path.normpath
std::string abspath(std::string_view p, std::string_view cwd);  // os.path.abspath
// os.path.relpath(p, start) for absolute p and start.
std::string relpath(std::string_view p, std::string_view start);

// "scheme://..." as buildout's _isurl: [a-zA-Z0-9+.-]+://
bool is_url(std::string_view s) noexcept;

}  // namespace slap::path
