#pragma once
#include <nlohmann/json.hpp>

#include <optional>
#include <string>

namespace herald::core {

struct listener_record {
    std::string id;
    std::string notifier_type_id;   // as sent (an alias such as "rest-api" is kept)
    nlohmann::json notifier_config = nlohmann::json::object();
    nlohmann::json event_types = nlohmann::json::array();  // as sent (legacy names are kept)
    long long created_ms = 0;
    long long updated_ms = 0;
};

struct event_record {
    std::string id;
    std::string event_type;     // as fired
    std::string canonical_type;
    std::string document;       // {"event_type","payload","call_report"} compact JSON
    long long fired_ms = 0;
};

/// States of one (event, listener) delivery.
namespace delivery_state {
inline constexpr const char* pending = "pending";
inline constexpr const char* delivering = "delivering";
inline constexpr const char* delivered = "delivered";
inline constexpr const char* dead = "dead";
inline constexpr const char* skipped = "skipped";
}  // namespace delivery_state

struct delivery_record {
    std::string id;
    std::string event_id;
    std::string listener_id;
    std::string state = delivery_state::pending;
    int attempts = 0;
    long long next_attempt_ms = 0;
    std::string last_message;
    long long updated_ms = 0;
};

struct attempt_record {
    std::string delivery_id;
    int attempt = 0;
    long long started_ms = 0;
    long long duration_ms = 0;
    std::string outcome;  // ok | retry | failed | gone | skipped
    int status_code = 0;
    std::string message;
    std::string response_excerpt;
};

}  // namespace herald::core
