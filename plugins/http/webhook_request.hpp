#pragma once
// Event → the HTTP request on the wire, as pure functions (tested without sockets).
#include <nlohmann/json.hpp>

#include <string>
#include <utility>
#include <vector>

namespace herald::http {

struct webhook_request {
    std::string url;
    std::string body;
    std::vector<std::pair<std::string, std::string>> headers;  // in sending order

    /// First value of a header, case-insensitively; "" when absent.
    std::string header(const std::string& name) const;
};

/// `config` is the schema-validated listener config; `webhook_id` is stable for this (event,
/// listener) across retries; `timestamp` is this attempt's Unix time in seconds.
webhook_request render_request(const nlohmann::json& config, const std::string& document,
                               const std::string& webhook_id, long long timestamp, const std::string& user_agent);

/// The Host header for a URL's scheme, host and port: the port only when it is not the scheme's
/// default, an IPv6 literal in brackets.
std::string host_header(const std::string& scheme, const std::string& host, unsigned short port);

/// The request's bytes, ready for one send: "POST <target> HTTP/1.1", Host, `r.headers` in order,
/// Content-Length, then the body. `target` is the URL's path and query. Header names and values
/// are the schema's (no CR or LF can reach here).
std::string wire_bytes(const webhook_request& r, const std::string& target, const std::string& host);

}  // namespace herald::http
