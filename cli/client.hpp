#pragma once
// The REST client: one request to /pulp/api/v2/…, the answer as status + JSON.
#include "settings.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>
#include <string>

namespace herald::cli {

/// The server could not be reached at all; what() is one line for the user.
class unreachable : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct response {
    int status = 0;
    nlohmann::json body;
    std::string raw;
};

class client {
public:
    explicit client(settings s) : s_(std::move(s)) {}
    /// `path` is relative to /pulp/api/v2/, e.g. "events/". Throws unreachable.
    response request(const std::string& method, const std::string& path, const nlohmann::json* body = nullptr) const;
    const settings& config() const { return s_; }

private:
    settings s_;
};

}  // namespace herald::cli
