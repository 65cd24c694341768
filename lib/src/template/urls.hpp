// urllib.parse as templates use it: quote/unquote (+ _plus), urlencode, urlparse/urlsplit
// results with their attributes, parse_qs/parse_qsl.
#pragma once

#include <string>
#include <string_view>

#include "slap/template.hpp"

namespace slap::tmpl {

// Percent-encodes the UTF-8 bytes of `s` except letters, digits, "_.-~" and `safe`.
std::string url_quote(std::string_view s, std::string_view safe);

// The urllib.parse module object.
Value urllib_parse_module();

}  // namespace slap::tmpl
