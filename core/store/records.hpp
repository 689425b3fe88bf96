#pragma once
#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace herald::core {

struct listener_record {
    std::string id;
    std::string notifier_type_id;   // as sent (an alias such as "rest-api" is kept)
    nlohmann::json notifier_config = nlohmann::json::object();
    nlohmann::json event_types = nlohmann::json::array();  // as sent (legacy names are kept)
    bool enabled = true;                    // false after the receiver said "gone" (HTTP 410)
    nlohmann::json retry_schedule_ms;       // null = the server's delivery.retry_schedule_ms
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
    std::string listener_id;     // empty for system deliveries (task-status messages)
    std::string notifier_type_id;  // system deliveries only: the plugin to use…
    std::string config;            // …and its config (compact JSON)
    std::string state = delivery_state::pending;
    int attempts = 0;
    long long next_attempt_ms = 0;
    std::string last_message;
    long long created_ms = 0;
    long long updated_ms = 0;
};

/// Which deliveries a bulk redelivery or a listing selects; empty fields select everything.
struct delivery_filter {
    std::string delivery_id;
    std::string listener_id;
    std::string state;
    std::string event_type;   // canonical
    long long since_ms = 0;   // fired at or after
    long long until_ms = 0;   // fired before (0 = no bound)
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

/// An event with its deliveries, and an attempt with its delivery's new state: what one group
/// commit writes, many at a time.
using event_with_deliveries = std::pair<event_record, std::vector<delivery_record>>;
using attempt_with_state = std::pair<attempt_record, delivery_record>;

/// One change to the outbox as the writer queues it: a fire (an event and its deliveries, owned
/// by the caller, who waits for the commit) or finished attempts (owned here: nobody waits).
struct outbox_change {
    const event_with_deliveries* fire = nullptr;
    std::vector<attempt_with_state> attempts;
};

}  // namespace herald::core
