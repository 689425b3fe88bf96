#pragma once
// The REST API's logic: route a request, authorize it through the host, call the host and write
// the answer in Pulp's shapes. Transport-neutral (api_exchange.hpp); fires may be answered
// asynchronously so that an event loop never waits for a commit.
#include "api_exchange.hpp"
#include "routes.hpp"

#include <herald/sdk.hpp>

#include <functional>

namespace herald::rest {

struct handler_settings {
    std::size_t max_body_bytes = 1 << 20;
};

class api_handler {
public:
    using answer_fn = std::function<void(api_answer)>;

    api_handler(const sdk::host& host, handler_settings settings) : host_(host), settings_(settings) {}

    const handler_settings& settings() const { return settings_; }

    /// Answers `req`: calls `answer` exactly once, before returning — except a fire with
    /// `async_fire` set, whose answer comes from the host's committing thread once the event is
    /// durable (or at once when it is refused). `r` is resolve(req.method, path of req.uri).
    void handle(const api_request& req, const route& r, const answer_fn& answer, bool async_fire) const;

    /// 503 in Pulp's error shape, with Retry-After: every worker is busy and the queue is full.
    api_answer overloaded(const std::string& method, const std::string& uri) const;

    /// The path of a request URI, without its query string.
    static std::string path_of(const std::string& uri);

private:
    /// The answers given before the host is called — route, authorization, body size — into
    /// `a`; false when the request passed them all.
    bool respond(const api_request& req, const route& r, api_answer& a) const;
    sdk::reply call(const api_request& req, const route& r) const;

    sdk::host host_;
    handler_settings settings_;
};

}  // namespace herald::rest
