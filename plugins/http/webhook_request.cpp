#include "webhook_request.hpp"

#include "signature.hpp"

#include <Poco/Base64Encoder.h>

#include <algorithm>
#include <cctype>
#include <sstream>

namespace herald::http {

namespace {

bool iequals(const std::string& a, const std::string& b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
               return std::tolower(static_cast<unsigned char>(x)) == std::tolower(static_cast<unsigned char>(y));
           });
}

// Headers Herald owns: a listener's extra headers may not replace them.
bool reserved(const std::string& name) {
    for (const char* r : {"content-type", "content-length", "user-agent", "authorization", "host", "connection",
                          "webhook-id", "webhook-timestamp", "webhook-signature"})
        if (iequals(name, r)) return true;
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
        if (iequals(k, name)) return v;
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

}  // namespace herald::http
