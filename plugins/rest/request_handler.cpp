#include "request_handler.hpp"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <istream>

namespace herald::rest {

using Poco::Net::HTTPResponse;

namespace {

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
    api_request req;
    req.method = request.getMethod();
    req.uri = request.getURI();
    req.authorization = request.get("Authorization", "");
    const route r = resolve(req.method, api_handler::path_of(req.uri));
    // The body is read only for a route that exists: Pulp answers 404/405 without it.
    if (r.what != endpoint::not_found && r.what != endpoint::method_not_allowed &&
        !read_body(request, api_.settings().max_body_bytes, req.body)) {
        req.body.clear();
        req.body_too_large = true;
    }
    api_answer a;
    api_.handle(req, r, [&a](api_answer x) { a = std::move(x); }, false);
    response.setStatus(static_cast<HTTPResponse::HTTPStatus>(a.status));
    if (a.status == 201) response.setReason("CREATED");
    for (const auto& [name, value] : a.headers) response.set(name, value);
    if (a.close) response.setKeepAlive(false);
    response.setContentType("application/json; charset=utf-8");
    response.setContentLength(static_cast<std::streamsize>(a.body.size()));
    response.send().write(a.body.data(), static_cast<std::streamsize>(a.body.size()));
}

}  // namespace herald::rest
