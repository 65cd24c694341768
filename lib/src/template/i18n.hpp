// jinja2.ext.i18n (Options::i18n): the `_` global and, once translations are installed, the
// gettext functions of install_null_translations(), old style or new style. The
// {% trans %} tag is parsed in i18n.cpp too (Parser::parse_trans).
#pragma once

#include "slap/template.hpp"

namespace slap::tmpl {

// `globals` with what the extension and the installed translations add under `mode`
// (Options::I18n::off: `globals` as they are).
Dict with_i18n_globals(const Dict& globals, Options::I18n mode);

}  // namespace slap::tmpl
