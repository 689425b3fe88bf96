#pragma once
#include <nlohmann/json.hpp>

namespace herald::core {

/// JSON Schema of the configuration sections the core owns (database, plugins, logging, auth,
/// events, delivery). Plugins declare their own sections (server, email, messaging, …).
const nlohmann::json& core_config_schema();

/// Pulp's four event types: the default for events.types.
const nlohmann::json& default_event_types();

}  // namespace herald::core
