#include "api_handler.hpp"

#include "pulp_errors.hpp"

#include <Poco/URI.h>

namespace herald::rest {

using nlohmann::json;

namespace {

api_answer plain(int status, std::string body) {
    api_answer a;
    a.status = status;
    a.body = std::move(body);
    return a;
}

/// A coded error as the host gives them, for the answers the plugin makes itself.
sdk::reply coded(int status, const char* code, const std::string& message, json data = json::object()) {
    return {status, json{{"code", code},
                         {"message", message},
                         {"data", std::move(data)},
                         {"extra", json::object()},
                         {"sub_errors", json::array()}}
                        .dump()};
}

api_answer error(const std::string& method, const std::string& uri, const sdk::reply& r) {
    return plain(r.status, pulp_error_body(r.status, r.json(), uri, method).dump());
}

api_answer answer_of(const std::string& method, const std::string& uri, const sdk::reply& out) {
    if (!out.ok()) return error(method, uri, out);
    api_answer a = plain(out.status, out.body);
    if (out.status == 201) {
        // Pulp's generate_redirect_response: Location is the new resource's _href.
        json doc = out.json();
        if (doc.is_object() && doc.contains("_href")) a.headers.emplace_back("Location", doc["_href"].get<std::string>());
    }
    return a;
}

}  // namespace

api_answer api_handler::overloaded(const std::string& method, const std::string& uri) const {
    api_answer a = error(method, uri,
                         coded(503, "HLD0003",
                               "The server is overloaded: server.max_queued requests are already waiting for a "
                               "thread; retry later"));
    a.headers.emplace_back("Retry-After", "1");
    return a;
}

std::string api_handler::path_of(const std::string& uri) { return Poco::URI(uri).getPath(); }

sdk::reply api_handler::call(const api_request& req, const route& r) const {
    const std::string& body = req.body;
    switch (r.what) {
        case endpoint::list_listeners: return host_.list_listeners();
        case endpoint::create_listener: return host_.create_listener(body);
        case endpoint::get_listener: return host_.get_listener(r.id);
        case endpoint::update_listener: return host_.update_listener(r.id, body);
        case endpoint::delete_listener: return host_.delete_listener(r.id);
        case endpoint::fire_event: return host_.fire_event(body);
        case endpoint::get_event_report: return host_.get_event_report(r.id);
        case endpoint::notifier_types: return host_.notifier_types();
        case endpoint::status: return host_.status();
        case endpoint::list_deliveries: return host_.list_deliveries(r.id, Poco::URI(req.uri).getRawQuery());
        case endpoint::redeliver: return host_.redeliver(r.id);
        case endpoint::redeliver_bulk: return host_.redeliver_bulk(body);
        case endpoint::put_task: return host_.put_task(r.id, body);
        case endpoint::get_task: return host_.get_task(r.id);
        default: return {404, "null"};
    }
}

void api_handler::handle(const api_request& req, const route& r, const answer_fn& answer, bool async_fire) const {
    api_answer a;
    try {
        if (!respond(req, r, a)) {
            if (r.what == endpoint::fire_event && async_fire) {
                // The answer may come after the caller's request is gone: it keeps what it needs.
                host_.fire_event_async(req.body, [uri = req.uri, method = req.method, answer](sdk::reply out) {
                    answer(answer_of(method, uri, out));
                });
                return;
            }
            a = answer_of(req.method, req.uri, call(req, r));
        }
    } catch (const std::exception& e) {
        host_.log(sdk::log_level::error, "rest", "request " + req.method + " " + req.uri + " failed: " + e.what());
        a = error(req.method, req.uri, coded(500, "PLP0000", e.what()));
    }
    answer(std::move(a));
}

bool api_handler::respond(const api_request& req, const route& r, api_answer& a) const {
    if (r.what == endpoint::not_found) {
        a = plain(404, "null");
        return true;
    }
    if (r.what == endpoint::method_not_allowed) {
        a = plain(405, "");
        a.headers.emplace_back("Allow", r.allow);
        return true;
    }
    if (r.needs_auth) {
        sdk::reply auth = host_.authorize(req.authorization, r.resource_path, r.operation);
        if (!auth.ok()) {
            a = error(req.method, req.uri, auth);
            return true;
        }
    }
    if (req.body_too_large) {
        const std::size_t limit = settings_.max_body_bytes;
        a = error(req.method, req.uri,
                  coded(413, "HLD0002",
                        "The request body is larger than server.max_body_bytes (" + std::to_string(limit) + " bytes)",
                        {{"max_body_bytes", limit}}));
        a.close = true;  // the rest of the body is not read
        return true;
    }
    return false;
}

}  // namespace herald::rest
