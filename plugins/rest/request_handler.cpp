#include "request_handler.hpp"

#include "pulp_errors.hpp"
#include "routes.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/URI.h>

#include <istream>

namespace herald::rest {

using nlohmann::json;
using Poco::Net::HTTPResponse;

namespace {

void send(Poco::Net::HTTPServerResponse& response, int status, const std::string& body) {
    response.setStatus(static_cast<HTTPResponse::HTTPStatus>(status));
    if (status == 201) response.setReason("CREATED");
    response.setContentType("application/json; charset=utf-8");
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send().write(body.data(), static_cast<std::streamsize>(body.size()));
}

/// Reads at most limit + 1 bytes; returns false when the body is larger than the limit.
bool read_body(Poco::Net::HTTPServerRequest& request, std::size_t limit, std::string& body) {
    if (request.hasContentLength() && request.getContentLength64() > static_cast<Poco::Int64>(limit)) return false;
    std::istream& in = request.stream();
    char buf[16384];
    while (in) {
        in.read(buf, sizeof buf);
        body.append(buf, static_cast<std::size_t>(in.gcount()));
        if (body.size() > limit) return false;
    }
    return true;
}

}  // namespace

void request_handler::handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const std::string uri = request.getURI();
    const std::string method = request.getMethod();
    const std::string path = Poco::URI(uri).getPath();
    auto error = [&](const sdk::reply& r) {
        json err = r.json();
        send(response, r.status, pulp_error_body(r.status, err, uri, method).dump());
    };
    try {
        const route r = resolve(method, path);
        if (r.what == endpoint::not_found) return send(response, 404, "null");
        if (r.what == endpoint::method_not_allowed) {
            response.set("Allow", r.allow);
            return send(response, 405, "");
        }
        if (r.needs_auth) {
            sdk::reply auth = host_.authorize(request.get("Authorization", ""), r.resource_path, r.operation);
            if (!auth.ok()) return error(auth);
        }
        std::string body;
        if (!read_body(request, settings_.max_body_bytes, body)) {
            response.setKeepAlive(false);  // the rest of the body is not read
            return error({413, json{{"code", "HLD0002"},
                                    {"message", "The request body is larger than server.max_body_bytes (" +
                                                    std::to_string(settings_.max_body_bytes) + " bytes)"},
                                    {"data", {{"max_body_bytes", settings_.max_body_bytes}}},
                                    {"extra", json::object()},
                                    {"sub_errors", json::array()}}
                                  .dump()});
        }
        sdk::reply out;
        switch (r.what) {
            case endpoint::list_listeners: out = host_.list_listeners(); break;
            case endpoint::create_listener: out = host_.create_listener(body); break;
            case endpoint::get_listener: out = host_.get_listener(r.id); break;
            case endpoint::update_listener: out = host_.update_listener(r.id, body); break;
            case endpoint::delete_listener: out = host_.delete_listener(r.id); break;
            case endpoint::fire_event: out = host_.fire_event(body); break;
            case endpoint::get_event_report: out = host_.get_event_report(r.id); break;
            case endpoint::notifier_types: out = host_.notifier_types(); break;
            case endpoint::status: out = host_.status(); break;
            case endpoint::list_deliveries: out = host_.list_deliveries(r.id, Poco::URI(uri).getRawQuery()); break;
            case endpoint::redeliver: out = host_.redeliver(r.id); break;
            case endpoint::redeliver_bulk: out = host_.redeliver_bulk(body); break;
            case endpoint::put_task: out = host_.put_task(r.id, body); break;
            case endpoint::get_task: out = host_.get_task(r.id); break;
            default: return send(response, 404, "null");
        }
        if (!out.ok()) return error(out);
        if (out.status == 201) {
            // Pulp's generate_redirect_response: Location is the new resource's _href.
            json doc = out.json();
            if (doc.is_object() && doc.contains("_href")) response.set("Location", doc["_href"].get<std::string>());
        }
        send(response, out.status, out.body);
    } catch (const std::exception& e) {
        host_.log(sdk::log_level::error, "rest", std::string("request ") + method + " " + uri + " failed: " + e.what());
        if (!response.sent())
            error({500, json{{"code", "PLP0000"}, {"message", e.what()}, {"data", json::object()},
                             {"extra", json::object()}, {"sub_errors", json::array()}}
                            .dump()});
    }
}

}  // namespace herald::rest
