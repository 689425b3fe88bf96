#include "webhook_request.hpp"

#include "signature.hpp"

#include <herald_http1/message_head.hpp>

#include <Poco/Base64Encoder.h>

#include <sstream>

namespace herald::http {

namespace {

// Headers Herald owns: a listener's extra headers may not replace them.
bool reserved(const std::string& name) {
    for (const char* r : {"content-type", "content-length", "user-agent", "authorization", "host", "connection",
                          "webhook-id", "webhook-timestamp", "webhook-signature"})
        if (herald::http1::iequals(name, r)) return true;
    return false;
}

std::string basic_auth(const std::string& user, const std::string& password) {
    std::ostringstream out;
    Poco::Base64Encoder enc(out);
    enc.rdbuf()->setLineLength(0);
    enc << user << ":" << password;
    enc.close();
    return "Basic " + out.str();
}

}  // namespace

std::string webhook_request::header(const std::string& name) const {
    for (const auto& [k, v] : headers)
        if (herald::http1::iequals(k, name)) return v;
    return {};
}

webhook_request render_request(const nlohmann::json& config, const std::string& document,
                               const std::string& webhook_id, long long timestamp, const std::string& user_agent) {
    webhook_request r;
    r.url = config.at("url").get<std::string>();
    r.body = document;
    r.headers.emplace_back("Content-Type", "application/json");
    r.headers.emplace_back("User-Agent", user_agent);
    // Pulp: Basic auth only when both username and password are set.
    if (config.contains("username") && config.contains("password"))
        r.headers.emplace_back("Authorization",
                               basic_auth(config["username"].get<std::string>(), config["password"].get<std::string>()));
    if (auto secret = config.find("secret"); secret != config.end()) {
        std::vector<std::string> secrets;
        if (secret->is_array()) secrets = secret->get<std::vector<std::string>>();
        else secrets.push_back(secret->get<std::string>());
        r.headers.emplace_back("webhook-id", webhook_id);
        r.headers.emplace_back("webhook-timestamp", std::to_string(timestamp));
        r.headers.emplace_back("webhook-signature", signature_header(secrets, webhook_id, timestamp, document));
    }
    if (auto extra = config.find("headers"); extra != config.end())
        for (auto it = extra->begin(); it != extra->end(); ++it)
            if (!reserved(it.key())) r.headers.emplace_back(it.key(), it->get<std::string>());
    return r;
}

std::string host_header(const std::string& scheme, const std::string& host, unsigned short port) {
    std::string out = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    const bool default_port = (scheme == "http" && port == 80) || (scheme == "https" && port == 443);
    if (!default_port) out += ":" + std::to_string(port);
    return out;
}

std::string wire_bytes(const webhook_request& r, const std::string& target, const std::string& host) {
    std::string out;
    std::size_t size = 64 + target.size() + host.size() + r.body.size();
    for (const auto& [name, value] : r.headers) size += name.size() + value.size() + 4;
    out.reserve(size);
    out.append("POST ").append(target).append(" HTTP/1.1\r\nHost: ").append(host).append("\r\n");
    for (const auto& [name, value] : r.headers) out.append(name).append(": ").append(value).append("\r\n");
    out.append("Content-Length: ").append(std::to_string(r.body.size())).append("\r\n\r\n");
    out.append(r.body);
    return out;
}

}  // namespace herald::http
