#pragma once
// What every core service answers: an HTTP-like status and a JSON body. Errors carry Pulp's
// coded-exception fields so the REST plugin can render Pulp's exact error body.
#include <nlohmann/json.hpp>

#include <exception>
#include <string>

namespace herald::core {

struct reply {
    int status = 200;
    nlohmann::json body;
    /// The body already rendered, for answers on a hot path (a fire's 202, once per event):
    /// building the json object and dumping it cost more than the rest of the answer. When set,
    /// `body` is not used.
    std::string rendered;
};

/// Pulp's coded error: `message` is str(exception); `data` goes into error.data; `extra` holds the
/// keys Pulp merges into the top level of the body (they differ from `data` for some codes).
reply error_reply(int status, const std::string& code, const std::string& message, nlohmann::json data,
                  nlohmann::json extra, nlohmann::json sub_errors = nlohmann::json::array());

/// 400 PLP0015 "Invalid properties: ['x']".
reply invalid_properties(const std::vector<std::string>& names, const std::string& detail = {},
                         nlohmann::json sub_errors = nlohmann::json::array());
/// 404 PLP0009 "Missing resource(s): kind=id".
reply missing_resource(const std::string& kind, const std::string& id);
/// 400 PLP1009: the body is not JSON.
reply invalid_json();
/// 400 PLP1015: the body is JSON but not an object.
reply not_an_object();

/// 500 PLP0000 "Internal server error: <what>".
reply internal_error(const std::string& what);
/// The same for a caught exception: its what() if it is a std::exception.
reply internal_error(std::exception_ptr error);

/// Parses a request body that must be a JSON object; an empty body is {} when allow_empty.
/// Returns false and fills `error` on failure.
bool parse_object_body(const std::string& body, bool allow_empty, nlohmann::json& out, reply& error);

}  // namespace herald::core
