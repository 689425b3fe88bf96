#include "pulp_errors.hpp"

namespace herald::rest {

using nlohmann::json;

json pulp_error_body(int status, const json& error, const std::string& request_uri, const std::string& method) {
    const std::string message = error.value("message", "");
    json body = {{"_href", request_uri},
                 {"http_status", status},
                 {"http_request_method", method},
                 {"error_message", message},
                 {"exception", status == 500 ? json::array({message}) : json()},
                 {"traceback", status == 500 ? json::array() : json()}};
    if (auto extra = error.find("extra"); extra != error.end() && extra->is_object())
        for (auto it = extra->begin(); it != extra->end(); ++it) body[it.key()] = *it;
    body["error"] = {{"code", error.value("code", "PLP0000")},
                     {"description", message},
                     {"data", error.value("data", json::object())},
                     {"sub_errors", error.value("sub_errors", json::array())}};
    return body;
}

}  // namespace herald::rest
