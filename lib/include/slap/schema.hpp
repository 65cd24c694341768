// software.cfg.json, which describes the software types of a release, and the JSON Schemas
// their parameters follow: what `slap instantiate`, the node and the slapconfiguration
// recipe check requests against.
#pragma once

#include <string>

#include "slap/error.hpp"

namespace slap::schema {

// What software.cfg.json says about one software type.
struct SoftwareType {
  std::string name;            // as requested (after aliasing to "software-type" when given)
  std::string request_schema;  // absolute path, "" when none
  bool serialised = false;     // "serialisation": "json-in-xml"
};

// Reads `dir`/software.cfg.json (absent: a "default" type without schema). An unknown
// type is an error listing the known ones.
Result<SoftwareType> software_type(const std::string& dir, const std::string& type);
// The same from a given software.cfg.json file (schemas are relative to its directory).
Result<SoftwareType> software_type_of(const std::string& software_json, const std::string& type);

// Validates parameters (JSON text) against a JSON Schema file ($ref to sibling files
// allowed). Errors are ErrorKind::input naming the JSON path and the rule broken; a schema
// that is not valid JSON Schema is reported as such (file and reason).
Status validate(const std::string& parameters_json, const std::string& schema_file);
// The parameters with the schema's defaults for what they leave out, recursively through
// "properties", "allOf" and "$ref" (as slapos.cookbook:slapconfiguration.jsonschema does).
Result<std::string> with_defaults(const std::string& parameters_json, const std::string& schema_file);

}  // namespace slap::schema
