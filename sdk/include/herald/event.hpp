#pragma once
#include <herald/abi.h>
#include <herald/version.hpp>

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string_view>

HERALD_SDK_NAMESPACE_BEGIN

/// One event on its way to one listener. Views are valid during `deliver` only.
struct event {
    std::string_view id;           ///< event report id
    std::string_view delivery_id;  ///< stable across retries of this (event, listener)
    std::string_view listener_id;
    std::string_view type;         ///< canonical event type
    std::string_view document;     ///< {"event_type","payload","call_report"}, compact JSON
    const nlohmann::json& config;  ///< the listener's notifier_config, schema-validated
    std::uint32_t attempt = 1;
    std::int64_t fired_at_ms = 0;

    /// The short listener id used in log prefixes: "[http:5f0c1a2b]".
    std::string_view short_listener() const { return listener_id.substr(0, 8); }
};

HERALD_SDK_NAMESPACE_END
