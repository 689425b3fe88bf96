#pragma once
// Event → the HTTP request on the wire, as a pure function (tested without sockets).
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

}  // namespace herald::http
