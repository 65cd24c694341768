// XML-RPC, the subset supervisord speaks (Python's xmlrpc.client): calls with string,
// integer, boolean, array and struct parameters; responses holding one value or a fault.
// Values are JSON values: string, integer, boolean, double, array, object, null (<nil/>);
// dateTime.iso8601 and base64 read as strings.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "slap/error.hpp"

namespace slap::supervisor::xmlrpc {

using Value = nlohmann::json;

// The body of a methodCall.
std::string call(std::string_view method, const std::vector<Value>& params);

struct Response {
  Value value;
  bool fault = false;  // then value is {"faultCode": N, "faultString": "..."}
};

// Parses a methodResponse; malformed XML is an ErrorKind::io error saying where.
Result<Response> parse_response(std::string_view xml);

}  // namespace slap::supervisor::xmlrpc
