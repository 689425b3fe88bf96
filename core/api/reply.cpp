#include "api/reply.hpp"

namespace herald::core {

using nlohmann::json;

reply error_reply(int status, const std::string& code, const std::string& message, json data, json extra,
                  json sub_errors) {
    reply r;
    r.status = status;
    r.body = {{"code", code},
              {"message", message},
              {"data", std::move(data)},
              {"extra", std::move(extra)},
              {"sub_errors", std::move(sub_errors)}};
    return r;
}

reply invalid_properties(const std::vector<std::string>& names, const std::string& detail, json sub_errors) {
    // Python's repr of a list of str, as Pulp prints it: ['event_types']
    std::string repr = "[";
    for (std::size_t i = 0; i < names.size(); ++i) repr += (i ? ", '" : "'") + names[i] + "'";
    repr += "]";
    std::string message = "Invalid properties: " + repr;
    if (!detail.empty()) message += " (" + detail + ")";
    return error_reply(400, "PLP0015", message, {{"property_names", names}, {"properties", repr}},
                       {{"property_names", names}}, std::move(sub_errors));
}

reply missing_resource(const std::string& kind, const std::string& id) {
    json resources = {{kind, id}};
    return error_reply(404, "PLP0009", "Missing resource(s): " + kind + "=" + id, {{"resources", resources}},
                       {{"resources", resources}});
}

reply invalid_json() {
    return error_reply(400, "PLP1009", "The request body does not contain valid JSON", json::object(),
                       {{"args", json::array()}});
}

reply not_an_object() {
    return error_reply(400, "PLP1015", "The JSON data must be of type 'dict'.", {{"data_type", "dict"}},
                       {{"args", json::array()}});
}

reply internal_error(const std::string& what) {
    return error_reply(500, "PLP0000", "Internal server error: " + what, nlohmann::json::object(),
                       nlohmann::json::object());
}

reply internal_error(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        return internal_error(std::string(e.what()));
    } catch (...) {
        return internal_error(std::string("unknown error"));
    }
}

bool parse_object_body(const std::string& body, bool allow_empty, json& out, reply& error) {
    if (body.find_first_not_of(" \t\r\n") == std::string::npos) {
        if (allow_empty) {
            out = json::object();
            return true;
        }
        error = invalid_json();
        return false;
    }
    try {
        out = json::parse(body);
    } catch (const json::exception&) {
        error = invalid_json();
        return false;
    }
    if (!out.is_object()) {
        error = not_an_object();
        return false;
    }
    return true;
}

}  // namespace herald::core
