#include "outcome.hpp"

#include <iostream>

namespace herald::cli {

using nlohmann::json;

namespace {
std::string description(const response& r) {
    if (r.body.is_object() && r.body.contains("error")) return r.body["error"].value("description", "");
    if (r.body.is_object()) return r.body.value("error_message", r.raw);
    return r.raw;
}
}  // namespace

int report_failure(const response& r) {
    if (r.status == 400) {
        std::cerr << description(r) << "\n";
        if (r.body.is_object() && r.body.contains("error"))
            for (const auto& sub : r.body["error"].value("sub_errors", json::array()))
                if (sub.contains("data") && sub["data"].contains("pointer"))
                    std::cerr << "  " << sub["data"]["pointer"].get<std::string>() << ": "
                              << sub["data"].value("message", "") << "\n";
        return data_error;
    }
    if (r.status == 404) {
        std::cerr << "The following resource(s) could not be found:\n";
        json resources = r.body.is_object() ? r.body.value("resources", json::object()) : json::object();
        for (auto it = resources.begin(); it != resources.end(); ++it)
            std::cerr << "  " << (it->is_string() ? it->get<std::string>() : it->dump()) << " (" << it.key() << ")\n";
        return data_error;
    }
    if (r.status == 401) {
        std::cerr << "The specified user does not have permission to execute the given command\n";
        if (!description(r).empty()) std::cerr << "(" << description(r) << ")\n";
        return no_permission;
    }
    std::cerr << "The server answered HTTP " << r.status << ": " << description(r) << "\n";
    return software;
}

}  // namespace herald::cli
