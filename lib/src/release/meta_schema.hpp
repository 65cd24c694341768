// The JSON Schema draft-07 meta-schema, against which lint checks every schema a
// software.cfg.json references.
#pragma once

#include <string_view>

namespace slap::release {

// Without "$id"/"$schema", so that validating with it never tries to fetch anything.
extern const std::string_view draft7_meta_schema;

}  // namespace slap::release
