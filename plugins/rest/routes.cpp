#include "routes.hpp"

#include <vector>

namespace herald::rest {

namespace {

const std::string k_prefix = "/pulp/api";

std::vector<std::string> segments(const std::string& path) {
    std::vector<std::string> out;
    std::size_t start = 0;
    while (start < path.size()) {
        auto slash = path.find('/', start);
        if (slash == std::string::npos) slash = path.size();
        if (slash > start) out.push_back(path.substr(start, slash - start));
        start = slash + 1;
    }
    return out;
}

route pick(const std::string& method, route r, std::initializer_list<std::pair<const char*, endpoint>> allowed,
           std::initializer_list<herald_operation> ops) {
    auto op = ops.begin();
    std::string allow;
    for (const auto& [m, e] : allowed) {
        if (method == m) {
            r.what = e;
            r.operation = *op;
            return r;
        }
        allow += (allow.empty() ? "" : ", ") + std::string(m);
        ++op;
    }
    r.what = endpoint::method_not_allowed;
    r.allow = allow;
    return r;
}

}  // namespace

route resolve(const std::string& method, const std::string& path) {
    route r;
    if (path.compare(0, k_prefix.size(), k_prefix) != 0) return r;
    const std::string rest = path.substr(k_prefix.size());
    // Pulp's URL patterns all end in "/"; a path without it is not one of them.
    if (rest.empty() || rest.back() != '/' || rest.find("//") != std::string::npos) return r;
    const auto s = segments(rest);
    r.resource_path = rest;
    if (s.size() < 2 || s[0] != "v2") return r;
    const std::string& res = s[1];
    if (res == "events" && s.size() == 2)
        return pick(method, r, {{"GET", endpoint::list_listeners}, {"POST", endpoint::create_listener}},
                    {HERALD_OP_READ, HERALD_OP_CREATE});
    if (res == "events" && s.size() == 3) {
        r.id = s[2];
        return pick(method, r,
                    {{"GET", endpoint::get_listener}, {"PUT", endpoint::update_listener},
                     {"DELETE", endpoint::delete_listener}},
                    {HERALD_OP_READ, HERALD_OP_UPDATE, HERALD_OP_DELETE});
    }
    if (res == "events" && s.size() == 4 && s[3] == "deliveries") {
        r.id = s[2];
        return pick(method, r, {{"GET", endpoint::list_deliveries}}, {HERALD_OP_READ});
    }
    if (res == "deliveries" && s.size() == 3 && s[2] == "redeliver")
        return pick(method, r, {{"POST", endpoint::redeliver_bulk}}, {HERALD_OP_EXECUTE});
    if (res == "deliveries" && s.size() == 4 && s[3] == "redeliver") {
        r.id = s[2];
        return pick(method, r, {{"POST", endpoint::redeliver}}, {HERALD_OP_EXECUTE});
    }
    if (res == "tasks" && s.size() == 3) {
        r.id = s[2];
        return pick(method, r, {{"GET", endpoint::get_task}, {"PUT", endpoint::put_task}},
                    {HERALD_OP_READ, HERALD_OP_UPDATE});
    }
    if (res == "event_reports" && s.size() == 2)
        return pick(method, r, {{"POST", endpoint::fire_event}}, {HERALD_OP_CREATE});
    if (res == "event_reports" && s.size() == 3) {
        r.id = s[2];
        return pick(method, r, {{"GET", endpoint::get_event_report}}, {HERALD_OP_READ});
    }
    if (res == "notifier_types" && s.size() == 2)
        return pick(method, r, {{"GET", endpoint::notifier_types}}, {HERALD_OP_READ});
    if (res == "status" && s.size() == 2) {
        r.needs_auth = false;  // like Pulp's status endpoint
        return pick(method, r, {{"GET", endpoint::status}}, {HERALD_OP_READ});
    }
    return r;
}

}  // namespace herald::rest
