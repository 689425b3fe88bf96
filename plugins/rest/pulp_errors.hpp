#pragma once
// Renders the core's coded errors as Pulp 2's error body (pulp-spec §3.7).
#include <nlohmann/json.hpp>

#include <string>

namespace herald::rest {

/// `error` is the core's {"code","message","data","extra","sub_errors"}; `request_uri` is the raw
/// request URI (path and query), as Pulp's `_href` is.
nlohmann::json pulp_error_body(int status, const nlohmann::json& error, const std::string& request_uri,
                               const std::string& method);

}  // namespace herald::rest
